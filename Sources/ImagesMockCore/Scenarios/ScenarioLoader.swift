import Foundation
import Yams

/// Reads scenario files (YAML, or JSON, which is YAML too) into a checked ``Scenario``.
///
/// The file is composed into a YAML node tree first, so every key and value keeps its line and
/// column; the loader then walks the tree once and reports every problem it finds, in file
/// order, each as `file:line:col: error: message` with the source line and a caret
/// (``ScenarioProblem/rendered``). Canned images are read, inspected and encoded here, once.
/// The keys are documented in `scenarios/README.md`.
public enum ScenarioLoader {
    /// The file name endings the loader accepts.
    public static let fileExtensions = ["yaml", "yml", "json"]

    /// Reads and checks the scenario file at `path`; image paths are relative to its folder.
    public static func load(path: String) throws(ScenarioLoadError) -> Scenario {
        func fail(_ message: String) -> ScenarioLoadError {
            ScenarioLoadError(problems: [ScenarioProblem(file: path, line: 0, column: 0, message: message, sourceLine: "")])
        }
        let pathExtension = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard fileExtensions.contains(pathExtension) else {
            throw fail("a scenario file name ends in .yaml, .yml or .json, found \(pathExtension.isEmpty ? "no extension" : "'.\(pathExtension)'")")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw fail("no such file") }
        guard !isDirectory.boolValue else { throw fail("is a folder, not a scenario file") }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file (permission denied?)") }
        return try load(bytes: [UInt8](data), path: path)
    }

    /// Checks a scenario given as bytes (a file's, or a request body's), which must be UTF-8 text.
    public static func load(bytes: [UInt8], path: String) throws(ScenarioLoadError) -> Scenario {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let (line, column, sourceLine) = firstInvalidUTF8(in: bytes)
            throw ScenarioLoadError(problems: [ScenarioProblem(
                file: path, line: line, column: column, message: "the file is not UTF-8 text (invalid byte sequence here)", sourceLine: sourceLine)])
        }
        return try load(text: text, path: path)
    }

    /// Checks a scenario given as text. `path` names it in messages and locates canned images
    /// (relative paths in the scenario are relative to `path`'s folder); it need not exist
    /// unless the scenario names images.
    public static func load(text: String, path: String) throws(ScenarioLoadError) -> Scenario {
        // YAML reads JSON, and more: a trailing comma or a comment in a .json file passed.
        if path.lowercased().hasSuffix(".json") {
            do {
                _ = try JSONParser.parse(text)
            } catch {
                throw ScenarioLoadError(problems: [jsonProblem(error, in: text, path: path)])
            }
        }
        var reader = ScenarioReader(path: path, text: text)
        let scenario = reader.readScenario()
        let problems = reader.log.sorted
        guard problems.isEmpty, let scenario else { throw ScenarioLoadError(problems: problems) }
        return scenario
    }

    /// A JSON syntax error located as a YAML problem is: line, column in scalars, the line's text.
    static func jsonProblem(_ error: JSONParser.SyntaxError, in text: String, path: String) -> ScenarioProblem {
        let bytes = Array(text.utf8)
        let offset = min(error.offset, bytes.count)
        let lineStart = bytes[..<offset].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
        let lineNumber = bytes[..<offset].count(where: { $0 == 0x0A }) + 1
        let lineEnd = bytes[offset...].firstIndex(of: 0x0A) ?? bytes.count
        var sourceLine = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        if sourceLine.hasSuffix("\r") { sourceLine.removeLast() }
        let column = String(decoding: bytes[lineStart..<offset], as: UTF8.self).unicodeScalars.count + 1
        return ScenarioProblem(file: path, line: lineNumber, column: column, message: "not valid JSON: \(error.reason)", sourceLine: sourceLine)
    }

    /// Line, column (in scalars) and lossily decoded text of the line holding the first byte that
    /// is not valid UTF-8.
    static func firstInvalidUTF8(in bytes: [UInt8]) -> (line: Int, column: Int, sourceLine: String) {
        var lineNumber = 1
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            if String(validating: line, as: UTF8.self) == nil {
                var validPrefix = 0
                for length in stride(from: line.count, through: 0, by: -1) where String(validating: line.prefix(length), as: UTF8.self) != nil {
                    validPrefix = length
                    break
                }
                let column = String(decoding: line.prefix(validPrefix), as: UTF8.self).unicodeScalars.count + 1
                var text = String(decoding: line, as: UTF8.self)
                if text.hasSuffix("\r") { text.removeLast() }
                return (lineNumber, column, text)
            }
            lineNumber += 1
        }
        return (1, 1, "")
    }
}

/// Walks the composed YAML tree, collecting problems instead of stopping at the first.
///
/// Every `read...` method returns `nil` after reporting when its value is unusable; callers
/// carry on with the rest of the file so one run reports everything.
struct ScenarioReader {
    var log: ProblemLog
    let path: String
    let text: String
    /// Canned images by resolved path, so a file named twice is read and encoded once.
    var imageCache: [String: CannedImage] = [:]
    /// Values the file's JSON bodies may still expand to. YAML aliases let a few hundred bytes
    /// name billions of values ("billion laughs"); past this the body is refused, not built.
    var jsonValuesLeft = 1_000_000
    /// The file's own `as_of`, once read: rules that could never match on that day are reported.
    var asOf: CalendarDate?

    init(path: String, text: String) {
        self.path = path
        self.text = text
        self.log = ProblemLog(file: path, text: text)
    }

    static let topLevelKeys = [
        "version", "name", "as_of", "error_style", "require_model", "auth", "seed", "image_url_ttl", "organization",
        "journal_size", "latency", "rate_limits", "rules",
    ]

    mutating func readScenario() -> Scenario? {
        guard let root = compose() else { return nil }
        guard root.valueKind == .mapping else {
            log.report("a scenario is a mapping of keys such as 'version', 'name' and 'rules', found \(root.foundDescription)", at: root)
            return nil
        }
        guard let top = mapping(root, what: "the scenario") else { return nil }
        checkKeys(top, allowed: Self.topLevelKeys, context: "at the top level")

        var scenario = Scenario(sourcePath: path)
        if let version = top.value("version") {
            if version.valueKind == .integer, let number = Int(version.scalarText ?? "") {
                if number != 1 { log.report("unsupported version \(number); this images-mock reads version 1", at: version) }
            } else {
                log.report("'version' must be the number 1, found \(version.foundDescription)", at: version)
            }
        } else {
            log.report("missing key 'version' at the top level (write 'version: 1')", at: root)
        }
        if let node = top.value("name") { scenario.name = nonEmptyText(node, "'name'") }
        if let node = top.value("as_of") {
            if node.valueKind == .string, let text = node.scalarText, let date = CalendarDate(text) {
                scenario.asOf = date
            } else {
                log.report("'as_of' must be a real date written YYYY-MM-DD, found \(node.foundDescription)", at: node)
            }
        }
        if let node = top.value("error_style") {
            scenario.errorStyle = choice(node, "error style", ErrorStyle.allCases.map(\.rawValue), key: "error_style").flatMap(ErrorStyle.init(rawValue:))
        }
        if let node = top.value("require_model") { scenario.requireModel = bool(node, "'require_model'") }
        if let node = top.value("auth") { scenario.apiKeys = readAuth(node) }
        if let node = top.value("seed") { scenario.seed = unsignedInteger(node, "'seed'") }
        if let node = top.value("image_url_ttl") {
            scenario.imageURLLifetimeSeconds = number(node, "'image_url_ttl'", unit: "seconds", atLeast: 0, exclusive: true, atMost: Scenario.maximumImageURLLifetime)
        }
        if let node = top.value("organization") { scenario.organization = nonEmptyText(node, "'organization'") }
        if let node = top.value("journal_size") { scenario.journalSize = integer(node, "'journal_size'", in: Scenario.journalSizeRange) }
        if let node = top.value("latency") { scenario.latency = readLatency(node, context: "in 'latency'") }
        if let node = top.value("rate_limits") { scenario.rateLimits = readRateLimits(node) }
        asOf = scenario.asOf
        if let node = top.value("rules") { scenario.rules = readRules(node) }
        return scenario
    }

    // MARK: - YAML

    /// The document's root node, or `nil` after reporting a syntax error or an empty file.
    mutating func compose() -> Node? {
        do {
            // The encoding is fixed so Yams does not consult (and print about) its environment variable.
            guard let root = try Yams.compose(yaml: text, .default, .default, .utf8) else {
                log.report("the file is empty; a scenario needs at least 'version: 1'", line: 1, column: 1)
                return nil
            }
            return root
        } catch let error as YamlError {
            reportSyntaxError(error)
        } catch {
            log.report("cannot read the file as YAML: \(error)", line: 1, column: 1)
        }
        return nil
    }

    private mutating func reportSyntaxError(_ error: YamlError) {
        func located(_ context: YamlError.Context?, _ problem: String, _ mark: Mark) {
            if problem == "but found another document" {
                log.report("a scenario file holds one YAML document; this '---' starts a second one", line: mark.line, column: mark.column)
                return
            }
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            if log.sourceLine(mark.line).unicodeScalars.dropFirst(mark.column - 1).first == "\t" {
                message += "; YAML indents with spaces, not tabs"
            }
            log.report(message, line: mark.line, column: mark.column)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            located(context, problem, mark)
        case .reader(let problem, let offset, _, _):
            // `offset` counts Characters from the start of the text.
            var line = 1, column = 1
            for character in text.prefix(offset ?? 0) {
                if character == "\n" || character == "\r\n" {
                    line += 1
                    column = 1
                } else {
                    column += character.unicodeScalars.count
                }
            }
            log.report("invalid YAML: \(problem)", line: line, column: column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }
            let message = keys.count == 1
                ? "key \(keys[0]) is given more than once in this mapping (first here); each key may appear once"
                : "keys \(Suggestion.alternatives(duplicates, conjunction: "and")) are given more than once in this mapping (the first here); each key may appear once"
            log.report(message, line: context.mark.line, column: context.mark.column)
        default:
            log.report("cannot read the file as YAML: \(error)", line: 1, column: 1)
        }
    }

    // MARK: - Mappings and keys

    /// The entries of a mapping node, with merge keys (`<<`) applied: merged entries first, then
    /// the mapping's own, which replace merged ones of the same name. Reports and returns `nil`
    /// when the node is not a mapping.
    mutating func mapping(_ node: Node, what: String, expected: String? = nil) -> MappingView? {
        guard case .mapping(let mapping) = node else {
            log.report("\(what) must be \(expected ?? "a mapping"), found \(node.foundDescription)", at: node)
            return nil
        }
        var own: [MappingEntry] = []
        var merged: [MappingEntry] = []
        for (keyNode, value) in mapping {
            if keyNode.valueKind != .mapping, keyNode.valueKind != .list, Tag.Name(rawValue: keyNode.tag.rawValue) == .merge {
                let sources: [Node]
                switch value {
                case .mapping: sources = [value]
                case .sequence(let sequence) where sequence.allSatisfy({ $0.valueKind == .mapping }): sources = Array(sequence)
                default:
                    log.report("'<<' merges a mapping or a list of mappings, found \(value.foundDescription)", at: value)
                    continue
                }
                for source in sources {
                    for entry in self.mapping(source, what: "'<<'")?.entries ?? [] where !merged.contains(where: { $0.key == entry.key }) {
                        merged.append(entry)
                    }
                }
                continue
            }
            guard let key = keyNode.scalarText, keyNode.valueKind != .null || !key.isEmpty else {
                log.report("a key must be plain text, found \(keyNode.foundDescription)", at: keyNode)
                continue
            }
            own.append(MappingEntry(key: key, keyNode: keyNode, value: value))
        }
        let entries = merged.filter { entry in !own.contains { $0.key == entry.key } } + own
        return MappingView(node: node, entries: entries)
    }

    /// Reports each key not in `allowed`, with a suggestion when one is close. Returns the
    /// allowed keys that were suggested, so a caller can skip a "missing key" report the typo
    /// already explains.
    @discardableResult
    mutating func checkKeys(_ view: MappingView, allowed: [String], context: String) -> Set<String> {
        var suggested: Set<String> = []
        for entry in view.entries where !allowed.contains(entry.key) {
            if let suggestion = Suggestion.closest(to: entry.key, among: allowed) {
                suggested.insert(suggestion)
                log.report("unknown key '\(entry.key)' \(context); did you mean '\(suggestion)'?", at: entry.keyNode)
            } else {
                log.report("unknown key '\(entry.key)' \(context) (allowed: \(allowed.joined(separator: ", ")))", at: entry.keyNode)
            }
        }
        return suggested
    }

    // MARK: - Scalars

    /// Any scalar but null, as written (`2` reads as "2"; a YAML boolean as `true`/`false`).
    mutating func text(_ node: Node, _ what: String) -> String? {
        switch node.valueKind {
        case .mapping, .list, .null:
            log.report("\(what) must be text, found \(node.foundDescription)", at: node)
            return nil
        case .boolean:
            return normalizedBoolean(node)
        case .string, .integer, .float:
            return node.scalarText
        }
    }

    mutating func nonEmptyText(_ node: Node, _ what: String) -> String? {
        guard let value = text(node, what) else { return nil }
        guard !value.isEmpty else {
            log.report("\(what) must not be empty", at: node)
            return nil
        }
        return value
    }

    /// `true`, `True` and `TRUE` read as "true" (what a JSON request would hold); `yes`, `on`
    /// and the like stay as written, since a request would send them as strings.
    func normalizedBoolean(_ node: Node) -> String? {
        guard let written = node.scalarText else { return nil }
        let lowered = written.lowercased()
        return lowered == "true" || lowered == "false" ? lowered : written
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        guard node.valueKind == .boolean, let value = node.bool else {
            log.report("\(what) must be true or false, found \(node.foundDescription)", at: node)
            return nil
        }
        return value
    }

    mutating func integer(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        let rangeText = range.upperBound == Int.max ? "\(range.lowerBound) or more" : "from \(range.lowerBound) to \(range.upperBound)"
        guard node.valueKind == .integer, let value = node.int, range.contains(value) else {
            log.report("\(what) must be a whole number \(rangeText), found \(node.foundDescription)", at: node)
            return nil
        }
        return value
    }

    mutating func unsignedInteger(_ node: Node, _ what: String) -> UInt64? {
        if node.valueKind == .integer {
            if let value = node.int, value >= 0 { return UInt64(value) }
            if let text = node.scalarText, let value = UInt64(text.filter { $0 != "_" }.trimmingPrefix("+")) { return value }
        }
        log.report("\(what) must be a whole number from 0 to \(UInt64.max), found \(node.foundDescription)", at: node)
        return nil
    }

    /// A finite number (integer or decimal) at least (or, `exclusive`, more than) `minimum` and at most `maximum`.
    mutating func number(_ node: Node, _ what: String, unit: String? = nil, atLeast minimum: Double, exclusive: Bool = false,
                         atMost maximum: Double? = nil) -> Double? {
        let value: Double?
        switch node.valueKind {
        case .integer: value = node.int.map(Double.init)
        case .float: value = node.float
        default: value = nil
        }
        let inRange = value.map { number in number.isFinite && (exclusive ? number > minimum : number >= minimum) && number <= (maximum ?? .infinity) } ?? false
        guard let value, inRange else {
            let noun = unit.map { "a number of \($0)" } ?? "a number"
            let lower = Self.format(minimum)
            let bounds = maximum.map { exclusive ? "greater than \(lower) and at most \(Self.format($0))" : "from \(lower) to \(Self.format($0))" }
                ?? (exclusive ? "greater than \(lower)" : "of \(lower) or more")
            log.report("\(what) must be \(noun) \(bounds), found \(node.foundDescription)", at: node)
            return nil
        }
        return value
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// One of `allowed`, reported as `unknown <noun> 'x'` with a suggestion or the list. `key`
    /// names the value in type errors (default: the noun).
    mutating func choice(_ node: Node, _ noun: String, _ allowed: [String], key: String? = nil) -> String? {
        guard node.valueKind != .mapping, node.valueKind != .list, node.valueKind != .null, let value = node.scalarText else {
            log.report("'\(key ?? noun)' must be one of \(allowed.joined(separator: ", ")), found \(node.foundDescription)", at: node)
            return nil
        }
        guard allowed.contains(value) else {
            reportUnknown(noun, value, known: allowed, at: node)
            return nil
        }
        return value
    }

    mutating func reportUnknown(_ what: String, _ value: String, known: [String], at node: Node, note: String? = nil) {
        let suffix = note.map { " \($0)" } ?? ""
        if let suggestion = Suggestion.closest(to: value, among: known) {
            log.report("unknown \(what) '\(value)'; did you mean '\(suggestion)'?\(suffix)", at: node)
        } else {
            log.report("unknown \(what) '\(value)' (known: \(known.joined(separator: ", ")))\(suffix)", at: node)
        }
    }

    /// A text or a non-empty list of texts (`model: dall-e-3` or `model: [dall-e-3, gpt-image-2]`),
    /// each with its node for later checks.
    mutating func textList(_ node: Node, _ what: String, noun: String) -> [(text: String, node: Node)]? {
        switch node {
        case .sequence(let sequence):
            guard !sequence.isEmpty else {
                log.report("\(what) lists no \(noun); give at least one or leave \(what) out", at: node)
                return nil
            }
            var items: [(String, Node)] = []
            var failed = false
            for item in sequence {
                if let value = nonEmptyText(item, "each \(noun) in \(what)") { items.append((value, item)) } else { failed = true }
            }
            return failed ? nil : items
        case .mapping:
            log.report("\(what) must be \(Self.article(noun)) \(noun) or a list of them, found a mapping", at: node)
            return nil
        default:
            guard node.valueKind != .null else {
                log.report("\(what) must be \(Self.article(noun)) \(noun) or a list of them, found \(node.foundDescription)", at: node)
                return nil
            }
            return nonEmptyText(node, what).map { [($0, node)] }
        }
    }

    static func article(_ noun: String) -> String {
        ["a", "e", "i", "o", "u"].contains(noun.prefix(1)) ? "an" : "a"
    }

    /// The keys present among `candidates`, in file order.
    func present(_ candidates: [String], in view: MappingView) -> [MappingEntry] {
        view.entries.filter { candidates.contains($0.key) }
    }

    /// `expected one of 'a', 'b' or 'c' <context>, found none` / `found both 'a' and 'b'`:
    /// returns the single entry present, or `nil` after reporting. "Found none" is not reported
    /// when `suggested` (from ``checkKeys``) shows a misspelling of one of them was already reported.
    mutating func exactlyOne(of candidates: [String], in view: MappingView, context: String, suggested: Set<String>) -> MappingEntry? {
        let found = present(candidates, in: view)
        let expected = "expected one of \(Suggestion.alternatives(candidates)) \(context)"
        switch found.count {
        case 1:
            return found[0]
        case 0:
            if suggested.isDisjoint(with: candidates) { log.report("\(expected), found none", at: view.node) }
            return nil
        default:
            let names = found.map(\.key)
            let list = names.count == 2 ? "both " + Suggestion.alternatives(names, conjunction: "and") : Suggestion.alternatives(names, conjunction: "and")
            log.report("\(expected), found \(list)", at: found[1].keyNode)
            return nil
        }
    }
}
