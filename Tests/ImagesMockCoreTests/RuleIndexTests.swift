import Foundation
import Testing
@testable import ImagesMockCore

/// The matcher before the index: every rule evaluated in turn. Kept here as the reference the
/// indexed matcher must agree with on every input.
extension CompiledRule {
    /// How many of the rule's criteria hold; regular expressions are tried only when everything
    /// else holds, otherwise they count as not met.
    func referenceCount(_ input: MatchInput) -> (met: Int, total: Int) {
        var met = 0
        var deferred: [(CompiledTextMatcher, String?)] = []
        if let endpoints, endpoints.contains(input.endpoint) { met += 1 }
        if let models, let model = input.model, models.contains(model) { met += 1 }
        if let keys, let key = input.key, keys.contains(key) { met += 1 }
        for (name, matcher) in params {
            if matcher.isRegex { deferred.append((matcher, input.params[name])) } else if matcher.holds(for: input.params[name]) { met += 1 }
        }
        for (name, matcher) in headers {
            if matcher.isRegex { deferred.append((matcher, input.headers[name])) } else if matcher.holds(for: input.headers[name]) { met += 1 }
        }
        if let prompt {
            if prompt.isRegex { deferred.append((prompt, input.prompt)) } else if prompt.holds(for: input.prompt) { met += 1 }
        }
        if met + deferred.count == criteria {
            for (matcher, text) in deferred where matcher.holds(for: text) { met += 1 }
        }
        return (met, criteria)
    }
}

/// What a match decided, comparable across the two matchers (the near-miss words from the whole
/// request, so that the evidence a miss keeps is checked too).
enum ReferenceOutcome: Equatable, CustomStringConvertible {
    case matched(Int)
    case unmatched(rule: String, met: Int, total: Int, differences: [String])
    case nothing

    var description: String {
        switch self {
        case .matched(let index): "matched r\(index)"
        case .unmatched(let rule, let met, let total, let differences): "nearest \(rule) \(met)/\(total) \(differences)"
        case .nothing: "no rule"
        }
    }
}

extension RuleMatcher {
    func referenceOutcome(_ input: MatchInput, eligible: (Int) -> Bool) -> ReferenceOutcome {
        var nearest: (index: Int, met: Int, total: Int)?
        for (index, rule) in rules.enumerated() where eligible(index) {
            let (met, total) = rule.referenceCount(input)
            if met == total { return .matched(index) }
            if let best = nearest {
                if met * best.total > best.met * total { nearest = (index, met, total) }
            } else {
                nearest = (index, met, total)
            }
        }
        guard let nearest else { return .nothing }
        let rule = rules[nearest.index]
        return .unmatched(rule: rule.name, met: nearest.met, total: nearest.total, differences: rule.differences(input))
    }

    func indexedOutcome(_ input: MatchInput, eligible: (Int) -> Bool) -> ReferenceOutcome {
        switch match(input, eligible: eligible) {
        case .matched(let index): .matched(index)
        case .unmatched(nil): .nothing
        case .unmatched(let miss?): .unmatched(rule: miss.rule, met: miss.matchedCriteria, total: miss.totalCriteria, differences: miss.differences)
        }
    }
}

/// Random rule sets and requests over small alphabets, so that criteria hold often and rules
/// share criteria, texts and regex literals.
struct RandomRules {
    var random: SeededGenerator

    static let models = ["dall-e-3", "gpt-image-1", "caf\u{E9}", "cafe\u{301}"]
    static let keys = ["sk-a", "sk-b", "sk-c"]
    static let paramNames = ["size", "quality", "n"]
    static let paramValues = ["1", "2", "low", "Low", "hd", "1024x1024", ""]
    static let ruleHeaderNames = ["X-Test", "x-test", "Content-Type", "x-other"]
    static let requestHeaderNames = ["X-TEST", "x-test", "content-type", "Content-Type", "X-Other"]
    static let headerValues = ["a", "ab", "application/json", "text/plain1", "A"]
    /// Prompt pieces: ASCII, case variants, and non-ASCII that folds to ASCII (KELVIN SIGN, ß, ſ)
    /// or differs only in normalisation (é precomposed or not).
    static let promptPieces = ["a", "b", "ab", "otter", "OTTER", "k", "K", "\u{212A}", "caf\u{E9}", "cafe\u{301}", " ", "1", "12",
                               "\u{DF}", "ss", "SS", "\u{17F}", "never", "x", ".", "-"]
    static let needles = ["", "a", "b", "ab", "otter", "k", "K", "\u{E9}", "e\u{301}", "1", "12", "ss", " a", "ab b", "never-1", "x.", "application"]
    static let patterns = [
        "otter", "(?i)otter", "(?i)k", "a|b", "(?i)\\bab\\b", "ot+er", "o?tter", "a.b", "^a", "b$", "[ab]c", "(?i)ss", "(a|b)1", "\\d",
        "x{0}a", "(", "(?i)caf\u{E9}", "(?x) a b", "a(?i)b", "\\Qa.b\\E", "1", "(?i)12", "(?i)\\b(never|nowhere)1\\b", "^text/(plain|csv)1$",
        "a\\.b", "(?i)OTTER", "ab*", "ab+", "(?i)a(?-i)b", "[\\]a]b", "k\\b", "\\x61b", "(?i:ab)c", "ab{2}", "(?i)\u{17F}", "",
    ]
    /// Random pieces for patterns, some of them invalid together.
    static let patternPieces = ["a", "b", "k", "K", "1", "(?i)", "|", "(a|b)", "*", "+", "?", "\\b", "[ab]", ".", "\\.", "ss", " ", "(", ")", "{1}", "\u{E9}"]

    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }
    mutating func pick<T>(_ values: [T]) -> T { values[Int.random(in: 0..<values.count, using: &random)] }

    mutating func text(pieces: Int) -> String {
        (0..<Int.random(in: 0...pieces, using: &random)).map { _ in pick(Self.promptPieces) }.joined()
    }

    mutating func pattern() -> String {
        if chance(70) { return pick(Self.patterns) }
        return (0..<Int.random(in: 1...4, using: &random)).map { _ in pick(Self.patternPieces) }.joined()
    }

    mutating func matcher(values: [String]) -> TextMatcher {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: .equals(chance(60) ? pick(values) : text(pieces: 2))
        case 1: .contains(pick(Self.needles))
        default: .matches(pattern())
        }
    }

    mutating func rules() -> [Rule] {
        (0..<Int.random(in: 0...8, using: &random)).map { index in
            var when = RuleCondition()
            if chance(25) { when.endpoints = (0..<Int.random(in: 0...2, using: &random)).map { _ in pick(Endpoint.allCases) } }
            if chance(30) { when.models = (0..<Int.random(in: 0...2, using: &random)).map { _ in pick(Self.models) } }
            if chance(20) { when.keys = (0..<Int.random(in: 0...2, using: &random)).map { _ in pick(Self.keys) } }
            if chance(50) { when.prompt = matcher(values: Self.promptPieces) }
            for _ in 0..<Int.random(in: 0...2, using: &random) { when.params[pick(Self.paramNames)] = matcher(values: Self.paramValues) }
            for _ in 0..<Int.random(in: 0...2, using: &random) { when.headers[pick(Self.ruleHeaderNames)] = matcher(values: Self.headerValues) }
            return Rule(name: "r\(index)", when: when, action: .respond(.images(.generated)), validate: chance(50))
        }
    }

    mutating func input() -> MatchInput {
        var params: [String: String] = [:]
        for name in Self.paramNames where chance(50) { params[name] = chance(20) ? text(pieces: 2) : pick(Self.paramValues) }
        var headers: [(name: String, value: String)] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) { headers.append((pick(Self.requestHeaderNames), chance(20) ? text(pieces: 2) : pick(Self.headerValues))) }
        return MatchInput(endpoint: pick(Endpoint.allCases), model: chance(80) ? pick(Self.models) : nil, prompt: chance(85) ? text(pieces: 5) : nil,
                          params: params, headers: HTTPHeaders(headers), key: chance(70) ? pick(Self.keys) : nil)
    }
}

@Suite("Rule index")
struct RuleIndexTests {
    @Test func agreesWithEvaluatingEveryRule() {
        var generator = RandomRules(random: SeededGenerator(seed: 0x5EED_0F_1A7E))
        var matched = 0, nearMisses = 0, compared = 0
        for ruleSet in 0..<3_000 {
            let rules = generator.rules()
            let matcher = RuleMatcher(rules: rules)
            for _ in 0..<12 {
                let input = generator.input()
                let validRequest = generator.chance(60)
                let eligible: (Int) -> Bool = { validRequest || !rules[$0].validate }
                let expected = matcher.referenceOutcome(input, eligible: eligible)
                let actual = matcher.indexedOutcome(input, eligible: eligible)
                compared += 1
                if case .matched = expected { matched += 1 }
                if case .unmatched(_, let met, _, _) = expected, met > 0 { nearMisses += 1 }
                guard actual == expected else {
                    Issue.record("rule set \(ruleSet): \(rules.map { "\($0.name) \($0.when) validate=\($0.validate)" }) input \(input): expected \(expected), got \(actual)")
                    return
                }
            }
        }
        // The alphabets are small enough that both outcomes are common.
        #expect(matched > compared / 10)
        #expect(nearMisses > compared / 10)
    }

    @Test func aRegexWhoseLiteralIsAbsentNeverRuns() {
        let rules = [
            Rule(name: "regex only", when: RuleCondition(prompt: .matches("(?i)\\b(never|nowhere)17\\b")), action: .respond(.images(.generated))),
            Rule(name: "header regex", when: RuleCondition(headers: ["content-type": .matches("^text/(plain|csv)17$")]), action: .respond(.images(.generated))),
        ]
        let matcher = RuleMatcher(rules: rules)
        func runs(prompt: String, contentType: String = "application/json") -> (Int, RuleMatcher.Outcome) {
            var runs = 0
            let input = MatchInput(endpoint: .generations, model: nil, prompt: prompt, params: [:], headers: HTTPHeaders([("Content-Type", contentType)]), key: nil)
            let outcome = matcher.match(input, eligible: { _ in true }, regexRuns: &runs)
            return (runs, outcome)
        }
        #expect(runs(prompt: "bench").0 == 0)
        #expect(runs(prompt: "never 1 7").0 == 0)
        // The literal is there: the regex runs (and fails, or matches).
        #expect(runs(prompt: "never 17").0 == 1)
        #expect(runs(prompt: "NEVER17").1 == .matched(index: 0))
        // Non-ASCII text could fold onto a case-insensitive literal: the regex runs.
        #expect(runs(prompt: "caf\u{E9}").0 == 0)  // "17" has no letters: compared byte for byte
        #expect(runs(prompt: "x", contentType: "text/csv17").1 == .matched(index: 1))
        #expect(runs(prompt: "x", contentType: "text/csv1").0 == 0)
    }

    @Test func caseInsensitiveLiteralsGiveWayToNonASCIIText() {
        // U+212A KELVIN SIGN folds to "k": the ASCII literal is not in the bytes, yet it matches.
        let matcher = RuleMatcher(rules: [Rule(name: "kelvin", when: RuleCondition(prompt: .matches("(?i)kelvin")), action: .respond(.images(.generated)))])
        let input = MatchInput(endpoint: .generations, model: nil, prompt: "\u{212A}ELVIN", params: [:], headers: HTTPHeaders(), key: nil)
        #expect(matcher.match(input) == .matched(index: 0))
        let ascii = MatchInput(endpoint: .generations, model: nil, prompt: "KeLvIn", params: [:], headers: HTTPHeaders(), key: nil)
        #expect(matcher.match(ascii) == .matched(index: 0))
    }

    @Test func aNearMissKeepsOnlyWhatItsRuleReads() throws {
        let matcher = RuleMatcher(rules: [Rule(name: "size", when: RuleCondition(params: ["size": .equals("256x256")]), action: .respond(.images(.generated)))])
        let input = MatchInput(endpoint: .generations, model: "gpt-image-1", prompt: "secret prompt", params: ["size": "1024x1024", "prompt": "secret prompt"],
                               headers: HTTPHeaders([("Authorization", "Bearer sk-secret")]), key: "sk-secret")
        guard case .unmatched(let miss?) = matcher.match(input) else { Issue.record("should miss"); return }
        #expect(miss.differences == ["param 'size' is '1024x1024'; it does not equal '256x256'"])
        let kept = String(describing: miss)
        #expect(!kept.contains("sk-secret") && !kept.contains("secret prompt"))
    }

    @Test func aNearMissOnAKeyRuleKeepsTheKeyMasked() throws {
        let matcher = RuleMatcher(rules: [
            Rule(name: "vip", when: RuleCondition(endpoints: [.generations], keys: ["sk-vip-0123456789"]), action: .respond(.images(.generated)))
        ])
        let input = MatchInput(endpoint: .generations, model: nil, prompt: "x", params: [:], headers: HTTPHeaders(), key: "sk-proj-abcdefghijklmnop")
        guard case .unmatched(let miss?) = matcher.match(input) else { Issue.record("should miss"); return }
        #expect(miss.matchedCriteria == 1 && miss.totalCriteria == 2)
        #expect(miss.differences == ["API key sk-proj-************mnop is not one of the rule's keys"])
        #expect(!String(describing: miss).contains("abcdefghijklmnop"))
    }
}

@Suite("Atoms by text")
struct AtomsByTextTests {
    /// Below and above the linear limit, a look-up answers as the dictionary does, canonical
    /// equivalence included ("é" precomposed finds "e" + combining acute).
    @Test(arguments: [1, AtomsByText.linearLimit, AtomsByText.linearLimit + 1, 40])
    func answersAsTheDictionaryDoes(count: Int) {
        var map: [String: [Int32]] = [:]
        for index in 0..<count { map["value-\(index)"] = [Int32(index), Int32(index + 100)] }
        map["caf\u{E9}"] = [7]
        let atoms = AtomsByText(map)
        #expect(!atoms.isEmpty)
        for (text, expected) in map { #expect(atoms[text] == expected) }
        #expect(atoms["cafe\u{301}"] == [7])
        #expect(atoms["value-\(count)"] == nil)
        #expect(atoms[""] == nil)
        #expect(AtomsByText([:]).isEmpty)
        #expect(AtomsByText([:])["x"] == nil)
    }
}
