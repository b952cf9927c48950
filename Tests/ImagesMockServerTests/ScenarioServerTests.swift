import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import ImagesMockCore
import ImagesMockServer
import ImagesMockTesting
import Testing

private let faultScenario = Scenario(name: "faults", rules: [
    Rule(name: "reset", when: RuleCondition(prompt: .equals("reset")), action: .fault(FaultSpec(kind: .connectionReset))),
    Rule(name: "empty", when: RuleCondition(prompt: .equals("empty")), action: .fault(FaultSpec(kind: .emptyResponse))),
    Rule(name: "truncated", when: RuleCondition(prompt: .equals("truncated")), action: .fault(FaultSpec(kind: .truncatedBody))),
    Rule(name: "slow", when: RuleCondition(prompt: .equals("slow")), action: .fault(FaultSpec(kind: .slowBody(bytes: 40, intervalMilliseconds: 50)))),
])

private func raw(_ port: Int, prompt: String) throws -> RawHTTPConnection {
    let connection = try RawHTTPConnection(port: port)
    connection.send(postRequest(json: "{\"model\":\"gpt-image-2\",\"prompt\":\"\(prompt)\",\"n\":0}"))
    return connection
}

/// Everything the server sends until it closes the connection.
private func drain(_ connection: RawHTTPConnection) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = buffer.withUnsafeMutableBytes { recv(connection.descriptor, $0.baseAddress, $0.count, 0) }
        if count <= 0 { return bytes }
        bytes += buffer[0..<count]
    }
}

@Suite("Scenarios over loopback", .serialized)
struct ScenarioServerTests {
    // The faulty rules answer a request the API rejects (n=0), so `validate: false` is not needed:
    // faults keep the request's ordinary answer (here the 400) as the bytes they break.
    static let configuration = MockConfiguration()

    @Test func connectionResetSendsNothing() async throws {
        let mock = try RunningImagesMock(configuration: Self.configuration, scenario: Scenario(rules: [
            Rule(name: "reset", action: .fault(FaultSpec(kind: .connectionReset)), validate: false),
        ]))
        defer { mock.stop() }
        let connection = try raw(mock.port, prompt: "reset")
        #expect(drain(connection).isEmpty)
    }

    @Test func eachFaultAsAClientSeesItAndTheNextRequestIsServed() async throws {
        let lenient = Scenario(name: "faults", rules: faultScenario.rules.map { var rule = $0; rule.validate = false; return rule })
        let mock = try RunningImagesMock(configuration: Self.configuration, scenario: lenient)
        defer { mock.stop() }

        #expect(drain(try raw(mock.port, prompt: "reset")).isEmpty)

        let empty = String(decoding: drain(try raw(mock.port, prompt: "empty")), as: UTF8.self)
        #expect(empty.hasPrefix("HTTP/1.1 400"))
        #expect(empty.hasSuffix("\r\n\r\n"), "headers only, no body: \(empty)")

        let truncated = String(decoding: drain(try raw(mock.port, prompt: "truncated")), as: UTF8.self)
        let truncatedBody = truncated.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let declared = Int(truncated.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }?.split(separator: " ").last ?? "") ?? 0
        #expect(!truncatedBody.isEmpty && truncatedBody.utf8.count < declared, "truncated body: \(truncatedBody.utf8.count) of \(declared)")

        let started = ContinuousClock.now
        let slowConnection = try raw(mock.port, prompt: "slow")
        // While one body dribbles, another client is answered at once.
        let other = try RawHTTPConnection(port: mock.port)
        other.send(postRequest(json: #"{"model":"gpt-image-2","prompt":"fine","n":0}"#))
        #expect(try other.readResponse()?.status == 400)
        let quick = ContinuousClock.now - started
        let slow = try #require(try slowConnection.readResponse())
        let elapsed = ContinuousClock.now - started
        #expect(slow.status == 400)
        #expect(slow.text.contains("integer below minimum value"))
        let slices = (slow.body.count + 39) / 40
        #expect(elapsed >= .milliseconds(50 * (slices - 1)), "\(slices) slices arrived in \(elapsed)")
        #expect(quick < elapsed)

        let after = try RawHTTPConnection(port: mock.port)
        after.send(postRequest(json: #"{"model":"dall-e-2","prompt":"normal","size":"256x256","response_format":"b64_json"}"#))
        #expect(try after.readResponse()?.status == 200)
    }

    @Test func twoHundredConcurrentOneSecondDelaysFinishTogether() async throws {
        let scenario = Scenario(latency: .fixed(milliseconds: 1000))
        let mock = try RunningImagesMock(configuration: Self.configuration, scenario: scenario)
        defer { mock.stop() }
        let started = ContinuousClock.now
        let connections = try (0..<200).map { _ in try RawHTTPConnection(port: mock.port) }
        for connection in connections {
            connection.send(postRequest(json: #"{"model":"gpt-image-2","prompt":"x","n":0}"#))
        }
        let statuses = try connections.map { try $0.readResponse()?.status }
        let elapsed = ContinuousClock.now - started
        #expect(statuses.allSatisfy { $0 == 400 })
        #expect(elapsed < .seconds(3), "200 delayed requests took \(elapsed)")
    }
}
