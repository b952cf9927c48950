import Synchronization

/// Everything a loaded scenario decides, built once per scenario and swapped whole on reload, so
/// a request always sees one consistent scenario.
final class Behaviour: Sendable {
    let scenario: Scenario
    let errorStyle: ErrorStyle
    let validation: ValidationContext
    let validator: RequestValidator
    let authenticator: Authenticator
    let matcher: RuleMatcher
    let rateLimiter: RateLimiter?
    let organization: String
    let imageURLLifetimeSeconds: Double
    let defaultLatency: LatencySpec?
    /// How many requests each sequence has answered, by rule (and key for per-key sequences).
    let sequenceCounters = Mutex<[String: Int]>([:])

    init(scenario: Scenario, configuration: MockConfiguration, clock: any MockClock) {
        self.scenario = scenario
        var validation = configuration.validation
        if let style = scenario.errorStyle { validation.errorStyle = style }
        if let asOf = scenario.asOf { validation.asOf = asOf }
        if let requireModel = scenario.requireModel { validation.requireModel = requireModel }
        self.validation = validation
        errorStyle = validation.errorStyle
        validator = RequestValidator(context: validation)
        authenticator = Authenticator(policy: scenario.apiKeys ?? configuration.apiKeys)
        matcher = RuleMatcher(rules: scenario.rules)
        rateLimiter = scenario.rateLimits.map { RateLimiter(spec: $0, clock: clock) }
        organization = scenario.organization ?? configuration.organization
        // Bounded for scenarios built in code as well as loaded ones (a lifetime becomes an Int
        // in `cache-control`, and 1e20 seconds trapped there).
        let lifetime = scenario.imageURLLifetimeSeconds ?? configuration.imageURLLifetimeSeconds
        imageURLLifetimeSeconds = lifetime.isFinite ? Swift.min(Swift.max(lifetime, 0), Scenario.maximumImageURLLifetime) : Scenario.maximumImageURLLifetime
        if let latency = scenario.latency {
            defaultLatency = latency
        } else if configuration.fixedLatency > .zero {
            let milliseconds = Double(configuration.fixedLatency.components.seconds) * 1000 + Double(configuration.fixedLatency.components.attoseconds) / 1e15
            defaultLatency = .fixed(milliseconds: milliseconds)
        } else {
            defaultLatency = nil
        }
    }

    /// The step a sequence gives its next request: the last step repeats unless the rule cycles.
    func nextStep(of rule: Rule, steps: Int, cycle: Bool, perKey: Bool, key: String?) -> Int {
        let counter = perKey ? "\(rule.name)\u{0}\(key ?? "")" : rule.name
        let served = sequenceCounters.withLock { counters -> Int in
            let served = counters[counter, default: 0]
            counters[counter] = served + 1
            return served
        }
        return cycle ? served % steps : min(served, steps - 1)
    }

    func resetSequences() { sequenceCounters.withLock { $0.removeAll() } }
}
