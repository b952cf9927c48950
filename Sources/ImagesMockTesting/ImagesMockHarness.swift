import ImagesMockCore
import ImagesMockServer
import Logging

/// A running mock for a test: real HTTP on a loopback port chosen by the system.
public final class RunningImagesMock: Sendable {
    public let server: ImagesMockServer
    public let engine: MockEngine

    /// `http://127.0.0.1:PORT` — the OpenAI SDKs want `baseURL + "/v1"`.
    public var baseURL: String { server.baseURL }
    public var port: Int { server.port }

    /// Starts a mock on `127.0.0.1`, port 0. Call ``stop()`` (or use ``withImagesMock(configuration:server:_:)``).
    public init(
        configuration: MockConfiguration = MockConfiguration(), scenario: Scenario = .builtInDefault,
        server serverConfiguration: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0), clock: any MockClock = SystemClock()
    ) throws {
        var listener = serverConfiguration
        listener.port = 0
        engine = MockEngine(configuration: configuration, scenario: scenario, clock: clock)
        var logger = Logger(label: "images-mock.testing")
        logger.logLevel = .warning
        server = try ImagesMockServer.start(engine: engine, configuration: listener, logger: logger)
    }

    public func stop() { server.stop() }
}

/// Runs `body` against a fresh mock and always stops it, even when `body` throws.
public func withImagesMock<Result>(
    configuration: MockConfiguration = MockConfiguration(),
    scenario: Scenario = .builtInDefault,
    server: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0),
    _ body: (RunningImagesMock) async throws -> Result
) async throws -> Result {
    let mock = try RunningImagesMock(configuration: configuration, scenario: scenario, server: server)
    do {
        let result = try await body(mock)
        mock.stop()
        return result
    } catch {
        mock.stop()
        throw error
    }
}
