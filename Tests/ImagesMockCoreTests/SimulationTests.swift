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

@Suite("Simulation: rate limits")
struct SimulationRateLimitTests {
    static let organization = "org-test"

    func admit(_ limiter: RateLimiter, key: String = "sk-a", images: Int = 1, tokens: Int = 0, model: String? = "gpt-image-1",
               style: ErrorStyle = .current) -> RateLimitDecision {
        limiter.admit(key: key, images: images, tokens: tokens, model: model, organization: Self.organization, style: style)
    }

    /// With more keys than the pruning threshold inside a minute, every request used to rebuild
    /// the table; now the next pruning waits for the table to double, and full buckets still go.
    @Test func manyKeysArePrunedInBatches() {
        let clock = ManualClock()
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 5), clock: clock)
        func charge(_ key: String) {
            _ = limiter.admit(key: key, images: 1, tokens: 0, model: nil, organization: "org", style: .current)
        }
        for index in 0..<10_000 { charge("k\(index)") }
        #expect(limiter.bucketCount == 10_000, "all within a minute: none is full again")
        clock.advance(by: 61)
        for index in 10_000..<16_383 { charge("k\(index)") }
        #expect(limiter.bucketCount == 16_383, "no pruning before the table doubles")
        charge("k-last")
        #expect(limiter.bucketCount == 6_384, "the 10,000 refilled buckets went at once")
    }

    @Test func sixthRequestInAMinuteIsRefused() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 5), clock: clock)
        let resets = ["12s", "24s", "36s", "48s", "1m0s"]
        for (index, expectedRemaining) in [4, 3, 2, 1, 0].enumerated() {
            let decision = admit(limiter)
            #expect(decision.allowed)
            #expect(decision.error == nil)
            #expect(decision.headers == HTTPHeaders([
                ("x-ratelimit-limit-requests", "5"),
                ("x-ratelimit-remaining-requests", String(expectedRemaining)),
                ("x-ratelimit-reset-requests", resets[index]),
            ]))
        }
        let refused = admit(limiter)
        #expect(!refused.allowed)
        let error = try #require(refused.error)
        #expect(error.status == 429)
        #expect(error.type == "requests")
        #expect(error.param == nil)
        #expect(error.code == "rate_limit_exceeded")
        #expect(error.message == "Rate limit exceeded for requests per minute in organization org-test. Limit: 5/1min. Current: 6/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit.")
        let rateHeaders = HTTPHeaders([
            ("x-ratelimit-limit-requests", "5"), ("x-ratelimit-remaining-requests", "0"), ("x-ratelimit-reset-requests", "1m0s"),
        ])
        #expect(refused.headers == rateHeaders)
        #expect(error.headers == HTTPHeaders(rateHeaders.fields + [("retry-after", "12"), ("retry-after-ms", "12000")]))
        let body = String(decoding: error.body(style: .current), as: UTF8.self)
        #expect(body == """
            {
              "error": {
                "message": "Rate limit exceeded for requests per minute in organization org-test. Limit: 5/1min. Current: 6/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit.",
                "type": "requests",
                "param": null,
                "code": "rate_limit_exceeded"
              }
            }

            """)
        // A refusal charges nothing: the next one is refused the same way.
        #expect(admit(limiter).error == error)
    }

    @Test func legacyStyleKeepsTheCodeAndSortsKeys() throws {
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 1), clock: ManualClock())
        _ = admit(limiter, style: .legacy)
        let error = try #require(admit(limiter, style: .legacy).error)
        #expect(error.code == "rate_limit_exceeded")
        #expect(error.param == nil)
        let body = String(decoding: error.body(style: .legacy), as: UTF8.self)
        #expect(body.hasPrefix("{\n  \"error\": {\n    \"code\": \"rate_limit_exceeded\",\n    \"message\": \"Rate limit exceeded for requests per minute"))
    }

    @Test func bucketsRefillContinuously() {
        let clock = ManualClock()
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 5), clock: clock)
        for _ in 0..<5 { #expect(admit(limiter).allowed) }
        clock.advance(by: 6)
        let early = admit(limiter)
        #expect(!early.allowed)
        #expect(early.error?.headers["retry-after"] == "6")
        #expect(early.error?.headers["retry-after-ms"] == "6000")
        #expect(early.headers["x-ratelimit-reset-requests"] == "54s")
        clock.advance(by: 6)
        let back = admit(limiter)
        #expect(back.allowed)
        #expect(back.headers["x-ratelimit-remaining-requests"] == "0")
        #expect(!admit(limiter).allowed)
        clock.advance(by: 3600)
        #expect(limiter.headers(key: "sk-a") == HTTPHeaders([
            ("x-ratelimit-limit-requests", "5"), ("x-ratelimit-remaining-requests", "5"), ("x-ratelimit-reset-requests", "0s"),
        ]))
        #expect(admit(limiter).headers["x-ratelimit-remaining-requests"] == "4")
    }

    @Test func retryAfterRoundsUpToWholeSeconds() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 7), clock: clock)
        for _ in 0..<7 { _ = admit(limiter) }
        let error = try #require(admit(limiter).error)
        // 60 / 7 s = 8.571… s for one request.
        #expect(error.headers["retry-after-ms"] == "8572")
        #expect(error.headers["retry-after"] == "9")
    }

    @Test func keysAreIsolatedUnlessTheScopeIsGlobal() {
        let perKey = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 2, scope: .key), clock: ManualClock())
        #expect(admit(perKey, key: "sk-a").allowed)
        #expect(admit(perKey, key: "sk-a").allowed)
        #expect(!admit(perKey, key: "sk-a").allowed)
        #expect(admit(perKey, key: "sk-b").allowed)
        #expect(perKey.headers(key: "sk-b")["x-ratelimit-remaining-requests"] == "1")
        #expect(perKey.headers(key: "sk-c")["x-ratelimit-remaining-requests"] == "2")

        let global = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 2, scope: .global), clock: ManualClock())
        #expect(admit(global, key: "sk-a").allowed)
        #expect(admit(global, key: "sk-b").allowed)
        #expect(!admit(global, key: "sk-c").allowed)
        #expect(global.headers(key: "sk-d")["x-ratelimit-remaining-requests"] == "0")
    }

    @Test func imagesBucket() throws {
        let clock = ManualClock()
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 100, imagesPerMinute: 15), clock: clock)
        let first = admit(limiter, images: 10)
        #expect(first.headers == HTTPHeaders([
            ("x-ratelimit-limit-requests", "100"), ("x-ratelimit-limit-images", "15"),
            ("x-ratelimit-remaining-requests", "99"), ("x-ratelimit-remaining-images", "5"),
            ("x-ratelimit-reset-requests", "600ms"), ("x-ratelimit-reset-images", "40s"),
        ]))
        let refused = admit(limiter, images: 6)
        let error = try #require(refused.error)
        #expect(error.type == "requests")
        #expect(error.message == "Rate limit exceeded for images per minute in organization org-test. Limit: 15/1min. Current: 16/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit.")
        // One image is missing; images come back at one per 4 s.
        #expect(error.headers["retry-after-ms"] == "4000")
        #expect(error.headers["retry-after"] == "4")
        // Nothing was debited, not even the request.
        #expect(refused.headers["x-ratelimit-remaining-requests"] == "99")
        #expect(admit(limiter, images: 5).allowed)
    }

    @Test func tokensBucket() throws {
        let clock = ManualClock(now: 0)
        let limiter = RateLimiter(spec: RateLimitSpec(tokensPerMinute: 100_000), clock: clock)
        #expect(admit(limiter, tokens: 99_000).headers == HTTPHeaders([
            ("x-ratelimit-limit-tokens", "100000"), ("x-ratelimit-remaining-tokens", "1000"), ("x-ratelimit-reset-tokens", "59.4s"),
        ]))
        let refused = admit(limiter, tokens: 4_160)
        let error = try #require(refused.error)
        #expect(error.status == 429)
        #expect(error.type == "tokens")
        #expect(error.code == "rate_limit_exceeded")
        // 3160 tokens missing at 100000/60 per second: 1.896 s.
        #expect(error.message == "Rate limit reached for gpt-image-1 in organization org-test on tokens per min (TPM): Limit 100000, Used 99000, Requested 4160. Please try again in 1.896s. Visit https://platform.openai.com/account/rate-limits to learn more.")
        #expect(error.headers["retry-after-ms"] == "1896")
        #expect(error.headers["retry-after"] == "2")
        clock.advance(by: 1.896)
        #expect(admit(limiter, tokens: 4_160).allowed)
    }

    @Test func limitsAreCheckedInOrderRequestsImagesTokens() throws {
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 2, imagesPerMinute: 2, tokensPerMinute: 100), clock: ManualClock())
        #expect(admit(limiter, images: 1, tokens: 50).allowed)
        #expect(admit(limiter, images: 1, tokens: 50).allowed)
        // Every bucket is empty. The message names requests (checked first); the wait covers the
        // slowest bucket: one request is back after 30 s, two images only after 60 s.
        let error = try #require(admit(limiter, images: 2, tokens: 10).error)
        #expect(error.message?.hasPrefix("Rate limit exceeded for requests per minute") == true)
        #expect(error.headers["retry-after-ms"] == "60000")
        #expect(error.headers["retry-after"] == "60")

        let imagesFirst = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 10, imagesPerMinute: 2, tokensPerMinute: 100), clock: ManualClock())
        #expect(admit(imagesFirst, images: 2, tokens: 100).allowed)
        let second = try #require(admit(imagesFirst, images: 1, tokens: 1).error)
        #expect(second.message?.hasPrefix("Rate limit exceeded for images per minute") == true)
    }

    @Test func oversizedRequestsAreNotToBeRetried() throws {
        // More than a whole bucket never passes: `retry-after: 60` had the SDK sleep 60 s twice
        // before it failed; `x-should-retry: false` fails it at once.
        let limiter = RateLimiter(spec: RateLimitSpec(imagesPerMinute: 5, tokensPerMinute: 1000), clock: ManualClock())
        let images = try #require(admit(limiter, images: 8).error)
        #expect(images.message?.contains("Limit: 5/1min. Current: 8/1min.") == true)
        #expect(images.headers["x-should-retry"] == "false")
        #expect(images.headers["retry-after"] == nil && images.headers["retry-after-ms"] == nil)
        let tokens = try #require(admit(limiter, images: 1, tokens: 5000).error)
        #expect(tokens.message?.contains("Limit 1000, Used 0, Requested 5000. Please try again in 1m0s.") == true)
        #expect(tokens.headers["x-should-retry"] == "false")
        // A request that fits a full bucket is told when to come back, as before.
        let fits = try #require(admit(limiter, images: 5, tokens: 10).allowed ? admit(limiter, images: 1).error : nil)
        #expect(fits.headers["x-should-retry"] == nil && fits.headers["retry-after-ms"] != nil)
    }

    @Test func resetRefillsEveryBucket() {
        let limiter = RateLimiter(spec: RateLimitSpec(requestsPerMinute: 1), clock: ManualClock())
        #expect(admit(limiter, key: "sk-a").allowed)
        #expect(admit(limiter, key: "sk-b").allowed)
        #expect(!admit(limiter, key: "sk-a").allowed)
        limiter.reset()
        #expect(admit(limiter, key: "sk-a").allowed)
        #expect(admit(limiter, key: "sk-b").allowed)
    }

    @Test func noLimitsMeansNoHeaders() {
        let limiter = RateLimiter(spec: RateLimitSpec(), clock: ManualClock())
        let decision = admit(limiter, images: 1000, tokens: 1_000_000)
        #expect(decision.allowed)
        #expect(decision.headers.fields.isEmpty)
        #expect(limiter.headers(key: "sk-a").fields.isEmpty)
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

@Suite("Random ids")
struct RandomIDTests {
    /// Ids take the generator's draws in a fixed way (16 hex digits per draw, lowest nibble first;
    /// one draw per letter), so a seeded mock gives the same ids from one version to the next.
    @Test func idsAreTheSeededDrawsInAFixedLayout() {
        let hexDigits = Array("0123456789abcdef")
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for seed: UInt64 in [0, 1, 42, .max] {
            let source = RandomSource(seed: seed)
            let reference = RandomSource(seed: seed)
            var expected = "req_"
            var bits: UInt64 = 0
            for index in 0..<32 {
                if index % 16 == 0 { bits = reference.next() }
                expected.append(hexDigits[Int(bits & 0xF)])
                bits >>= 4
            }
            #expect(source.hex(32, prefix: "req_") == expected)
            let id = source.alphanumeric(24, prefix: "img-")
            #expect(id == "img-" + String((0..<24).map { _ in letters[Int(reference.next() % 62)] }))
            let draw = reference.next()
            #expect(source.hex(5) == String((0..<5).map { index in hexDigits[Int((draw >> (4 * UInt64(index))) & 0xF)] }))
            // Longer than the stack buffer (64 bytes): built another way, laid out the same.
            let prefix = "prefix-é-"
            var long = prefix
            for index in 0..<60 {
                if index % 16 == 0 { bits = reference.next() }
                long.append(hexDigits[Int(bits & 0xF)])
                bits >>= 4
            }
            #expect(source.hex(60, prefix: prefix) == long)
            #expect(source.alphanumeric(70, prefix: prefix) == prefix + String((0..<70).map { _ in letters[Int(reference.next() % 62)] }))
            #expect(source.alphanumeric(0) == "")
        }
    }
}
