/// Texts that every match of a regular expression must contain, read from its pattern, so that a
/// rule's regex is not run for a request whose text lacks one of them (a regex-only rule would
/// otherwise be a candidate on every request).
///
/// The reading is deliberately conservative: it only ever leaves characters out. Whatever it does
/// not understand makes it give up (no literals, the regex always runs), and a literal run ends at
/// anything that is not a plain character. So a literal it reports is always required; it may
/// miss some that are.
struct RequiredLiterals: Equatable, Sendable {
    /// The pattern starts with `(?i)`: the literals match case-insensitively (see ``foldable``).
    var caseInsensitive: Bool
    /// Non-empty, in pattern order, possibly repeated. Case-insensitive literals are ASCII only:
    /// Unicode case folding (`ß` matches `SS`) has no byte-wise reading, so others are dropped.
    var literals: [String]

    /// Escapes that stand for no literal character (zero-width assertions and classes) and take no
    /// argument: they end a literal run. `\t`, `\n` and the like are literal characters, but ending
    /// the run there is merely conservative and keeps the list short.
    private static let runEndingEscapes: Set<Unicode.Scalar> = Set("aAbBdDeGfhHnrRsStvVwWXzZ".unicodeScalars)

    /// The literals of `pattern`, or nil when the pattern is beyond this reading: a top-level
    /// alternation, flag groups other than a leading `(?i)` (`(?x)` changes what characters
    /// mean, and a flag group's scope is not worth modelling), `\Q…\E`, escapes with arguments
    /// (`\x \u \U \N \p \P \c \k`) or unknown ones, back-references, comments, unbalanced groups.
    static func extract(from pattern: String) -> RequiredLiterals? {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var caseInsensitive = false
        if scalars.starts(with: "(?i)".unicodeScalars) {
            caseInsensitive = true
            index = 4
        }
        var literals: [String] = []
        var run = String.UnicodeScalarView()
        func endRun() {
            if !run.isEmpty { literals.append(String(run)) }
            run = String.UnicodeScalarView()
        }
        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }
                let escaped = scalars[index + 1]
                if escaped.isASCII && escaped.properties.isAlphabetic {
                    guard runEndingEscapes.contains(escaped) else { return nil }
                    endRun()
                } else if escaped.isASCII && ("0"..."9").contains(escaped) {
                    return nil  // a back-reference or an octal escape
                } else if escaped.isASCII {
                    run.append(escaped)  // escaped punctuation or space: the character itself
                } else {
                    endRun()  // an escaped non-ASCII character is literal; ending the run is simpler
                }
                index += 2
            case "(":
                guard let end = groupEnd(scalars, from: index) else { return nil }
                endRun()
                index = end + 1
            case "[":
                guard let end = classEnd(scalars, from: index) else { return nil }
                endRun()
                index = end + 1
            case ")", "|":
                return nil
            case "*", "?":
                // The quantified character may be absent; a lazy or possessive `?`/`+` after a
                // quantifier finds an empty run and changes nothing.
                if !run.isEmpty { run.removeLast() }
                endRun()
                index += 1
            case "+":
                endRun()  // at least once: the character stays, but what follows may not be adjacent
                index += 1
            case "{":
                if !run.isEmpty { run.removeLast() }  // `{0}` or `{0,n}` may remove it
                endRun()
                guard let close = scalars[index...].firstIndex(of: "}") else { return nil }
                index = close + 1
            case ".", "^", "$":
                endRun()
                index += 1
            default:
                run.append(scalar)
                index += 1
            }
        }
        endRun()
        if caseInsensitive { literals.removeAll { !$0.unicodeScalars.allSatisfy(\.isASCII) } }
        return RequiredLiterals(caseInsensitive: caseInsensitive, literals: literals)
    }

    /// The index of the `)` closing the group opened at `start`, skipping nested groups, classes
    /// and escapes; nil for what this reading does not follow (see ``extract(from:)``).
    private static func groupEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < scalars.count {
            switch scalars[index] {
            case "\\":
                guard index + 1 < scalars.count, scalars[index + 1] != "Q" else { return nil }
                index += 2
                continue
            case "[":
                guard let end = classEnd(scalars, from: index) else { return nil }
                index = end + 1
                continue
            case "(":
                if isFlagGroupOrComment(scalars, at: index) { return nil }
                depth += 1
            case ")":
                depth -= 1
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// `(?flags)` (mid-pattern flags: their scope is not modelled) or `(?#comment)` (may hold
    /// unbalanced parentheses).
    private static func isFlagGroupOrComment(_ scalars: [Unicode.Scalar], at start: Int) -> Bool {
        guard start + 2 < scalars.count, scalars[start + 1] == "?" else { return false }
        if scalars[start + 2] == "#" { return true }
        var index = start + 2
        while index < scalars.count, scalars[index].isASCII, scalars[index].properties.isAlphabetic || scalars[index] == "-" { index += 1 }
        return index < scalars.count && scalars[index] == ")"
    }

    /// The index of the `]` closing the class opened at `start` (ICU classes nest), skipping
    /// escapes; nil when a `]` comes first in a class (literal or not, it is not worth the doubt)
    /// or the class does not close.
    private static func classEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        var depth = 0
        var index = start
        while index < scalars.count {
            switch scalars[index] {
            case "\\":
                guard index + 1 < scalars.count, scalars[index + 1] != "Q" else { return nil }
                index += 2
                continue
            case "[":
                depth += 1
                var next = index + 1
                if next < scalars.count && scalars[next] == "^" { next += 1 }
                if next < scalars.count && scalars[next] == "]" { return nil }
                index = next
                continue
            case "]":
                depth -= 1
                if depth == 0 { return index }
            default:
                break
            }
            index += 1
        }
        return nil
    }
}
