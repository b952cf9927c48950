import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ImagesMockCodecs
import ImagesMockCore
import ImagesMockServer
import ImagesMockTesting
import Testing

/// A multipart body built by hand, as a Swift app without a form library would.
private func multipartBody(boundary: String, fields: [(String, String)], files: [(name: String, filename: String, type: String, bytes: [UInt8])]) -> Data {
    var body = Data()
    for (name, value) in fields {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
    }
    for file in files {
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
        body.append(Data(file.bytes))
        body.append(Data("\r\n".utf8))
    }
    body.append(Data("--\(boundary)--\r\n".utf8))
    return body
}

private func squarePNG(_ side: Int, alpha: Bool = true) throws -> [UInt8] {
    try ImageEncoder.encode(RGBAImage(width: side, height: side, pixels: [UInt8](repeating: 200, count: side * side * 4)), as: .png, preserveAlpha: alpha)
}

@Suite("Multipart over loopback", .serialized)
struct MultipartServerTests {
    @Test func urlSessionEditWithAHandBuiltBody() async throws {
        try await withImagesMock { mock in
            let boundary = "Boundary-\(UUID().uuidString)"
            var request = URLRequest(url: URL(string: mock.baseURL + "/v1/images/edits")!)
            request.httpMethod = "POST"
            request.setValue("Bearer sk-test", forHTTPHeaderField: "Authorization")
            request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
            let png = try squarePNG(128)
            request.httpBody = multipartBody(
                boundary: boundary, fields: [("model", "gpt-image-1.5"), ("prompt", "add a hat"), ("size", "1024x1536"), ("quality", "low")],
                files: [("image[]", "a.png", "image/png", png), ("image[]", "b.png", "image/png", png), ("mask", "mask.png", "image/png", png)])
            let (data, response) = try await URLSession.shared.data(for: request)
            #expect((response as! HTTPURLResponse).statusCode == 200, "\(String(decoding: data, as: UTF8.self))")
            let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(body["size"] as? String == "1024x1536")
            let item = try #require((body["data"] as? [[String: Any]])?.first)
            let decoded = try ImageDecoder.decode(Array(Data(base64Encoded: item["b64_json"] as? String ?? "") ?? Data()))
            #expect(decoded.image.width == 1024 && decoded.image.height == 1536)
        }
    }

    @Test func aMismatchedBoundaryIsNamedPrecisely() async throws {
        try await withImagesMock { mock in
            var request = URLRequest(url: URL(string: mock.baseURL + "/v1/images/edits")!)
            request.httpMethod = "POST"
            request.setValue("Bearer sk-test", forHTTPHeaderField: "Authorization")
            request.setValue("multipart/form-data; boundary=hand-set-boundary", forHTTPHeaderField: "Content-Type")
            request.httpBody = multipartBody(boundary: "client-generated", fields: [("model", "gpt-image-1.5"), ("prompt", "x")], files: [])
            let (data, response) = try await URLSession.shared.data(for: request)
            let http = response as! HTTPURLResponse
            #expect(http.statusCode == 400)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("--client-generated"))
            #expect(text.contains("hand-set-boundary"))
            #expect(http.value(forHTTPHeaderField: "x-images-mock-diagnosis")?.isEmpty == false)
        }
    }

    @Test func aChunkedUploadIsParsedAsItArrives() async throws {
        try await withImagesMock { mock in
            let boundary = "0123456789abcdef0123456789abcdef"
            let body = [UInt8](multipartBody(boundary: boundary, fields: [("model", "dall-e-2"), ("prompt", "x"), ("size", "256x256"), ("response_format", "b64_json")],
                files: [("image", "a.png", "image/png", try squarePNG(256))]))
            let connection = try RawHTTPConnection(port: mock.port)
            connection.send("POST /v1/images/edits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nTransfer-Encoding: chunked\r\n\r\n")
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + 7)  // tiny chunks split every boundary somewhere
                connection.send(Array(String(end - offset, radix: 16).utf8) + [13, 10] + Array(body[offset..<end]) + [13, 10])
                offset = end
            }
            connection.send("0\r\n\r\n")
            let response = try #require(try connection.readResponse())
            #expect(response.status == 200, "\(response.text)")
            #expect(response.text.contains("\"b64_json\""))
        }
    }

    @Test func anOversizedMultipartUploadGets413() async throws {
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, bodyLimits: BodyLimits(maximumBodyBytes: 100_000))
        try await withImagesMock(server: server) { mock in
            let boundary = "b0b0b0"
            let body = [UInt8](multipartBody(boundary: boundary, fields: [("model", "gpt-image-1.5"), ("prompt", "x")],
                files: [("image", "big.png", "image/png", [UInt8](repeating: 7, count: 300_000))]))
            let connection = try RawHTTPConnection(port: mock.port)
            connection.send("POST /v1/images/edits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(body.count)\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(try connection.readResponse())
            #expect(response.status == 413)
        }
    }
}
