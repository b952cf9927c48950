import Yams

/// The kinds of YAML value the scenario loader tells apart (after tag resolution: `2` is an
/// integer, `"2"` a string, `2026-11-21` a date, `yes` a boolean).
enum ScenarioValueKind: Equatable {
    case mapping, list, string, integer, float, boolean, null
}

extension Node {
    var valueKind: ScenarioValueKind {
        switch self {
        case .mapping: return .mapping
        case .sequence: return .list
        case .alias: return .string
        case .scalar:
            switch Tag.Name(rawValue: tag.rawValue) {
            case .null: return .null
            case .bool: return .boolean
            case .int: return .integer
            case .float: return .float
            default: return .string
            }
        }
    }

    /// The text of a scalar as written (without quotes); `nil` for mappings and lists.
    var scalarText: String? {
        if case .scalar(let scalar) = self { return scalar.string }
        return nil
    }

    /// How a value is named in "found ..." messages: `a list`, `600`, `true`, `the string 'x'`, `nothing`.
    var foundDescription: String {
        switch valueKind {
        case .mapping: return "a mapping"
        case .list: return "a list"
        case .null: return (scalarText ?? "").isEmpty ? "nothing" : "null"
        case .integer, .float, .boolean: return scalarText ?? ""
        case .string: return "the string '\(Self.abbreviated(scalarText ?? ""))'"
        }
    }

    /// A position for problems about this node (every node composed from a file has one).
    var position: (line: Int, column: Int) {
        guard let mark else { return (1, 1) }
        return (mark.line, mark.column)
    }

    static func abbreviated(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(57)) + "..." : text
    }
}

/// One key of a mapping with its value; merge keys (`<<: *defaults`) already applied.
struct MappingEntry {
    let key: String
    let keyNode: Node
    let value: Node
}

/// A mapping of the scenario file in document order.
struct MappingView {
    /// The mapping itself: problems about missing keys point at its first key.
    let node: Node
    let entries: [MappingEntry]

    func entry(_ key: String) -> MappingEntry? { entries.first { $0.key == key } }
    func value(_ key: String) -> Node? { entry(key)?.value }
    func has(_ key: String) -> Bool { entry(key) != nil }
}

/// Collects problems with their source line, and sorts them into file order at the end.
struct ProblemLog {
    let file: String
    private let lines: [String]
    private(set) var problems: [ScenarioProblem] = []

    init(file: String, text: String) {
        self.file = file
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var scalars = String.UnicodeScalarView(line)
            if scalars.last == "\r" { scalars.removeLast() }
            return String(scalars)
        }
        // libyaml skips a byte order mark without counting it as a column.
        if let first = lines.first, first.unicodeScalars.first == "\u{FEFF}" {
            lines[0] = String(String.UnicodeScalarView(first.unicodeScalars.dropFirst()))
        }
        self.lines = lines
    }

    func sourceLine(_ line: Int) -> String {
        lines.indices.contains(line - 1) ? lines[line - 1] : ""
    }

    mutating func report(_ message: String, line: Int, column: Int) {
        problems.append(ScenarioProblem(file: file, line: line, column: column, message: message, sourceLine: line > 0 ? sourceLine(line) : ""))
    }

    mutating func report(_ message: String, at node: Node) {
        let position = node.position
        report(message, line: position.line, column: position.column)
    }

    /// File order; problems at the same place keep the order they were found in.
    var sorted: [ScenarioProblem] {
        problems.enumerated().sorted { ($0.element.line, $0.element.column, $0.offset) < ($1.element.line, $1.element.column, $1.offset) }
            .map(\.element)
    }
}

/// "Did you mean" suggestions by edit distance.
enum Suggestion {
    /// The candidate closest to `word` (case-insensitively), if it is close enough to be a likely
    /// typo: at most a third of the candidate's length, between 1 and 3 edits. Ties go to the
    /// earlier candidate.
    static func closest(to word: String, among candidates: [String]) -> String? {
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(word.lowercased(), candidate.lowercased())
            let allowed = max(1, min(3, candidate.count / 3))
            guard distance <= allowed, distance < (best?.distance ?? Int.max) else { continue }
            best = (candidate, distance)
        }
        return best?.candidate
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
    /// neighbours, counted in Unicode scalars.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, table[i - 2][j - 2] + 1)
                }
                table[i][j] = value
            }
        }
        return table[a.count][b.count]
    }

    /// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
    static func alternatives(_ words: [String], conjunction: String = "or") -> String {
        let quoted = words.map { "'\($0)'" }
        guard quoted.count > 1 else { return quoted.first ?? "" }
        return quoted.dropLast().joined(separator: ", ") + " \(conjunction) " + quoted[quoted.count - 1]
    }
}
