import Testing
@testable import ImagesMockCore

@Suite("Simulation: Go durations")
struct SimulationGoDurationTests {
    @Test(arguments: [
        (0.0, "0s"), (0.001, "1ms"), (0.012, "12ms"), (0.0015, "1.5ms"), (0.999, "999ms"), (0.644, "644ms"),
        (1.0, "1s"), (2.496, "2.496s"), (9.816, "9.816s"), (59.5, "59.5s"), (60.0, "1m0s"), (61.25, "1m1.25s"),
        (360.0, "6m0s"), (3600.0, "1h0m0s"), (3723.0, "1h2m3s"), (0.000_25, "250\u{B5}s"), (0.000_000_007, "7ns"),
        (-1.5, "-1.5s"), (-0.012, "-12ms"),
    ])
    func formatsLikeGo(_ seconds: Double, _ expected: String) {
        #expect(GoDuration.format(seconds: seconds) == expected)
    }

    @Test func extremesStayInGoRange() {
        #expect(GoDuration.format(seconds: .nan) == "0s")
        #expect(GoDuration.format(seconds: .infinity) == "2562047h47m16.854775807s")
        #expect(GoDuration.format(seconds: -.infinity) == "-2562047h47m16.854775808s")
    }
}

@Suite("Simulation: latency")
struct SimulationLatencyTests {
    static let context = LatencyContext(endpoint: .generations, model: "gpt-image-1")

    func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }

    @Test func fixedIsExact() {
        let sampler = LatencySampler(seed: 1)
        for _ in 0..<10 {
            #expect(sampler.delay(for: .fixed(milliseconds: 250), context: Self.context) == .milliseconds(250))
        }
        #expect(sampler.delay(for: .fixed(milliseconds: 0), context: Self.context) == .zero)
        #expect(sampler.delay(for: .fixed(milliseconds: -5), context: Self.context) == .zero)
    }

    @Test func uniformStaysInBounds() {
        let sampler = LatencySampler(seed: 2)
        let samples = (0..<1000).map { _ in milliseconds(sampler.delay(for: .uniform(minimumMilliseconds: 100, maximumMilliseconds: 300), context: Self.context)) }
        #expect(samples.allSatisfy { $0 >= 100 && $0 <= 300 })
        // Spread over the range, not stuck at one end.
        #expect(samples.min()! < 110 && samples.max()! > 290)
        let mean = samples.reduce(0, +) / Double(samples.count)
        #expect(abs(mean - 200) < 10)
    }

    @Test func lognormalMedianAndCap() {
        let sampler = LatencySampler(seed: 3)
        let samples = (0..<5000).map { _ in milliseconds(sampler.delay(for: .lognormal(medianMilliseconds: 800, sigma: 0.4, maximumMilliseconds: nil), context: Self.context)) }.sorted()
        let median = samples[samples.count / 2]
        #expect(abs(median - 800) < 80)
        #expect(samples.last! > 1600)  // exp(0.4 · 1.75) ≈ 2: uncapped, the tail exceeds twice the median

        let capped = (0..<5000).map { _ in milliseconds(sampler.delay(for: .lognormal(medianMilliseconds: 800, sigma: 0.4, maximumMilliseconds: 1000), context: Self.context)) }
        #expect(capped.allSatisfy { $0 > 0 && $0 <= 1000 })
        #expect(capped.contains(1000))
    }

    @Test func sameSeedSameSequence() {
        let specs: [LatencySpec] = [
            .uniform(minimumMilliseconds: 0, maximumMilliseconds: 1000), .lognormal(medianMilliseconds: 500, sigma: 1, maximumMilliseconds: nil), .realistic,
        ]
        func run(_ seed: UInt64) -> [Duration] {
            let sampler = LatencySampler(seed: seed)
            return (0..<300).map { specs[$0 % specs.count] }.map { sampler.delay(for: $0, context: Self.context) }
        }
        #expect(run(42) == run(42))
        #expect(run(42) != run(43))
    }

    @Test(arguments: [
        (LatencyContext(endpoint: .generations, model: "gpt-image-1", size: ImageSize(width: 1024, height: 1024)), 6_000.0, 8_000.0),
        (LatencyContext(endpoint: .generations, size: ImageSize(width: 1024, height: 1024)), 6_000, 8_000),
        (LatencyContext(endpoint: .generations, model: "gpt-image-1", size: ImageSize(width: 1024, height: 1024), quality: "medium"), 6_000, 8_000),
        (LatencyContext(endpoint: .edits, model: "gpt-image-1", size: ImageSize(width: 1024, height: 1024)), 15_000, 17_000),
        (LatencyContext(endpoint: .variations, model: "dall-e-2", size: ImageSize(width: 1024, height: 1024)), 12_000, 14_000),
        (LatencyContext(endpoint: .generations, model: "dall-e-2", size: ImageSize(width: 1024, height: 1024)), 2_000, 4_000),
        (LatencyContext(endpoint: .generations, model: "dall-e-3", size: ImageSize(width: 1024, height: 1024), quality: "standard"), 8_000, 12_000),
    ])
    func realisticReferenceRanges(_ context: LatencyContext, _ low: Double, _ high: Double) {
        let sampler = LatencySampler(seed: 7)
        let samples = (0..<500).map { _ in milliseconds(sampler.delay(for: .realistic, context: context)) }
        #expect(samples.allSatisfy { $0 >= low && $0 <= high })
        #expect(samples.min()! < low + (high - low) * 0.1 && samples.max()! > high - (high - low) * 0.1)
    }

    @Test func realisticGrowsWithQualitySizeAndCount() {
        func sample(_ context: LatencyContext, seed: UInt64) -> Duration {
            LatencySampler(seed: seed).delay(for: .realistic, context: context)
        }
        let square = ImageSize(width: 1024, height: 1024)
        for seed: UInt64 in 0..<50 {
            let qualities = ["low", "medium", "high"].map { sample(LatencyContext(endpoint: .generations, model: "gpt-image-1", size: square, quality: $0), seed: seed) }
            #expect(qualities[0] < qualities[1] && qualities[1] < qualities[2])
            let dalle3 = ["standard", "hd"].map { sample(LatencyContext(endpoint: .generations, model: "dall-e-3", size: square, quality: $0), seed: seed) }
            #expect(dalle3[0] < dalle3[1])
            let sizes = [(256, 256), (512, 512), (1024, 1024), (1536, 1024), (3840, 2160)].map {
                sample(LatencyContext(endpoint: .edits, model: "gpt-image-1", size: ImageSize(width: $0.0, height: $0.1)), seed: seed)
            }
            #expect(zip(sizes, sizes.dropFirst()).allSatisfy { $0 < $1 })
            let counts = [1, 2, 4].map { sample(LatencyContext(endpoint: .generations, model: "gpt-image-1", size: square, imageCount: $0), seed: seed) }
            #expect(counts[0] < counts[1] && counts[1] < counts[2])
        }
        // Sub-linear in area: four times the pixels take twice as long, not four times.
        let ratio = milliseconds(sample(LatencyContext(endpoint: .generations, size: ImageSize(width: 2048, height: 2048)), seed: 9))
            / milliseconds(sample(LatencyContext(endpoint: .generations, size: square), seed: 9))
        #expect(abs(ratio - 2) < 1e-9)
    }

    @Test func concurrentSamplingIsSafe() async {
        let sampler = LatencySampler(seed: 11)
        let total = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<200).filter { _ in sampler.delay(for: .uniform(minimumMilliseconds: 1, maximumMilliseconds: 2), context: Self.context) >= .milliseconds(1) }.count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(total == 1600)
    }
}
