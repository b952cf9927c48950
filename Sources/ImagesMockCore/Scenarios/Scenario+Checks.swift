import Foundation

extension Scenario {
    /// What ``ScenarioLoader`` would refuse in this scenario: empty if it is fit to serve.
    ///
    /// A file is checked as it is read; a scenario built in code is checked here. Without the
    /// check such a scenario misbehaved in silence: an unknown error name answered 500, a regex
    /// that does not compile never matched, a status of 999 went on the wire.
    public var problems: [String] {
        var found: [String] = []
        if let lifetime = imageURLLifetimeSeconds, !(lifetime > 0 && lifetime <= Self.maximumImageURLLifetime) {
            found.append("image_url_ttl must be above 0 and at most \(Int(Self.maximumImageURLLifetime)) seconds, found \(lifetime)")
        }
        if let journalSize, !Self.journalSizeRange.contains(journalSize) {
            found.append("journal_size must be \(Self.journalSizeRange.lowerBound) to \(Self.journalSizeRange.upperBound), found \(journalSize)")
        }
        if let latency { found += latency.problems.map { "latency: \($0)" } }
        if let rateLimits {
            let limits = [("requests_per_minute", rateLimits.requestsPerMinute), ("images_per_minute", rateLimits.imagesPerMinute),
                          ("tokens_per_minute", rateLimits.tokensPerMinute)]
            if limits.allSatisfy({ $0.1 == nil }) { found.append("rate_limits names no limit") }
            for case let (name, value?) in limits where !(1...RateLimitSpec.maximumPerMinute).contains(value) {
                found.append("rate_limits: \(name) must be 1 to \(RateLimitSpec.maximumPerMinute), found \(value)")
            }
        }
        var names: Set<String> = []
        for rule in rules {
            let label = "rule '\(rule.name)'"
            if rule.name.isEmpty { found.append("a rule has an empty name") }
            if !names.insert(rule.name).inserted { found.append("\(label): the name is used twice") }
            if let latency = rule.latency { found += latency.problems.map { "\(label): latency: \($0)" } }
            found += rule.when.problems.map { "\(label): \($0)" }
            switch rule.action {
            case .respond(let response):
                found += response.problems.map { "\(label): \($0)" }
            case .sequence(let steps, _, _):
                if steps.isEmpty { found.append("\(label): the sequence has no steps") }
                for (index, step) in steps.enumerated() {
                    found += step.problems.map { "\(label), step \(index + 1): \($0)" }
                }
            case .fault(let fault):
                found += fault.problems.map { "\(label): \($0)" }
            }
        }
        return found
    }
}

extension LatencySpec {
    var problems: [String] {
        let maximum = Self.maximumMilliseconds
        func inRange(_ name: String, _ value: Double) -> String? {
            (0...maximum).contains(value) ? nil : "\(name) must be 0 to \(Int(maximum)) ms, found \(value)"
        }
        switch self {
        case .fixed(let milliseconds):
            return [inRange("fixed_ms", milliseconds)].compactMap { $0 }
        case .uniform(let low, let high):
            return [inRange("min_ms", low), inRange("max_ms", high), low <= high ? nil : "min_ms (\(low)) is above max_ms (\(high))"].compactMap { $0 }
        case .lognormal(let median, let sigma, let cap):
            return [inRange("median_ms", median), sigma > 0 && sigma.isFinite ? nil : "sigma must be above 0, found \(sigma)",
                    cap.flatMap { inRange("max_ms", $0) }, cap.map { $0 >= median } == false ? "max_ms is below median_ms" : nil].compactMap { $0 }
        case .realistic:
            return []
        }
    }
}

extension RuleCondition {
    var problems: [String] {
        var matchers: [(String, TextMatcher)] = params.map { ("params.\($0.key)", $0.value) }
        matchers += headers.map { ("headers.\($0.key)", $0.value) }
        if let prompt { matchers.append(("prompt", prompt)) }
        return matchers.compactMap { name, matcher in
            guard case .matches(let pattern) = matcher, (try? NSRegularExpression(pattern: pattern)) == nil else { return nil }
            return "\(name): the regular expression '\(pattern)' does not compile"
        }
    }
}

extension ResponseSpec {
    var problems: [String] {
        switch self {
        case .error(let name, _, _):
            return NamedErrors.names.contains(name) ? [] : ["unknown error '\(name)' (images-mock errors lists them)"]
        case .images(.canned(let images), _):
            return images.isEmpty ? ["no canned images"] : []
        case .images:
            return []
        case .raw(let status, _, _):
            let range = Self.rawStatusRange
            return range.contains(status) ? [] : ["status must be \(range.lowerBound) to \(range.upperBound), found \(status)"]
        }
    }
}

extension FaultSpec {
    var problems: [String] {
        var found: [String] = []
        if !(0...1).contains(probability) { found.append("fault probability must be 0 to 1, found \(probability)") }
        if case .slowBody(let bytes, let interval) = kind {
            let bytesRange = Self.slowBodyBytesRange, intervalRange = Self.slowBodyIntervalRange
            if !bytesRange.contains(bytes) { found.append("slow_body bytes must be \(bytesRange.lowerBound) to \(bytesRange.upperBound), found \(bytes)") }
            if !intervalRange.contains(interval) {
                found.append("slow_body interval_ms must be \(intervalRange.lowerBound) to \(intervalRange.upperBound), found \(interval)")
            }
        }
        return found
    }
}
