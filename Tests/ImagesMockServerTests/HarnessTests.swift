import Foundation
import ImagesMockCore
import ImagesMockServer
import ImagesMockTesting
import Testing

/// The public API of `ImagesMockTesting`, used the way a test suite would.
@Suite("Harness")
struct HarnessTests {
    struct Boom: Error {}

    static let flaky = """
        version: 1
        name: flaky
        rules:
          - name: flaky-then-ok
            when: { endpoint: generations }
            sequence:
              - { error: server_error }
              - { images: generated }
        """

    /// Writes `text` as `name` into a fresh temporary folder and returns its path.
    static func scenarioFile(_ text: String, name: String = "scenario.yaml") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("harness-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: file)
        return file.path
    }

    /// The status of one generation request, or nil when the mock did not answer.
    func generate(_ mock: RunningImagesMock) -> Int? {
        guard let connection = try? RawHTTPConnection(port: mock.port) else { return nil }
        _ = connection.send(postRequest(json: #"{"model":"gpt-image-2","prompt":"an otter","size":"1024x1024"}"#))
        return (try? connection.readResponse())??.status
    }

    func isListening(_ port: Int) -> Bool {
        (try? RawHTTPConnection(port: port)) != nil
    }

    @Test func urlsNameTheLoopbackPortAndTheAPIBase() async throws {
        try await withImagesMock { mock in
            #expect(mock.port > 0)
            #expect(mock.baseURL == "http://127.0.0.1:\(mock.port)")
            #expect(mock.apiBaseURL == mock.baseURL + "/v1")
        }
    }

    @Test func theMockIsStoppedWhenTheBodyReturnsOrThrows() async throws {
        let port = try await withImagesMock { mock in mock.port }
        #expect(!isListening(port))

        var thrownPort = 0
        await #expect(throws: Boom.self) {
            try await withImagesMock { mock in
                thrownPort = mock.port
                #expect(isListening(mock.port))
                throw Boom()
            }
        }
        #expect(thrownPort > 0)
        #expect(!isListening(thrownPort))
    }

    @Test func requestsFiltersTheJournalAndResetClearsItWithTheSequences() async throws {
        let scenario = try ScenarioLoader.load(text: Self.flaky, path: "flaky.yaml")
        try await withImagesMock(scenario: scenario) { mock in
            #expect(generate(mock) == 500)
            #expect(generate(mock) == 200)
            #expect(mock.requests().count == 2)
            #expect(mock.requests(endpoint: .generations, status: 500).count == 1)
            #expect(mock.requests(rule: "flaky-then-ok").map(\.status) == [500, 200])
            #expect(mock.requests(endpoint: .edits).isEmpty)

            mock.reset(journal: false)
            #expect(mock.requests().count == 2, "the journal was kept")
            #expect(generate(mock) == 500, "the sequence starts over")

            mock.reset()
            #expect(mock.requests().isEmpty)
            #expect(generate(mock) == 500)
        }
    }

    @Test func loadReplacesTheScenarioAndKeepsTheJournal() async throws {
        try await withImagesMock { mock in
            #expect(generate(mock) == 200)
            try mock.load(scenario: try ScenarioLoader.load(text: Self.flaky, path: "flaky.yaml"))
            #expect(mock.scenario.name == "flaky")
            #expect(generate(mock) == 500)
            try mock.load(scenarioFile: try Self.scenarioFile("version: 1\nname: calm\nrules: []\n"))
            #expect(mock.scenario.name == "calm")
            #expect(generate(mock) == 200)
            #expect(mock.requests().map(\.status) == [200, 500, 200])
        }
    }

    @Test func aScenarioFileIsLoadedByPath() async throws {
        let path = try Self.scenarioFile(Self.flaky)
        try await withImagesMock(scenarioFile: path) { mock in
            #expect(mock.scenario.name == "flaky")
            #expect(generate(mock) == 500)
        }
        let shared = try RunningImagesMock(scenarioFile: path)
        defer { shared.stop() }
        #expect(generate(shared) == 500)
    }

    @Test func anInvalidScenarioFileThrowsTheLoadersErrorBeforeTheBodyRuns() async throws {
        let path = try Self.scenarioFile("version: 1\nrules:\n  - name: x\n    respond: { error: nope }\n")
        var ran = false
        let error = await #expect(throws: ScenarioLoadError.self) {
            try await withImagesMock(scenarioFile: path) { _ in ran = true }
        }
        #expect(!ran)
        #expect(error?.description.hasPrefix("\(path):4:") == true, "\(String(describing: error))")

        let missing = path + ".missing.yaml"
        #expect(throws: ScenarioLoadError.self) { try RunningImagesMock(scenarioFile: missing) }
        try await withImagesMock { mock in
            let before = mock.scenario.name
            #expect(throws: ScenarioLoadError.self) { try mock.load(scenarioFile: missing) }
            #expect(mock.scenario.name == before, "the previous scenario stays")
        }
    }

    /// The status of `GET path` with an optional bearer token.
    func adminStatus(_ mock: RunningImagesMock, _ path: String, token: String? = nil) throws -> Int? {
        let connection = try RawHTTPConnection(port: mock.port)
        let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
        _ = connection.send("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(authorization)Connection: close\r\n\r\n")
        return try connection.readResponse()?.status
    }

    @Test func beyondLoopbackTheAdminAPINeedsItsToken() async throws {
        try await withImagesMock(server: ServerConfiguration(host: "0.0.0.0", port: 0)) { mock in
            #expect(mock.baseURL == "http://127.0.0.1:\(mock.port)", "a wildcard host is reached on loopback")
            let withoutToken = try adminStatus(mock, "/__admin/requests")
            #expect(withoutToken == 403, "no token configured: the admin API is off")
            #expect(generate(mock) == 200, "the Images API itself answers")
        }
        var configuration = MockConfiguration()
        configuration.adminToken = "admin-secret"
        try await withImagesMock(configuration: configuration, server: ServerConfiguration(host: "0.0.0.0", port: 0)) { mock in
            let withoutToken = try adminStatus(mock, "/__admin/requests")
            let withToken = try adminStatus(mock, "/__admin/requests", token: "admin-secret")
            #expect(withoutToken == 401)
            #expect(withToken == 200)
        }
        try await withImagesMock { mock in
            let onLoopback = try adminStatus(mock, "/__admin/requests")
            #expect(onLoopback == 200, "loopback needs no token")
        }
    }

    @Test func postedScenariosFindImagesBesideTheScenarioFile() async throws {
        let path = try Self.scenarioFile("version: 1\nname: first\nrules: []\n")
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let picture = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../scenarios/images/fox.png").standardized)
        try picture.write(to: folder.appendingPathComponent("fox.png"))
        let posted = "version: 1\nname: canned\nrules:\n  - respond: { images: [fox.png] }\n"
        try await withImagesMock(scenarioFile: path) { mock in
            let connection = try RawHTTPConnection(port: mock.port)
            _ = connection.send("POST /__admin/scenario HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/yaml\r\nContent-Length: \(posted.utf8.count)\r\nConnection: close\r\n\r\n\(posted)")
            let answer = try connection.readResponse()
            #expect(answer?.status == 200, "\(String(decoding: answer?.body ?? [], as: UTF8.self))")
            #expect(mock.scenario.name == "canned")
        }
    }

    @Test func aScenarioBuiltInCodeIsCheckedLikeAFile() async throws {
        var scenario = Scenario(name: "typos")
        scenario.rules = [
            Rule(name: "a", action: .respond(.error(name: "no_such_error"))),
            Rule(name: "b", when: RuleCondition(prompt: .matches("(unclosed")), action: .respond(.raw(status: 999, headers: [:], body: .empty))),
            Rule(name: "b", action: .fault(FaultSpec(kind: .connectionReset, probability: 2))),
        ]
        let error = #expect(throws: ScenarioLoadError.self) { try RunningImagesMock(scenario: scenario) }
        #expect(error?.problems.map(\.message) == [
            "rule 'a': unknown error 'no_such_error' (images-mock errors lists them)",
            "rule 'b': prompt: the regular expression '(unclosed' does not compile",
            "rule 'b': status must be 200 to 599, found 999",
            "rule 'b': the name is used twice",
            "rule 'b': fault probability must be 0 to 1, found 2.0",
        ])
        #expect(error?.description.hasPrefix("scenario 'typos': error: ") == true, "\(String(describing: error))")
        try await withImagesMock { mock in
            #expect(throws: ScenarioLoadError.self) { try mock.load(scenario: scenario) }
            #expect(mock.scenario.name == "default", "the previous scenario stays")
            #expect(Scenario.builtInDefault.problems.isEmpty)
        }
    }
}
