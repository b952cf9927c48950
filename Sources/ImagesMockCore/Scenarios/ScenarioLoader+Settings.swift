import Yams

extension ScenarioReader {
    static let latencyKeys = ["fixed_ms", "distribution", "ms", "min_ms", "max_ms", "median_ms", "sigma"]
    static let distributions = ["fixed", "uniform", "lognormal", "realistic"]
    /// Keys each distribution requires, then the optional ones.
    static let distributionKeys: [String: (required: [String], optional: [String])] = [
        "fixed": (["ms"], []),
        "uniform": (["min_ms", "max_ms"], []),
        "lognormal": (["median_ms", "sigma"], ["max_ms"]),
        "realistic": ([], []),
    ]
    static let rateLimitKeys = ["requests_per_minute", "images_per_minute", "tokens_per_minute", "per"]

    /// `{ fixed_ms: N }` or `{ distribution: fixed | uniform | lognormal | realistic, ... }` (design, "Decided details").
    mutating func readLatency(_ node: Node, context: String) -> LatencySpec? {
        guard let view = mapping(node, what: "'latency'", expected: "a mapping such as { fixed_ms: 200 } or { distribution: uniform, min_ms: 100, max_ms: 300 }") else {
            return nil
        }
        let suggested = checkKeys(view, allowed: Self.latencyKeys, context: context)
        func milliseconds(_ key: String) -> Double? {
            guard let node = view.value(key) else { return nil }
            return number(node, "'\(key)'", unit: "milliseconds", atLeast: 0, atMost: LatencySpec.maximumMilliseconds)
        }

        guard let distributionEntry = view.entry("distribution") else {
            guard let fixed = view.entry("fixed_ms") else {
                if suggested.isDisjoint(with: ["fixed_ms", "distribution"]) {
                    log.report("expected 'fixed_ms' or 'distribution' (\(Self.distributions.joined(separator: ", "))) \(context), found neither", at: node)
                }
                return nil
            }
            var valid = true
            for entry in present(Self.latencyKeys, in: view) where entry.key != "fixed_ms" {
                log.report("'\(entry.key)' does not go with 'fixed_ms' \(context); give a 'distribution' to use it", at: entry.keyNode)
                valid = false
            }
            guard let value = number(fixed.value, "'fixed_ms'", unit: "milliseconds", atLeast: 0, atMost: LatencySpec.maximumMilliseconds), valid else { return nil }
            return .fixed(milliseconds: value)
        }

        guard let distribution = choice(distributionEntry.value, "distribution", Self.distributions) else { return nil }
        let keys = Self.distributionKeys[distribution] ?? ([], [])
        let takes = keys.required + keys.optional
        let takesText = takes.isEmpty ? "it takes no other key" : "it takes \(Suggestion.alternatives(takes, conjunction: "and"))"
        var valid = true
        for entry in present(Self.latencyKeys, in: view) where entry.key != "distribution" && !takes.contains(entry.key) {
            log.report("'\(entry.key)' does not go with distribution '\(distribution)' \(context) (\(takesText))", at: entry.keyNode)
            valid = false
        }
        for key in keys.required where !view.has(key) && !suggested.contains(key) {
            log.report("missing key '\(key)' \(context) (distribution '\(distribution)' takes \(Suggestion.alternatives(takes, conjunction: "and")))", at: node)
            valid = false
        }
        switch distribution {
        case "fixed":
            guard let value = milliseconds("ms"), valid else { return nil }
            return .fixed(milliseconds: value)
        case "uniform":
            guard let minimum = milliseconds("min_ms"), let maximum = milliseconds("max_ms"), valid else { return nil }
            guard minimum <= maximum else {
                log.report("'max_ms' (\(Self.format(maximum))) is less than 'min_ms' (\(Self.format(minimum))) \(context)", at: view.value("max_ms") ?? node)
                return nil
            }
            return .uniform(minimumMilliseconds: minimum, maximumMilliseconds: maximum)
        case "lognormal":
            let median = milliseconds("median_ms")
            let sigma = view.value("sigma").flatMap { number($0, "'sigma'", atLeast: 0, exclusive: true) }
            let maximum = milliseconds("max_ms")
            if view.has("max_ms") && maximum == nil { valid = false }
            guard let median, let sigma, valid else { return nil }
            if let maximum, maximum < median {
                log.report("'max_ms' (\(Self.format(maximum))) is less than 'median_ms' (\(Self.format(median))) \(context)", at: view.value("max_ms") ?? node)
                return nil
            }
            return .lognormal(medianMilliseconds: median, sigma: sigma, maximumMilliseconds: maximum)
        default:
            return valid ? .realistic : nil
        }
    }

    /// `{ requests_per_minute?, images_per_minute?, tokens_per_minute?, per: key | global }`, at least one limit.
    mutating func readRateLimits(_ node: Node) -> RateLimitSpec? {
        guard let view = mapping(node, what: "'rate_limits'", expected: "a mapping such as { requests_per_minute: 5 }") else { return nil }
        let suggested = checkKeys(view, allowed: Self.rateLimitKeys, context: "in 'rate_limits'")
        var spec = RateLimitSpec()
        var valid = true
        func limit(_ key: String) -> Int? {
            guard let node = view.value(key) else { return nil }
            let value = integer(node, "'\(key)'", in: 1...RateLimitSpec.maximumPerMinute)
            if value == nil { valid = false }
            return value
        }
        spec.requestsPerMinute = limit("requests_per_minute")
        spec.imagesPerMinute = limit("images_per_minute")
        spec.tokensPerMinute = limit("tokens_per_minute")
        if let node = view.value("per") {
            if let scope = choice(node, "'per' value", ["key", "global"], key: "per").flatMap(RateLimitSpec.Scope.init(rawValue:)) { spec.scope = scope } else { valid = false }
        }
        let limits = Array(Self.rateLimitKeys.dropLast())
        if present(limits, in: view).isEmpty, suggested.isDisjoint(with: limits) {
            log.report("expected at least one of \(Suggestion.alternatives(limits)) in 'rate_limits', found none", at: node)
            valid = false
        }
        return valid ? spec : nil
    }

    /// `{ keys: any }` or `{ keys: [sk-a, sk-b] }`.
    mutating func readAuth(_ node: Node) -> APIKeyPolicy? {
        guard let view = mapping(node, what: "'auth'", expected: "a mapping such as { keys: any }") else { return nil }
        let suggested = checkKeys(view, allowed: ["keys"], context: "in 'auth'")
        guard let keys = view.value("keys") else {
            if !suggested.contains("keys") {
                log.report("missing key 'keys' in 'auth' (write 'keys: any' or a list of accepted keys)", at: node)
            }
            return nil
        }
        switch keys {
        case .sequence(let items):
            guard !items.isEmpty else {
                log.report("'keys' lists no key; write 'any' to accept any key, or give at least one", at: keys)
                return nil
            }
            var accepted: Set<String> = []
            var valid = true
            for item in items {
                if let key = nonEmptyText(item, "each key in 'keys'") { accepted.insert(key) } else { valid = false }
            }
            return valid ? .only(accepted) : nil
        default:
            if keys.valueKind == .string, keys.scalarText == "any" { return .any }
            var message = "'keys' must be 'any' or a list of accepted keys, found \(keys.foundDescription)"
            if keys.valueKind == .string, let written = keys.scalarText, !written.isEmpty { message += "; for a single key write [\(written)]" }
            log.report(message, at: keys)
            return nil
        }
    }
}
