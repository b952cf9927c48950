/// Small byte and text helpers shared by the multipart files. Pure Swift, no Foundation, so the
/// parser also compiles on its own (see `Fuzz/run-multipart-fuzz.sh`).
enum MultipartText {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09
    static let dash: UInt8 = 0x2D
    static let quote: UInt8 = 0x22
    static let backslash: UInt8 = 0x5C
    static let semicolon: UInt8 = 0x3B
    static let equals: UInt8 = 0x3D
    static let colon: UInt8 = 0x3A

    /// How many bytes of foreign content an error message quotes at most.
    static let excerptLength = 32

    /// Lowercases ASCII letters only (header and parameter names are ASCII tokens).
    static func asciiLowercased(_ string: String) -> String {
        String(decoding: string.utf8.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }, as: UTF8.self)
    }

    static func asciiLowercased(_ bytes: some Collection<UInt8>) -> [UInt8] {
        bytes.map { (0x41...0x5A).contains($0) ? $0 + 0x20 : $0 }
    }

    static func isWhitespace(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// RFC 9110 `tchar`: the characters of a header name or parameter name.
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"),
             UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
             UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"): true
        default: false
        }
    }

    /// RFC 2045 `tspecials`: `()<>@,;:\"/[]?=`.
    static func isTSpecial(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "@"),
             UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "\\"), UInt8(ascii: "\""),
             UInt8(ascii: "/"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "?"), UInt8(ascii: "="): true
        default: false
        }
    }

    /// RFC 2046 `bchars`: the characters a boundary may contain (space only inside).
    static func isBoundaryChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "+"),
             UInt8(ascii: "_"), UInt8(ascii: ","), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"),
             UInt8(ascii: " "): true
        default: false
        }
    }

    /// Renders bytes as a double-quoted literal for an error message: `"` and `\` are escaped,
    /// CR, LF and tab read `\r`, `\n`, `\t`, other control bytes and invalid UTF-8 read `\xNN`.
    /// With `limit`, at most that many bytes are shown and `…` follows the closing quote when
    /// some were left out.
    static func quoted(_ bytes: some Collection<UInt8>, limit: Int? = nil) -> String {
        var shown = Array(bytes)
        var truncated = false
        if let limit, shown.count > limit {
            var cut = limit
            // Do not cut a UTF-8 sequence in half.
            while cut > 0 && shown[cut] & 0xC0 == 0x80 { cut -= 1 }
            shown.removeSubrange(cut...)
            truncated = true
        }
        var out = "\""
        var index = 0
        while index < shown.count {
            let byte = shown[index]
            if byte < 0x80 {
                switch byte {
                case quote: out += "\\\""
                case backslash: out += "\\\\"
                case cr: out += "\\r"
                case lf: out += "\\n"
                case tab: out += "\\t"
                case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(byte))
                default: out += hex(byte)
                }
                index += 1
                continue
            }
            let length = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
            if length > 1, index + length <= shown.count,
               let scalar = String(validating: shown[index..<index + length], as: UTF8.self) {
                out += scalar
                index += length
            } else {
                out += hex(byte)
                index += 1
            }
        }
        out += "\""
        return truncated ? out + "…" : out
    }

    static func quoted(_ string: String, limit: Int? = nil) -> String {
        quoted(Array(string.utf8), limit: limit)
    }

    static func quoted(byte: UInt8) -> String { quoted([byte]) }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "\\x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]], as: UTF8.self)
    }

    /// `52428800 bytes (50 MiB)`, `1000 bytes`.
    static func size(_ bytes: Int) -> String {
        let mib = 1024 * 1024
        if bytes >= mib && bytes % mib == 0 { return "\(bytes) bytes (\(bytes / mib) MiB)" }
        if bytes >= 1024 && bytes % 1024 == 0 { return "\(bytes) bytes (\(bytes / 1024) KiB)" }
        return bytes == 1 ? "1 byte" : "\(bytes) bytes"
    }
}
