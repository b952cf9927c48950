/// Everything that shapes the mock's answers, fixed for the life of an engine.
public struct MockConfiguration: Sendable {
    /// The organization answers name when neither the scenario nor the request names one.
    public static let defaultOrganization = "user-imagesmock"

    public var validation: ValidationContext
    public var apiKeys: APIKeyPolicy
    /// Seeds placeholders and ids; `nil` makes ids random (placeholders then use seed 0).
    public var seed: UInt64?
    /// How long a `url` answer stays fetchable (design: 60 minutes).
    public var imageURLLifetimeSeconds: Double
    /// Held back before every answer (until scenarios bring richer latency models).
    public var fixedLatency: Duration
    /// Sent as `openai-organization` unless the request names one.
    public var organization: String
    /// `scheme://host:port` for image URLs; `nil` uses the request's `Host` header.
    public var publicBaseURL: String?
    /// Upper bound of the encoded placeholder cache.
    public var imageCacheBytes: Int
    /// Bearer token of the admin API (`/__admin/...`); `nil`: no token.
    public var adminToken: String?
    /// Set when listening beyond loopback: the admin API then refuses requests without the token
    /// (and everything when no token is configured).
    public var adminRequiresToken: Bool
    /// Capacity of the request journal, unless the scenario sets one.
    public var journalSize: Int
    /// Folder that image paths of a scenario posted to the admin API are relative to.
    public var scenarioDirectory: String
    /// Command-line settings laid over a scenario posted to the admin API, as over the files.
    public var overrides = ScenarioOverrides()

    public init(
        validation: ValidationContext = ValidationContext(),
        apiKeys: APIKeyPolicy = .any,
        seed: UInt64? = nil,
        imageURLLifetimeSeconds: Double = 3600,
        fixedLatency: Duration = .zero,
        organization: String = MockConfiguration.defaultOrganization,
        publicBaseURL: String? = nil,
        imageCacheBytes: Int = 256 * 1024 * 1024,
        adminToken: String? = nil,
        adminRequiresToken: Bool = false,
        journalSize: Int = 1000,
        scenarioDirectory: String = "."
    ) {
        self.validation = validation
        self.apiKeys = apiKeys
        self.seed = seed
        self.imageURLLifetimeSeconds = imageURLLifetimeSeconds
        self.fixedLatency = fixedLatency
        self.organization = organization
        self.publicBaseURL = publicBaseURL
        self.imageCacheBytes = imageCacheBytes
        self.adminToken = adminToken
        self.adminRequiresToken = adminRequiresToken
        self.journalSize = journalSize
        self.scenarioDirectory = scenarioDirectory
    }

    public var errorStyle: ErrorStyle { validation.errorStyle }
}
