#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A deliberately primitive HTTP/1.1 client over a blocking socket, for what URLSession hides:
/// exact bytes, keep-alive on one connection, stalled and oversized bodies.
final class RawHTTPConnection {
    let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { throw RawHTTPError.connectFailed(errno) }
        setTimeout(seconds: 10)
    }

    deinit { close(descriptor) }

    func setTimeout(seconds: Int) {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Sends bytes; returns false when the peer has closed (EPIPE/ECONNRESET).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    @discardableResult
    func send(_ text: String) -> Bool { send(Array(text.utf8)) }

    /// Reads one response (Content-Length bodies only). `nil` when the connection closed first.
    func readResponse() throws -> RawHTTPResponse? {
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        func fill() throws -> Bool {
            let count = chunk.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count < 0 { throw RawHTTPError.readFailed(errno) }
            if count == 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        let separator: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            guard try fill() else { return nil }
            headEnd = buffer.firstRange(of: separator)?.lowerBound
        }
        let head = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let status = Int(statusLine.split(separator: " ")[1]) ?? 0
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        let length = headers.first(where: { $0.0 == "content-length" }).flatMap { Int($0.1) } ?? 0
        let bodyStart = headEnd! + 4
        while buffer.count < bodyStart + length {
            guard try fill() else { break }
        }
        return RawHTTPResponse(status: status, headers: headers, body: Array(buffer[bodyStart..<min(buffer.count, bodyStart + length)]))
    }

    /// True when the server closed the connection (read returns 0 or an error other than a timeout).
    func isClosedByPeer() -> Bool {
        var byte: UInt8 = 0
        let count = recv(descriptor, &byte, 1, 0)
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }
}

struct RawHTTPResponse {
    let status: Int
    let headers: [(String, String)]
    let body: [UInt8]

    func header(_ name: String) -> String? { headers.first(where: { $0.0 == name.lowercased() })?.1 }
    var text: String { String(decoding: body, as: UTF8.self) }
}

enum RawHTTPError: Error {
    case connectFailed(Int32)
    case readFailed(Int32)
}

func postRequest(path: String = "/v1/images/generations", json: String, extraHeaders: String = "", key: String = "sk-test") -> String {
    "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(key)\r\nContent-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\(extraHeaders)\r\n\(json)"
}
