/// One defect of a scenario file, located like a compiler diagnostic.
public struct ScenarioProblem: Sendable, Equatable, CustomStringConvertible {
    /// The path as it was given to the loader.
    public let file: String
    /// 1-based; 0 when the problem concerns the whole file (it cannot be read, say).
    public let line: Int
    /// 1-based, counted in Unicode scalars (as libyaml counts them); 0 with `line` 0.
    public let column: Int
    /// What is wrong and what is allowed, e.g. `unknown key 'respnd' in rule 'blocked'; did you mean 'respond'?`.
    public let message: String
    /// The text of `line` without its line break; empty when `line` is 0.
    public let sourceLine: String

    public init(file: String, line: Int, column: Int, message: String, sourceLine: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, the source line, and a caret under the column:
    ///
    ///     scenarios/x.yaml:7:5: error: unknown key 'respnd' in rule 'blocked'; did you mean 'respond'?
    ///         respnd: { error: server_error }
    ///         ^
    ///
    /// Tabs before the column are kept so the caret lines up in a terminal. A problem of the whole
    /// file renders as `file: error: message`.
    public var rendered: String {
        guard line > 0 else { return "\(file): error: \(message)" }
        let caretIndent = sourceLine.unicodeScalars.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
        return "\(file):\(line):\(column): error: \(message)\n\(sourceLine)\n\(caretIndent)^"
    }

    public var description: String { rendered }
}

/// Every problem found in a scenario file, in file order.
public struct ScenarioLoadError: Error, Sendable, CustomStringConvertible {
    public let problems: [ScenarioProblem]

    public init(problems: [ScenarioProblem]) {
        self.problems = problems
    }

    /// The rendered problems, one after the other.
    public var description: String { problems.map(\.rendered).joined(separator: "\n") }
}
