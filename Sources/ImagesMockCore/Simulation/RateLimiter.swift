import Synchronization

/// The outcome of `RateLimiter.admit`.
public struct RateLimitDecision: Sendable {
    public let allowed: Bool
    /// `x-ratelimit-limit-*`, `-remaining-*`, `-reset-*` for every configured limit (empty when none is).
    public let headers: HTTPHeaders
    /// The 429 when refused. It is self-contained: its own headers already hold the `x-ratelimit-*`
    /// fields of `headers` followed by `retry-after` and `retry-after-ms`, so a refused request is
    /// answered with `error.response(style:)` alone (do not add `headers` again).
    public let error: APIError?

    public init(allowed: Bool, headers: HTTPHeaders, error: APIError?) {
        self.allowed = allowed
        self.headers = headers
        self.error = error
    }
}

/// Token buckets per minute, per API key or global (design §1).
///
/// Each configured limit `L` per minute is a bucket of capacity `L`, starting full and refilled
/// continuously at `L / 60` per second (so with 5 requests per minute one request comes back every
/// 12 s). A request costs 1 request, `images` images and `tokens` tokens; it passes only if every
/// configured bucket holds its cost, and then all of them are debited at once.
///
/// Headers, lower-case, grouped the way the real API orders them (all limits, then all remainders,
/// then all resets), each group in the order requests, images, tokens:
/// - `x-ratelimit-limit-<kind>`: `L`;
/// - `x-ratelimit-remaining-<kind>`: what is left after this request, rounded down;
/// - `x-ratelimit-reset-<kind>`: time until the bucket is full again, rounded up to the millisecond
///   and written as a Go duration (`12ms`, `1m0s`; `0s` when full) — the real API's `12ms` for
///   one request out of 5000/min is exactly this quantity.
///
/// Refusals name the first limit that fails, in the order requests, images, tokens:
/// - requests and images: contract row 28, type `requests`; `Current` is what the bucket has used
///   (`L` minus the remaining count shown in the headers) plus this request's cost, so it always
///   exceeds `Limit` on a refusal;
/// - tokens: row 28a, type `tokens`, `Used` is `L` minus the remaining tokens, `Requested` is the cost,
///   and "try again in" is the wait until the bucket holds the cost.
/// Code `rate_limit_exceeded`, param `null`; the legacy style keeps that code (the legacy rows show it),
/// so the two styles differ only in key order. `retry-after` (whole seconds, rounded up, at least 1)
/// and `retry-after-ms` (at least 1) give the wait until *every* lacking bucket holds its cost, so a
/// retry at that time passes if nothing else spends the buckets meanwhile.
///
/// A cost above a bucket's capacity can never pass. It is refused like any other excess, with
/// `Current`/`Requested` showing the cost, and the wait given as a full minute (`retry-after: 60`,
/// `retry-after-ms: 60000`, "try again in 1m0s"): the time a bucket needs to refill completely, the
/// longest wait the limiter can otherwise ask for. (The SDK retries delays up to 120 s, so such a
/// request fails after its retries, as with the real API.)
///
/// Buckets that are full are equivalent to absent ones; once more than 4096 keys are tracked, full
/// buckets are forgotten so the table cannot grow without bound.
public final class RateLimiter: Sendable {
    enum Kind: Int, CaseIterable, Sendable {
        case requests, images, tokens

        var name: String {
            switch self {
            case .requests: "requests"
            case .images: "images"
            case .tokens: "tokens"
            }
        }
    }

    struct Limit: Sendable {
        var kind: Kind
        var capacity: Double
        /// Tokens per second.
        var rate: Double { capacity / 60 }
    }

    /// The buckets of one key: one level per configured limit, all refilled up to `updated`.
    struct Buckets: Sendable {
        var levels: [Double]
        var updated: Double
    }

    /// Tolerance for floating-point drift in levels (units of requests, images or tokens).
    private static let slack = 1e-6
    private static let pruneThreshold = 4096

    private let limits: [Limit]
    private let scope: RateLimitSpec.Scope
    private let clock: any MockClock
    private let table = Mutex<BucketTable>(BucketTable())

    public init(spec: RateLimitSpec, clock: any MockClock) {
        var limits: [Limit] = []
        let configured: [(Kind, Int?)] = [(.requests, spec.requestsPerMinute), (.images, spec.imagesPerMinute), (.tokens, spec.tokensPerMinute)]
        for (kind, value) in configured {
            // Clamped here too: a spec built in code has not been through the loader's range.
            if let value { limits.append(Limit(kind: kind, capacity: Double(Swift.min(Swift.max(value, 0), RateLimitSpec.maximumPerMinute)))) }
        }
        self.limits = limits
        self.scope = spec.scope
        self.clock = clock
    }

    /// Charges one request costing `images` images and `tokens` tokens for `key`. Allowed: the
    /// buckets are debited and `headers` holds x-ratelimit-* for every configured limit. Refused: nothing
    /// is debited and `error` is the 429 (plus the same headers).
    ///
    /// `style` is accepted for symmetry with the other error producers: both styles send param `null`
    /// and code `rate_limit_exceeded` here, and the key order is applied when the error is rendered
    /// (`APIError.body(style:)`). `model` names the model in the token message (`dall-e-2`, the API's
    /// default, when `nil`).
    public func admit(key: String, images: Int, tokens: Int, model: String?, organization: String, style: ErrorStyle) -> RateLimitDecision {
        guard !limits.isEmpty else { return RateLimitDecision(allowed: true, headers: HTTPHeaders(), error: nil) }
        let now = clock.now()
        let costs = limits.map { limit -> Double in
            switch limit.kind {
            case .requests: 1
            case .images: Double(Swift.max(images, 0))
            case .tokens: Double(Swift.max(tokens, 0))
            }
        }
        let bucketKey = self.bucketKey(key)
        return table.withLock { table in
            var buckets = refilled(table.buckets[bucketKey], now: now)
            let lacking = limits.indices.filter { buckets.levels[$0] + Self.slack < costs[$0] }
            guard let failing = lacking.first else {
                for index in limits.indices { buckets.levels[index] -= costs[index] }
                table.buckets[bucketKey] = buckets
                prune(&table, now: now)
                return RateLimitDecision(allowed: true, headers: headers(for: buckets), error: nil)
            }
            // Refused: nothing is debited, but the refilled state may be kept.
            table.buckets[bucketKey] = buckets
            let waits = lacking.map { index -> Int in
                let limit = limits[index]
                if costs[index] > limit.capacity + Self.slack { return 60_000 }
                return Swift.max(1, Self.millisecondsRoundedUp((costs[index] - buckets.levels[index]) / limit.rate))
            }
            let waitMilliseconds = waits.max() ?? 60_000
            let failingWait = waits[0]
            let rateHeaders = headers(for: buckets)
            var errorHeaders = rateHeaders
            if lacking.contains(where: { costs[$0] > limits[$0].capacity + Self.slack }) {
                // More than a full bucket: no wait helps. A retry-after would have the SDK sleep
                // 60 s twice before failing (its test looks hung); this fails it at once.
                errorHeaders.add("x-should-retry", "false")
            } else {
                errorHeaders.add("retry-after", String((waitMilliseconds + 999) / 1000))
                errorHeaders.add("retry-after-ms", String(waitMilliseconds))
            }
            let error = refusal(
                limit: limits[failing], remaining: Self.remaining(buckets.levels[failing]), cost: costs[failing],
                failingWaitMilliseconds: failingWait, model: model, organization: organization, headers: errorHeaders)
            return RateLimitDecision(allowed: false, headers: rateHeaders, error: error)
        }
    }

    /// Headers describing the buckets of `key` without charging (for responses that do not count).
    public func headers(key: String) -> HTTPHeaders {
        guard !limits.isEmpty else { return HTTPHeaders() }
        let now = clock.now()
        let bucketKey = self.bucketKey(key)
        return table.withLock { table in headers(for: refilled(table.buckets[bucketKey], now: now)) }
    }

    /// Forgets every bucket: all keys start full again.
    public func reset() {
        table.withLock { $0 = BucketTable() }
    }

    // MARK: - Buckets

    private func bucketKey(_ key: String) -> String {
        scope == .global ? "" : key
    }

    private func full(at now: Double) -> Buckets {
        Buckets(levels: limits.map(\.capacity), updated: now)
    }

    /// The buckets as they stand at `now` (a clock that went backwards refills nothing).
    private func refilled(_ stored: Buckets?, now: Double) -> Buckets {
        guard var buckets = stored else { return full(at: now) }
        let elapsed = now - buckets.updated
        guard elapsed > 0 else { return buckets }
        for index in limits.indices {
            buckets.levels[index] = Swift.min(limits[index].capacity, buckets.levels[index] + elapsed * limits[index].rate)
        }
        buckets.updated = now
        return buckets
    }

    /// The buckets by key, and the size at which they are next pruned.
    private struct BucketTable {
        var buckets: [String: Buckets] = [:]
        var pruneAt = RateLimiter.pruneThreshold
    }

    /// Forgets full buckets once the table reaches its pruning size, then sets the next one at
    /// twice what remains: with more keys than the threshold within a minute, pruning on every
    /// request rebuilt the whole table each time (CPU per request grew with the number of keys).
    private func prune(_ table: inout BucketTable, now: Double) {
        guard table.buckets.count >= table.pruneAt else { return }
        table.buckets = table.buckets.filter { entry in
            let current = refilled(entry.value, now: now)
            return limits.indices.contains { current.levels[$0] < limits[$0].capacity - Self.slack }
        }
        table.pruneAt = Swift.max(Self.pruneThreshold, 2 * table.buckets.count)
    }

    /// Buckets held (for tests).
    var bucketCount: Int { table.withLock { $0.buckets.count } }

    private static func remaining(_ level: Double) -> Int {
        Int((Swift.max(level, 0) + slack).rounded(.down))
    }

    private static func millisecondsRoundedUp(_ seconds: Double) -> Int {
        Swift.max(0, Int((seconds * 1000 - slack).rounded(.up)))
    }

    // MARK: - Headers and errors

    private func headers(for buckets: Buckets) -> HTTPHeaders {
        var headers = HTTPHeaders()
        for limit in limits {
            headers.add("x-ratelimit-limit-\(limit.kind.name)", String(Int(limit.capacity)))
        }
        for (index, limit) in limits.enumerated() {
            headers.add("x-ratelimit-remaining-\(limit.kind.name)", String(Self.remaining(buckets.levels[index])))
        }
        for (index, limit) in limits.enumerated() {
            let missing = limit.capacity - buckets.levels[index]
            let milliseconds = missing <= Self.slack || limit.rate == 0 ? 0 : Self.millisecondsRoundedUp(missing / limit.rate)
            headers.add("x-ratelimit-reset-\(limit.kind.name)", GoDuration.format(seconds: Double(milliseconds) / 1000))
        }
        return headers
    }

    private func refusal(
        limit: Limit, remaining: Int, cost: Double, failingWaitMilliseconds: Int, model: String?, organization: String, headers: HTTPHeaders
    ) -> APIError {
        let capacity = Int(limit.capacity)
        let used = capacity - remaining
        let requested = Int(cost)
        let message: String
        let type: String
        switch limit.kind {
        case .requests, .images:
            type = "requests"
            message = "Rate limit exceeded for \(limit.kind.name) per minute in organization \(organization). Limit: \(capacity)/1min. Current: \(used + requested)/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit."
        case .tokens:
            type = "tokens"
            let wait = GoDuration.format(seconds: Double(failingWaitMilliseconds) / 1000)
            message = "Rate limit reached for \(model ?? "dall-e-2") in organization \(organization) on tokens per min (TPM): Limit \(capacity), Used \(used), Requested \(requested). Please try again in \(wait). Visit https://platform.openai.com/account/rate-limits to learn more."
        }
        let perWhat = scope == .global ? "shared by all keys" : "of this API key"
        let diagnosis = "images-mock rate limit: \(limit.kind.name)_per_minute is \(capacity) (\(perWhat)); \(remaining) left, this request needs \(requested)"
            + (cost > limit.capacity + Self.slack ? ", more than the limit, so it can never pass" : "")
        return APIError(status: 429, message: message, type: type, param: nil, code: "rate_limit_exceeded", headers: headers, diagnosis: diagnosis)
    }
}
