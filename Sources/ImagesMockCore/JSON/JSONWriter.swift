/// Renders ``JSONValue`` the way the real API's Python backend does with `json.dumps`.
public enum JSONWriter {
    public enum Layout: Sendable {
        /// `json.dumps(value, indent=2)`: two-space indentation, `", "`-free line breaks, `": "` after keys.
        case pretty
        /// `json.dumps(value, separators=(",", ":"))`, as used for one-line SSE `data:` payloads.
        case compact
    }

    /// - Parameter asciiOnly: escape every non-ASCII scalar as `\uXXXX`, as `json.dumps` does by default.
    /// - Parameter capacity: bytes to reserve up front (a body carrying base64 images knows its size).
    public static func render(_ value: JSONValue, layout: Layout = .pretty, asciiOnly: Bool = true, trailingNewline: Bool = false, capacity: Int = 256) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        write(value, into: &output, layout: layout, asciiOnly: asciiOnly, indent: 0)
        if trailingNewline { output.append(0x0A) }
        return output
    }

    public static func renderString(_ value: JSONValue, layout: Layout = .pretty) -> String {
        String(decoding: render(value, layout: layout), as: UTF8.self)
    }

    /// Appends `value` to `output`; exposed so response builders can stream large bodies into one buffer.
    public static func write(_ value: JSONValue, into output: inout [UInt8], layout: Layout, asciiOnly: Bool, indent: Int) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let number): output.append(contentsOf: number.lexeme.utf8)
        case .string(let string): writeString(string, into: &output, asciiOnly: asciiOnly)
        case .verbatimString(let bytes):
            output.append(0x22)
            output.append(contentsOf: bytes)
            output.append(0x22)
        case .array(let elements):
            guard !elements.isEmpty else { output.append(contentsOf: "[]".utf8); return }
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(into: &output, layout: layout, indent: indent + 1)
                write(element, into: &output, layout: layout, asciiOnly: asciiOnly, indent: indent + 1)
            }
            newline(into: &output, layout: layout, indent: indent)
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.isEmpty else { output.append(contentsOf: "{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                newline(into: &output, layout: layout, indent: indent + 1)
                writeString(member.key, into: &output, asciiOnly: asciiOnly)
                output.append(UInt8(ascii: ":"))
                if case .pretty = layout { output.append(0x20) }
                write(member.value, into: &output, layout: layout, asciiOnly: asciiOnly, indent: indent + 1)
            }
            newline(into: &output, layout: layout, indent: indent)
            output.append(UInt8(ascii: "}"))
        }
    }

    private static func newline(into output: inout [UInt8], layout: Layout, indent: Int) {
        guard case .pretty = layout else { return }
        output.append(0x0A)
        output.append(contentsOf: repeatElement(0x20, count: indent * 2))
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func writeString(_ string: String, into output: inout [UInt8], asciiOnly: Bool) {
        // Keys and most values are printable ASCII without quotes or backslashes: their bytes are
        // their JSON text, copied at once instead of scalar by scalar.
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            output.append(0x22)
            output.append(contentsOf: string.utf8)
            output.append(0x22)
            return
        }
        output.append(0x22)
        for scalar in string.unicodeScalars {
            switch scalar.value {
            case 0x22: output.append(contentsOf: [0x5C, 0x22])
            case 0x5C: output.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: output.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: output.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: output.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: output.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: output.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x00..<0x20: appendUnicodeEscape(UInt16(scalar.value), into: &output)
            case 0x20..<0x7F: output.append(UInt8(scalar.value))
            default:
                // DEL (0x7F) too: Python's ensure_ascii escapes everything outside space...tilde.
                if !asciiOnly {
                    output.append(contentsOf: String(scalar).utf8)
                } else if scalar.value > 0xFFFF {
                    let shifted = scalar.value - 0x10000
                    appendUnicodeEscape(UInt16(0xD800 + (shifted >> 10)), into: &output)
                    appendUnicodeEscape(UInt16(0xDC00 + (shifted & 0x3FF)), into: &output)
                } else {
                    appendUnicodeEscape(UInt16(scalar.value), into: &output)
                }
            }
        }
        output.append(0x22)
    }

    private static func appendUnicodeEscape(_ unit: UInt16, into output: inout [UInt8]) {
        output.append(contentsOf: [0x5C, UInt8(ascii: "u")])
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}
