/// Everything that shapes the mock's answers, fixed for the life of an engine.
public struct MockConfiguration: Sendable {
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

    public init(
        validation: ValidationContext = ValidationContext(),
        apiKeys: APIKeyPolicy = .any,
        seed: UInt64? = nil,
        imageURLLifetimeSeconds: Double = 3600,
        fixedLatency: Duration = .zero,
        organization: String = "user-imagesmock",
        publicBaseURL: String? = nil,
        imageCacheBytes: Int = 256 * 1024 * 1024
    ) {
        self.validation = validation
        self.apiKeys = apiKeys
        self.seed = seed
        self.imageURLLifetimeSeconds = imageURLLifetimeSeconds
        self.fixedLatency = fixedLatency
        self.organization = organization
        self.publicBaseURL = publicBaseURL
        self.imageCacheBytes = imageCacheBytes
    }

    public var errorStyle: ErrorStyle { validation.errorStyle }
}
