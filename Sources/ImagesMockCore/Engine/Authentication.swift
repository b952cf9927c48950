import Foundation

/// Which API keys the mock accepts.
public enum APIKeyPolicy: Sendable, Equatable {
    /// Any non-empty key (the default: no secrets in tests).
    case any
    /// Only these keys; others get the real `invalid_api_key` 401.
    case only(Set<String>)
}

/// Reads the caller's key the ways the real API does, and rejects it with the real 401s
/// (contract rows 15 and 16).
public struct Authenticator: Sendable {
    public let policy: APIKeyPolicy

    public init(policy: APIKeyPolicy) { self.policy = policy }

    public static let missingKeyMessage =
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys."

    /// Returns the key, or throws the 401 the real API would send.
    public func authenticate(_ headers: HTTPHeaders) throws(APIError) -> String {
        guard let key = Self.key(from: headers["authorization"]), !key.isEmpty else {
            throw APIError(status: 401, message: Self.missingKeyMessage, diagnosis: Self.diagnoseMissing(headers["authorization"]))
        }
        if case .only(let accepted) = policy, !accepted.contains(key) {
            throw APIError(
                status: 401,
                message: "Incorrect API key provided: \(APIKeyMask.mask(key)). You can find your API key at https://platform.openai.com/account/api-keys.",
                code: "invalid_api_key",
                diagnosis: "This mock accepts a fixed list of keys (--api-key, or the scenario's auth.keys); this key is not one of them.")
        }
        return key
    }

    /// `Bearer KEY`, or Basic auth with a blank user name and the key as password.
    static func key(from header: String?) -> String? {
        guard let header = header?.trimmedSpacesAndTabs() else { return nil }
        // What every client sends, read without splitting or lower-casing copies.
        let bearerScheme = "bearer "
        let bearer = bearerScheme.utf8.span, text = header.utf8.span
        if text.count > bearer.count, bearer.indices.allSatisfy({ text[$0] | 0x20 == bearer[$0] }) {
            let credentials = header.utf8.dropFirst(bearer.count)
            if credentials.first != UInt8(ascii: " ") && credentials.first != UInt8(ascii: "\t") {
                return String(Substring(credentials))
            }
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let scheme = parts[0].lowercased()
        let credentials = String(parts[1].trimmedSpacesAndTabs())
        if scheme == "bearer" { return credentials }
        if scheme == "basic", let data = Data(base64Encoded: credentials), let pair = String(data: data, encoding: .utf8),
            pair.hasPrefix(":")
        {
            return String(pair.dropFirst())
        }
        return nil
    }

    private static func diagnoseMissing(_ header: String?) -> String {
        guard let header else { return "The request has no Authorization header. Send 'Authorization: Bearer <any key>' (any non-empty key works unless the mock was started with --api-key)." }
        if header.trimmedSpacesAndTabs().lowercased() == "bearer" {
            return "The Authorization header says 'Bearer' but carries no key; is the environment variable holding your key empty?"
        }
        return "The Authorization header is not 'Bearer <key>' (nor Basic auth with a blank user name)."
    }
}

/// How the real API echoes a rejected key: first 8 characters, one `*` per hidden character,
/// last 4 (contract row 15).
public enum APIKeyMask {
    public static func mask(_ key: String) -> String {
        // Keys are ASCII in practice: bytes are characters then, with no grapheme breaking.
        if key.utf8.allSatisfy({ $0 < 0x80 }) { return mask(asciiBytes: Array(key.utf8)) }
        let characters = Array(key)
        // Short keys are never echoed in full (contract: behaviour UNCONFIRMED; we decided to hide more).
        if characters.count <= 12 {
            let shown = characters.count >= 8 ? 2 : 0
            return String(characters.prefix(shown)) + String(repeating: "*", count: characters.count - shown)
        }
        return String(characters.prefix(8)) + String(repeating: "*", count: characters.count - 12) + String(characters.suffix(4))
    }

    private static func mask(asciiBytes bytes: [UInt8]) -> String {
        let star = UInt8(ascii: "*")
        var masked = bytes
        if bytes.count <= 12 {
            let shown = bytes.count >= 8 ? 2 : 0
            for index in shown..<bytes.count { masked[index] = star }
        } else {
            for index in 8..<bytes.count - 4 { masked[index] = star }
        }
        return String(decoding: masked, as: UTF8.self)
    }
}
