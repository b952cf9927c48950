@testable import ImagesMockCore
import Testing

/// The delimiter finder against a naive search. The finder splits long inputs into lanes, so
/// the inputs plant matches and near-matches where the lanes meet as well as at random places.
@Suite("Multipart: delimiter finder")
struct MultipartDelimiterFinderTests {
    static let boundaries = [
        "------------------------d74496d66958873e",  // curl
        "0a1b2c3d4e5f60718293a4b5c6d7e8f9",  // 32 hex digits (OpenAI Python SDK)
        "abc123",
        "x",
        "--",
    ]

    /// The first `start...` index where `pattern` occurs, by comparing every window.
    static func naiveFirstMatch(_ pattern: [UInt8], in input: [UInt8], from start: Int) -> Int? {
        guard input.count >= pattern.count, start <= input.count - pattern.count else { return nil }
        for index in start...(input.count - pattern.count) where input[index..<index + pattern.count].elementsEqual(pattern) {
            return index
        }
        return nil
    }

    /// The documented pending rule, spelled out: longest suffix of `input[start...]` that is a
    /// proper prefix of the pattern, moved back over one CR before it; a lone trailing CR counts.
    static func naivePendingStart(_ pattern: [UInt8], in input: [UInt8], from start: Int) -> Int {
        var pending = input.count
        for length in stride(from: min(pattern.count - 1, input.count - start), through: 1, by: -1)
        where input[(input.count - length)...].elementsEqual(pattern[..<length]) {
            pending = input.count - length
            break
        }
        if pending > start && input[pending - 1] == MultipartText.cr { pending -= 1 }
        return pending
    }

    /// Random bytes drawn mostly from the pattern's own bytes (and CR), so partial matches abound.
    static func randomBytes(_ count: Int, pattern: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        let alphabet = Array(Set(pattern + [MultipartText.cr]))
        return (0..<count).map { _ in
            Int.random(in: 0..<4, using: &generator) == 0
                ? UInt8.random(in: 0...255, using: &generator)
                : alphabet.randomElement(using: &generator)!
        }
    }

    /// Where the finder's lanes would start for `input` searched from `start`, plus the ends:
    /// the places a match or near-match is most likely to be mishandled.
    static func edges(count: Int, patternCount: Int, start: Int) -> [Int] {
        let lastStart = count - patternCount
        guard lastStart >= start else { return [] }
        let quarter = (lastStart - start + 1) / 4
        var edges = [start, lastStart]
        for lane in 1...3 { edges.append(start + lane * quarter) }
        return edges.flatMap { [$0 - patternCount, $0 - 2, $0 - 1, $0, $0 + 1, $0 + 2] }
            .filter { $0 >= start && $0 <= lastStart }
    }

    /// Compares `firstMatch` and `pendingStart` (Span and ArraySlice forms) with the naive ones.
    static func check(_ finder: MultipartDelimiterFinder, _ input: [UInt8], from start: Int,
                      _ note: @autoclosure () -> String) {
        let pattern = finder.pattern
        let expected = naiveFirstMatch(pattern, in: input, from: start)
        let found = finder.firstMatch(in: input.span, from: start)
        #expect(found == expected, "firstMatch: \(note()), count \(input.count), start \(start)")
        // The same through a slice with non-zero indices.
        let padded = [UInt8](repeating: 0x41, count: 7) + input
        let slice = padded[7...]
        #expect(finder.firstMatch(in: slice, from: start + 7) == expected.map { $0 + 7 },
                "firstMatch (slice): \(note()), count \(input.count), start \(start)")
        if expected == nil {
            let pending = naivePendingStart(pattern, in: input, from: start)
            #expect(finder.pendingStart(in: input.span, from: start) == pending,
                    "pendingStart: \(note()), count \(input.count), start \(start)")
            #expect(finder.pendingStart(in: slice, from: start + 7) == pending + 7,
                    "pendingStart (slice): \(note()), count \(input.count), start \(start)")
        }
    }

    @Test(arguments: boundaries)
    func matchesNaiveSearchOnRandomInputs(boundary: String) {
        let finder = MultipartDelimiterFinder(boundary: Array(boundary.utf8))
        let pattern = finder.pattern
        var generator = SeededGenerator(seed: 0x5EED_F1DE)
        let threshold = MultipartDelimiterFinder.laneThreshold
        let sizes = [0, 1, 2, pattern.count - 1, pattern.count, pattern.count + 1, 2 * pattern.count, 100,
                     threshold + pattern.count - 2, threshold + pattern.count - 1, threshold + pattern.count,
                     threshold + pattern.count + 1, threshold + pattern.count + 3, 3000, 4099, 20_000]
        for size in sizes {
            for round in 0..<12 {
                var input = Self.randomBytes(size, pattern: pattern, using: &generator)
                let start = round % 3 == 0 ? 0 : Int.random(in: 0...min(size, 50), using: &generator)
                Self.check(finder, input, from: start, "random, round \(round)")

                // Plant 1–3 matches, and a near-match (one byte off) or two.
                if size >= pattern.count {
                    let candidates = Self.edges(count: size, patternCount: pattern.count, start: 0)
                        + (0..<4).map { _ in Int.random(in: 0...(size - pattern.count), using: &generator) }
                    for _ in 0..<Int.random(in: 1...3, using: &generator) {
                        let at = candidates.randomElement(using: &generator)!
                        input.replaceSubrange(at..<at + pattern.count, with: pattern)
                    }
                    for _ in 0..<Int.random(in: 0...2, using: &generator) {
                        let at = candidates.randomElement(using: &generator)!
                        var near = pattern
                        near[Int.random(in: 0..<pattern.count - 1, using: &generator)] ^= 0x20
                        input.replaceSubrange(at..<at + pattern.count, with: near)
                    }
                    Self.check(finder, input, from: start, "planted, round \(round)")
                }
                // A prefix of the pattern at the very end, maybe after a CR, or a lone CR.
                if size >= 2 {
                    let length = Int.random(in: 0...min(pattern.count - 1, size - 1), using: &generator)
                    var tail = Array(pattern[..<length])
                    if Bool.random(using: &generator) { tail.insert(MultipartText.cr, at: 0) }
                    let cut = Swift.max(0, size - tail.count)
                    input.replaceSubrange(cut..., with: tail.suffix(size - cut))
                    Self.check(finder, input, from: start, "pending tail \(length), round \(round)")
                }
            }
        }
    }

    /// A single match at each lane edge (and around it) of an input long enough for lanes, with
    /// near-matches before it in every lane, and then two matches in different lanes.
    @Test(arguments: boundaries)
    func matchAtEveryLaneEdge(boundary: String) {
        let finder = MultipartDelimiterFinder(boundary: Array(boundary.utf8))
        let pattern = finder.pattern
        var generator = SeededGenerator(seed: 0xED6E)
        for size in [MultipartDelimiterFinder.laneThreshold + pattern.count + 5, 5000, 16_411] {
            for start in [0, 1, 17] {
                let base = Self.randomBytes(size, pattern: pattern, using: &generator)
                let edges = Self.edges(count: size, patternCount: pattern.count, start: start)
                var near = pattern
                near[0] = MultipartText.cr
                for at in edges {
                    var input = base
                    for other in edges where other + pattern.count <= at || other >= at + pattern.count {
                        input.replaceSubrange(other..<other + pattern.count, with: near)
                    }
                    input.replaceSubrange(at..<at + pattern.count, with: pattern)
                    Self.check(finder, input, from: start, "one match at \(at)")
                }
                for (first, second) in zip(edges, edges.shuffled(using: &generator)) {
                    var input = base
                    input.replaceSubrange(first..<first + pattern.count, with: pattern)
                    input.replaceSubrange(second..<second + pattern.count, with: pattern)
                    Self.check(finder, input, from: start, "matches at \(first) and \(second)")
                }
            }
        }
    }

    /// Overlapping candidates: a pattern of one repeated byte, and inputs made of it.
    @Test func overlappingNearMatches() {
        let finder = MultipartDelimiterFinder(boundary: Array("--".utf8))  // LF followed by four dashes
        #expect(finder.pattern.count == 5)
        for size in [10, 1100, 4096] {
            for runLength in [3, 4, 5] {
                var input = [UInt8]()
                while input.count < size { input += [MultipartText.lf] + [UInt8](repeating: MultipartText.dash, count: runLength) }
                input = Array(input.prefix(size))
                for start in [0, 1, 5] {
                    Self.check(finder, input, from: start, "runs of \(runLength) dashes")
                }
            }
        }
    }
}
