import Foundation

/// Builds the real API's rejection for each kind of defect, in the wording of the chosen era.
///
/// Current style follows the platform grammar of contract rows 1–14 (`Invalid type for 'n': ...`);
/// legacy style the jsonschema sentences of era A (`'prompt' is a required property`) with
/// `param` and `code` null.
public struct ValidationMessages: Sendable {
    public let style: ErrorStyle

    public init(style: ErrorStyle) { self.style = style }

    public func missingParameter(_ name: String) -> APIError {
        switch style {
        case .current: APIError(status: 400, message: "Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
        case .legacy: APIError(status: 400, message: "'\(name)' is a required property", subject: name)
        }
    }

    public func unknownParameter(_ name: String) -> APIError {
        switch style {
        case .current: APIError(status: 400, message: "Unknown parameter: '\(name)'.", param: name, code: "unknown_parameter")
        case .legacy: APIError(status: 400, message: "Additional properties are not allowed ('\(name)' was unexpected)", subject: name)
        }
    }

    /// A JSON value of the wrong type. `expected` reads like "a string" or "one of 'a' or 'b'".
    public func invalidType(_ name: String, expected: String, schemaType: String, got value: JSONValue) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid type for '\(name)': expected \(expected), but got \(value.typeDescription) instead.", param: name, code: "invalid_type")
        case .legacy:
            APIError(status: 400, message: "\(PythonRepr.describe(value)) is not of type '\(schemaType)' - '\(name)'", subject: name)
        }
    }

    /// Something that is not JSON arrived where a value of another type was expected (a file for
    /// `prompt`, text for `image`: contract row 25d).
    public func invalidType(_ name: String, expected: String, schemaType: String, gotDescription: String) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid type for '\(name)': expected \(expected), but got \(gotDescription) instead.", param: name, code: "invalid_type")
        case .legacy:
            APIError(status: 400, message: "\(gotDescription) is not of type '\(schemaType)' - '\(name)'", subject: name)
        }
    }

    /// A multipart text field that cannot be read as the expected type (contract row 7a).
    public func unconvertibleText(_ name: String, expected: String, text: String, schemaType: String) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid type for '\(name)': expected \(expected), but got a string value that could not be converted into \(expected).", param: name, code: "invalid_type")
        case .legacy:
            APIError(status: 400, message: "\(PythonRepr.quote(text)) is not of type '\(schemaType)' - '\(name)'", subject: name)
        }
    }

    public func invalidValue(_ name: String, value: String, supported: [String]) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid value: '\(value)'. Supported values are: \(EnglishList.joined(supported.map { "'\($0)'" }, conjunction: "and")).", param: name, code: "invalid_value")
        case .legacy:
            APIError(status: 400, message: "\(PythonRepr.quote(value)) is not one of [\(supported.map(PythonRepr.quote).joined(separator: ", "))] - '\(name)'", subject: name)
        }
    }

    public func integerBelowMinimum(_ name: String, minimum: Int, got lexeme: String) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid '\(name)': integer below minimum value. Expected a value >= \(minimum), but got \(lexeme) instead.", param: name, code: "integer_below_min_value")
        case .legacy:
            APIError(status: 400, message: "\(lexeme) is less than the minimum of \(minimum) - '\(name)'", subject: name)
        }
    }

    public func integerAboveMaximum(_ name: String, maximum: Int, got lexeme: String) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid '\(name)': integer above maximum value. Expected a value <= \(maximum), but got \(lexeme) instead.", param: name, code: "integer_above_max_value")
        case .legacy:
            APIError(status: 400, message: "\(lexeme) is greater than the maximum of \(maximum) - '\(name)'", subject: name)
        }
    }

    /// dall-e-3 and `n` (contract row 9): the same sentence in both eras.
    public func mustEqual(_ name: String, value: Int) -> APIError {
        APIError(status: 400, message: "You must provide \(name)=\(value) for this model.")
    }

    public func emptyString(_ name: String) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid '\(name)': empty string. Expected a string with minimum length 1, but got an empty string instead.", param: name, code: "empty_string")
        case .legacy:
            APIError(status: 400, message: "'' is too short - '\(name)'", subject: name)
        }
    }

    public func stringTooShort(_ name: String, minimum: Int, length: Int) -> APIError {
        switch style {
        case .current:
            APIError(status: 400, message: "Invalid '\(name)': string too short. Expected a string with minimum length \(minimum), but got a string with length \(length) instead.", param: name, code: "string_below_min_length")
        case .legacy:
            APIError(status: 400, message: "'...' is too short - '\(name)'", subject: name)
        }
    }

    public func stringTooLong(_ name: String, value: String, maximum: Int, length: Int, legacyTemplate: String?) -> APIError {
        switch style {
        case .current:
            return APIError(status: 400, message: "Invalid '\(name)': string too long. Expected a string with maximum length \(maximum), but got a string with length \(length) instead.", param: name, code: "string_above_max_length")
        case .legacy:
            if let legacyTemplate {
                let message = legacyTemplate.replacingOccurrences(of: "{max}", with: String(maximum)).replacingOccurrences(of: "{length}", with: String(length))
                return APIError(status: 400, message: message, subject: name)
            }
            return APIError(status: 400, message: "\(PythonRepr.quote(value)) is too long - '\(name)'", subject: name)
        }
    }

    /// Contract row 5: unknown, retired or not-yet-released model.
    public func modelNotFound(_ id: String) -> APIError {
        switch style {
        case .current: APIError(status: 400, message: "The model '\(id)' does not exist.", type: "image_generation_user_error", param: "model", code: "invalid_value")
        case .legacy: APIError(status: 400, message: "The model '\(id)' does not exist.", subject: "model")
        }
    }

    /// A free-form size that breaks one of the gpt-image-2 rules (contract rows 10d, 10e).
    public func invalidFreeSize(_ value: String, reason: String) -> APIError {
        let message = "Invalid size '\(value)'. \(reason)"
        switch style {
        case .current: return APIError(status: 400, message: message, type: "image_generation_user_error", param: "size", code: "invalid_value")
        case .legacy: return APIError(status: 400, message: message, subject: "size")
        }
    }

    /// A parameter whose use depends on another parameter's value.
    public func requiresOther(_ name: String, other: String, allowed: [String], actual: String?) -> APIError {
        let allowedText = EnglishList.joined(allowed.map { "'\($0)'" }, conjunction: "or")
        let actualText = actual.map { ", but it is '\($0)'" } ?? ", but it is not set"
        let message = "Invalid '\(name)': only supported when '\(other)' is \(allowedText)\(actualText)."
        switch style {
        case .current: return APIError(status: 400, message: message, param: name, code: "invalid_value")
        case .legacy: return APIError(status: 400, message: message, subject: name)
        }
    }

    /// A value of one parameter that needs another parameter to have certain values
    /// (`background: transparent` needs a PNG or WebP output).
    public func valueRequiresOther(_ name: String, value: String, other: String, allowed: [String], actual: String) -> APIError {
        let allowedText = EnglishList.joined(allowed.map { "'\($0)'" }, conjunction: "or")
        let message = "Invalid value: '\(value)'. '\(name)'='\(value)' requires '\(other)' to be \(allowedText), but got '\(actual)'."
        switch style {
        case .current: return APIError(status: 400, message: message, param: name, code: "invalid_value")
        case .legacy: return APIError(status: 400, message: message, subject: name)
        }
    }
}

/// "'a', 'b', and 'c'" — the real API's lists use the serial comma, and two items take no comma.
public enum EnglishList {
    public static func joined(_ items: [String], conjunction: String) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        case 2: return "\(items[0]) \(conjunction) \(items[1])"
        default: return items.dropLast().joined(separator: ", ") + ", \(conjunction) " + items[items.count - 1]
        }
    }
}

/// Python's `repr` of a decoded JSON value, as era A's jsonschema messages quote values.
public enum PythonRepr {
    public static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: "None"
        case .bool(let flag): flag ? "True" : "False"
        case .number(let number): number.isInteger ? number.lexeme : pythonFloat(number)
        case .string(let text): quote(text)
        case .verbatimString(let bytes): quote(String(decoding: bytes, as: UTF8.self))
        case .array(let elements): "[" + elements.map(describe).joined(separator: ", ") + "]"
        case .object(let object): "{" + object.members.map { "\(quote($0.key)): \(describe($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// Single quotes unless the text contains a single quote and no double quote, as Python does.
    public static func quote(_ text: String) -> String {
        let useDouble = text.contains("'") && !text.contains("\"")
        let delimiter: Character = useDouble ? "\"" : "'"
        var result = String(delimiter)
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case delimiter: result += "\\\(delimiter)"
            default: result.append(character)
            }
        }
        result.append(delimiter)
        return result
    }

    private static func pythonFloat(_ number: JSONNumber) -> String {
        guard let value = number.doubleValue, value.isFinite else {
            // Python reads 1e400 as inf and -1e400 as -inf.
            return number.lexeme.hasPrefix("-") ? "-inf" : "inf"
        }
        if value == value.rounded(), abs(value) < 1e16 { return String(format: "%.1f", value) }
        return "\(value)"
    }
}
