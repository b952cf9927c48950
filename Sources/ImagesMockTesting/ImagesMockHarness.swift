import Foundation
import ImagesMockCore
import ImagesMockServer
import Logging

/// A mock running in this process: real HTTP on `127.0.0.1` (or the host its server
/// configuration names), on a port the system picks.
///
/// Use ``withImagesMock(configuration:scenario:server:isolation:_:)`` for one test; create a
/// `RunningImagesMock` yourself when several tests share one server (a suite-level fixture), and
/// call ``stop()`` when they are done. Between tests, ``reset(journal:sequences:buckets:)``
/// clears what the previous test left behind.
///
/// The type imports no test framework, so it works from XCTest and from Swift Testing alike.
public final class RunningImagesMock: Sendable {
    /// The HTTP adapter serving ``engine``.
    public let server: ImagesMockServer
    /// The engine deciding every answer; its state (journal, sequences, rate buckets) belongs to
    /// this mock alone.
    public let engine: MockEngine

    /// `http://127.0.0.1:PORT`, without a trailing slash: the listener as a client on this machine
    /// reaches it (a wildcard host such as `0.0.0.0` gives its loopback address). Admin routes
    /// live under `baseURL + "/__admin/"`.
    public var baseURL: String { engine.listeningURL }

    /// `baseURL + "/v1"`: what the OpenAI SDKs take as their base URL (they append
    /// `/images/generations`).
    public var apiBaseURL: String { baseURL + "/v1" }

    /// The port the system picked.
    public var port: Int { server.port }

    /// Starts a mock serving `scenario` on `127.0.0.1`.
    ///
    /// The port is always 0 (a free port; read it back from ``port`` or ``baseURL``), whatever
    /// `server.port` says, so parallel tests never collide. Call ``stop()`` when done, or use
    /// ``withImagesMock(configuration:scenario:server:isolation:_:)``, which always does. On a
    /// host beyond loopback (`0.0.0.0`, say, for a client in a container) the admin API answers
    /// only requests bearing `configuration.adminToken`, as the command line's does.
    /// - Parameters:
    ///   - configuration: engine settings (eras, error style, keys, journal size, ...).
    ///   - scenario: the script; the built-in default answers every valid request with
    ///     generated images, without latency, for any API key.
    ///   - serverConfiguration: listener settings (threads, limits, timeouts); its port is ignored.
    ///   - clock: the time source of rate limits, image URL lifetimes and the journal.
    /// - Throws: `ScenarioLoadError` (ImagesMockCore) listing ``Scenario/problems`` when the
    ///   scenario is not fit to serve, `ServerError` (ImagesMockServer) when the listener cannot start.
    public init(
        configuration: MockConfiguration = MockConfiguration(), scenario: Scenario = .builtInDefault,
        server serverConfiguration: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0), clock: any MockClock = SystemClock()
    ) throws {
        try Self.check(scenario)
        var listener = serverConfiguration
        listener.port = 0
        var configuration = configuration
        if !listener.isLoopback { configuration.adminRequiresToken = true }
        engine = MockEngine(configuration: configuration, scenario: scenario, clock: clock)
        var logger = Logger(label: "images-mock.testing")
        logger.logLevel = .warning
        server = try ImagesMockServer.start(engine: engine, configuration: listener, logger: logger)
    }

    /// Starts a mock serving the scenario file at `scenarioFile` (YAML or JSON; canned image
    /// paths are relative to the file's folder, and so are those of scenarios posted to the admin
    /// API later, unless `configuration.scenarioDirectory` names another folder).
    ///
    /// - Throws: `ScenarioLoadError` (ImagesMockCore) when the file is missing or invalid (its description lists
    ///   every problem as `file:line:col: error: message`), else what
    ///   ``init(configuration:scenario:server:clock:)`` throws.
    public convenience init(
        scenarioFile: String, configuration: MockConfiguration = MockConfiguration(),
        server serverConfiguration: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0), clock: any MockClock = SystemClock()
    ) throws {
        let scenario = try ScenarioLoader.load(path: scenarioFile)
        var configuration = configuration
        if configuration.scenarioDirectory == MockConfiguration().scenarioDirectory {
            configuration.scenarioDirectory = URL(fileURLWithPath: scenarioFile).deletingLastPathComponent().path
        }
        try self.init(configuration: configuration, scenario: scenario, server: serverConfiguration, clock: clock)
    }

    /// Stops listening; requests in flight finish first (bounded by the server's drain timeout).
    public func stop() { server.stop() }

    /// The scenario in force.
    public var scenario: Scenario { engine.scenario }

    /// Clears what a test leaves behind: the request journal, the position of every sequence and
    /// the rate-limit buckets (each can be kept by passing `false`). The scenario stays.
    public func reset(journal: Bool = true, sequences: Bool = true, buckets: Bool = true) {
        engine.reset(journal: journal, sequences: sequences, buckets: buckets)
    }

    /// Replaces the scenario; sequences and rate buckets start afresh, the journal is kept.
    ///
    /// - Throws: `ScenarioLoadError` (ImagesMockCore) listing ``Scenario/problems`` when the
    ///   scenario is not fit to serve (an unknown error name, a regex that does not compile, ...);
    ///   the previous scenario then stays in force.
    public func load(scenario: Scenario) throws(ScenarioLoadError) {
        try Self.check(scenario)
        engine.load(scenario)
    }

    /// A scenario built in code has not been through the loader's checks: the same refusals here.
    private static func check(_ scenario: Scenario) throws(ScenarioLoadError) {
        let problems = scenario.problems
        guard !problems.isEmpty else { return }
        let name = scenario.sourcePath ?? "scenario \(scenario.name.map { "'\($0)'" } ?? "built in code")"
        throw ScenarioLoadError(problems: problems.map { ScenarioProblem(file: name, line: 0, column: 0, message: $0, sourceLine: "") })
    }

    /// Reads the scenario file at `scenarioFile` and puts it in force.
    ///
    /// - Throws: `ScenarioLoadError` (ImagesMockCore) when the file is missing or invalid; the previous scenario
    ///   then stays in force.
    public func load(scenarioFile: String) throws(ScenarioLoadError) {
        engine.load(try ScenarioLoader.load(path: scenarioFile))
    }

    /// The journaled API requests, oldest first, optionally only those of one endpoint, answered
    /// by one rule (by name) or with one status. Admin and image-file requests are not journaled.
    public func requests(endpoint: Endpoint? = nil, rule: String? = nil, status: Int? = nil) -> [JournalEntry] {
        engine.journal.entries(endpoint: endpoint, rule: rule, status: status)
    }
}

/// Runs `body` against a fresh mock on a free loopback port and always stops the mock afterwards,
/// even when `body` throws.
///
/// ```swift
/// try await withImagesMock { mock in
///     // point a client at mock.apiBaseURL
/// }
/// ```
/// - Parameters:
///   - configuration: engine settings (eras, error style, keys, journal size, ...).
///   - scenario: the script; the built-in default answers every valid request with generated images.
///   - server: listener settings; the port is always 0.
///   - isolation: the caller's actor, inherited so `body` need not be `Sendable`.
///   - body: the test; it gets the running mock.
/// - Returns: what `body` returns.
/// - Throws: what `body` throws, or `ServerError` (ImagesMockServer) when the listener cannot start.
public func withImagesMock<Result>(
    configuration: MockConfiguration = MockConfiguration(),
    scenario: Scenario = .builtInDefault,
    server: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RunningImagesMock) async throws -> Result
) async throws -> Result {
    let mock = try RunningImagesMock(configuration: configuration, scenario: scenario, server: server)
    return try await run(body, on: mock)
}

/// Runs `body` against a fresh mock serving the scenario file at `scenarioFile`, and always stops
/// the mock afterwards, even when `body` throws.
///
/// - Parameters:
///   - scenarioFile: a YAML or JSON scenario (canned image paths are relative to its folder).
///   - configuration: engine settings.
///   - server: listener settings; the port is always 0.
///   - isolation: the caller's actor, inherited so `body` need not be `Sendable`.
///   - body: the test; it gets the running mock.
/// - Throws: `ScenarioLoadError` (ImagesMockCore) when the file is missing or invalid (before `body` runs), what
///   `body` throws, or `ServerError` (ImagesMockServer).
public func withImagesMock<Result>(
    scenarioFile: String,
    configuration: MockConfiguration = MockConfiguration(),
    server: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0),
    isolation: isolated (any Actor)? = #isolation,
    _ body: (RunningImagesMock) async throws -> Result
) async throws -> Result {
    let mock = try RunningImagesMock(scenarioFile: scenarioFile, configuration: configuration, server: server)
    return try await run(body, on: mock)
}

private func run<Result>(
    _ body: (RunningImagesMock) async throws -> Result, on mock: RunningImagesMock,
    isolation: isolated (any Actor)? = #isolation
) async throws -> Result {
    defer { mock.stop() }
    return try await body(mock)
}
