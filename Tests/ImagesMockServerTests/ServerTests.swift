import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ImagesMockCodecs
import ImagesMockCore
import ImagesMockServer
import ImagesMockTesting
import Testing

private func post(_ mock: RunningImagesMock, path: String = "/v1/images/generations", json: String, key: String? = "sk-test") async throws -> (HTTPURLResponse, Data) {
    var request = URLRequest(url: URL(string: mock.baseURL + path)!)
    request.httpMethod = "POST"
    request.httpBody = Data(json.utf8)
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
    let (data, response) = try await URLSession.shared.data(for: request)
    return (response as! HTTPURLResponse, data)
}

@Suite("Server over loopback", .serialized)
struct ServerTests {
    @Test func urlSessionGeneratesADecodablePNGOfTheRequestedSize() async throws {
        try await withImagesMock { mock in
            #expect(mock.port > 0)
            let (response, data) = try await post(mock, json: #"{"model":"gpt-image-2","prompt":"an otter","size":"1536x864","output_format":"webp"}"#)
            #expect(response.statusCode == 200)
            #expect(response.value(forHTTPHeaderField: "content-type") == "application/json")
            let requestID = try #require(response.value(forHTTPHeaderField: "x-request-id"))
            #expect(requestID.range(of: "^req_[0-9a-f]{32}$", options: .regularExpression) != nil)
            #expect(response.value(forHTTPHeaderField: "openai-version") == "2020-10-01")
            #expect(Int(response.value(forHTTPHeaderField: "openai-processing-ms") ?? "") != nil)
            let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(body["size"] as? String == "1536x864")
            #expect(body["output_format"] as? String == "webp")
            #expect(body["quality"] as? String == "high")
            let item = try #require((body["data"] as? [[String: Any]])?.first)
            let bytes = try #require(Data(base64Encoded: item["b64_json"] as? String ?? ""))
            let decoded = try ImageDecoder.decode(Array(bytes))
            #expect(decoded.format == .webp)
            #expect(decoded.image.width == 1536 && decoded.image.height == 864)
        }
    }

    @Test func errorsComeAsTheExactEnvelope() async throws {
        try await withImagesMock { mock in
            let (response, data) = try await post(mock, json: #"{"model":"gpt-image-2","prompt":"x","n":11}"#)
            #expect(response.statusCode == 400)
            #expect(String(decoding: data, as: UTF8.self) == """
                {
                  "error": {
                    "message": "Invalid 'n': integer above maximum value. Expected a value <= 10, but got 11 instead.",
                    "type": "invalid_request_error",
                    "param": "n",
                    "code": "integer_above_max_value"
                  }
                }

                """)
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await withImagesMock { mock in
            let connection = try RawHTTPConnection(port: mock.port)
            for index in 0..<5 {
                #expect(connection.send(postRequest(json: "{\"model\":\"dall-e-2\",\"prompt\":\"p\(index)\",\"size\":\"256x256\",\"response_format\":\"b64_json\"}")))
                let response = try #require(try connection.readResponse())
                #expect(response.status == 200)
            }
            #expect(connection.send(postRequest(json: "{not json")))
            let bad = try #require(try connection.readResponse())
            #expect(bad.status == 400)
            #expect(bad.text.contains("We could not parse the JSON body of your request."))
            #expect(bad.header("x-images-mock-diagnosis")?.contains("expected a string key") == true)
        }
    }

    @Test func concurrentRequestsAllSucceed() async throws {
        try await withImagesMock { mock in
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<48 {
                    group.addTask {
                        let size = ["1024x1024", "1536x1024", "1024x1536"][index % 3]
                        return try await post(mock, json: "{\"model\":\"gpt-image-1.5\",\"prompt\":\"c\(index % 4)\",\"size\":\"\(size)\",\"quality\":\"low\"}").0.statusCode
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.count == 48)
            #expect(statuses.allSatisfy { $0 == 200 })
        }
    }

    @Test func declaredOversizedBodyIsRefusedBeforeItArrives() async throws {
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, bodyLimits: BodyLimits(maximumBodyBytes: 10_000))
        try await withImagesMock(server: server) { mock in
            let connection = try RawHTTPConnection(port: mock.port)
            connection.send("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 5000000\r\nExpect: 100-continue\r\n\r\n")
            let response = try #require(try connection.readResponse())
            #expect(response.status == 413)
            #expect(response.text.contains("Request body too large: the limit is 10000 bytes"))
        }
    }

    @Test func chunkedOversizedBodyIsNotStoredAndGets413() async throws {
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, bodyLimits: BodyLimits(maximumBodyBytes: 10_000))
        try await withImagesMock(server: server) { mock in
            let connection = try RawHTTPConnection(port: mock.port)
            connection.send("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("4000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x4000) + Array("\r\n".utf8)
            for _ in 0..<64 { connection.send(chunk) }
            connection.send("0\r\n\r\n")
            let response = try #require(try connection.readResponse())
            #expect(response.status == 413)
            #expect(response.header("content-type") == "application/json")
        }
    }

    @Test func bodiesHeldWholeShareOneBudgetAcrossConnections() async throws {
        let limits = BodyLimits(maximumBodyBytes: 100_000, maximumBufferedBytes: 150_000)
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, bodyLimits: limits)
        try await withImagesMock(server: server) { mock in
            /// A JSON body of exactly `length` bytes (its prompt is too long for dall-e-2: a 400, not a 503).
            func body(_ length: Int) -> String {
                let frame = #"{"model":"dall-e-2","prompt":"","size":"256x256"}"#
                return #"{"model":"dall-e-2","prompt":""# + String(repeating: "a", count: length - frame.utf8.count) + #"","size":"256x256"}"#
            }
            /// `bytes`, or a little more: a buffer's capacity is what malloc granted.
            func waitForBuffered(_ bytes: Int) async throws {
                let expected = bytes...(bytes == 0 ? 0 : bytes + 64)
                for _ in 0..<500 where !expected.contains(mock.server.bufferedBodyBytes) { try await Task.sleep(for: .milliseconds(10)) }
                #expect(expected.contains(mock.server.bufferedBodyBytes))
            }
            let whole = body(100_000)
            let held = try RawHTTPConnection(port: mock.port)
            held.send(postRequest(json: String(whole.prefix(90_000))).replacingOccurrences(of: "Content-Length: 90000", with: "Content-Length: 100000"))
            // Its declared length is reserved as soon as its head is read.
            try await waitForBuffered(100_000)

            // A declared length that cannot fit is answered before its body is read.
            let declared = try RawHTTPConnection(port: mock.port)
            declared.send(postRequest(json: "").replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 100000"))
            let early = try #require(try declared.readResponse())
            #expect(early.status == 503)
            let envelope = try #require(try JSONSerialization.jsonObject(with: Data(early.body)) as? [String: Any])
            let error = try #require(envelope["error"] as? [String: Any])
            #expect(error["message"] as? String == "The engine is currently overloaded, please try again later.")
            #expect(error["type"] as? String == "server_error")
            #expect(early.header("x-images-mock-diagnosis")?.contains("budget of 150000 bytes") == true)
            #expect(early.header("connection") == "close")

            // A chunked body is refused when it crosses the budget, and answered when it ends.
            let chunked = try RawHTTPConnection(port: mock.port)
            chunked.send("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = Array("2000\r\n".utf8) + [UInt8](repeating: 0x61, count: 0x2000) + Array("\r\n".utf8)
            for _ in 0..<10 { chunked.send(chunk) }
            chunked.send("0\r\n\r\n")
            #expect(try chunked.readResponse()?.status == 503)
            try await waitForBuffered(100_000)

            // So is a multipart body with a declared length (its text fields are held): the whole
            // upload is read, then the 503 goes out (libmicrohttpd drops an answer queued mid-upload).
            let textForm = "--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n" + String(repeating: "p", count: 70_000) + "\r\n--b--\r\n"
            let heldText = try RawHTTPConnection(port: mock.port)
            heldText.send("POST /v1/images/edits HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: \(textForm.utf8.count)\r\n\r\n\(textForm)")
            let refused = try #require(try heldText.readResponse())
            #expect(refused.status == 503)
            #expect(refused.text.contains("The engine is currently overloaded"))
            try await waitForBuffered(100_000)

            // Multipart uploads are inspected, not held: they do not count.
            let boundary = "budget-boundary"
            let upload = "--\(boundary)\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\ndall-e-2\r\n--\(boundary)\r\n"
                + "Content-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\nContent-Type: image/png\r\n\r\n"
                + String(repeating: "x", count: 95_000) + "\r\n--\(boundary)--\r\n"
            let multipart = try RawHTTPConnection(port: mock.port)
            multipart.send("POST /v1/images/variations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: multipart/form-data; boundary=\(boundary)\r\nContent-Length: \(upload.utf8.count)\r\n\r\n\(upload)")
            let uploaded = try #require(try multipart.readResponse())
            #expect(uploaded.status == 400, "an invalid PNG, judged as usual: \(uploaded.text)")

            // The held body ends and is answered; its share of the budget is given back.
            held.send(String(whole.dropFirst(90_000)))
            #expect(try held.readResponse()?.status == 400)
            try await waitForBuffered(0)
            let after = try RawHTTPConnection(port: mock.port)
            after.send(postRequest(json: body(100_000)))
            let answered = try #require(try after.readResponse())
            #expect(answered.status == 400)
            #expect(answered.text.contains("prompt"))
        }
    }

    @Test func aStalledBodyTimesOutWithoutHarmingOthers() async throws {
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, connectionTimeoutSeconds: 1)
        try await withImagesMock(server: server) { mock in
            let stalled = try RawHTTPConnection(port: mock.port)
            stalled.send("POST /v1/images/generations HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer k\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":")
            // Meanwhile another client is served normally.
            let (response, _) = try await post(mock, json: #"{"model":"dall-e-2","prompt":"fine","size":"256x256"}"#)
            #expect(response.statusCode == 200)
            try await Task.sleep(for: .milliseconds(2500))
            #expect(stalled.isClosedByPeer())
            let (after, _) = try await post(mock, json: #"{"model":"dall-e-2","prompt":"still fine","size":"256x256"}"#)
            #expect(after.statusCode == 200)
        }
    }

    @Test func imageURLsAreServedWithoutAuthAndExpire() async throws {
        let clock = ManualClock()
        let mock = try RunningImagesMock(configuration: MockConfiguration(imageURLLifetimeSeconds: 60), clock: clock)
        defer { mock.stop() }
        let (_, data) = try await post(mock, json: #"{"model":"dall-e-3","prompt":"a lighthouse","style":"natural"}"#)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let item = try #require((body["data"] as? [[String: Any]])?.first)
        #expect((item["revised_prompt"] as? String)?.contains("a lighthouse") == true)
        let url = try #require(URL(string: item["url"] as? String ?? ""))
        #expect(url.absoluteString.hasPrefix(mock.baseURL + "/v1/files/images/img-"))
        let (imageData, imageResponse) = try await URLSession.shared.data(from: url)
        #expect((imageResponse as! HTTPURLResponse).statusCode == 200)
        #expect((imageResponse as! HTTPURLResponse).value(forHTTPHeaderField: "content-type") == "image/png")
        let decoded = try ImageDecoder.decode(Array(imageData))
        #expect(decoded.image.width == 1024 && decoded.image.height == 1024)
        clock.advance(by: 61)
        let (_, expired) = try await URLSession.shared.data(from: url)
        #expect((expired as! HTTPURLResponse).statusCode == 404)
    }

    @Test func delayedRequestsSuspendInsteadOfHoldingThreads() async throws {
        // Two polling threads, 100 connections each delayed 1 s: all answered in about 1 s only if
        // no thread sleeps (sleeping threads would need 50 s).
        let configuration = MockConfiguration(fixedLatency: .seconds(1))
        try await withImagesMock(configuration: configuration) { mock in
            let started = ContinuousClock.now
            let connections = try (0..<100).map { _ in try RawHTTPConnection(port: mock.port) }
            for connection in connections {
                connection.send(postRequest(json: #"{"model":"dall-e-2","prompt":"slow","size":"256x256"}"#))
            }
            let statuses = try connections.map { try $0.readResponse()?.status }
            let elapsed = ContinuousClock.now - started
            #expect(statuses.allSatisfy { $0 == 200 })
            #expect(elapsed < .seconds(5), "100 delayed requests on 2 threads took \(elapsed)")
        }
    }

    @Test func coldRenderingNeverBlocksOtherConnections() async throws {
        // One polling thread: if rendering ran on it, every other request would wait for the renders.
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, threadCount: 1)
        try await withImagesMock(server: server) { mock in
            let heavy = try RawHTTPConnection(port: mock.port)
            heavy.setTimeout(seconds: 120)
            heavy.send(postRequest(json: #"{"model":"gpt-image-2","prompt":"heavy","n":6,"size":"3840x2160","output_format":"webp"}"#))
            try await Task.sleep(for: .milliseconds(50))
            let started = ContinuousClock.now
            for _ in 0..<10 {
                let (response, _) = try await post(mock, json: #"{"model":"gpt-image-2","prompt":"x","n":0}"#)
                #expect(response.statusCode == 400)
            }
            let quick = ContinuousClock.now - started
            let heavyResponse = try #require(try heavy.readResponse())
            let heavyTotal = ContinuousClock.now - started
            #expect(heavyResponse.status == 200)
            #expect(quick * 4 < heavyTotal, "quick requests took \(quick) while the heavy render took \(heavyTotal)")
        }
    }

    @Test func shutdownDrainsDelayedRequestsInFlight() async throws {
        let configuration = MockConfiguration(fixedLatency: .milliseconds(600))
        let mock = try RunningImagesMock(configuration: configuration)
        let connections = try (0..<8).map { _ in try RawHTTPConnection(port: mock.port) }
        for connection in connections {
            connection.send(postRequest(json: #"{"model":"dall-e-2","prompt":"drain","size":"256x256"}"#))
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(mock.server.inFlightRequests == 8)
        mock.stop()
        let statuses = try connections.map { try $0.readResponse()?.status }
        #expect(statuses == Array(repeating: 200, count: 8))
        #expect(mock.server.inFlightRequests == 0)
        // The port is closed after stop.
        #expect(throws: (any Error).self) { _ = try RawHTTPConnection(port: mock.port) }
    }

    @Test func shutdownPastTheDrainTimeoutAnswersDelayedRequestsAtOnce() async throws {
        let configuration = MockConfiguration(fixedLatency: .seconds(30))
        let server = ServerConfiguration(host: "127.0.0.1", port: 0, drainTimeout: .milliseconds(200))
        let mock = try RunningImagesMock(configuration: configuration, server: server)
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            group.addTask { try await post(mock, json: #"{"model":"dall-e-2","prompt":"long","size":"256x256"}"#).0.statusCode }
            try await Task.sleep(for: .milliseconds(200))
            mock.stop()
            let status = try await group.next()
            #expect(status == 200)
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func restrictedKeysAreMaskedInThe401() async throws {
        let configuration = MockConfiguration(apiKeys: .only(["sk-good"]))
        try await withImagesMock(configuration: configuration) { mock in
            let key = "sk-qtKGh" + String(repeating: "x", count: 39) + "xymX"
            let (response, data) = try await post(mock, json: #"{"model":"dall-e-2","prompt":"x"}"#, key: key)
            #expect(response.statusCode == 401)
            let text = String(decoding: data, as: UTF8.self)
            #expect(text.contains("Incorrect API key provided: sk-qtKGh***************************************xymX. You can find your API key at https://platform.openai.com/account/api-keys."))
            #expect(text.contains("\"code\": \"invalid_api_key\""))
            let (good, _) = try await post(mock, json: #"{"model":"dall-e-2","prompt":"x","size":"256x256"}"#, key: "sk-good")
            #expect(good.statusCode == 200)
        }
    }

    @Test func garbageOnTheSocketDoesNotHurtTheServer() async throws {
        try await withImagesMock { mock in
            for garbage in ["\u{0}\u{1}\u{2}\r\n\r\n", "GET\r\n\r\n", "POST /v1/images/generations HTTP/9.9\r\n\r\n", String(repeating: "A", count: 300_000) + "\r\n\r\n"] {
                let connection = try RawHTTPConnection(port: mock.port)
                connection.setTimeout(seconds: 2)
                connection.send(garbage)
                if let response = try? connection.readResponse() {
                    #expect(response.status >= 400, "garbage \(garbage.prefix(20)) got \(response.status)")
                }
            }
            let (response, _) = try await post(mock, json: #"{"model":"dall-e-2","prompt":"after garbage","size":"256x256"}"#)
            #expect(response.statusCode == 200)
        }
    }

    @Test(arguments: [4 * 1024 * 1024, 0])
    func acceptedConnectionsGetTheConfiguredReceiveBufferWhereTheKernelAllowsIt(wanted: Int) async throws {
        let allowed = Int((try? String(contentsOfFile: "/proc/sys/net/core/rmem_max", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        let applies = wanted > 0 && allowed >= wanted
        try await withImagesMock(server: ServerConfiguration(host: "127.0.0.1", port: 0, receiveBufferBytes: wanted)) { mock in
            #expect(mock.server.receiveBufferBytes == (applies ? wanted : 0))
            let connection = try RawHTTPConnection(port: mock.port)
            connection.send("GET /__admin/health HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(try connection.readResponse()?.status == 200)
            // The server's end of this connection is a descriptor of this process (the mock runs in it).
            let accepted = try #require(SocketProbe.descriptor(localPort: mock.port, peerPort: SocketProbe.localPort(of: connection.descriptor)))
            let size = SocketProbe.receiveBufferSize(of: accepted)
            if applies {
                #expect(size == 2 * wanted, "the kernel doubles what SO_RCVBUF sets")
            } else {
                // Autotuning starts from net.ipv4.tcp_rmem's default (128 KiB here) and grows only with traffic.
                #expect(size > 0 && size < 2 * 4 * 1024 * 1024)
            }
        }
    }
}

/// Reads socket state of descriptors in this process, to see what the in-process server set.
private enum SocketProbe {
    static func localPort(of descriptor: Int32) -> Int { port(of: descriptor, peer: false) }

    /// The connected socket bound to `localPort` whose peer is `peerPort`.
    static func descriptor(localPort: Int, peerPort: Int) -> Int32? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        return names.compactMap { Int32($0) }.first { port(of: $0, peer: false) == localPort && port(of: $0, peer: true) == peerPort }
    }

    static func receiveBufferSize(of descriptor: Int32) -> Int {
        var size: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, &length) == 0 else { return -1 }
        return Int(size)
    }

    private static func port(of descriptor: Int32, peer: Bool) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let result = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(descriptor, $0, &length) : getsockname(descriptor, $0, &length) }
        }
        guard result == 0, address.sin_family == sa_family_t(AF_INET) else { return -1 }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
