import ImagesMockCore
import Testing

/// Every malformation class, pinned with its kind, byte offset and exact text (message and
/// hint). Each body goes through `Multipart.parseAllWays`, so the same error must come out
/// whole, in 16-byte chunks, byte by byte and at random split points.
@Suite("Multipart: errors")
struct MultipartErrorTests {
    struct ContentTypeCase: Sendable, CustomTestStringConvertible {
        var label: String
        var contentType: String
        var kind: MultipartError.Kind
        var text: String
        init(_ label: String, _ contentType: String, _ kind: MultipartError.Kind, _ text: String) {
            self.label = label
            self.contentType = contentType
            self.kind = kind
            self.text = text
        }
        var testDescription: String { label }
    }

    struct BodyCase: Sendable, CustomTestStringConvertible {
        var label: String
        var body: String
        var boundary: String
        var limits: MultipartLimits
        var kind: MultipartError.Kind
        var offset: Int
        var text: String
        init(
            _ label: String, _ body: String, boundary: String = "abc123", limits: MultipartLimits = .default,
            _ kind: MultipartError.Kind, at offset: Int, _ text: String
        ) {
            self.label = label
            self.body = body
            self.boundary = boundary
            self.limits = limits
            self.kind = kind
            self.offset = offset
            self.text = text
        }
        var testDescription: String { label }
    }

    static let d = "Content-Disposition: form-data; name=\"prompt\"\r\n\r\n"

    static let contentTypeCases: [ContentTypeCase] = [
        ContentTypeCase("JSON content type", "application/json", .notMultipart,
            #"Invalid Content-Type "application/json": expected multipart/form-data, got "application/json". (hint: This endpoint takes a multipart/form-data body: send parameters as form fields and files as file parts (curl -F, files= in requests/httpx, FormData) and let the client set the Content-Type.)"#),
        ContentTypeCase("JSON with charset", "application/json; charset=utf-8", .notMultipart,
            #"Invalid Content-Type "application/json; charset=utf-8": expected multipart/form-data, got "application/json". (hint: This endpoint takes a multipart/form-data body: send parameters as form fields and files as file parts (curl -F, files= in requests/httpx, FormData) and let the client set the Content-Type.)"#),
        ContentTypeCase("empty header", "", .notMultipart,
            #"Invalid Content-Type "": expected multipart/form-data, got an empty media type. (hint: This endpoint takes a multipart/form-data body: send parameters as form fields and files as file parts (curl -F, files= in requests/httpx, FormData) and let the client set the Content-Type.)"#),
        ContentTypeCase("another multipart subtype", "multipart/mixed; boundary=x", .notMultipart,
            #"Invalid Content-Type "multipart/mixed; boundary=x": expected multipart/form-data, got "multipart/mixed". (hint: Form uploads use multipart/form-data; other multipart subtypes are not form submissions.)"#),
        ContentTypeCase("no boundary", "multipart/form-data", .missingBoundary,
            #"Invalid Content-Type "multipart/form-data": the boundary parameter is missing, so the body cannot be split into parts. (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("charset but no boundary", "multipart/form-data; charset=utf-8", .missingBoundary,
            #"Invalid Content-Type "multipart/form-data; charset=utf-8": the boundary parameter is missing, so the body cannot be split into parts. (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("boundary without a value", "multipart/form-data; boundary", .malformedContentType,
            #"Invalid Content-Type "multipart/form-data; boundary" at character 30: expected "=" after the parameter name "boundary", found the end of the header. (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("unterminated quoted boundary", "multipart/form-data; boundary=\"abc", .malformedContentType,
            #"Invalid Content-Type "multipart/form-data; boundary=\"abc" at character 31: the quoted value of "boundary" has no closing quote. (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("boundary given twice", "multipart/form-data; boundary=abc; Boundary=def", .malformedContentType,
            #"Invalid Content-Type "multipart/form-data; boundary=abc; Boundary=def" at character 36: the parameter "Boundary" appears twice. (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("missing semicolon", "multipart/form-data boundary=abc", .malformedContentType,
            #"Invalid Content-Type "multipart/form-data boundary=abc" at character 21: expected ";" after "multipart/form-data", found "b". (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("parameter without a name", "multipart/form-data; =abc", .malformedContentType,
            #"Invalid Content-Type "multipart/form-data; =abc" at character 22: expected a parameter name after ";", found "=". (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("unquoted boundary with a space", "multipart/form-data; boundary=abc def", .malformedContentType,
            #"Invalid Content-Type "multipart/form-data; boundary=abc def" at character 35: expected ";" or the end of the header after the value of "boundary", found "d". (hint: Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        ContentTypeCase("empty boundary", "multipart/form-data; boundary=", .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=": the boundary is empty; RFC 2046 requires 1 to 70 characters. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
        ContentTypeCase("empty quoted boundary", "multipart/form-data; boundary=\"\"", .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=\"\"": the boundary is empty; RFC 2046 requires 1 to 70 characters. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
        ContentTypeCase("boundary with a forbidden character", "multipart/form-data; boundary=ab@c", .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=ab@c": the boundary contains "@", which RFC 2046 does not allow in a boundary. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
        ContentTypeCase("boundary with a quote", "multipart/form-data; boundary=\"ab\\\"c\"", .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=\"ab\\\"c\"": the boundary contains "\"", which RFC 2046 does not allow in a boundary. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
        ContentTypeCase("boundary ending with a space", "multipart/form-data; boundary=\"abc \"", .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=\"abc \"": the boundary ends with a space, which RFC 2046 does not allow. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
        ContentTypeCase("boundary of 71 characters", "multipart/form-data; boundary=" + String(repeating: "x", count: 71), .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx": the boundary is 71 characters long; RFC 2046 allows at most 70. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
        ContentTypeCase("boundary of 60,000 characters (the echo is cut)", "multipart/form-data; boundary=" + String(repeating: "x", count: 60_000), .invalidBoundary,
            #"Invalid Content-Type "multipart/form-data; boundary=\#(String(repeating: "x", count: 170))"…: the boundary is 60000 characters long; RFC 2046 allows at most 70. (hint: Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).)"#),
    ]

    static let framingCases: [BodyCase] = [
        BodyCase("empty body", "", .emptyBody, at: 0,
            #"Malformed multipart body: the body is empty; expected the boundary line "--abc123" at byte 0. (hint: The client sent no body: check that the form is actually written (a stream already consumed, a Content-Length of 0) and that it has at least its closing boundary line.)"#),
        BodyCase("JSON body with a multipart header", "{\"model\":\"gpt-image-2\",\"prompt\":\"otter\",\"n\":1}", .boundaryNotFound, at: 0,
            #"Malformed multipart body: expected the boundary line "--abc123" at byte 0, but the body starts with "{\"model\":\"gpt-image-2\",\"prompt\":"… and the boundary line never occurs in its 46 bytes. (hint: The body is JSON but the Content-Type says multipart/form-data: send Content-Type: application/json with a JSON body, or build a real multipart body (curl -F, files= in requests/httpx, FormData).)"#),
        BodyCase("boundary lines without the two dashes", "abc123\r\n\(Self.d)x\r\nabc123--\r\n", .boundaryNotFound, at: 0,
            #"Malformed multipart body: expected the boundary line "--abc123" at byte 0, but the body starts with "abc123\r\nContent-Disposition: for"… and the boundary line never occurs in its 70 bytes. (hint: Each boundary line is two dashes followed by the boundary: write "--abc123", not "abc123".)"#),
        BodyCase("urlencoded body", "prompt=otter&n=1", .boundaryNotFound, at: 0,
            #"Malformed multipart body: expected the boundary line "--abc123" at byte 0, but the body starts with "prompt=otter&n=1" and the boundary line never occurs in its 16 bytes. (hint: The body is not the multipart body the Content-Type announces; the boundary parameter must be the one used in the body's "--boundary" lines. Let your HTTP client build both.)"#),
        BodyCase("body cut inside the first boundary line", "--ab", .boundaryNotFound, at: 0,
            #"Malformed multipart body: expected the boundary line "--abc123" at byte 0, but the body starts with "--ab" and the boundary line never occurs in its 4 bytes. (hint: The body is not the multipart body the Content-Type announces; the boundary parameter must be the one used in the body's "--boundary" lines. Let your HTTP client build both.)"#),
        BodyCase("another boundary in the body", "--xyz789\r\n\(Self.d)x\r\n--xyz789--\r\n", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--xyz789", but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: The Content-Type boundary must be the one the body was built with; this happens when Content-Type is set by hand (or copied from another request) while the client generates its own boundary. Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        BodyCase("header boundary with the leading dashes", "--abc123\r\n\(Self.d)x\r\n--abc123--\r\n", boundary: "--abc123", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--abc123", but the Content-Type boundary is "--abc123"; expected the boundary line "----abc123" at byte 0. (hint: The boundary parameter must not include the two leading dashes of the boundary lines: with boundary=abc123, the body's lines read "--abc123".)"#),
        BodyCase("body boundary lines with extra dashes", "----abc123\r\n\(Self.d)x\r\n----abc123--\r\n", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "----abc123", but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: The body's boundary lines have two dashes too many: a boundary line is "--" followed by the boundary, here "--abc123".)"#),
        BodyCase("boundary differing in case", "--ABC123\r\n\(Self.d)x\r\n--ABC123--\r\n", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--ABC123", but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: Boundaries are case-sensitive: the header and the body must spell the boundary identically.)"#),
        BodyCase("body boundary longer than the header's", "--abc1234\r\n\(Self.d)x\r\n--abc1234--\r\n", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--abc1234", but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: The Content-Type boundary must be the one the body was built with; this happens when Content-Type is set by hand (or copied from another request) while the client generates its own boundary. Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        BodyCase("body boundary longer after a dash", "--abc123-x\r\n", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--abc123-x", but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: The Content-Type boundary must be the one the body was built with; this happens when Content-Type is set by hand (or copied from another request) while the client generates its own boundary. Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        BodyCase("body boundary longer, body ends on that line", "--abc123x", .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--abc123x", but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: The Content-Type boundary must be the one the body was built with; this happens when Content-Type is set by hand (or copied from another request) while the client generates its own boundary. Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        BodyCase("very long first line", "--" + String(repeating: "y", count: 100), .boundaryMismatch, at: 0,
            #"Malformed multipart body: the body's first line is "--yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy"…, but the Content-Type boundary is "abc123"; expected the boundary line "--abc123" at byte 0. (hint: The Content-Type boundary must be the one the body was built with; this happens when Content-Type is set by hand (or copied from another request) while the client generates its own boundary. Don't set Content-Type by hand; let your HTTP client add the boundary.)"#),
        BodyCase("LF after the first boundary line", "--abc123\n\(Self.d)", .bareLineFeed, at: 8,
            #"Malformed multipart body: a bare LF ("\n") at byte 8 ends the boundary line "--abc123" (at byte 0); multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
        BodyCase("LF-only part headers", "--abc123\r\nContent-Disposition: form-data; name=\"prompt\"\n\nx\n--abc123--\n", .bareLineFeed, at: 55,
            #"Malformed multipart body: a bare LF ("\n") at byte 55 ends a header line of part 1; multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
        BodyCase("LF before a boundary line", "--abc123\r\n\(Self.d)x\n--abc123--\r\n", .bareLineFeed, at: 60,
            #"Malformed multipart body: a bare LF ("\n") at byte 60 precedes the boundary line "--abc123", which must follow a CRLF; multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
        BodyCase("LF after the closing boundary line", "--abc123\r\n\(Self.d)x\r\n--abc123--\n", .bareLineFeed, at: 72,
            #"Malformed multipart body: a bare LF ("\n") at byte 72 ends the closing boundary line "--abc123--" (at byte 62); multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
        BodyCase("LF between the preamble and the first boundary line", "preamble\n--abc123\r\n", .bareLineFeed, at: 8,
            #"Malformed multipart body: a bare LF ("\n") at byte 8 precedes the boundary line "--abc123", which must follow a CRLF; multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
        BodyCase("LF-only body from its first byte", "\n--abc123\r\n", .bareLineFeed, at: 0,
            #"Malformed multipart body: a bare LF ("\n") at byte 0 precedes the boundary line "--abc123", which must follow a CRLF; multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
        BodyCase("text in the padding of the first boundary line", "--abc123 x\r\n", .invalidBoundaryLine, at: 9,
            #"Malformed multipart body: found "x" at byte 9 in the padding after the boundary "--abc123" (line at byte 0); expected only spaces or tabs, then CRLF. (hint: Only optional spaces or tabs and then CRLF may follow a boundary on its line (RFC 2046). This usually means the boundary also occurs inside a part's content: use a boundary that does not appear in the data, or let your HTTP client generate one.)"#),
        BodyCase("boundary followed by text inside the body", "--abc123\r\n\(Self.d)x\r\n--abc123x\r\n", .invalidBoundaryLine, at: 70,
            #"Malformed multipart body: found "x" at byte 70 right after the boundary "--abc123" (line at byte 62); expected CRLF, or "--" for the closing boundary. (hint: Only optional spaces or tabs and then CRLF may follow a boundary on its line (RFC 2046). This usually means the boundary also occurs inside a part's content: use a boundary that does not appear in the data, or let your HTTP client generate one.)"#),
        BodyCase("boundary followed by one dash and text", "--abc123\r\n\(Self.d)x\r\n--abc123-x\r\n", .invalidBoundaryLine, at: 71,
            #"Malformed multipart body: found "x" at byte 71 after "--abc123-" (line at byte 62); expected the closing boundary "--abc123--". (hint: Only optional spaces or tabs and then CRLF may follow a boundary on its line (RFC 2046). This usually means the boundary also occurs inside a part's content: use a boundary that does not appear in the data, or let your HTTP client generate one.)"#),
        BodyCase("text in the padding of a boundary line", "--abc123\r\n\(Self.d)x\r\n--abc123 x\r\n", .invalidBoundaryLine, at: 71,
            #"Malformed multipart body: found "x" at byte 71 in the padding after the boundary "--abc123" (line at byte 62); expected only spaces or tabs, then CRLF. (hint: Only optional spaces or tabs and then CRLF may follow a boundary on its line (RFC 2046). This usually means the boundary also occurs inside a part's content: use a boundary that does not appear in the data, or let your HTTP client generate one.)"#),
        BodyCase("CR without LF after a boundary", "--abc123\r\n\(Self.d)x\r\n--abc123\rx", .invalidBoundaryLine, at: 71,
            #"Malformed multipart body: expected LF after the CR at byte 70 ending the boundary line "--abc123" (at byte 62), found "x". (hint: Only optional spaces or tabs and then CRLF may follow a boundary on its line (RFC 2046). This usually means the boundary also occurs inside a part's content: use a boundary that does not appear in the data, or let your HTTP client generate one.)"#),
        BodyCase("text right after the closing boundary", "--abc123\r\n\(Self.d)x\r\n--abc123--x", .invalidBoundaryLine, at: 72,
            #"Malformed multipart body: found "x" at byte 72 after the closing boundary "--abc123--" (line at byte 62); expected CRLF or the end of the body. (hint: After the closing boundary only optional spaces or tabs may follow on its line; an epilogue, if any, starts after a CRLF.)"#),
        BodyCase("body ends on a CR after the closing boundary", "--abc123\r\n\(Self.d)x\r\n--abc123--\r", .invalidBoundaryLine, at: 73,
            #"Malformed multipart body: expected LF after the CR at byte 72 ending the closing boundary line "--abc123--" (at byte 62), found the end of the body. (hint: End the closing boundary line with CRLF, or end the body right after it.)"#),
        BodyCase("CR without LF after the closing boundary", "--abc123\r\n\(Self.d)x\r\n--abc123--\rx", .invalidBoundaryLine, at: 73,
            #"Malformed multipart body: expected LF after the CR at byte 72 ending the closing boundary line "--abc123--" (at byte 62), found "x". (hint: End the closing boundary line with CRLF, or end the body right after it.)"#),
        BodyCase("body ends inside a part", "--abc123\r\n\(Self.d)x", .missingClosingBoundary, at: 60,
            #"Malformed multipart body: the body ended at byte 60 inside part 1 ("prompt"), before the closing boundary line "--abc123--". (hint: The body is cut short: check that the client sends the whole body (Content-Length, a stream that was already read, a proxy limit) and ends it with the closing boundary line.)"#),
        BodyCase("body ends right after a boundary", "--abc123\r\n\(Self.d)x\r\n--abc123", .missingClosingBoundary, at: 70,
            #"Malformed multipart body: the body ended at byte 70 inside the boundary line at byte 62, which is neither a part boundary (followed by CRLF) nor the closing boundary "--abc123--". (hint: End the body with the closing boundary "--abc123--" (two dashes after the boundary), optionally followed by CRLF.)"#),
        BodyCase("body ends after a boundary line that opens a part", "--abc123\r\n\(Self.d)x\r\n--abc123\r\n", .missingClosingBoundary, at: 72,
            #"Malformed multipart body: the body ended at byte 72, right after the boundary line at byte 62 that opens part 2; the last boundary line must be the closing one, "--abc123--". (hint: End the body with the closing boundary "--abc123--" (two dashes after the boundary), optionally followed by CRLF.)"#),
        BodyCase("body ends inside part headers", "--abc123\r\nContent-Disposition: form-da", .truncatedPartHeaders, at: 38,
            #"Malformed multipart body: the body ended at byte 38 inside the headers of part 1 (which start at byte 10); expected a blank line (CRLF CRLF) ending the headers, then the part's content. (hint: The body is cut short: check that the client sends the whole body (Content-Length, a stream that was already read, a proxy limit) and ends it with the closing boundary line.)"#),
    ]

    static let headerCases: [BodyCase] = [
        BodyCase("header line without a colon", "--abc123\r\nContent-Disposition form-data\r\n\r\n", .malformedPartHeader, at: 10,
            #"Malformed multipart body: the header line "Content-Disposition form-data" at byte 10 has no colon (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("header name with a space", "--abc123\r\nContent Disposition: form-data\r\n\r\n", .malformedPartHeader, at: 10,
            #"Malformed multipart body: the header line "Content Disposition: form-data" at byte 10 has an invalid header name "Content Disposition" (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("whitespace before the colon", "--abc123\r\nContent-Disposition : form-data\r\n\r\n", .malformedPartHeader, at: 10,
            #"Malformed multipart body: the header line "Content-Disposition : form-data" at byte 10 has whitespace between the header name and the colon (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("empty header name", "--abc123\r\n: form-data\r\n\r\n", .malformedPartHeader, at: 10,
            #"Malformed multipart body: the header line ": form-data" at byte 10 has no header name before the colon (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("continuation line without a header", "--abc123\r\n folded\r\n\r\n", .malformedPartHeader, at: 10,
            #"Malformed multipart body: the header line " folded" at byte 10 starts with whitespace, but there is no header before it to continue (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("lone CR in the headers", "--abc123\r\nContent-Disposition: form-data; name=\"a\"\rx\r\n\r\n", .malformedPartHeader, at: 50,
            #"Malformed multipart body: the CR at byte 50 in the headers is followed by "x", not LF (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("control character in a header value", "--abc123\r\nContent-Disposition: form-data; name=\"\u{1}\"\r\n\r\n", .malformedPartHeader, at: 10,
            #"Malformed multipart body: the value of the header "Content-Disposition" at byte 10 contains the control character "\x01" (part 1). (hint: Each part header is "Name: value" on its own CRLF-terminated line, and a blank line ends the headers.)"#),
        BodyCase("part without Content-Disposition", "--abc123\r\nContent-Type: text/plain\r\n\r\nx\r\n--abc123--", .missingContentDisposition, at: 10,
            #"Malformed multipart body: part 1 (headers at byte 10) has no Content-Disposition header; every form-data part needs one, e.g. Content-Disposition: form-data; name="prompt". (hint: Build the body with your HTTP client's multipart support; by hand, each part starts with Content-Disposition: form-data; name="..." (plus filename="..." and a Content-Type for files), then a blank line.)"#),
        BodyCase("part without any header", "--abc123\r\n\r\nx\r\n--abc123--", .missingContentDisposition, at: 10,
            #"Malformed multipart body: part 1 (at byte 10) has no headers at all; every form-data part needs one, e.g. Content-Disposition: form-data; name="prompt". (hint: Build the body with your HTTP client's multipart support; by hand, each part starts with Content-Disposition: form-data; name="..." (plus filename="..." and a Content-Type for files), then a blank line.)"#),
        BodyCase("two Content-Disposition headers", "--abc123\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\n", .duplicatePartHeader, at: 50,
            #"Malformed multipart body: part 1 has two Content-Disposition headers (at bytes 10 and 50). (hint: Send each part header once.)"#),
        BodyCase("two Content-Type headers", "--abc123\r\nContent-Type: a\r\nContent-Disposition: form-data; name=b\r\ncontent-type: b\r\n\r\n", .duplicatePartHeader, at: 67,
            #"Malformed multipart body: part 1 has two Content-Type headers (at bytes 10 and 67). (hint: Send each part header once.)"#),
        BodyCase("attachment instead of form-data", "--abc123\r\nContent-Disposition: attachment; filename=\"a.png\"\r\n\r\n", .notFormData, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "attachment; filename=\"a.png\"" at byte 10 has the type "attachment"; expected form-data. (hint: In multipart/form-data every part is Content-Disposition: form-data; name="..."; "attachment", "inline" and "file" belong to other multipart types (RFC 7578).)"#),
        BodyCase("disposition without a type", "--abc123\r\nContent-Disposition: ; name=a\r\n\r\n", .notFormData, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "; name=a" at byte 10 has no type; expected form-data. (hint: In multipart/form-data every part is Content-Disposition: form-data; name="..."; "attachment", "inline" and "file" belong to other multipart types (RFC 7578).)"#),
        BodyCase("parameters without a semicolon", "--abc123\r\nContent-Disposition: form-data; name=\"a\" filename=\"b\"\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; name=\"a\" filename=\"b\"" at byte 10 is invalid at character 21: expected ";" or the end of the header after the value of "name", found "f". (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("unterminated quoted name", "--abc123\r\nContent-Disposition: form-data; name=\"a\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; name=\"a" at byte 10 is invalid at character 17: the quoted value of "name" has no closing quote. (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("name given twice", "--abc123\r\nContent-Disposition: form-data; name=a; NAME=b\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; name=a; NAME=b" at byte 10 is invalid at character 20: the parameter "NAME" appears twice. (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("filename* with a bad percent-encoding", "--abc123\r\nContent-Disposition: form-data; filename*=UTF-8\'\'na%ZZve.png; name=a\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; filename*=UTF-8''na%ZZve.png; name=a" at byte 10 is invalid: filename* "UTF-8''na%ZZve.png" has an invalid percent-encoding "%ZZ". (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("filename* without charset", "--abc123\r\nContent-Disposition: form-data; filename*=na%C3ve.png; name=a\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; filename*=na%C3ve.png; name=a" at byte 10 is invalid: filename* "na%C3ve.png" is not of the form charset'language'percent-encoded-name. (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("filename* that is not UTF-8", "--abc123\r\nContent-Disposition: form-data; filename*=UTF-8\'\'na%C3ve.png; name=a\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; filename*=UTF-8''na%C3ve.png; name=a" at byte 10 is invalid: filename* "UTF-8''na%C3ve.png" does not decode to valid UTF-8. (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("filename* in another charset", "--abc123\r\nContent-Disposition: form-data; filename*=KOI8-R\'\'x; name=a\r\n\r\n", .malformedContentDisposition, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; filename*=KOI8-R''x; name=a" at byte 10 is invalid: filename* "KOI8-R''x" uses the charset "KOI8-R"; expected UTF-8 or ISO-8859-1. (hint: Quote parameter values ("...", with \" for a quote inside), separate parameters with ";", and write filename* as UTF-8''percent-encoded-name (RFC 5987).)"#),
        BodyCase("no name parameter", "--abc123\r\nContent-Disposition: form-data; filename=\"a.png\"\r\n\r\n", .missingName, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; filename=\"a.png\"" at byte 10 has no name parameter. (hint: Every form-data part needs its field name, e.g. Content-Disposition: form-data; name="image"; filename="a.png".)"#),
        BodyCase("empty name", "--abc123\r\nContent-Disposition: form-data; name=\"\"\r\n\r\n", .missingName, at: 10,
            #"Malformed multipart body: part 1's Content-Disposition "form-data; name=\"\"" at byte 10 has an empty name parameter. (hint: Every form-data part needs its field name, e.g. Content-Disposition: form-data; name="image"; filename="a.png".)"#),
        BodyCase("text field sent twice", "--abc123\r\n\(Self.d)x\r\n--abc123\r\n\(Self.d)y\r\n--abc123--", .duplicateTextField, at: 72,
            #"Malformed multipart body: the text field "prompt" is sent twice (part 1 at byte 10 and part 2 at byte 72); each parameter may appear once. (hint: Send each parameter once; only file fields (image, image[]) may repeat.)"#),
    ]

    static let limitCases: [BodyCase] = [
        BodyCase("part headers over the limit", "--abc123\r\n" + String(repeating: "X", count: 100), limits: MultipartLimits(maxHeaderBytesPerPart: 64), .partHeadersTooLarge, at: 74,
            #"Multipart part headers too large: the headers of part 1 (from byte 10) exceed the limit of 64 bytes at byte 74 without ending in a blank line. (hint: Part headers are a few short lines; this usually means the blank line (CRLF CRLF) between a part's headers and its content is missing.)"#),
        BodyCase("part headers one byte over the limit", "--abc123\r\n\(Self.d)x\r\n--abc123--", limits: MultipartLimits(maxHeaderBytesPerPart: 48), .partHeadersTooLarge, at: 58,
            #"Multipart part headers too large: the headers of part 1 (from byte 10) exceed the limit of 48 bytes at byte 58 without ending in a blank line. (hint: Part headers are a few short lines; this usually means the blank line (CRLF CRLF) between a part's headers and its content is missing.)"#),
        BodyCase("too many parts", "--abc123\r\n\(Self.d)x\r\n--abc123\r\n\(Self.d)y\r\n--abc123--", limits: MultipartLimits(maxParts: 1), .tooManyParts, at: 72,
            #"Too many multipart parts: part 2 starts at byte 72, but at most 1 part is accepted. (hint: Send each parameter once and only the files the endpoint takes.)"#),
        BodyCase("no part allowed", "--abc123\r\n\(Self.d)x\r\n--abc123--", limits: MultipartLimits(maxParts: 0), .tooManyParts, at: 10,
            #"Too many multipart parts: part 1 starts at byte 10, but at most 0 parts are accepted. (hint: Send each parameter once and only the files the endpoint takes.)"#),
        BodyCase("file over the limit", "--abc123\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n0123456789ABC\r\n--abc123--", limits: MultipartLimits(maxFileBytes: 10), .fileTooLarge, at: 86,
            #"Multipart file too large: file part "image" (filename "a.png", part 1, content from byte 76) exceeds the limit of 10 bytes per file at byte 86. (hint: Upload a smaller file (downscale or compress the image).)"#),
        BodyCase("file one byte over the limit", "--abc123\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n0123456789A\r\n--abc123--", limits: MultipartLimits(maxFileBytes: 10), .fileTooLarge, at: 86,
            #"Multipart file too large: file part "image" (filename "a.png", part 1, content from byte 76) exceeds the limit of 10 bytes per file at byte 86. (hint: Upload a smaller file (downscale or compress the image).)"#),
        BodyCase("file at the limit, then a partial delimiter and the end", "--abc123\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n0123456789\r\n--abc12", limits: MultipartLimits(maxFileBytes: 10), .missingClosingBoundary, at: 95,
            #"Malformed multipart body: the body ended at byte 95 inside part 1 ("image"), before the closing boundary line "--abc123--". (hint: The body is cut short: check that the client sends the whole body (Content-Length, a stream that was already read, a proxy limit) and ends it with the closing boundary line.)"#),
        BodyCase("file over the limit before an LF-only boundary", "--abc123\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\n\r\n0123456789AB\n--abc123--", limits: MultipartLimits(maxFileBytes: 10), .fileTooLarge, at: 86,
            #"Multipart file too large: file part "image" (filename "a.png", part 1, content from byte 76) exceeds the limit of 10 bytes per file at byte 86. (hint: Upload a smaller file (downscale or compress the image).)"#),
        BodyCase("text field over the limit", "--abc123\r\n\(Self.d)0123456789ABC\r\n--abc123--", limits: MultipartLimits(maxTextFieldBytes: 10), .textFieldTooLarge, at: 69,
            #"Multipart text field too large: text field "prompt" (part 1, content from byte 59) exceeds the limit of 10 bytes per text field at byte 69. (hint: Text fields carry parameters; send files as file parts (with a filename and a Content-Type), not as text fields.)"#),
        BodyCase("body over the total limit", "--abc123\r\n\(Self.d)0123456789ABC\r\n--abc123--", limits: MultipartLimits(maxTotalBytes: 50), .bodyTooLarge, at: 50,
            #"Multipart body too large: the body exceeds the limit of 50 bytes at byte 50. (hint: Send fewer or smaller files.)"#),
        BodyCase("body over the total limit in the epilogue", "--abc123--\r\nepilogue", limits: MultipartLimits(maxTotalBytes: 12), .bodyTooLarge, at: 12,
            #"Multipart body too large: the body exceeds the limit of 12 bytes at byte 12. (hint: Send fewer or smaller files.)"#),
        BodyCase("a malformation before the total limit wins", "--abc123\n" + String(repeating: "z", count: 100), limits: MultipartLimits(maxTotalBytes: 50), .bareLineFeed, at: 8,
            #"Malformed multipart body: a bare LF ("\n") at byte 8 ends the boundary line "--abc123" (at byte 0); multipart requires CRLF ("\r\n") line endings. (hint: The body uses LF-only line endings; multipart/form-data needs CRLF everywhere (after boundary lines, after part headers, and before each boundary line). This happens with bodies written by hand, read from a text file, or passed through a tool that converts line endings; let your HTTP client build the body.)"#),
    ]

    @Test(arguments: contentTypeCases)
    func contentType(_ example: ContentTypeCase) {
        let error = Multipart.contentTypeError(example.contentType)
        #expect(error?.kind == example.kind)
        #expect(error?.byteOffset == nil)
        #expect(error?.description == example.text)
    }

    @Test(arguments: framingCases)
    func framing(_ example: BodyCase) { check(example) }

    @Test(arguments: headerCases)
    func partHeaders(_ example: BodyCase) { check(example) }

    @Test(arguments: limitCases)
    func limits(_ example: BodyCase) { check(example) }

    private func check(_ example: BodyCase) {
        let error = Multipart.error(example.body, boundary: example.boundary, limits: example.limits)
        #expect(error?.kind == example.kind)
        #expect(error?.byteOffset == example.offset)
        #expect(error?.description == example.text)
    }
}
