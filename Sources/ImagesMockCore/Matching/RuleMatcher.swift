import Foundation

/// What a rule can look at in a request, gathered once per request.
public struct MatchInput: Sendable {
    public var endpoint: Endpoint
    public var model: String?
    public var prompt: String?
    /// Parameters as text (JSON numbers by their digits, booleans as `true`/`false`).
    public var params: [String: String]
    public var headers: HTTPHeaders
    public var key: String?
    /// Header values by lower-cased name (first value wins), built once per request for the rules.
    let headerValues: [String: String]

    public init(endpoint: Endpoint, model: String?, prompt: String?, params: [String: String], headers: HTTPHeaders, key: String?) {
        self.endpoint = endpoint
        self.model = model
        self.prompt = prompt
        self.params = params
        self.headers = headers
        self.key = key
        var values: [String: String] = [:]
        for field in headers where values[field.name.lowercased()] == nil { values[field.name.lowercased()] = field.value }
        headerValues = values
    }

    /// Reads the parameters as sent (valid or not), so rules with `validate: false` see them too.
    public init(endpoint: Endpoint, parameters: RequestParameters?, headers: HTTPHeaders, key: String?, defaultModel: String?) {
        var texts: [String: String] = [:]
        for entry in parameters?.entries ?? [] {
            switch entry.value {
            case .formText(let text): texts[entry.name] = text
            case .json(.string(let text)): texts[entry.name] = text
            case .json(.number(let number)): texts[entry.name] = number.lexeme
            case .json(.bool(let flag)): texts[entry.name] = flag ? "true" : "false"
            case .json(.null): texts[entry.name] = "null"
            case .json(let other): texts[entry.name] = JSONWriter.renderString(other, layout: .compact)
            case .files(let files): texts[entry.name] = files.compactMap(\.filename).joined(separator: ",")
            }
        }
        self.init(endpoint: endpoint, model: texts["model"] ?? defaultModel, prompt: texts["prompt"], params: texts, headers: headers, key: key)
    }
}

/// Compiled rules: regular expressions are built once per scenario, not per request.
public struct RuleMatcher: Sendable {
    /// Why a rule did not match, criterion by criterion (for the journal's near-miss report).
    public struct Miss: Sendable, Equatable {
        public let rule: String
        public let matchedCriteria: Int
        public let totalCriteria: Int
        public let differences: [String]
    }

    public enum Outcome: Sendable {
        case matched(index: Int)
        /// No rule matched; the nearest one (most criteria met), if any rule exists.
        case unmatched(nearest: Miss?)
    }

    private let rules: [CompiledRule]

    public init(rules: [Rule]) {
        self.rules = rules.map(CompiledRule.init)
    }

    public var count: Int { rules.count }

    /// The first rule whose condition holds; `eligible` can rule out rules (e.g. validating rules
    /// for a request the real API rejects).
    public func match(_ input: MatchInput, eligible: (Int) -> Bool = { _ in true }) -> Outcome {
        // The hot path only counts criteria; the words describing a miss are built for the nearest
        // rule alone (building them for every rule cost ~0.8 µs per rule and request).
        var nearest: (index: Int, met: Int, total: Int)?
        for (index, rule) in rules.enumerated() where eligible(index) {
            let (met, total) = rule.count(input)
            if met == total { return .matched(index: index) }
            if let best = nearest {
                if met * best.total > best.met * total { nearest = (index, met, total) }
            } else {
                nearest = (index, met, total)
            }
        }
        guard let nearest else { return .unmatched(nearest: nil) }
        let rule = rules[nearest.index]
        return .unmatched(nearest: Miss(rule: rule.name, matchedCriteria: nearest.met, totalCriteria: nearest.total, differences: rule.differences(input)))
    }
}

/// A text matcher with its regular expression compiled and its needle as bytes.
struct CompiledTextMatcher: Sendable {
    let matcher: TextMatcher
    /// Compiled once per scenario; NSRegularExpression is immutable and safe to share.
    private let regex: NSRegularExpression?
    private let needle: [UInt8]

    init(_ matcher: TextMatcher) {
        self.matcher = matcher
        switch matcher {
        case .matches(let pattern):
            regex = try? NSRegularExpression(pattern: pattern)
            needle = []
        case .contains(let text), .equals(let text):
            regex = nil
            needle = Array(text.utf8)
        }
    }

    var isRegex: Bool { regex != nil }

    func holds(for text: String?) -> Bool {
        guard let text else { return false }
        switch matcher {
        case .equals(let expected): return text == expected
        case .contains: return Self.contains(text, needle)
        case .matches:
            guard let regex else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        }
    }

    /// Byte-wise substring search: no allocation, no bridging (Foundation's `contains` went
    /// through NSString in profiles). UTF-8 byte equality is what "the prompt contains" means.
    static func contains(_ text: String, _ needle: [UInt8]) -> Bool {
        guard let first = needle.first else { return true }
        var haystack = text
        return haystack.withUTF8 { bytes in
            guard bytes.count >= needle.count else { return false }
            let last = bytes.count - needle.count
            var index = 0
            while index <= last {
                if bytes[index] == first {
                    var offset = 1
                    while offset < needle.count && bytes[index + offset] == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
                index += 1
            }
            return false
        }
    }

    var description: String {
        switch matcher {
        case .equals(let text): "equal '\(text)'"
        case .contains(let text): "contain '\(text)'"
        case .matches(let pattern): "match /\(pattern)/"
        }
    }
}

private struct CompiledRule: Sendable {
    let name: String
    let endpoints: [Endpoint]?
    let models: [String]?
    let prompt: CompiledTextMatcher?
    let params: [(String, CompiledTextMatcher)]
    let headers: [(String, CompiledTextMatcher)]
    let keys: [String]?
    /// How many criteria the rule has.
    let criteria: Int

    init(_ rule: Rule) {
        name = rule.name
        endpoints = rule.when.endpoints
        models = rule.when.models
        prompt = rule.when.prompt.map(CompiledTextMatcher.init)
        params = rule.when.params.sorted { $0.key < $1.key }.map { ($0.key, CompiledTextMatcher($0.value)) }
        headers = rule.when.headers.sorted { $0.key < $1.key }.map { ($0.key.lowercased(), CompiledTextMatcher($0.value)) }
        keys = rule.when.keys
        criteria = (endpoints == nil ? 0 : 1) + (models == nil ? 0 : 1) + (keys == nil ? 0 : 1) + params.count + headers.count + (prompt == nil ? 0 : 1)
    }

    /// How many of the rule's criteria hold, cheapest first, with no text built. Regular
    /// expressions, the costly criteria, are only tried when everything else holds; otherwise they
    /// count as not met (which can only make a rule look farther in the near-miss report).
    func count(_ input: MatchInput) -> (met: Int, total: Int) {
        var met = 0
        var deferred: [(CompiledTextMatcher, String?)] = []
        if let endpoints, endpoints.contains(input.endpoint) { met += 1 }
        if let models, let model = input.model, models.contains(model) { met += 1 }
        if let keys, let key = input.key, keys.contains(key) { met += 1 }
        for (name, matcher) in params {
            if matcher.isRegex { deferred.append((matcher, input.params[name])) } else if matcher.holds(for: input.params[name]) { met += 1 }
        }
        for (name, matcher) in headers {
            if matcher.isRegex { deferred.append((matcher, input.headerValues[name])) } else if matcher.holds(for: input.headerValues[name]) { met += 1 }
        }
        if let prompt {
            if prompt.isRegex { deferred.append((prompt, input.prompt)) } else if prompt.holds(for: input.prompt) { met += 1 }
        }
        if met + deferred.count == criteria {
            for (matcher, text) in deferred where matcher.holds(for: text) { met += 1 }
        }
        return (met, criteria)
    }

    /// What differs, in words (only for the nearest rule of an unmatched request).
    func differences(_ input: MatchInput) -> [String] {
        var differences: [String] = []
        if let endpoints {
            if !endpoints.contains(input.endpoint) { differences.append("endpoint is '\(input.endpoint.rawValue)', not \(endpoints.map { "'\($0.rawValue)'" }.joined(separator: " or "))") }
        }
        if let models {
            if !(input.model.map(models.contains) ?? false) { differences.append("model is \(input.model.map { "'\($0)'" } ?? "absent"), not \(models.map { "'\($0)'" }.joined(separator: " or "))") }
        }
        if let prompt {
            if !prompt.holds(for: input.prompt) { differences.append("prompt does not \(prompt.description)") }
        }
        for (name, matcher) in params {
            if !matcher.holds(for: input.params[name]) { differences.append("param '\(name)' is \(input.params[name].map { "'\($0)'" } ?? "absent"); it does not \(matcher.description)") }
        }
        for (name, matcher) in headers {
            if !matcher.holds(for: input.headers[name]) { differences.append("header '\(name)' is \(input.headers[name].map { "'\($0)'" } ?? "absent"); it does not \(matcher.description)") }
        }
        if let keys, !(input.key.map(keys.contains) ?? false) {
            differences.append("API key \(input.key.map { APIKeyMask.mask($0) } ?? "absent") is not one of the rule's keys")
        }
        return differences
    }
}
