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

    /// Starts the sequence again from `seed`, or from a fresh system draw when `nil`.
    public func reseed(_ seed: UInt64?) {
        var system = SystemRandomNumberGenerator()
        let start = seed ?? system.next()
        generator.withLock { $0 = SeededGenerator(seed: start) }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)

    /// `prefix` then `count` lowercase hexadecimal digits (a generator draw gives 16 of them,
    /// lowest nibble first), drawn under one lock.
    public func hex(_ count: Int, prefix: String = "") -> String {
        Self.identifier(prefix: prefix, count: count) { append in
            generator.withLock { generator in
                var bits: UInt64 = 0
                for index in 0..<count {
                    if index % 16 == 0 { bits = generator.next() }
                    append(Self.hexDigits[Int(bits & 0xF)])
                    bits >>= 4
                }
            }
        }
    }

    /// `prefix` then `count` letters and digits, one generator draw each.
    public func alphanumeric(_ count: Int, prefix: String = "") -> String {
        Self.identifier(prefix: prefix, count: count) { append in
            generator.withLock { generator in
                for _ in 0..<count {
                    append(Self.alphanumerics[Int(generator.next() % UInt64(Self.alphanumerics.count))])
                }
            }
        }
    }

    /// Room for the identifiers the engine makes (`req_` + 32, `img-` + 24) on the stack.
    private static let inlineCapacity = 64

    /// `prefix` followed by the ASCII bytes `digits` appends, as one string. Built in a stack
    /// buffer and copied once: appending to a `String` one scalar at a time cost ~0.8 µs per
    /// request id, a tenth of a whole cached generation.
    private static func identifier(prefix: String, count: Int, digits: ((UInt8) -> Void) -> Void) -> String {
        let length = prefix.utf8.count + count
        guard length <= inlineCapacity else {
            var bytes = Array(prefix.utf8)
            bytes.reserveCapacity(length)
            digits { bytes.append($0) }
            return String(decoding: bytes, as: UTF8.self)
        }
        var buffer = InlineArray<64, UInt8>(repeating: 0)
        var filled = 0
        for byte in prefix.utf8 {
            buffer[filled] = byte
            filled += 1
        }
        digits { byte in
            buffer[filled] = byte
            filled += 1
        }
        // A valid prefix followed by ASCII is valid UTF-8.
        return String(copying: try! UTF8Span(validating: buffer.span.extracting(0..<filled)))
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
