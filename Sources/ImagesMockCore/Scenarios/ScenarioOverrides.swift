/// Settings given on the command line, which win over every scenario file: the ones the server
/// starts with, a `--watch` reload and a scenario posted to the admin API alike.
public struct ScenarioOverrides: Sendable, Equatable {
    public var asOf: CalendarDate?
    public var errorStyle: ErrorStyle?
    /// `true` forces the requirement; `false` leaves the scenario's choice.
    public var requireModel = false
    public var apiKeys: APIKeyPolicy?
    public var seed: UInt64?
    public var imageURLLifetimeSeconds: Double?
    public var journalSize: Int?
    /// Replaces the scenario's and its rules' latency.
    public var latency: LatencySpec?

    public init() {}

    /// `scenario` with these settings on top.
    public func applied(to scenario: Scenario) -> Scenario {
        var result = scenario
        if let asOf { result.asOf = asOf }
        if let errorStyle { result.errorStyle = errorStyle }
        if requireModel { result.requireModel = true }
        if let apiKeys { result.apiKeys = apiKeys }
        if let seed { result.seed = seed }
        if let imageURLLifetimeSeconds { result.imageURLLifetimeSeconds = imageURLLifetimeSeconds }
        if let journalSize { result.journalSize = journalSize }
        if let latency { result.latencyOverride = latency }
        return result
    }
}
