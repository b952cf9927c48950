/// Parses the `value *( ";" parameter )` shape shared by the request's `Content-Type` and a part's
/// `Content-Disposition`.
///
/// Syntax accepted (a deliberate, documented middle ground between RFC 9110 and RFC 2045):
/// - spaces and tabs around `;` and around `=` (RFC 2045's lexical rules, which define the
///   `boundary` parameter, allow them; so do the usual server parsers);
/// - parameter names are tokens, compared case-insensitively;
/// - a value is a quoted string or an unquoted run of
///   characters other than space, tab, `;`, `"` and control characters. That run is wider than
///   an RFC token so that unquoted `name=image[]` is accepted; what a value may contain is
///   checked by the caller (e.g. the boundary's character set);
/// - in a quoted string, `\` escapes the next character only when that is an RFC 2045 tspecial
///   (`"`, `\`, `;`, ...); otherwise it is kept. Browsers do not escape (the HTML form encoding
///   percent-encodes `"` instead), so `filename="C:\fakepath\a.png"` keeps its backslashes while
///   `\"` still reads as a quote (Go's `mime` package makes the same choice);
/// - empty segments (`a; ; b=c`, a trailing `;`) are ignored;
/// - a parameter given twice is an error (its meaning would be ambiguous).
struct MultipartHeaderValue {
    struct Parameter {
        /// Lowercased name.
        var name: String
        var value: [UInt8]
        var quoted: Bool
    }

    struct SyntaxError: Error {
        /// 1-based position in the header value.
        var column: Int
        var problem: String
    }

    /// The text before the first `;`, trimmed (`multipart/form-data`, `form-data`).
    var leading: [UInt8]
    var parameters: [Parameter]
    /// The first syntax error after `leading`, if any; `parameters` holds those before it.
    var error: SyntaxError?

    func parameter(_ name: String) -> Parameter? {
        parameters.first { $0.name == name }
    }

    init(_ bytes: [UInt8]) {
        var index = 0
        let count = bytes.count
        func skipWhitespace() {
            while index < count && MultipartText.isWhitespace(bytes[index]) { index += 1 }
        }
        func found(_ at: Int) -> String {
            at < count ? "found " + MultipartText.quoted(byte: bytes[at]) : "found the end of the header"
        }

        skipWhitespace()
        let leadingStart = index
        while index < count && bytes[index] != MultipartText.semicolon && !MultipartText.isWhitespace(bytes[index]) {
            index += 1
        }
        leading = Array(bytes[leadingStart..<index])
        parameters = []
        error = nil
        skipWhitespace()
        if index < count && bytes[index] != MultipartText.semicolon {
            error = SyntaxError(column: index + 1, problem: "expected \";\" after \(MultipartText.quoted(leading)), \(found(index))")
            return
        }

        while index < count {
            // At a ";".
            index += 1
            skipWhitespace()
            if index == count { return }
            if bytes[index] == MultipartText.semicolon { continue }
            let nameStart = index
            while index < count && MultipartText.isTokenChar(bytes[index]) { index += 1 }
            if index == nameStart {
                error = SyntaxError(column: index + 1, problem: "expected a parameter name after \";\", \(found(index))")
                return
            }
            let name = String(decoding: MultipartText.asciiLowercased(bytes[nameStart..<index]), as: UTF8.self)
            let nameEnd = index
            // Message text, built only when a message needs it.
            var nameText: String { MultipartText.quoted(bytes[nameStart..<nameEnd]) }
            skipWhitespace()
            guard index < count, bytes[index] == MultipartText.equals else {
                error = SyntaxError(column: index + 1, problem: "expected \"=\" after the parameter name \(nameText), \(found(index))")
                return
            }
            index += 1
            skipWhitespace()
            var value: [UInt8] = []
            var quoted = false
            if index < count && bytes[index] == MultipartText.quote {
                quoted = true
                let open = index
                index += 1
                var closed = false
                while index < count {
                    let byte = bytes[index]
                    if byte == MultipartText.quote { closed = true; index += 1; break }
                    if byte == MultipartText.backslash && index + 1 < count && MultipartText.isTSpecial(bytes[index + 1]) {
                        value.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    value.append(byte)
                    index += 1
                }
                if !closed {
                    error = SyntaxError(column: open + 1, problem: "the quoted value of \(nameText) has no closing quote")
                    return
                }
            } else {
                while index < count {
                    let byte = bytes[index]
                    if MultipartText.isWhitespace(byte) || byte == MultipartText.semicolon || byte == MultipartText.quote
                        || byte < 0x20 || byte == 0x7F { break }
                    value.append(byte)
                    index += 1
                }
            }
            skipWhitespace()
            if index < count && bytes[index] != MultipartText.semicolon {
                error = SyntaxError(column: index + 1, problem: "expected \";\" or the end of the header after the value of \(nameText), \(found(index))")
                return
            }
            if parameters.contains(where: { $0.name == name }) {
                error = SyntaxError(column: nameStart + 1, problem: "the parameter \(nameText) appears twice")
                return
            }
            parameters.append(Parameter(name: name, value: value, quoted: quoted))
        }
    }
}
