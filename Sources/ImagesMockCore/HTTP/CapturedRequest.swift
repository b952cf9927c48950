import Foundation

/// Reads a raw HTTP/1.1 request as a proxy or `nc -l` captures it, for `images-mock explain`.
///
/// Tolerant where captures are sloppy (LF-only line endings in the head, a missing Host, a body
/// shorter than its Content-Length), strict nowhere else: the body is handed to the engine exactly.
public enum CapturedRequest {
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The request, and notes on anything repaired while reading it.
    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> (request: HTTPRequest, notes: [String]) {
        var notes: [String] = []
        var start = 0
        while start < bytes.count, bytes[start] == 0x0D || bytes[start] == 0x0A { start += 1 }
        guard let headEnd = findHeadEnd(bytes, from: start) else {
            throw ParseError(message: "no blank line ends the request head (expected CRLF CRLF after the headers)")
        }
        if headEnd.lfOnly { notes.append("the request head uses LF line endings; read as CRLF") }
        // Split on bytes: as Characters, "\r\n" is one grapheme and would not split on "\n".
        var lines = bytes[start..<headEnd.head].split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
        let requestLine = lines.removeFirst().split(separator: " ", omittingEmptySubsequences: true)
        guard requestLine.count >= 2 else { throw ParseError(message: "the first line is not a request line such as 'POST /v1/images/edits HTTP/1.1'") }
        var headers = HTTPHeaders()
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: ":") else { throw ParseError(message: "header line without a colon: '\(line)'") }
            headers.add(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"]))
        }
        var target = String(requestLine[1])
        // An absolute-form target (proxies) keeps only its path.
        if let scheme = target.range(of: "://"), let slash = target[scheme.upperBound...].firstIndex(of: "/") {
            target = String(target[slash...])
        }
        var body = Array(bytes[headEnd.body...])
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try dechunk(body)
            headers.remove("transfer-encoding")
            notes.append("the chunked body was reassembled (\(body.count) bytes)")
        } else if let declared = headers["content-length"].flatMap(Int.init) {
            if body.count > declared {
                notes.append("\(body.count - declared) bytes after the declared Content-Length (\(declared)) were ignored")
                body = Array(body.prefix(declared))
            } else if body.count < declared {
                notes.append("the body has \(body.count) bytes but Content-Length says \(declared): the capture is truncated")
            }
        }
        return (HTTPRequest(method: String(requestLine[0]), target: target, headers: headers, body: body), notes)
    }

    private static func findHeadEnd(_ bytes: [UInt8], from start: Int) -> (head: Int, body: Int, lfOnly: Bool)? {
        var index = start
        while index < bytes.count {
            if bytes[index] == 0x0A {
                if index + 1 < bytes.count, bytes[index + 1] == 0x0A { return (index, index + 2, true) }
                if index + 2 < bytes.count, bytes[index + 1] == 0x0D, bytes[index + 2] == 0x0A {
                    let headEnd = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
                    return (headEnd, index + 3, bytes[index - 1] != 0x0D)
                }
            }
            index += 1
        }
        return nil
    }

    private static func dechunk(_ bytes: [UInt8]) throws(ParseError) -> [UInt8] {
        var output: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstIndex(of: 0x0A) else { throw ParseError(message: "chunked body: a chunk size line has no line end") }
            let sizeText = String(decoding: bytes[index..<lineEnd], as: UTF8.self).trimmingCharacters(in: ["\r", " "])
            guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16), size >= 0 else {
                throw ParseError(message: "chunked body: '\(sizeText)' is not a hexadecimal chunk size")
            }
            index = lineEnd + 1
            if size == 0 { break }
            guard index + size <= bytes.count else { throw ParseError(message: "chunked body: a chunk of \(size) bytes is cut short") }
            output.append(contentsOf: bytes[index..<index + size])
            index += size
            while index < bytes.count, bytes[index] == 0x0D || bytes[index] == 0x0A { index += 1 }
        }
        return output
    }
}
