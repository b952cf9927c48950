/// The errors a scenario can answer with by name (`respond: { error: content_policy_violation }`),
/// each as the real API sends it (contract rows 15, 26–29a, 5c) in both error styles.
public enum NamedErrors {
    public struct Entry: Sendable {
        public let name: String
        public let summary: String
        let make: @Sendable (_ context: Context) -> APIError
    }

    /// What an error's text may depend on.
    public struct Context: Sendable {
        public var style: ErrorStyle
        public var model: String?
        public var requestID: String
        public var apiKey: String?
        public var organization: String

        public init(style: ErrorStyle, model: String? = nil, requestID: String, apiKey: String? = nil, organization: String = MockConfiguration.defaultOrganization) {
            self.style = style
            self.model = model
            self.requestID = requestID
            self.apiKey = apiKey
            self.organization = organization
        }
    }

    public static let all: [Entry] = [
        Entry(name: "content_policy_violation", summary: "400, DALL·E safety system rejected the prompt (row 26)") { context in
            let message = context.model == "dall-e-3"
                ? "Your request was rejected as a result of our safety system. Image descriptions generated from your prompt may contain text that is not allowed by our safety system. If you believe this was done in error, your request may succeed if retried, or by adjusting your prompt."
                : "Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system."
            return APIError(status: 400, message: message, code: "content_policy_violation")
        },
        Entry(name: "moderation_blocked", summary: "400, GPT image safety system (row 26c), with moderation_details") { context in
            var error = APIError(
                status: 400,
                message: "Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID \(context.requestID). safety_violations=[sexual].",
                type: "image_generation_user_error", code: "moderation_blocked")
            error.extraMembers = JSONObject([("moderation_details", ["moderation_stage": "output", "categories": ["sexual"]])])
            return error
        },
        Entry(name: "billing_hard_limit_reached", summary: "400, billing hard limit (row 27)") { _ in
            APIError(status: 400, message: "Billing hard limit has been reached", code: "billing_hard_limit_reached")
        },
        Entry(name: "insufficient_quota", summary: "429 that must not be retried (row 27a; x-should-retry: false)") { _ in
            APIError(
                status: 429,
                message: "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
                type: "insufficient_quota", code: "insufficient_quota", headers: HTTPHeaders([("x-should-retry", "false")]))
        },
        Entry(name: "rate_limit_exceeded", summary: "429 images per minute (row 28), retry-after 1 s") { context in
            APIError(
                status: 429,
                message: "Rate limit exceeded for images per minute in organization \(context.organization). Limit: 5/1min. Current: 6/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit.",
                type: "requests", code: "rate_limit_exceeded", headers: HTTPHeaders([("retry-after", "1"), ("retry-after-ms", "1000")]))
        },
        Entry(name: "invalid_api_key", summary: "401 with the caller's key masked (row 15)") { context in
            APIError(
                status: 401,
                message: "Incorrect API key provided: \(APIKeyMask.mask(context.apiKey ?? "sk-unknown")). You can find your API key at https://platform.openai.com/account/api-keys.",
                code: "invalid_api_key")
        },
        Entry(name: "organization_not_verified", summary: "403, organisation must be verified for the model (row 5c)") { context in
            APIError(
                status: 403,
                message: "Your organization must be verified to use the model `\(context.model ?? "gpt-image-1")`. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.")
        },
        Entry(name: "server_error", summary: "500 (row 29); the SDK retries it") { _ in
            APIError(status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error")
        },
        Entry(name: "overloaded", summary: "503 engine overloaded (row 29a)") { _ in
            APIError(status: 503, message: "The engine is currently overloaded, please try again later.", type: "server_error")
        },
    ]

    public static var names: [String] { all.map(\.name) }

    /// The error, as the given style renders it, or `nil` for an unknown name.
    public static func error(named name: String, context: Context) -> APIError? {
        guard let entry = all.first(where: { $0.name == name }) else { return nil }
        var error = entry.make(context)
        if context.style == .legacy {
            // Era A: no param; codes were only sent where the legacy rows show one.
            error.param = nil
            if !["content_policy_violation", "billing_hard_limit_reached", "invalid_api_key", "rate_limit_exceeded", "insufficient_quota"].contains(name) {
                error.code = nil
            }
        }
        return error
    }
}
