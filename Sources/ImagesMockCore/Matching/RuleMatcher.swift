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

    public init(endpoint: Endpoint, model: String?, prompt: String?, params: [String: String], headers: HTTPHeaders, key: String?) {
        self.endpoint = endpoint
        self.model = model
        self.prompt = prompt
        self.params = params
        self.headers = headers
        self.key = key
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
        var nearest: Miss?
        for (index, rule) in rules.enumerated() where eligible(index) {
            let verdict = rule.evaluate(input)
            if verdict.differences.isEmpty { return .matched(index: index) }
            let miss = Miss(rule: rule.name, matchedCriteria: verdict.total - verdict.differences.count, totalCriteria: verdict.total, differences: verdict.differences)
            if nearest == nil || Self.isCloser(miss, than: nearest!) { nearest = miss }
        }
        return .unmatched(nearest: nearest)
    }

    private static func isCloser(_ miss: Miss, than other: Miss) -> Bool {
        let mine = Double(miss.matchedCriteria) / Double(max(1, miss.totalCriteria))
        let theirs = Double(other.matchedCriteria) / Double(max(1, other.totalCriteria))
        return mine > theirs || (mine == theirs && miss.differences.count < other.differences.count)
    }
}

/// A text matcher with its regular expression compiled.
struct CompiledTextMatcher: Sendable {
    let matcher: TextMatcher
    /// Compiled once per scenario; NSRegularExpression is immutable and safe to share.
    private let regex: NSRegularExpression?

    init(_ matcher: TextMatcher) {
        self.matcher = matcher
        if case .matches(let pattern) = matcher {
            regex = try? NSRegularExpression(pattern: pattern)
        } else {
            regex = nil
        }
    }

    func holds(for text: String?) -> Bool {
        guard let text else { return false }
        switch matcher {
        case .equals(let expected): return text == expected
        case .contains(let fragment): return text.contains(fragment)
        case .matches:
            guard let regex else { return false }
            return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
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

    init(_ rule: Rule) {
        name = rule.name
        endpoints = rule.when.endpoints
        models = rule.when.models
        prompt = rule.when.prompt.map(CompiledTextMatcher.init)
        params = rule.when.params.sorted { $0.key < $1.key }.map { ($0.key, CompiledTextMatcher($0.value)) }
        headers = rule.when.headers.sorted { $0.key < $1.key }.map { ($0.key, CompiledTextMatcher($0.value)) }
        keys = rule.when.keys
    }

    func evaluate(_ input: MatchInput) -> (total: Int, differences: [String]) {
        var total = 0
        var differences: [String] = []
        if let endpoints {
            total += 1
            if !endpoints.contains(input.endpoint) { differences.append("endpoint is '\(input.endpoint.rawValue)', not \(endpoints.map { "'\($0.rawValue)'" }.joined(separator: " or "))") }
        }
        if let models {
            total += 1
            if !(input.model.map(models.contains) ?? false) { differences.append("model is \(input.model.map { "'\($0)'" } ?? "absent"), not \(models.map { "'\($0)'" }.joined(separator: " or "))") }
        }
        if let prompt {
            total += 1
            if !prompt.holds(for: input.prompt) { differences.append("prompt does not \(prompt.description)") }
        }
        for (name, matcher) in params {
            total += 1
            if !matcher.holds(for: input.params[name]) { differences.append("param '\(name)' is \(input.params[name].map { "'\($0)'" } ?? "absent"); it does not \(matcher.description)") }
        }
        for (name, matcher) in headers {
            total += 1
            if !matcher.holds(for: input.headers[name]) { differences.append("header '\(name)' is \(input.headers[name].map { "'\($0)'" } ?? "absent"); it does not \(matcher.description)") }
        }
        if let keys {
            total += 1
            if !(input.key.map(keys.contains) ?? false) { differences.append("API key \(input.key.map { APIKeyMask.mask($0) } ?? "absent") is not one of the rule's keys") }
        }
        return (total, differences)
    }
}
