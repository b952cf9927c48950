/// Which generation of the real API's error wording to reproduce (contract §0.2).
public enum ErrorStyle: String, Sendable, CaseIterable, Codable {
    /// Era B/C platform layer: `message, type, param, code`, `param`/`code` filled.
    case current
    /// Era A DALL·E layer: alphabetical keys, jsonschema-style messages, `param`/`code` mostly null.
    case legacy
}

/// An error answer of the API: knows its status, its OpenAI envelope and its extra headers.
///
/// Every rejection the mock makes is one of these, so a 4xx always renders the same way whichever
/// layer produced it.
public struct APIError: Error, Sendable, Equatable {
    public var status: Int
    /// `nil` renders as JSON `null` (dall-e-3 once answered that way, contract §7.1).
    public var message: String?
    public var type: String
    public var param: String?
    public var code: String?
    /// Members after the four standard ones, e.g. `moderation_details`.
    public var extraMembers: JSONObject
    public var headers: HTTPHeaders
    /// Human explanation for the `x-images-mock-diagnosis` header: what is wrong and how to fix it.
    public var diagnosis: String?
    /// A bare answer without a body (the retired routes of era C).
    public var hasEmptyBody: Bool
    /// The parameter the error concerns when ``param`` does not name it (era A answers with
    /// `param` null): diagnoses read it. Never sent.
    public var subject: String?

    public init(
        status: Int,
        message: String?,
        type: String = "invalid_request_error",
        param: String? = nil,
        code: String? = nil,
        extraMembers: JSONObject = JSONObject(),
        headers: HTTPHeaders = HTTPHeaders(),
        diagnosis: String? = nil,
        hasEmptyBody: Bool = false,
        subject: String? = nil
    ) {
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.extraMembers = extraMembers
        self.headers = headers
        self.diagnosis = diagnosis
        self.hasEmptyBody = hasEmptyBody
        self.subject = subject
    }

    /// A bare 404: empty body, only `x-content-type-options: nosniff` (contract row 30a).
    public static let bareNotFound = APIError(status: 404, message: nil, hasEmptyBody: true)

    /// The envelope `{"error": {...}}`, keys ordered as the style prescribes.
    public func envelope(style: ErrorStyle) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("message", message.map(JSONValue.string) ?? .null),
            ("type", .string(type)),
            ("param", param.map(JSONValue.string) ?? .null),
            ("code", code.map(JSONValue.string) ?? .null),
        ]
        members.append(contentsOf: extraMembers.members)
        if style == .legacy { members.sort { $0.key < $1.key } }
        return .object(JSONObject([("error", .object(JSONObject(members)))]))
    }

    /// The body bytes: 2-space pretty JSON with a trailing newline, as the real API sends
    /// (`content-length: 172` of the billing error is exactly that rendering, contract §7.1).
    public func body(style: ErrorStyle) -> [UInt8] {
        hasEmptyBody ? [] : JSONWriter.render(envelope(style: style), layout: .pretty, trailingNewline: true)
    }

    /// The complete response without the common API headers (the engine adds those).
    public func response(style: ErrorStyle) -> HTTPResponse {
        var responseHeaders = HTTPHeaders()
        if !hasEmptyBody { responseHeaders.add("content-type", "application/json") }
        for field in headers { responseHeaders.add(field.name, field.value) }
        if let diagnosis { responseHeaders.add("x-images-mock-diagnosis", HeaderText.sanitized(diagnosis)) }
        return HTTPResponse(status: status, headers: responseHeaders, body: body(style: style))
    }
}

/// Header values must be a single line of visible ASCII; diagnoses may quote user input.
public enum HeaderText {
    public static func sanitized(_ text: String) -> String {
        // Nearly always printable ASCII already: one pass over the bytes, no copy. (Appending
        // scalar by scalar cost ~9 µs for a 200-character diagnosis on every 400.)
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F {
                result.unicodeScalars.append(scalar)
            } else if scalar == "\n" || scalar == "\r" || scalar == "\t" {
                result.append(" ")
            } else {
                result.append("\\u{\(String(scalar.value, radix: 16))}")
            }
        }
        return result
    }
}
