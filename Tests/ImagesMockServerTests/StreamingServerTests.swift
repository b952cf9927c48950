import Foundation
import ImagesMockCore
import ImagesMockServer
import ImagesMockTesting
import Testing

/// Reads a response as it arrives, noting when each piece came.
private func timedRead(_ connection: RawHTTPConnection, started: ContinuousClock.Instant) -> [(at: Duration, bytes: [UInt8])] {
    var pieces: [(Duration, [UInt8])] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(connection.descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return pieces }
        pieces.append((ContinuousClock.now - started, Array(buffer[0..<count])))
    }
}

/// Lines split on LF bytes (as Characters, "\r\n" is one grapheme and would never split on "\n").
private func eventLines(_ bytes: [UInt8]) -> [String] {
    bytes.split(separator: 0x0A).map { String(decoding: $0, as: UTF8.self) }.filter { $0.hasPrefix("event: ") }
}

private func streamRequest(_ prompt: String) -> String {
    postRequest(json: "{\"model\":\"gpt-image-1.5\",\"prompt\":\"\(prompt)\",\"stream\":true,\"partial_images\":2,\"quality\":\"low\",\"size\":\"1024x1024\"}",
                extraHeaders: "Connection: close\r\n")
}

@Suite("Streaming over loopback", .serialized)
struct StreamingServerTests {
    static let scenario = Scenario(latency: .fixed(milliseconds: 900), rules: [
        Rule(name: "cut", when: RuleCondition(prompt: .equals("cut")), action: .fault(FaultSpec(kind: .truncatedBody))),
        Rule(name: "broken", when: RuleCondition(prompt: .equals("broken")), action: .fault(FaultSpec(kind: .streamError))),
    ])

    @Test func eventsAreSpreadOverTheLatencyAfterImmediateHeaders() async throws {
        let mock = try RunningImagesMock(scenario: Self.scenario)
        defer { mock.stop() }
        // Warm the placeholder cache so only the scripted latency is measured.
        let warm = try RawHTTPConnection(port: mock.port)
        warm.send(streamRequest("otter"))
        _ = timedRead(warm, started: .now)

        let connection = try RawHTTPConnection(port: mock.port)
        let started = ContinuousClock.now
        connection.send(streamRequest("otter"))
        let pieces = timedRead(connection, started: started)
        let text = String(decoding: pieces.flatMap(\.bytes), as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200"))
        #expect(text.lowercased().contains("transfer-encoding: chunked"))
        #expect(text.contains("content-type: text/event-stream"))
        let firstEvent = try #require(pieces.firstIndex { String(decoding: $0.bytes, as: UTF8.self).contains("event: ") })
        #expect(pieces[0].at < .milliseconds(250), "headers came after \(pieces[0].at)")
        #expect(pieces[firstEvent].at >= .milliseconds(200), "the first event came after \(pieces[firstEvent].at)")
        #expect(pieces.last!.at >= .milliseconds(850))
        let types = eventLines(pieces.flatMap(\.bytes))
        #expect(types == ["event: image_generation.partial_image", "event: image_generation.partial_image", "event: image_generation.completed"])
        #expect(text.contains("\"partial_image_index\":1"))
        #expect(!text.contains("[DONE]"))
    }

    @Test func aTruncatedStreamStopsAfterItsFirstEvent() async throws {
        let mock = try RunningImagesMock(scenario: Self.scenario)
        defer { mock.stop() }
        let connection = try RawHTTPConnection(port: mock.port)
        connection.send(streamRequest("cut"))
        let text = String(decoding: timedRead(connection, started: .now).flatMap(\.bytes), as: UTF8.self)
        #expect(text.components(separatedBy: "event: ").count - 1 == 1)
        #expect(!text.hasSuffix("0\r\n\r\n"), "a cut stream has no final chunk")
    }

    @Test func aStreamErrorEndsWithAnErrorEvent() async throws {
        let mock = try RunningImagesMock(scenario: Self.scenario)
        defer { mock.stop() }
        let connection = try RawHTTPConnection(port: mock.port)
        connection.send(streamRequest("broken"))
        let bytes = timedRead(connection, started: .now).flatMap(\.bytes)
        let text = String(decoding: bytes, as: UTF8.self)
        let events = eventLines(bytes)
        #expect(events == ["event: image_generation.partial_image", "event: image_generation.partial_image", "event: error"])
        #expect(text.contains(#"data: {"type":"error","error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}"#))
    }
}
