import ImagesMockCore
import Testing

/// Limits are enforced as bytes arrive: the push that carries the first byte over a limit
/// throws, before the end of the body (or of the part) is seen.
@Suite("Multipart: limits and push behaviour")
struct MultipartLimitTests {
    static let textHead = Array("--abc123\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n".utf8)
    static let fileHead = Array(
        "--abc123\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)

    /// Pushes `chunks` and returns the index of the push that threw, with its error.
    private func firstFailingPush(_ chunks: [[UInt8]], limits: MultipartLimits) throws -> (Int, MultipartError)? {
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=abc123", limits: limits)
        for (index, chunk) in chunks.enumerated() {
            do { try parser.push(chunk) } catch { return (index, error) }
        }
        return nil
    }

    @Test func fileLimitThrowsInThePushThatCrossesIt() throws {
        let limits = MultipartLimits(maxFileBytes: 1000)
        let chunks = [Self.fileHead, [UInt8](repeating: 0x41, count: 600), [UInt8](repeating: 0x42, count: 600),
                      [UInt8](repeating: 0x43, count: 600)]
        let failure = try #require(try firstFailingPush(chunks, limits: limits))
        #expect(failure.0 == 2)
        #expect(failure.1.kind == .fileTooLarge)
        #expect(failure.1.byteOffset == Self.fileHead.count + 1000)
        #expect(failure.1.isLimit)
    }

    /// The declared body length only sizes the file part's buffer: right, too small, too large or
    /// absent, the parts are the same and the file limit still holds on the bytes that arrive.
    @Test(arguments: [nil, 0, 10, 2_000, 1_000_000])
    func theExpectedBodyLengthChangesNothingButTheBuffer(expected: Int?) throws {
        let file = (0..<1500).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let body = Self.textHead + Array("an otter\r\n".utf8) + Self.fileHead + file + Array("\r\n--abc123--\r\n".utf8)
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=abc123")
        parser.expectedBodyLength = expected
        var parts: [MultipartPart] = []
        for start in stride(from: 0, to: body.count, by: 100) {
            try parser.push(body[start..<min(start + 100, body.count)])
            while let part = parser.nextPart() { parts.append(part) }
        }
        try parser.finish()
        while let part = parser.nextPart() { parts.append(part) }
        #expect(parts.map(\.name) == ["prompt", "image"])
        #expect(parts.last?.body == file)

        var limited = try MultipartParser(contentType: "multipart/form-data; boundary=abc123", limits: MultipartLimits(maxFileBytes: 1000))
        limited.expectedBodyLength = expected
        #expect(throws: MultipartError.self) { try limited.push(body[...]) }
    }

    @Test func fileExactlyAtTheLimitIsAccepted() {
        let body = Self.fileHead + [UInt8](repeating: 0x0D, count: 1000) + Array("\r\n--abc123--\r\n".utf8)
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123",
                                             limits: MultipartLimits(maxFileBytes: 1000))
        #expect(outcome.error == nil)
        #expect(outcome.parts.first?.body.count == 1000)
    }

    /// Bytes that may still turn out to be the delimiter do not count yet; they count as soon
    /// as they are known to be content.
    @Test func pendingDelimiterBytesCountOnceTheyAreContent() throws {
        let limits = MultipartLimits(maxTextFieldBytes: 10)
        let chunks = [Self.textHead, Array("0123456789\r\n--abc12".utf8), Array("X".utf8)]
        let failure = try #require(try firstFailingPush(chunks, limits: limits))
        #expect(failure.0 == 2)
        #expect(failure.1.kind == .textFieldTooLarge)
        #expect(failure.1.byteOffset == Self.textHead.count + 10)
    }

    @Test func textFieldLimitThrowsWithinOnePush() throws {
        let failure = try #require(try firstFailingPush(
            [Self.textHead + Array("01234567890".utf8)], limits: MultipartLimits(maxTextFieldBytes: 10)))
        #expect(failure.0 == 0)
        #expect(failure.1.kind == .textFieldTooLarge)
    }

    @Test func totalLimitThrowsInThePushThatCrossesIt() throws {
        let limits = MultipartLimits(maxTotalBytes: 106)
        let chunks = [Self.fileHead, [UInt8](repeating: 0x41, count: 5), [UInt8](repeating: 0x41, count: 5)]
        #expect(Self.fileHead.count == 101)
        let failure = try #require(try firstFailingPush(chunks, limits: limits))
        #expect(failure.0 == 2)
        #expect(failure.1 == MultipartError(
            kind: .bodyTooLarge, byteOffset: 106,
            message: "Multipart body too large: the body exceeds the limit of 106 bytes at byte 106.",
            hint: "Send fewer or smaller files."))
    }

    @Test func headerLimitThrowsBeforeTheBlankLine() throws {
        let failure = try #require(try firstFailingPush(
            [Array("--abc123\r\n".utf8), Array("X-Long: ".utf8) + [UInt8](repeating: 0x61, count: 200)],
            limits: MultipartLimits(maxHeaderBytesPerPart: 100)))
        #expect(failure.0 == 1)
        #expect(failure.1.kind == .partHeadersTooLarge)
        #expect(failure.1.byteOffset == 110)
    }

    @Test func headerBlockExactlyAtTheLimitIsAccepted() {
        // "Content-Disposition: form-data; name=\"prompt\"\r\n\r\n" is 49 bytes.
        let body = Self.textHead + Array("x\r\n--abc123--".utf8)
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123",
                                             limits: MultipartLimits(maxHeaderBytesPerPart: 49))
        #expect(outcome.error == nil)
        #expect(outcome.parts.map(\.text) == ["x"])
    }

    @Test func partCountLimitThrowsWhenTheExtraPartStarts() throws {
        let part = Array("Content-Disposition: form-data; name=\"image\"; filename=\"a\"\r\n\r\nx\r\n--abc123\r\n".utf8)
        let failure = try #require(try firstFailingPush(
            [Array("--abc123\r\n".utf8), part, part, part], limits: MultipartLimits(maxParts: 2)))
        #expect(failure.0 == 2)
        #expect(failure.1.kind == .tooManyParts)
        #expect(failure.1.message == "Too many multipart parts: part 3 starts at byte 160, but at most 2 parts are accepted.")
    }

    @Test func aFailedParserKeepsFailingWithTheSameError() throws {
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=abc123")
        let first: MultipartError
        do {
            try parser.push(Array("--abc123\n".utf8))
            Issue.record("expected an error")
            return
        } catch {
            first = error
        }
        #expect(throws: first) { try parser.push(Array("more".utf8)) }
        #expect(throws: first) { try parser.finish() }
    }

    @Test func headerValueThatIsNotUTF8() {
        let body = Array("--abc123\r\nContent-Disposition: form-data; name=\"".utf8) + [0xFF, 0xFE]
            + Array("\"\r\n\r\nx\r\n--abc123--".utf8)
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123")
        #expect(outcome.error == MultipartError(
            kind: .malformedPartHeader, byteOffset: 10,
            message: #"Malformed multipart body: the value of the header "Content-Disposition" at byte 10 is not valid UTF-8: "form-data; name=\"\xFF\xFE\"" (part 1)."#,
            hint: #"Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers."#))
    }

    /// Binary content that is not UTF-8 is fine in any part; `text` is nil for it.
    @Test func binaryTextFieldHasNoText() {
        let body = Self.textHead + [0xFF, 0x00, 0xC3] + Array("\r\n--abc123--".utf8)
        let outcome = Multipart.parseAllWays(body, contentType: "multipart/form-data; boundary=abc123")
        #expect(outcome.error == nil)
        #expect(outcome.parts.first?.body == [0xFF, 0x00, 0xC3])
        #expect(outcome.parts.first?.text == nil)
    }

    @Test func limitsDefaults() {
        #expect(MultipartLimits.default == MultipartLimits(
            maxParts: 64, maxHeaderBytesPerPart: 8192, maxFileBytes: 52_428_800, maxTextFieldBytes: 1_048_576,
            maxTotalBytes: 67_108_864))
        #expect(MultipartError.Kind.allCases.count == 23)
    }
}
