/// The parsed header block of one part: field name, file name, content type and all headers.
struct MultipartPartHead: Sendable {
    var name: String
    var filename: String?
    var contentType: String?
    var headers: [MultipartHeaderField]

    private typealias T = MultipartText

    /// Parses a complete header block.
    ///
    /// - Parameters:
    ///   - block: the header bytes, ending with the empty line (`CRLF CRLF`, or a lone `CRLF`
    ///     when the part has no headers). The caller guarantees that every CR is followed by LF
    ///     and every LF preceded by CR.
    ///   - offset: the body offset of `block[0]`.
    ///   - part: the 1-based part number, for messages.
    ///
    /// Decisions: header names are RFC 9110 tokens, case-insensitive, with no whitespace before
    /// the colon; folded lines (starting with a space or tab) continue the previous header, as
    /// RFC 5322 allows in MIME part headers; values are trimmed and must be UTF-8 without control
    /// characters other than tab; `Content-Disposition` and `Content-Type` may appear once each;
    /// other headers (e.g. `Content-Transfer-Encoding`) are kept but not interpreted.
    static func parse(_ block: [UInt8], offset: Int, part: Int) throws(MultipartError) -> MultipartPartHead {
        // Split into lines (without their CRLF); the last line is the empty terminator.
        var lines: [Range<Int>] = []
        var lineStart = 0
        var index = 0
        while index < block.count {
            if block[index] == T.cr {
                lines.append(lineStart..<index)
                index += 2
                lineStart = index
            } else {
                index += 1
            }
        }
        lines.removeLast()

        struct RawField { var name: [UInt8]; var value: [UInt8]; var offset: Int }
        var raw: [RawField] = []
        for range in lines {
            let line = block[range]
            let lineOffset = offset + range.lowerBound
            // Message text, built only when a message needs it.
            var shown: String { T.quoted(line, limit: 80) }
            if T.isWhitespace(line[line.startIndex]) {
                guard !raw.isEmpty else {
                    throw .malformedPartHeader(at: lineOffset, part: part, problem: "the header line \(shown) at "
                        + "byte \(lineOffset) starts with whitespace, but there is no header before it to continue")
                }
                raw[raw.count - 1].value.append(contentsOf: line)
                continue
            }
            guard let colon = line.firstIndex(of: T.colon) else {
                throw .malformedPartHeader(at: lineOffset, part: part,
                                           problem: "the header line \(shown) at byte \(lineOffset) has no colon")
            }
            let name = line[..<colon]
            if name.isEmpty {
                throw .malformedPartHeader(at: lineOffset, part: part, problem: "the header line \(shown) at byte "
                    + "\(lineOffset) has no header name before the colon")
            }
            if let last = name.last, T.isWhitespace(last) {
                throw .malformedPartHeader(at: lineOffset, part: part, problem: "the header line \(shown) at byte "
                    + "\(lineOffset) has whitespace between the header name and the colon")
            }
            if !name.allSatisfy(T.isTokenChar) {
                throw .malformedPartHeader(at: lineOffset, part: part, problem: "the header line \(shown) at byte "
                    + "\(lineOffset) has an invalid header name \(T.quoted(name))")
            }
            raw.append(RawField(name: Array(name), value: Array(line[(colon + 1)...]), offset: lineOffset))
        }

        var headers: [MultipartHeaderField] = []
        var disposition: (value: [UInt8], offset: Int)?
        var contentType: (value: String, offset: Int)?
        for field in raw {
            let name = String(decoding: field.name, as: UTF8.self)
            var value = field.value[...]
            while let first = value.first, T.isWhitespace(first) { value.removeFirst() }
            while let last = value.last, T.isWhitespace(last) { value.removeLast() }
            if let control = value.first(where: { ($0 < 0x20 && $0 != T.tab) || $0 == 0x7F }) {
                throw .malformedPartHeader(at: field.offset, part: part, problem: "the value of the header "
                    + "\(T.quoted(name)) at byte \(field.offset) contains the control character "
                    + "\(T.quoted(byte: control))")
            }
            guard let text = String(validating: value, as: UTF8.self) else {
                throw .malformedPartHeader(at: field.offset, part: part, problem: "the value of the header "
                    + "\(T.quoted(name)) at byte \(field.offset) is not valid UTF-8: \(T.quoted(value, limit: 80))")
            }
            headers.append(MultipartHeaderField(name: name, value: text))
            switch T.asciiLowercased(name) {
            case "content-disposition":
                if let first = disposition {
                    throw .duplicatePartHeader(name: "Content-Disposition", part: part, first: first.offset,
                                               second: field.offset)
                }
                disposition = (Array(value), field.offset)
            case "content-type":
                if let first = contentType {
                    throw .duplicatePartHeader(name: "Content-Type", part: part, first: first.offset,
                                               second: field.offset)
                }
                contentType = (text, field.offset)
            default:
                break
            }
        }

        guard let disposition else {
            throw .missingContentDisposition(part: part, headerOffset: offset, hasHeaders: !raw.isEmpty)
        }
        let parsed = MultipartHeaderValue(disposition.value)
        if T.asciiLowercased(parsed.leading) != Array("form-data".utf8) {
            throw .notFormData(part: part, at: disposition.offset, value: disposition.value, type: parsed.leading)
        }
        if let error = parsed.error {
            throw .malformedContentDisposition(part: part, at: disposition.offset, value: disposition.value,
                                               column: error.column, problem: error.problem)
        }
        guard let nameParameter = parsed.parameter("name") else {
            throw .missingName(part: part, at: disposition.offset, value: disposition.value, empty: false)
        }
        if nameParameter.value.isEmpty {
            throw .missingName(part: part, at: disposition.offset, value: disposition.value, empty: true)
        }
        var filename = parsed.parameter("filename").map { String(decoding: $0.value, as: UTF8.self) }
        if let extended = parsed.parameter("filename*") {
            do throws(ExtendedValueError) {
                filename = try decodeExtendedValue(extended.value)
            } catch {
                throw .malformedContentDisposition(part: part, at: disposition.offset, value: disposition.value,
                                                   column: nil, problem: "filename* \(T.quoted(extended.value)) \(error.problem)")
            }
        }
        return MultipartPartHead(name: String(decoding: nameParameter.value, as: UTF8.self), filename: filename,
                                 contentType: contentType?.value, headers: headers)
    }

    struct ExtendedValueError: Error { var problem: String }

    /// Decodes an RFC 5987 `ext-value`: `charset "'" [language] "'" percent-encoded-value`, with
    /// charset UTF-8 or ISO-8859-1 (case-insensitive).
    static func decodeExtendedValue(_ value: [UInt8]) throws(ExtendedValueError) -> String {
        let apostrophe = UInt8(ascii: "'")
        guard let first = value.firstIndex(of: apostrophe),
              let second = value[(first + 1)...].firstIndex(of: apostrophe) else {
            throw ExtendedValueError(problem: "is not of the form charset'language'percent-encoded-name")
        }
        let charset = String(decoding: T.asciiLowercased(value[..<first]), as: UTF8.self)
        var decoded: [UInt8] = []
        var index = second + 1
        while index < value.count {
            let byte = value[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < value.count, let high = hexValue(value[index + 1]), let low = hexValue(value[index + 2])
                else {
                    throw ExtendedValueError(problem: "has an invalid percent-encoding "
                        + "\(T.quoted(value[index..<Swift.min(index + 3, value.count)]))")
                }
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        switch charset {
        case "utf-8":
            guard let text = String(validating: decoded, as: UTF8.self) else {
                throw ExtendedValueError(problem: "does not decode to valid UTF-8")
            }
            return text
        case "iso-8859-1":
            var text = ""
            text.unicodeScalars.append(contentsOf: decoded.map { Unicode.Scalar($0) })
            return text
        default:
            throw ExtendedValueError(problem: "uses the charset \(T.quoted(value[..<first])); expected UTF-8 or "
                + "ISO-8859-1")
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
