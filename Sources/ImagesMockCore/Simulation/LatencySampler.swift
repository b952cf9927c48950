import Foundation
import Synchronization

/// What a `realistic` delay depends on.
public struct LatencyContext: Sendable {
    public var endpoint: Endpoint
    /// The resolved model; `nil` uses the endpoint's published range.
    public var model: String?
    /// `nil` (e.g. `auto`) counts as 1024x1024.
    public var size: ImageSize?
    /// `low`, `medium`, `high`, `standard`, `hd`, `auto`; `nil` or anything else counts as the reference quality.
    public var quality: String?
    /// `n`; values below 1 count as 1.
    public var imageCount: Int

    public init(endpoint: Endpoint, model: String? = nil, size: ImageSize? = nil, quality: String? = nil, imageCount: Int = 1) {
        self.endpoint = endpoint
        self.model = model
        self.size = size
        self.quality = quality
        self.imageCount = imageCount
    }
}

/// Samples delays; thread-safe; with a seed every sample sequence is repeatable.
///
/// - `fixed`: exactly the given milliseconds.
/// - `uniform`: uniformly in `[min, max]` (the bounds may be given in either order).
/// - `lognormal`: `median · exp(sigma · Z)`, `Z` standard normal by Box–Muller from the seeded
///   generator, capped at `max` when one is given.
/// - `realistic`: `base · quality · area · count`, where
///   - `base` is drawn uniformly from the published range at the reference point (1024x1024, default
///     quality, one image): generations 6–8 s, edits 15–17 s, variations 12–14 s. Generations are the
///     one place the published timings differ by model: dall-e-2 2–4 s, dall-e-3 8–12 s; every other
///     model, and a `nil` model, uses the endpoint's range. The draw is the jitter, so a reference
///     request always lands inside its published range;
///   - `quality` is `low` 0.5, `medium`/`standard`/`auto`/none 1, `hd` 1.4, `high` 1.6 (rendering
///     time grows with quality);
///   - `area` is `sqrt(width · height / 1024²)`: larger images take longer, less than linearly
///     (256x256 → 0.25, 1536x1024 → about 1.22, 1792x1024 → about 1.32);
///   - `count` is `1 + 0.4 · (n − 1)`: images of one request are produced largely in parallel, so each
///     extra image adds a fraction of the first one's time.
///
///   With the same draw, the delay therefore grows strictly with quality, size and count.
///
/// Negative results (a negative `fixed_ms`, say) are clamped to zero. The generator is seeded from
/// `seed` mixed with a constant, so a sampler and a `RandomSource` built from the same `--seed` do not
/// produce the same numbers.
public final class LatencySampler: Sendable {
    private let generator: Mutex<SeededGenerator>

    /// - Parameter seed: `nil` seeds from the system's generator.
    public init(seed: UInt64?) {
        var system = SystemRandomNumberGenerator()
        generator = Mutex(SeededGenerator(seed: (seed ?? system.next()) ^ Self.seedMix))
    }

    /// Keeps the latency draws apart from the id draws of the same seed.
    private static let seedMix: UInt64 = 0x6C61_7465_6E63_7921

    /// Starts the draws again from `seed`, or from a fresh system draw when `nil`.
    public func reseed(_ seed: UInt64?) {
        var system = SystemRandomNumberGenerator()
        let start = (seed ?? system.next()) ^ Self.seedMix
        generator.withLock { $0 = SeededGenerator(seed: start) }
    }

    public func delay(for spec: LatencySpec, context: LatencyContext) -> Duration {
        let milliseconds: Double
        switch spec {
        case .fixed(let value):
            milliseconds = value
        case .uniform(let minimum, let maximum):
            let low = Swift.min(minimum, maximum), high = Swift.max(minimum, maximum)
            milliseconds = low + (high - low) * closedUnit()
        case .lognormal(let median, let sigma, let maximum):
            let sample = median * exp(sigma * standardNormal())
            milliseconds = maximum.map { Swift.min(sample, $0) } ?? sample
        case .realistic:
            milliseconds = Self.realisticMilliseconds(context: context, draw: closedUnit())
        }
        guard milliseconds.isFinite, milliseconds > 0 else { return .zero }
        // Loaded scenarios are bounded already; a scenario built in code may not be.
        return .milliseconds(Swift.min(milliseconds, LatencySpec.maximumMilliseconds))
    }

    /// The published range in milliseconds at 1024x1024, reference quality, one image.
    static func referenceRange(endpoint: Endpoint, model: String?) -> ClosedRange<Double> {
        switch endpoint {
        case .generations:
            switch model {
            case "dall-e-2": return 2_000...4_000
            case "dall-e-3": return 8_000...12_000
            default: return 6_000...8_000
            }
        case .edits: return 15_000...17_000
        case .variations: return 12_000...14_000
        }
    }

    static func qualityFactor(_ quality: String?) -> Double {
        switch quality {
        case "low": return 0.5
        case "hd": return 1.4
        case "high": return 1.6
        default: return 1
        }
    }

    /// `draw` in [0, 1] places the base delay inside the published range.
    static func realisticMilliseconds(context: LatencyContext, draw: Double) -> Double {
        let range = referenceRange(endpoint: context.endpoint, model: context.model)
        let base = range.lowerBound + (range.upperBound - range.lowerBound) * draw
        let area = context.size.map { (Double($0.width) * Double($0.height) / (1024 * 1024)).squareRoot() } ?? 1
        let count = 1 + 0.4 * Double(Swift.max(context.imageCount, 1) - 1)
        return base * qualityFactor(context.quality) * area * count
    }

    /// Uniform in [0, 1], 53 bits.
    private func closedUnit() -> Double {
        Double(generator.withLock { $0.next() } >> 11) / Double((UInt64(1) << 53) - 1)
    }

    /// Standard normal by Box–Muller (the cosine half; the sine half is not kept, so every sample
    /// costs two draws and no state beyond the generator).
    private func standardNormal() -> Double {
        let (first, second) = generator.withLock { ($0.next(), $0.next()) }
        let u1 = Double((first >> 11) + 1) / Double(UInt64(1) << 53)  // (0, 1]: log stays finite
        let u2 = Double(second >> 11) / Double(UInt64(1) << 53)  // [0, 1)
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}
