import Foundation
import Synchronization

/// SplitMix64: small, fast and fully determined by its seed, so `--seed` makes runs repeatable.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

/// The engine's one source of randomness (request ids, image ids), shared across threads.
public final class RandomSource: Sendable {
    private let generator: Mutex<SeededGenerator>

    /// - Parameter seed: `nil` seeds from the system's generator.
    public init(seed: UInt64?) {
        var system = SystemRandomNumberGenerator()
        generator = Mutex(SeededGenerator(seed: seed ?? system.next()))
    }

    public func next() -> UInt64 { generator.withLock { $0.next() } }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `prefix` then `count` lowercase hexadecimal digits (a generator draw gives 16 of them,
    /// lowest nibble first), built in one string under one lock.
    public func hex(_ count: Int, prefix: String = "") -> String {
        var text = prefix
        text.reserveCapacity(prefix.utf8.count + count)
        generator.withLock { generator in
            var bits: UInt64 = 0
            for index in 0..<count {
                if index % 16 == 0 { bits = generator.next() }
                text.unicodeScalars.append(Unicode.Scalar(Self.hexDigits[Int(bits & 0xF)]))
                bits >>= 4
            }
        }
        return text
    }

    /// `prefix` then `count` letters and digits, one generator draw each.
    public func alphanumeric(_ count: Int, prefix: String = "") -> String {
        var text = prefix
        text.reserveCapacity(prefix.utf8.count + count)
        generator.withLock { generator in
            for _ in 0..<count {
                text.unicodeScalars.append(Unicode.Scalar(Self.alphanumerics[Int(generator.next() % UInt64(Self.alphanumerics.count))]))
            }
        }
        return text
    }
}

/// Where the engine reads the time: the system clock in the server, a manual one in tests.
public protocol MockClock: Sendable {
    /// Seconds since 1970 (for `created`) and for expiry of image URLs.
    func now() -> Double
}

public struct SystemClock: MockClock {
    public init() {}
    public func now() -> Double {
        Date().timeIntervalSince1970
    }
}

/// A clock that only moves when told to.
public final class ManualClock: MockClock {
    private let time: Mutex<Double>

    public init(now: Double = 1_763_700_000) { time = Mutex(now) }

    public func now() -> Double { time.withLock { $0 } }

    public func advance(by seconds: Double) { time.withLock { $0 += seconds } }
}
