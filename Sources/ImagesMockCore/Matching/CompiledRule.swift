import Foundation

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

/// One rule's condition, criterion by criterion. The request path decides with ``RuleIndex``;
/// this form describes a near miss in words (when the journal is read) and is the reference the
/// index is tested against. A class, so a near miss keeps it by reference.
final class CompiledRule: Sendable {
    let name: String
    let endpoints: [Endpoint]?
    let models: [String]?
    let prompt: CompiledTextMatcher?
    /// By name, sorted (the order of the near-miss words).
    let params: [(String, CompiledTextMatcher)]
    /// By lower-cased name, sorted by the name as written.
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

    /// What differs, in words (only for the nearest rule of an unmatched request, when read).
    /// A header value as the journal may show it: credentials masked the way a 401 masks a key.
    static func shown(header name: String, value: String) -> String {
        let secret = ["authorization", "proxy-authorization", "api-key", "x-api-key", "openai-api-key", "cookie"]
        guard secret.contains(name.lowercased()) else { return value }
        let parts = value.split(separator: " ", maxSplits: 1)
        if parts.count == 2, ["bearer", "basic"].contains(parts[0].lowercased()) {
            return "\(parts[0]) \(APIKeyMask.mask(String(parts[1])))"
        }
        return APIKeyMask.mask(value)
    }

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
            if !matcher.holds(for: input.headers[name]) { differences.append("header '\(name)' is \(input.headers[name].map { "'\(Self.shown(header: name, value: $0))'" } ?? "absent"); it does not \(matcher.description)") }
        }
        if let keys, !(input.key.map(keys.contains) ?? false) {
            differences.append("API key \(input.key.map { APIKeyMask.mask($0) } ?? "absent") is not one of the rule's keys")
        }
        return differences
    }

    /// The part of `input` that ``differences(_:)`` reads, so a near miss kept in the journal
    /// holds neither the whole request's texts nor an API key (other than one the rule lists).
    /// Texts the evidence keeps at most: every valid prompt (32,000 characters) whole, so the
    /// words built from it later are right, while a rejected multi-megabyte value cannot make
    /// each journal entry hold megabytes.
    static let evidenceLimit = 32_768

    func evidence(from input: MatchInput) -> MatchInput {
        func bounded(_ text: String?) -> String? {
            guard let text, text.utf8.count > Self.evidenceLimit else { return text }
            return String(text.prefix(Self.evidenceLimit))
        }
        var params: [String: String] = [:]
        for (name, _) in self.params { params[name] = bounded(input.params[name]) }
        var headers: [(name: String, value: String)] = []
        for (name, _) in self.headers { if let value = input.headers[name] { headers.append((name, bounded(value) ?? value)) } }
        // A key the rule does not list is kept masked (the journal never holds a whole key):
        // masking is idempotent, so the words built later are the same.
        var key: String?
        if let keys, let given = input.key { key = keys.contains(given) ? given : APIKeyMask.mask(given) }
        return MatchInput(endpoint: input.endpoint, model: bounded(input.model), prompt: prompt == nil ? nil : bounded(input.prompt), params: params,
                          headers: HTTPHeaders(headers), key: key)
    }
}
