/// The errors a scenario can answer with by name (`respond: { error: content_policy_violation }`),
/// each as the real API sends it (contract rows 5a–5c, 15, 16a, 26–29a) in both error styles.
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
        /// The scenario's `rate_limits.images_per_minute`, quoted by `rate_limit_exceeded` (else 5).
        public var imagesPerMinute: Int?

        public init(
            style: ErrorStyle, model: String? = nil, requestID: String, apiKey: String? = nil, organization: String = MockConfiguration.defaultOrganization,
            imagesPerMinute: Int? = nil
        ) {
            self.style = style
            self.model = model
            self.requestID = requestID
            self.apiKey = apiKey
            self.organization = organization
            self.imagesPerMinute = imagesPerMinute
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
            let limit = context.imagesPerMinute ?? 5
            return APIError(
                status: 429,
                message: "Rate limit exceeded for images per minute in organization \(context.organization). Limit: \(limit)/1min. Current: \(limit + 1)/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit.",
                type: "requests", code: "rate_limit_exceeded", headers: HTTPHeaders([("retry-after", "1"), ("retry-after-ms", "1000")]))
        },
        Entry(name: "rate_limit_tokens", summary: "429 tokens per minute (row 28a), try again in 2.496 s") { context in
            APIError(
                status: 429,
                message: "Rate limit reached for \(context.model ?? "gpt-image-1") in organization \(context.organization) on tokens per min (TPM): Limit 100000, Used 99000, Requested 4160. Please try again in 2.496s. Visit https://platform.openai.com/account/rate-limits to learn more.",
                type: "tokens", code: "rate_limit_exceeded", headers: HTTPHeaders([("retry-after", "3"), ("retry-after-ms", "2496")]))
        },
        Entry(name: "rate_limit_global", summary: "429 of the 2023 global images limit (row 28b)") { context in
            APIError(
                status: 429,
                message: "Rate limit reached for default-global-with-image-limits in organization \(context.organization) on requests per min. Limit: 60.000000 / min. Current: 80.000000 / min. Contact support@openai.com if you continue to have issues.",
                type: "requests", code: "rate_limit_exceeded")
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
        Entry(name: "mismatched_organization", summary: "401, OpenAI-Organization header not the key's (row 16a)") { _ in
            APIError(status: 401, message: "OpenAI-Organization header should match organization for API key", code: "mismatched_organization")
        },
        Entry(name: "model_not_allowed", summary: "403, the key may not use the model (row 5b)") { _ in
            APIError(status: 403, message: "You are not allowed to sample from this model")
        },
        Entry(name: "invalid_model", summary: "400, a model the images endpoints do not take, as in 2025 (row 5a)") { context in
            APIError(status: 400, message: "Invalid model \(context.model ?? "gpt-4o"). The model argument should be left blank.")
        },
        Entry(name: "content_filter_blocked", summary: "400, dall-e-3 output blocked by the content filters (row 26b)") { _ in
            APIError(status: 400, message: "This request has been blocked by our content filters.")
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
            // Era A: no param; codes were only sent where the legacy rows show one. The GPT image
            // models' safety rejection has no Era A form: its code (what SDK users test) stays.
            error.param = nil
            if !["content_policy_violation", "billing_hard_limit_reached", "invalid_api_key", "rate_limit_exceeded", "rate_limit_tokens",
                 "rate_limit_global", "insufficient_quota", "moderation_blocked"].contains(name) {
                error.code = nil
            }
        }
        return error
    }
}
