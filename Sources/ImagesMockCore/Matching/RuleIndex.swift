/// Lists of ids per id (which rules contain an atom, ...), flattened into one array so that
/// walking a list touches no nested array.
struct InvertedLists: Sendable {
    private let starts: [Int32]
    private let items: [Int32]

    init(_ lists: [[Int32]]) {
        var starts: [Int32] = [0]
        starts.reserveCapacity(lists.count + 1)
        for list in lists { starts.append(starts[starts.count - 1] + Int32(list.count)) }
        self.starts = starts
        items = lists.flatMap { $0 }
    }

    /// Positions in ``item(_:)`` of the list of `id`.
    @inline(__always)
    func positions(of id: Int32) -> Range<Int> { Int(starts[Int(id)])..<Int(starts[Int(id) + 1]) }

    @inline(__always)
    func item(_ position: Int) -> Int32 { items[position] }
}

/// Where a text criterion reads its text: the prompt, a parameter, or a header (by lower-cased name).
enum TextSubject: Hashable, Sendable {
    case prompt
    case param(String)
    case header(String)

    func text(in input: MatchInput) -> String? {
        switch self {
        case .prompt: input.prompt
        case .param(let name): input.params[name]
        case .header(let name): input.headers[name]
        }
    }
}

/// Atoms by the exact text they want (string equality, as `equals` compares). A handful of
/// texts are compared one by one: hashing a string costs more than comparing a few, and a
/// scenario's rules often name only one or two models or values of a parameter.
struct AtomsByText: Sendable {
    static let linearLimit = 8
    private let few: [(text: String, atoms: [Int32])]
    private let many: [String: [Int32]]

    init(_ map: [String: [Int32]]) {
        if map.count <= Self.linearLimit {
            few = map.map { (text: $0.key, atoms: $0.value) }
            many = [:]
        } else {
            few = []
            many = map
        }
    }

    var isEmpty: Bool { few.isEmpty && many.isEmpty }

    subscript(text: String) -> [Int32]? {
        guard many.isEmpty else { return many[text] }
        for entry in few where entry.text == text { return entry.atoms }
        return nil
    }
}

/// Everything the rules ask of one text subject, resolved per request by one dictionary lookup
/// and at most two scans of the text. A class, so the request path reads it in place.
final class TextSubjectIndex: Sendable {
    let subject: TextSubject
    /// `equals` atoms by the value they want.
    let equals: AtomsByText
    /// Atoms that hold whenever the text is present (`contains: ""`).
    let present: [Int32]
    /// `contains` atoms and case-sensitive regex literals, byte for byte.
    let exact: NeedleScanner?
    /// Case-insensitive regex literals (lower-cased ASCII).
    let folded: NeedleScanner?
    /// The atoms of `folded`, all taken as present when the text has a non-ASCII byte: Unicode
    /// case folding lets such text match ASCII literals (U+212A KELVIN SIGN matches `k`).
    let foldedAtoms: [Int32]

    init(subject: TextSubject, equals: [String: [Int32]], present: [Int32], exactNeedles: [(bytes: [UInt8], atom: Int32)],
         foldedNeedles: [(bytes: [UInt8], atom: Int32)]) {
        self.subject = subject
        self.equals = AtomsByText(equals)
        self.present = present
        exact = exactNeedles.isEmpty ? nil : NeedleScanner(needles: exactNeedles, foldsCase: false)
        folded = foldedNeedles.isEmpty ? nil : NeedleScanner(needles: foldedNeedles, foldsCase: true)
        foldedAtoms = foldedNeedles.map(\.atom)
    }
}

/// A regular expression criterion, shared by every rule that has it on the same subject.
struct RegexAtom: Sendable {
    let subject: TextSubject
    let matcher: CompiledTextMatcher
    /// How many distinct literal atoms must hold before the regex can match; 0: always tried.
    let literalCount: Int32
}

/// The rules as an index: each distinct criterion ("atom") is evaluated once per request, and an
/// atom that holds counts one for every rule containing it. A rule is a candidate only when all
/// its atoms hold; regular expressions run only for such rules (and only when the literals their
/// match requires are present), each at most once per request.
///
/// The outcome, including the nearest rule of an unmatched request and how many of its criteria
/// were met, is the same as evaluating every rule in turn (``CompiledRule``), which the tests
/// check on random rule sets.
struct RuleIndex: Sendable {
    /// Per rule: non-regex criteria (each one atom).
    private let plainCriteria: [Int]
    /// Per rule: the counter value of a rule whose criteria all hold: plain criteria in the low 32
    /// bits, regexes allowed to run ("open") in the high 32 bits.
    private let complete: [Int]
    /// Per rule: its regexes (repeated if the rule has one twice).
    private let ruleRegexes: InvertedLists
    /// Rules without criteria: they match every request.
    private let unconditional: [Int32]
    private let ruleCount: Int

    private let atomCount: Int
    /// Per atom: the rules counting it as a criterion (a rule twice if it has it twice).
    private let atomRules: InvertedLists
    /// Per atom: the regexes needing it as a literal.
    private let atomRegexes: InvertedLists

    private let regexes: [RegexAtom]
    /// Per regex: the rules having it.
    private let regexRules: InvertedLists
    /// Regexes without literals: open on every request.
    private let alwaysOpen: [Int32]

    /// Atoms per endpoint, in `Endpoint.allCases` order.
    private let endpointAtoms: [[Int32]]
    private let modelAtoms: AtomsByText
    private let keyAtoms: AtomsByText
    private let textSubjects: [TextSubjectIndex]

    /// A rule's plain-criteria count sits in the low half of its counter, open regexes in the high.
    private static let openRegex = 1 << 32
    private static let plainMask = (1 << 32) - 1

    init(rules: [CompiledRule]) {
        var builder = Builder()
        for (index, rule) in rules.enumerated() { builder.add(rule, index: Int32(index)) }
        ruleCount = rules.count
        plainCriteria = builder.plainCriteria
        complete = zip(builder.plainCriteria, builder.ruleRegexes).map { $0 | $1.count << 32 }
        ruleRegexes = InvertedLists(builder.ruleRegexes)
        unconditional = rules.indices.filter { rules[$0].criteria == 0 }.map { Int32($0) }
        atomCount = builder.atomRules.count
        atomRules = InvertedLists(builder.atomRules)
        atomRegexes = InvertedLists(builder.atomRegexes)
        regexes = builder.regexes
        regexRules = InvertedLists(builder.regexRules)
        alwaysOpen = builder.regexes.indices.filter { builder.regexes[$0].literalCount == 0 }.map { Int32($0) }
        endpointAtoms = Endpoint.allCases.map { builder.endpointAtoms[$0] ?? [] }
        modelAtoms = AtomsByText(builder.modelAtoms)
        keyAtoms = AtomsByText(builder.keyAtoms)
        textSubjects = builder.textSubjects()
    }

    // MARK: Per request

    /// The index's verdict for one request, before it becomes an ``RuleMatcher/Outcome``.
    enum Verdict: Equatable {
        case matched(Int)
        case nearest(index: Int, met: Int)
        case noEligibleRule
    }

    /// Per-request working state. Arrays are sized on first use: a request that satisfies no
    /// criterion of any rule (the common case for a large scenario) allocates none of them.
    private struct Tally {
        /// Per rule: plain criteria met (low half) and open regexes (high half).
        var counters: [Int] = []
        /// Rules whose counter is non-zero, in no order.
        var touched: [Int32] = []
        /// Atoms already counted, as a bit set (a needle can occur several times).
        var counted: [UInt64] = []
        /// Per regex: literals found.
        var literalsFound: [Int32] = []
        /// Per regex: 0 not run yet, 1 matches, 2 does not.
        var regexResults: [UInt8] = []
        /// Scanner output, reused across subjects.
        var found: [Int32] = []
        /// How many regexes ran (for tests).
        var regexRuns = 0
    }

    /// The first eligible rule whose criteria all hold, else the nearest eligible rule: the
    /// highest share of criteria met, the first on ties; regexes count as met only when they ran,
    /// i.e. when every other criterion of the rule holds. `regexRuns` counts regex evaluations.
    func verdict(_ input: MatchInput, eligible: (Int) -> Bool, regexRuns: inout Int) -> Verdict {
        var tally = Tally()
        for atom in endpointAtoms[Self.ordinal(of: input.endpoint)] { count(atom, in: &tally) }
        if !modelAtoms.isEmpty, let model = input.model, let atoms = modelAtoms[model] { for atom in atoms { count(atom, in: &tally) } }
        if !keyAtoms.isEmpty, let key = input.key, let atoms = keyAtoms[key] { for atom in atoms { count(atom, in: &tally) } }
        for subject in textSubjects {
            guard let text = subject.subject.text(in: input) else { continue }
            if !subject.equals.isEmpty, let atoms = subject.equals[text] { for atom in atoms { count(atom, in: &tally) } }
            for atom in subject.present { count(atom, in: &tally) }
            if let exact = subject.exact {
                _ = exact.scan(text, into: &tally.found)
                drainFound(&tally)
            }
            if let folded = subject.folded {
                if folded.scan(text, into: &tally.found) {
                    tally.found.removeAll(keepingCapacity: true)
                    for atom in subject.foldedAtoms { count(atom, in: &tally) }
                } else {
                    drainFound(&tally)
                }
            }
        }
        for regex in alwaysOpen { open(regex, in: &tally) }
        defer { regexRuns = tally.regexRuns }

        // The first eligible rule without criteria bounds the search: it matches.
        var firstUnconditional = Int.max
        for rule in unconditional where eligible(Int(rule)) {
            firstUnconditional = Int(rule)
            break
        }
        var candidates: [Int32] = []
        for rule in tally.touched where tally.counters[Int(rule)] == complete[Int(rule)] && Int(rule) < firstUnconditional {
            candidates.append(rule)
        }
        candidates.sort()
        for rule in candidates where eligible(Int(rule)) {
            if regexesHolding(rule: rule, input: input, in: &tally) == ruleRegexes.positions(of: rule).count {
                return .matched(Int(rule))
            }
        }
        if firstUnconditional != Int.max { return .matched(firstUnconditional) }

        // Unmatched: only touched rules can have met a criterion.
        var best: (index: Int, met: Int, total: Int)?
        for rule in tally.touched where eligible(Int(rule)) {
            let index = Int(rule)
            let plainMet = tally.counters[index] & Self.plainMask
            let plain = plainCriteria[index]
            let regexCount = ruleRegexes.positions(of: rule).count
            let met = plainMet < plain ? plainMet : plain + regexesHolding(rule: rule, input: input, in: &tally)
            guard met > 0 else { continue }
            let total = plain + regexCount
            if let current = best {
                let left = met * current.total, right = current.met * total
                if left > right || (left == right && index < current.index) { best = (index, met, total) }
            } else {
                best = (index, met, total)
            }
        }
        if let best { return .nearest(index: best.index, met: best.met) }
        // Nothing met anywhere: the first eligible rule is the nearest (0 of its criteria).
        for index in 0..<ruleCount where eligible(index) { return .nearest(index: index, met: 0) }
        return .noEligibleRule
    }

    private static func ordinal(of endpoint: Endpoint) -> Int {
        switch endpoint {
        case .generations: 0
        case .edits: 1
        case .variations: 2
        }
    }

    private func drainFound(_ tally: inout Tally) {
        guard !tally.found.isEmpty else { return }
        var position = 0
        while position < tally.found.count {
            count(tally.found[position], in: &tally)
            position += 1
        }
        tally.found.removeAll(keepingCapacity: true)
    }

    /// An atom holds: count it for its rules, and as a literal for its regexes (once per request).
    private func count(_ atom: Int32, in tally: inout Tally) {
        if tally.counted.isEmpty { tally.counted = [UInt64](repeating: 0, count: (atomCount + 63) / 64) }
        let word = Int(atom) >> 6, bit = UInt64(1) << UInt64(atom & 63)
        guard tally.counted[word] & bit == 0 else { return }
        tally.counted[word] |= bit
        for position in atomRules.positions(of: atom) { bump(atomRules.item(position), by: 1, in: &tally) }
        let regexPositions = atomRegexes.positions(of: atom)
        guard !regexPositions.isEmpty else { return }
        if tally.literalsFound.isEmpty { tally.literalsFound = [Int32](repeating: 0, count: regexes.count) }
        for position in regexPositions {
            let regex = atomRegexes.item(position)
            tally.literalsFound[Int(regex)] += 1
            if tally.literalsFound[Int(regex)] == regexes[Int(regex)].literalCount { open(regex, in: &tally) }
        }
    }

    /// All of a regex's literals are present: its rules may run it.
    private func open(_ regex: Int32, in tally: inout Tally) {
        for position in regexRules.positions(of: regex) { bump(regexRules.item(position), by: Self.openRegex, in: &tally) }
    }

    private func bump(_ rule: Int32, by amount: Int, in tally: inout Tally) {
        if tally.counters.isEmpty { tally.counters = [Int](repeating: 0, count: ruleCount) }
        if tally.counters[Int(rule)] == 0 { tally.touched.append(rule) }
        tally.counters[Int(rule)] += amount
    }

    private func isOpen(_ regex: Int32, in tally: Tally) -> Bool {
        let needed = regexes[Int(regex)].literalCount
        return needed == 0 || (!tally.literalsFound.isEmpty && tally.literalsFound[Int(regex)] == needed)
    }

    /// How many of the rule's regexes match (a regex whose literals are missing cannot); each
    /// regex runs at most once per request.
    private func regexesHolding(rule: Int32, input: MatchInput, in tally: inout Tally) -> Int {
        var holding = 0
        for position in ruleRegexes.positions(of: rule) {
            let regex = ruleRegexes.item(position)
            guard isOpen(regex, in: tally) else { continue }
            if tally.regexResults.isEmpty { tally.regexResults = [UInt8](repeating: 0, count: regexes.count) }
            if tally.regexResults[Int(regex)] == 0 {
                let atom = regexes[Int(regex)]
                tally.regexRuns += 1
                tally.regexResults[Int(regex)] = atom.matcher.holds(for: atom.subject.text(in: input)) ? 1 : 2
            }
            if tally.regexResults[Int(regex)] == 1 { holding += 1 }
        }
        return holding
    }
}

extension RuleIndex {
    /// Turns rules into atoms and lists, once per scenario.
    fileprivate struct Builder {
        /// Identity of a distinct criterion or literal; equal keys share one atom.
        enum AtomKey: Hashable {
            case endpoints(Set<Endpoint>)
            case models(Set<String>)
            case keys(Set<String>)
            /// String equality (canonical equivalence), as `equals` compares.
            case equals(TextSubject, String)
            /// Bytes, as `contains` compares; `folded`: ASCII-case-insensitive, lower-cased.
            case contains(TextSubject, [UInt8], folded: Bool)
        }

        var plainCriteria: [Int] = []
        var ruleRegexes: [[Int32]] = []
        var atomIDs: [AtomKey: Int32] = [:]
        var atomRules: [[Int32]] = []
        var atomRegexes: [[Int32]] = []
        var regexIDs: [RegexKey: Int32] = [:]
        var regexes: [RegexAtom] = []
        var regexRules: [[Int32]] = []
        var endpointAtoms: [Endpoint: [Int32]] = [:]
        var modelAtoms: [String: [Int32]] = [:]
        var keyAtoms: [String: [Int32]] = [:]
        var equalsAtoms: [TextSubject: [String: [Int32]]] = [:]
        var presentAtoms: [TextSubject: [Int32]] = [:]
        var subjectOrder: [TextSubject] = []
        var seenSubjects: Set<TextSubject> = []
        var exactNeedles: [TextSubject: [(bytes: [UInt8], atom: Int32)]] = [:]
        var foldedNeedles: [TextSubject: [(bytes: [UInt8], atom: Int32)]] = [:]

        /// Identity of a regex criterion: the same pattern on the same subject runs once.
        struct RegexKey: Hashable {
            let subject: TextSubject
            let pattern: String
        }

        mutating func add(_ rule: CompiledRule, index: Int32) {
            var plain = 0
            var regexList: [Int32] = []
            if let endpoints = rule.endpoints {
                plain += 1
                let (atom, isNew) = atom(for: .endpoints(Set(endpoints)), rule: index)
                if isNew { for endpoint in Set(endpoints) { endpointAtoms[endpoint, default: []].append(atom) } }
            }
            if let models = rule.models {
                plain += 1
                let set = Set(models)
                let (atom, isNew) = atom(for: .models(set), rule: index)
                if isNew { for model in set { modelAtoms[model, default: []].append(atom) } }
            }
            if let keys = rule.keys {
                plain += 1
                let set = Set(keys)
                let (atom, isNew) = atom(for: .keys(set), rule: index)
                if isNew { for key in set { keyAtoms[key, default: []].append(atom) } }
            }
            var texts: [(TextSubject, CompiledTextMatcher)] = []
            if let prompt = rule.prompt { texts.append((.prompt, prompt)) }
            texts += rule.params.map { (.param($0.0), $0.1) }
            texts += rule.headers.map { (.header($0.0), $0.1) }
            for (subject, matcher) in texts {
                if seenSubjects.insert(subject).inserted { subjectOrder.append(subject) }
                switch matcher.matcher {
                case .equals(let value):
                    plain += 1
                    let (atom, isNew) = atom(for: .equals(subject, value), rule: index)
                    if isNew { equalsAtoms[subject, default: [:]][value, default: []].append(atom) }
                case .contains(let value):
                    plain += 1
                    let bytes = Array(value.utf8)
                    let (atom, isNew) = atom(for: .contains(subject, bytes, folded: false), rule: index)
                    if isNew {
                        if bytes.isEmpty {
                            presentAtoms[subject, default: []].append(atom)
                        } else {
                            exactNeedles[subject, default: []].append((bytes, atom))
                        }
                    }
                case .matches where !matcher.isRegex:
                    // A pattern that does not compile never matches and, as before the index, is
                    // a plain criterion that fails (so the rule's other regexes never run).
                    plain += 1
                case .matches(let pattern):
                    regexList.append(regex(subject: subject, pattern: pattern, matcher: matcher, rule: index))
                }
            }
            plainCriteria.append(plain)
            ruleRegexes.append(regexList)
            precondition(plain + regexList.count == rule.criteria, "every criterion is an atom or a regex")
        }

        /// The atom for `key`, with `rule` counting it (once more if it already did).
        private mutating func atom(for key: AtomKey, rule: Int32?) -> (Int32, isNew: Bool) {
            if let atom = atomIDs[key] {
                if let rule { atomRules[Int(atom)].append(rule) }
                return (atom, false)
            }
            let atom = Int32(atomRules.count)
            atomIDs[key] = atom
            atomRules.append(rule.map { [$0] } ?? [])
            atomRegexes.append([])
            return (atom, true)
        }

        private mutating func regex(subject: TextSubject, pattern: String, matcher: CompiledTextMatcher, rule: Int32) -> Int32 {
            let key = RegexKey(subject: subject, pattern: pattern)
            if let regex = regexIDs[key] {
                regexRules[Int(regex)].append(rule)
                return regex
            }
            let regex = Int32(regexes.count)
            regexIDs[key] = regex
            regexRules.append([rule])
            let required = RequiredLiterals.extract(from: pattern)
            var literalAtoms: Set<Int32> = []
            for literal in required?.literals ?? [] {
                // A case-insensitive literal without letters is case-invariant: nothing outside
                // ASCII folds to an ASCII digit or punctuation, so it is compared byte for byte.
                let folded = required?.caseInsensitive == true && literal.utf8.contains { ($0 | 0x20) &- 0x61 < 26 }
                let bytes = folded ? literal.utf8.map { $0 &- 0x41 < 26 ? $0 | 0x20 : $0 } : Array(literal.utf8)
                let (atom, isNew) = atom(for: .contains(subject, bytes, folded: folded), rule: nil)
                guard literalAtoms.insert(atom).inserted else { continue }
                atomRegexes[Int(atom)].append(regex)
                guard isNew else { continue }
                if folded {
                    foldedNeedles[subject, default: []].append((bytes, atom))
                } else {
                    exactNeedles[subject, default: []].append((bytes, atom))
                }
            }
            regexes.append(RegexAtom(subject: subject, matcher: matcher, literalCount: Int32(literalAtoms.count)))
            return regex
        }

        /// One index per subject any rule reads, in the order the rules first name them.
        func textSubjects() -> [TextSubjectIndex] {
            subjectOrder.map { subject in
                TextSubjectIndex(subject: subject, equals: equalsAtoms[subject] ?? [:], present: presentAtoms[subject] ?? [],
                                 exactNeedles: exactNeedles[subject] ?? [], foldedNeedles: foldedNeedles[subject] ?? [])
            }
        }
    }
}
