/// A strict RFC 8259 parser producing ``JSONValue``.
///
/// Strict where Python's `json` is strict (control characters in strings, trailing commas,
/// single quotes, comments), and bounded so hostile input cannot exhaust the stack.
public struct JSONParser {
    /// Why a document is not JSON; the server answers all of these with contract row 19, and the
    /// reason and offset go into the diagnosis header.
    public struct SyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
        public let reason: String
        public let offset: Int
        public var description: String { "\(reason) at byte \(offset)" }
    }

    public static let maximumDepth = 128

    /// The most values a request body may hold. Each parsed value takes ~30 bytes, so 64 MiB of
    /// `0,0,0,...` once grew a 900 MB tree (now at most ~30 MB); no Images API request comes near
    /// this count.
    public static let maximumRequestValues = 1_000_000

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0
    private let maximumValues: Int
    private var valueCount = 0

    private init(bytes: [UInt8], maximumValues: Int) {
        self.bytes = bytes
        self.maximumValues = maximumValues
    }

    /// Parses one JSON document; whitespace may surround it, nothing else may follow it.
    /// - Parameter maximumValues: the document is refused once it holds more values (objects,
    ///   arrays and scalars, each counted), before their tree grows.
    public static func parse(_ bytes: [UInt8], maximumValues: Int = .max) throws(SyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumValues: maximumValues)
        // A UTF-8 byte order mark is tolerated, as Python's `json.loads` does on bytes.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.position = 3 }
        parser.skipWhitespace()
        guard parser.position < bytes.count else { throw SyntaxError(reason: "the body is empty", offset: parser.position) }
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the JSON document")
        }
        return value
    }

    public static func parse(_ text: String) throws(SyntaxError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private func error(_ reason: String) -> SyntaxError { SyntaxError(reason: reason, offset: position) }

    private func describeCurrent() -> String {
        guard position < bytes.count else { return "end of input" }
        let byte = bytes[position]
        if byte >= 0x20 && byte < 0x7F { return "character '\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(SyntaxError) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        valueCount += 1
        if valueCount > maximumValues { throw error("more than \(maximumValues) values") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected \(describeCurrent()), expected a value")
        }
    }

    private mutating func expectLiteral(_ literal: String) throws(SyntaxError) {
        let expected = literal.utf8
        let count = expected.count
        guard position + count <= bytes.count, bytes[position..<position + count].elementsEqual(expected) else {
            throw error("invalid literal, expected '\(literal)'")
        }
        position += count
    }

    private mutating func enter() throws(SyntaxError) {
        depth += 1
        if depth > Self.maximumDepth { throw error("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func parseObject() throws(SyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(JSONObject())
        }
        // A request's top-level object gets one allocation instead of one per doubling; nested
        // ones grow as needed, so a body of many tiny objects takes no more memory than it did.
        var object = depth == 1 ? JSONObject(capacity: 8) : JSONObject()
        var members = JSONObject.Builder()
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw error("unexpected \(describeCurrent()), expected a string key in double quotes")
            }
            let key = try parseString()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw error("unexpected \(describeCurrent()), expected ':' after an object key")
            }
            position += 1
            skipWhitespace()
            members.add(key, try parseValue(), to: &object)
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
            throw error("unexpected \(describeCurrent()), expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray() throws(SyntaxError) -> JSONValue {
        try enter()
        defer { depth -= 1 }
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of input inside an array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(elements) }
            throw error("unexpected \(describeCurrent()), expected ',' or ']' in an array")
        }
    }

    private mutating func parseNumber() throws(SyntaxError) -> JSONNumber {
        let start = position
        var isInteger = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number, expected a digit") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) { throw error("invalid number, leading zeros are not allowed") }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number, expected a digit after '.'") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw error("invalid number, expected a digit in the exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        return JSONNumber(lexeme: String(decoding: bytes[start..<position], as: UTF8.self), isInteger: isInteger)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func parseString() throws(SyntaxError) -> String {
        let start = position
        position += 1  // opening quote
        // Only a string with escapes needs a buffer; most strings are one run of the input.
        var unescaped: [UInt8]?
        var runStart = position
        var allASCII = true
        while true {
            guard position < bytes.count else { throw error("unexpected end of input inside a string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte >= 0x80 { allASCII = false }
            if byte < 0x20 { throw error("invalid control character (0x\(String(byte, radix: 16, uppercase: true))) inside a string") }
            if byte == UInt8(ascii: "\\") {
                if unescaped == nil { unescaped = [] }
                unescaped!.append(contentsOf: bytes[runStart..<position])
                try parseEscape(into: &unescaped!)
                runStart = position
                continue
            }
            position += 1
        }
        let lastRun = bytes[runStart..<position]
        position += 1  // closing quote
        // Python's json refuses bytes that are not UTF-8, so the real API cannot parse such a body.
        let text: String?
        if var unescaped {
            unescaped.append(contentsOf: lastRun)
            text = String(validating: unescaped, as: UTF8.self)
        } else if allASCII {
            // ASCII is valid UTF-8: no validation pass (the generic one is not specialised here).
            text = String(decoding: lastRun, as: UTF8.self)
        } else {
            text = String(validating: lastRun, as: UTF8.self)
        }
        guard let text else { throw SyntaxError(reason: "invalid UTF-8 inside the string starting", offset: start) }
        return text
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(SyntaxError) {
        position += 1
        guard position < bytes.count else { throw error("unexpected end of input inside a string escape") }
        let escaped = bytes[position]
        position += 1
        switch escaped {
        case UInt8(ascii: "\""): utf8.append(0x22)
        case UInt8(ascii: "\\"): utf8.append(0x5C)
        case UInt8(ascii: "/"): utf8.append(0x2F)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar), position + 1 < bytes.count,
                bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
            {
                let save = position
                position += 2
                let low = try parseHex4()
                if (0xDC00...0xDFFF).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    position = save
                }
            }
            // A lone surrogate cannot live in a Swift String; it becomes U+FFFD.
            let unicode = UnicodeScalar(scalar) ?? "\u{FFFD}"
            utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
        default:
            position -= 2
            throw error("invalid escape sequence '\\\(Character(UnicodeScalar(escaped)))' inside a string")
        }
    }

    private mutating func parseHex4() throws(SyntaxError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("unexpected end of input inside a \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hexadecimal digit in a \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
