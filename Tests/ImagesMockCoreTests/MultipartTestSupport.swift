import ImagesMockCore
import Testing

/// What parsing a body produced: the parts pulled (also those completed before an error) and
/// the error, if any.
struct MultipartOutcome: Equatable, CustomStringConvertible {
    var parts: [MultipartPart]
    var error: MultipartError?

    var description: String {
        let names = parts.map { "\($0.name)(\($0.body.count))" }.joined(separator: ", ")
        return "parts: [\(names)], error: \(error.map { "\($0.kind) @\($0.byteOffset.map(String.init) ?? "nil"): \($0)" } ?? "none")"
    }
}

/// SplitMix64: a tiny seeded generator, so random split points are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Multipart {
    /// Parses `body` pushed in chunks of the given sizes (a 0 is an empty push; the last chunk
    /// takes whatever is left), pulling parts after every push.
    static func parse(
        _ body: [UInt8], contentType: String, limits: MultipartLimits = .default, chunks: [Int]
    ) -> MultipartOutcome {
        var parser: MultipartParser
        do {
            parser = try MultipartParser(contentType: contentType, limits: limits)
        } catch {
            return MultipartOutcome(parts: [], error: error)
        }
        var parts: [MultipartPart] = []
        func drain() { while let part = parser.nextPart() { parts.append(part) } }
        do throws(MultipartError) {
            var start = 0
            for size in chunks where start < body.count {
                let end = min(body.count, start + size)
                try parser.push(body[start..<end])
                drain()
                start = end
            }
            if start < body.count { try parser.push(Array(body[start...])) }
            try parser.finish()
            drain()
            return MultipartOutcome(parts: parts, error: nil)
        } catch {
            drain()
            return MultipartOutcome(parts: parts, error: error)
        }
    }

    /// The split schedules every test body goes through.
    static func schedules(for count: Int) -> [(String, [Int])] {
        var result: [(String, [Int])] = [
            ("whole", [count]),
            ("16-byte chunks", Array(repeating: 16, count: count / 16 + 1)),
            ("byte by byte", Array(repeating: 1, count: count)),
        ]
        for seed: UInt64 in 1...6 {
            var generator = SeededGenerator(seed: seed)
            var sizes: [Int] = []
            var total = 0
            let maxChunk = max(1, count / 3)
            while total < count {
                // An empty push now and then, otherwise 1...maxChunk bytes.
                let size = Int.random(in: 0...9, using: &generator) == 0 ? 0 : Int.random(in: 1...maxChunk, using: &generator)
                sizes.append(size)
                total += size
            }
            result.append(("random split, seed \(seed)", sizes))
        }
        return result
    }

    /// Parses `body` whole, in 16-byte chunks, byte by byte and at seeded random split points;
    /// records an issue unless all give the same parts and error, and returns that outcome.
    @discardableResult
    static func parseAllWays(
        _ body: [UInt8], contentType: String, limits: MultipartLimits = .default,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> MultipartOutcome {
        let reference = parse(body, contentType: contentType, limits: limits, chunks: [body.count])
        for (label, chunks) in schedules(for: body.count).dropFirst() {
            let outcome = parse(body, contentType: contentType, limits: limits, chunks: chunks)
            #expect(outcome == reference, "\(label) differs from a single push", sourceLocation: sourceLocation)
        }
        return reference
    }

    @discardableResult
    static func parseAllWays(
        _ body: String, contentType: String, limits: MultipartLimits = .default,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> MultipartOutcome {
        parseAllWays(Array(body.utf8), contentType: contentType, limits: limits, sourceLocation: sourceLocation)
    }

    /// The error of a body that must fail, parsed all ways.
    static func error(
        _ body: String, boundary: String = "abc123", limits: MultipartLimits = .default,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> MultipartError? {
        let outcome = parseAllWays(Array(body.utf8), contentType: "multipart/form-data; boundary=\(boundary)",
                                   limits: limits, sourceLocation: sourceLocation)
        #expect(outcome.error != nil, "expected an error, got \(outcome)", sourceLocation: sourceLocation)
        return outcome.error
    }

    /// The error for a Content-Type header value.
    static func contentTypeError(_ contentType: String) -> MultipartError? {
        do {
            _ = try MultipartParser(contentType: contentType)
            return nil
        } catch {
            return error
        }
    }

    /// Bytes that look like a small PNG but contain CR, LF, "--" and a near-boundary, so they
    /// exercise everything a delimiter search can trip on.
    static let trickyFile: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(
        "\r\n--\r\n-\n--abc12\r\n--abc1\r--abc123\r\r\n-".utf8) + [0x00, 0xFF, 0x0D] + Array("IEND".utf8) + [0x0D, 0x0A]
}

extension MultipartPart {
    /// Shorthand for a part in expectations; offsets are checked separately where they matter.
    var summary: String {
        var text = "\(name)"
        if let filename { text += " file=\(filename)" }
        if let contentType { text += " type=\(contentType)" }
        text += " \(body.count)B"
        return text
    }
}
