import Testing
@testable import ImagesMockCore

@Suite("Captured requests (explain)")
struct CapturedRequestTests {
    @Test(arguments: ["\r\n", "\n"])
    func readsHeadAndBody(_ newline: String) throws {
        let text = "POST /v1/images/generations HTTP/1.1\(newline)Host: api.openai.com\(newline)Authorization: Bearer sk-x\(newline)Content-Type: application/json\(newline)Content-Length: 2\(newline)\(newline){}"
        let (request, notes) = try CapturedRequest.parse(Array(text.utf8))
        #expect(request.method == "POST")
        #expect(request.path == "/v1/images/generations")
        #expect(request.headers["authorization"] == "Bearer sk-x")
        #expect(request.headers["content-type"] == "application/json")
        #expect(request.body == Array("{}".utf8))
        #expect(notes == (newline == "\n" ? ["the request head uses LF line endings; read as CRLF"] : []))
    }

    @Test func reassemblesChunkedBodiesAndNotesTruncation() throws {
        let chunked = "POST /v1/images/edits HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"
        let (request, notes) = try CapturedRequest.parse(Array(chunked.utf8))
        #expect(request.body == Array("abcde".utf8))
        #expect(notes == ["the chunked body was reassembled (5 bytes)"])
        let short = "POST /x HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"
        #expect(try CapturedRequest.parse(Array(short.utf8)).notes == ["the body has 3 bytes but Content-Length says 10: the capture is truncated"])
    }

    @Test func absoluteTargetsKeepTheirPath() throws {
        let text = "POST https://api.openai.com/v1/images/edits HTTP/1.1\r\n\r\n"
        #expect(try CapturedRequest.parse(Array(text.utf8)).request.path == "/v1/images/edits")
    }

    @Test func rejectsWhatIsNotARequest() {
        #expect(throws: CapturedRequest.ParseError.self) { try CapturedRequest.parse(Array("just text".utf8)) }
        #expect(throws: CapturedRequest.ParseError.self) { try CapturedRequest.parse(Array("POST\r\n\r\n".utf8)) }
    }
}
