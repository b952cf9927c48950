import Foundation
import Testing
@testable import ImagesMockCore

@Suite("Regex required literals")
struct RequiredLiteralsTests {
    static let literalCases: [(pattern: String, expected: RequiredLiterals?)] = [
        ("otter", RequiredLiterals(caseInsensitive: false, literals: ["otter"])),
        ("(?i)\\b(never|nowhere)17\\b", RequiredLiterals(caseInsensitive: true, literals: ["17"])),
        ("^text/(plain|csv)17$", RequiredLiterals(caseInsensitive: false, literals: ["text/", "17"])),
        ("ab*c", RequiredLiterals(caseInsensitive: false, literals: ["a", "c"])),
        ("ab+c", RequiredLiterals(caseInsensitive: false, literals: ["ab", "c"])),
        ("ab?c", RequiredLiterals(caseInsensitive: false, literals: ["a", "c"])),
        ("ab{2,3}c", RequiredLiterals(caseInsensitive: false, literals: ["a", "c"])),
        ("ab*?c", RequiredLiterals(caseInsensitive: false, literals: ["a", "c"])),
        ("ab++c", RequiredLiterals(caseInsensitive: false, literals: ["ab", "c"])),
        ("a\\.b", RequiredLiterals(caseInsensitive: false, literals: ["a.b"])),
        ("a.b", RequiredLiterals(caseInsensitive: false, literals: ["a", "b"])),
        ("a\\d+b\\sc\\wd\\Be", RequiredLiterals(caseInsensitive: false, literals: ["a", "b", "c", "d", "e"])),
        ("x[a-z\\]]y", RequiredLiterals(caseInsensitive: false, literals: ["x", "y"])),
        ("x[[:alpha:]&&[^q]]y", RequiredLiterals(caseInsensitive: false, literals: ["x", "y"])),
        ("x(a(b)[)]c)y", RequiredLiterals(caseInsensitive: false, literals: ["x", "y"])),
        ("x(?i:ab)y", RequiredLiterals(caseInsensitive: false, literals: ["x", "y"])),
        ("x(?=ab)y", RequiredLiterals(caseInsensitive: false, literals: ["x", "y"])),
        ("(?i)caf\u{E9} au lait", RequiredLiterals(caseInsensitive: true, literals: [])),
        ("(?i)a.caf\u{E9}", RequiredLiterals(caseInsensitive: true, literals: ["a"])),
        ("caf\u{E9}*", RequiredLiterals(caseInsensitive: false, literals: ["caf"])),
        ("cafe\u{301}?", RequiredLiterals(caseInsensitive: false, literals: ["cafe"])),
        ("", RequiredLiterals(caseInsensitive: false, literals: [])),
        ("a b", RequiredLiterals(caseInsensitive: false, literals: ["a b"])),
        // Give up: alternation at the top, flags mid-pattern or other than a leading (?i), quoting,
        // escapes with arguments, back-references, comments, unbalanced or odd groups and classes.
        ("a|b", nil),
        ("(?x)a b", nil),
        ("a(?i)b", nil),
        ("(?s)a", nil),
        ("(?i)(?m)a", nil),
        ("x(a(?i)b)y", nil),
        ("\\Qa.b\\E", nil),
        ("x(\\Q)\\E)y", nil),
        ("\\x61b", nil),
        ("\\u0061b", nil),
        ("\\N{LATIN SMALL LETTER A}b", nil),
        ("\\p{L}b", nil),
        ("\\P{L}b", nil),
        ("\\cAb", nil),
        ("(?<n>a)\\k<n>", nil),
        ("(a)\\1", nil),
        ("a(?#(b)c", nil),
        ("a)b", nil),
        ("(ab", nil),
        ("[]a]b", nil),
        ("[^]a]b", nil),
        ("[ab", nil),
        ("a{2", nil),
        ("a\\", nil),
        ("a\\yb", nil),
    ]

    @Test(arguments: literalCases.indices)
    func literalsOfAPattern(_ index: Int) {
        let (pattern, expected) = Self.literalCases[index]
        #expect(RequiredLiterals.extract(from: pattern) == expected, "\(pattern)")
    }

    /// Whatever the extractor reports must be in every text the regex matches.
    @Test func everyReportedLiteralIsInEveryMatch() throws {
        var generator = RandomRules(random: SeededGenerator(seed: 42))
        for _ in 0..<3_000 {
            let pattern = generator.pattern()
            guard let regex = try? NSRegularExpression(pattern: pattern), let literals = RequiredLiterals.extract(from: pattern) else { continue }
            for _ in 0..<10 {
                let text = generator.text(pieces: 6)
                guard let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
                      let range = Range(match.range, in: text) else { continue }
                let matched = String(text[range])
                for literal in literals.literals {
                    let found = literals.caseInsensitive
                        ? !matched.unicodeScalars.allSatisfy(\.isASCII) || matched.lowercased().contains(literal.lowercased())
                        : CompiledTextMatcher.contains(matched, Array(literal.utf8))
                    #expect(found, "/\(pattern)/ matched '\(matched)' in '\(text)' without '\(literal)'")
                }
            }
        }
    }
}
