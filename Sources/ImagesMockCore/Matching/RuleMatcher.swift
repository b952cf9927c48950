import Foundation

/// What a rule can look at in a request, gathered once per request.
public struct MatchInput: Sendable {
    public var endpoint: Endpoint
    public var model: String?
    public var prompt: String?
    /// Parameters as text (JSON numbers by their digits, booleans as `true`/`false`).
    public var params: [String: String]
    /// The request's headers as received; rules look a name up when they ask (a request has a
    /// handful of headers, and most scenarios never read them).
    public let headers: HTTPHeaders
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
        var texts: [String: String] = Dictionary(minimumCapacity: parameters?.entries.count ?? 0)
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

/// Compiled rules: regular expressions are built once per scenario, not per request, and the
/// rules are indexed (``RuleIndex``) so that a request costs one evaluation per distinct
/// criterion rather than one per rule.
public struct RuleMatcher: Sendable {
    /// Why a rule did not match, criterion by criterion (for the journal's near-miss report).
    public struct Miss: Sendable, Equatable {
        /// Everything in one reference: a miss rides along in every copy of a journal entry on
        /// the request path, and one retain per copy is cheaper than one per field.
        private final class Record: Sendable {
            let rule: String
            let matchedCriteria: Int
            let totalCriteria: Int
            /// The rule and the part of the request it reads: the words are built only when the
            /// journal is read, never on the request path.
            let compiled: CompiledRule
            let evidence: MatchInput

            init(rule: CompiledRule, matchedCriteria: Int, input: MatchInput) {
                self.rule = rule.name
                self.matchedCriteria = matchedCriteria
                totalCriteria = rule.criteria
                compiled = rule
                evidence = rule.evidence(from: input)
            }
        }

        private let record: Record

        /// The rule's name.
        public var rule: String { record.rule }
        /// Criteria of the rule that held (a regex counts only if everything else held).
        public var matchedCriteria: Int { record.matchedCriteria }
        /// Criteria of the rule.
        public var totalCriteria: Int { record.totalCriteria }

        init(rule: CompiledRule, matchedCriteria: Int, input: MatchInput) {
            record = Record(rule: rule, matchedCriteria: matchedCriteria, input: input)
        }

        /// What differs, in words, one entry per criterion not met (a regex that was not tried
        /// is described by trying it now).
        public var differences: [String] { record.compiled.differences(record.evidence) }

        /// Equal when everything the journal shows is equal.
        public static func == (left: Miss, right: Miss) -> Bool {
            left.rule == right.rule && left.matchedCriteria == right.matchedCriteria && left.totalCriteria == right.totalCriteria
                && left.differences == right.differences
        }
    }

    /// What ``match(_:eligible:)`` found.
    public enum Outcome: Sendable, Equatable {
        /// The first eligible rule whose criteria all hold, by its index in the scenario.
        case matched(index: Int)
        /// No rule matched; the nearest one (most criteria met), if any rule exists.
        case unmatched(nearest: Miss?)
    }

    /// In scenario order (the near-miss words, and the reference the index is tested against).
    let rules: [CompiledRule]
    private let index: RuleIndex

    public init(rules: [Rule]) {
        self.rules = rules.map(CompiledRule.init)
        index = RuleIndex(rules: self.rules)
    }

    public var count: Int { rules.count }

    /// The first rule whose condition holds; `eligible` can rule out rules (e.g. validating rules
    /// for a request the real API rejects). Unmatched, the nearest eligible rule: the highest
    /// share of criteria met, the first on ties; a regular expression counts as met only when it
    /// was tried, i.e. when every other criterion of its rule holds.
    public func match(_ input: MatchInput, eligible: (Int) -> Bool = { _ in true }) -> Outcome {
        var regexRuns = 0
        return match(input, eligible: eligible, regexRuns: &regexRuns)
    }

    /// ``match(_:eligible:)``, counting the regular expressions it ran (for tests).
    func match(_ input: MatchInput, eligible: (Int) -> Bool, regexRuns: inout Int) -> Outcome {
        switch index.verdict(input, eligible: eligible, regexRuns: &regexRuns) {
        case .matched(let rule): .matched(index: rule)
        case .nearest(let rule, let met): .unmatched(nearest: Miss(rule: rules[rule], matchedCriteria: met, input: input))
        case .noEligibleRule: .unmatched(nearest: nil)
        }
    }
}
