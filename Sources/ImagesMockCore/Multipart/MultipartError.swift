/// Why a multipart/form-data request could not be parsed.
///
/// Each malformation class has its own ``Kind``. ``message`` names the defect precisely (what was
/// expected, what was found, and where: byte offsets count from the first byte of the request
/// body, 0-based; positions inside a header value are 1-based "characters"). ``hint`` names the
/// usual client mistake behind it and its fix. ``description`` joins both as
/// `message (hint: hint)`, the form meant for an API error message.
public struct MultipartError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The malformation classes. Raw values are stable identifiers (for a journal or a header).
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        // The request's Content-Type header (no byte offset).
        /// The media type is not `multipart/form-data`.
        case notMultipart
        /// The Content-Type parameters are not well formed.
        case malformedContentType
        /// No `boundary` parameter.
        case missingBoundary
        /// The boundary is empty, longer than 70 characters, has a character RFC 2046 forbids, or
        /// ends with a space.
        case invalidBoundary

        // Framing of the body.
        /// The body has no bytes at all.
        case emptyBody
        /// The body never contains the boundary line `--boundary`.
        case boundaryNotFound
        /// The body's first line is a boundary line for another boundary than the header's.
        case boundaryMismatch
        /// A bare LF where CRLF is required (LF-only line endings).
        case bareLineFeed
        /// Something other than transport padding and CRLF follows a boundary on its line.
        case invalidBoundaryLine
        /// The body ended before the closing boundary line `--boundary--`.
        case missingClosingBoundary
        /// The body ended inside a part's headers.
        case truncatedPartHeaders

        // Part headers.
        /// A part header line is not `Name: value` (no colon, bad name, lone CR, not UTF-8, ...).
        case malformedPartHeader
        /// A part repeats `Content-Disposition` or `Content-Type`.
        case duplicatePartHeader
        /// A part has no `Content-Disposition` header.
        case missingContentDisposition
        /// A part's `Content-Disposition` type is not `form-data`.
        case notFormData
        /// A part's `Content-Disposition` parameters are not well formed (incl. `filename*`).
        case malformedContentDisposition
        /// A part's `Content-Disposition` has no (or an empty) `name` parameter.
        case missingName
        /// The same text field (a part without filename) appears twice.
        case duplicateTextField

        // Limits (see ``MultipartLimits``).
        /// A part's header block is larger than `maxHeaderBytesPerPart`.
        case partHeadersTooLarge
        /// More parts than `maxParts`.
        case tooManyParts
        /// A file part's content is larger than `maxFileBytes`.
        case fileTooLarge
        /// A text field's content is larger than `maxTextFieldBytes`.
        case textFieldTooLarge
        /// The body is larger than `maxTotalBytes`.
        case bodyTooLarge
    }

    public var kind: Kind
    /// Where the defect is, counted from the first byte of the body; `nil` for header errors.
    public var byteOffset: Int?
    /// The precise description of the defect.
    public var message: String
    /// The usual client mistake that causes it and how to fix it.
    public var hint: String?
    /// The form field of the part at fault, for the limits on one part.
    public var fieldName: String?

    public init(kind: Kind, byteOffset: Int?, message: String, hint: String?) {
        self.kind = kind
        self.byteOffset = byteOffset
        self.message = message
        self.hint = hint
    }

    /// `message (hint: hint)`, or the message alone.
    public var description: String {
        guard let hint else { return message }
        return "\(message) (hint: \(hint))"
    }

    /// True for the limit kinds, which a server may answer with 413 rather than 400.
    public var isLimit: Bool {
        switch kind {
        case .partHeadersTooLarge, .tooManyParts, .fileTooLarge, .textFieldTooLarge, .bodyTooLarge: true
        default: false
        }
    }
}

// MARK: - Messages

extension MultipartError {
    private typealias T = MultipartText

    static let contentTypeHint = "Don't set Content-Type by hand; let your HTTP client add the boundary."
    static let lineEndingHint = "The body uses LF-only line endings; multipart/form-data needs CRLF everywhere "
        + "(after boundary lines, after part headers, and before each boundary line). This happens with bodies "
        + "written by hand, read from a text file, or passed through a tool that converts line endings; "
        + "let your HTTP client build the body."
    static let truncatedHint = "The body is cut short: check that the client sends the whole body (Content-Length, "
        + "a stream that was already read, a proxy limit) and ends it with the closing boundary line."

    // Content-Type.

    static func notMultipart(contentType: String, mediaType: [UInt8]) -> MultipartError {
        let lowered = T.asciiLowercased(mediaType)
        let got = mediaType.isEmpty ? "an empty media type" : T.quoted(mediaType)
        let hint: String
        if lowered.starts(with: Array("multipart/".utf8)) {
            hint = "Form uploads use multipart/form-data; other multipart subtypes are not form submissions."
        } else {
            hint = "This endpoint takes a multipart/form-data body: send parameters as form fields and files as "
                + "file parts (curl -F, files= in requests/httpx, FormData) and let the client set the Content-Type."
        }
        return MultipartError(
            kind: .notMultipart, byteOffset: nil,
            message: "Invalid Content-Type \(T.quoted(contentType, limit: shownContentTypeBytes)): expected multipart/form-data, got \(got).",
            hint: hint)
    }

    /// How much of a Content-Type header a message repeats: enough for any real one, not a
    /// hostile 60 KB boundary.
    static let shownContentTypeBytes = 200

    static func malformedContentType(contentType: String, _ error: MultipartHeaderValue.SyntaxError) -> MultipartError {
        MultipartError(
            kind: .malformedContentType, byteOffset: nil,
            message: "Invalid Content-Type \(T.quoted(contentType, limit: shownContentTypeBytes)) at character \(error.column): \(error.problem).",
            hint: contentTypeHint)
    }

    static func missingBoundary(contentType: String) -> MultipartError {
        MultipartError(
            kind: .missingBoundary, byteOffset: nil,
            message: "Invalid Content-Type \(T.quoted(contentType, limit: shownContentTypeBytes)): the boundary parameter is missing, "
                + "so the body cannot be split into parts.",
            hint: contentTypeHint)
    }

    static func invalidBoundary(contentType: String, problem: String) -> MultipartError {
        MultipartError(
            kind: .invalidBoundary, byteOffset: nil,
            message: "Invalid Content-Type \(T.quoted(contentType, limit: shownContentTypeBytes)): \(problem).",
            hint: "Don't set Content-Type by hand; let your HTTP client generate the boundary (1 to 70 letters, digits "
                + "or '()+_,-./:=? characters; quote it when it has any of (),/:=? or a space).")
    }

    // Framing.

    static func emptyBody(boundary: [UInt8]) -> MultipartError {
        MultipartError(
            kind: .emptyBody, byteOffset: 0,
            message: "Malformed multipart body: the body is empty; expected the boundary line "
                + "\(T.quoted(dashed(boundary))) at byte 0.",
            hint: "The client sent no body: check that the form is actually written (a stream already consumed, "
                + "a Content-Length of 0) and that it has at least its closing boundary line.")
    }

    static func boundaryNotFound(boundary: [UInt8], prefix: [UInt8], bodyLength: Int) -> MultipartError {
        let firstLine = prefix.prefix { $0 != T.cr && $0 != T.lf }
        let firstNonSpace = prefix.first { !T.isWhitespace($0) && $0 != T.cr && $0 != T.lf }
        let hint: String
        if firstNonSpace == UInt8(ascii: "{") || firstNonSpace == UInt8(ascii: "[") {
            hint = "The body is JSON but the Content-Type says multipart/form-data: send Content-Type: application/json "
                + "with a JSON body, or build a real multipart body (curl -F, files= in requests/httpx, FormData)."
        } else if firstLine.elementsEqual(boundary) || firstLine.elementsEqual(boundary + [T.dash, T.dash]) {
            hint = "Each boundary line is two dashes followed by the boundary: write \(T.quoted(dashed(boundary))), "
                + "not \(T.quoted(boundary))."
        } else {
            hint = "The body is not the multipart body the Content-Type announces; the boundary parameter must be "
                + "the one used in the body's \"--boundary\" lines. Let your HTTP client build both."
        }
        return MultipartError(
            kind: .boundaryNotFound, byteOffset: 0,
            message: "Malformed multipart body: expected the boundary line \(T.quoted(dashed(boundary))) at byte 0, "
                + "but the body starts with \(T.quoted(prefix, limit: T.excerptLength)) and the boundary line never "
                + "occurs in its \(T.size(bodyLength)).",
            hint: hint)
    }

    static func boundaryMismatch(boundary: [UInt8], firstLine: [UInt8], truncated: Bool) -> MultipartError {
        var bodyBoundary = Array(firstLine.dropFirst(2))
        while let last = bodyBoundary.last, T.isWhitespace(last) { bodyBoundary.removeLast() }
        let hint: String
        if boundary.elementsEqual([T.dash, T.dash] + bodyBoundary) {
            hint = "The boundary parameter must not include the two leading dashes of the boundary lines: "
                + "with boundary=\(String(decoding: bodyBoundary, as: UTF8.self)), the body's lines read "
                + "\(T.quoted(dashed(bodyBoundary)))."
        } else if bodyBoundary.elementsEqual([T.dash, T.dash] + boundary) {
            hint = "The body's boundary lines have two dashes too many: a boundary line is \"--\" followed by the "
                + "boundary, here \(T.quoted(dashed(boundary)))."
        } else if !truncated && T.asciiLowercased(bodyBoundary) == T.asciiLowercased(boundary) {
            hint = "Boundaries are case-sensitive: the header and the body must spell the boundary identically."
        } else {
            hint = "The Content-Type boundary must be the one the body was built with; this happens when "
                + "Content-Type is set by hand (or copied from another request) while the client generates its own "
                + "boundary. " + contentTypeHint
        }
        let line = T.quoted(firstLine) + (truncated ? "…" : "")
        return MultipartError(
            kind: .boundaryMismatch, byteOffset: 0,
            message: "Malformed multipart body: the body's first line is \(line), but the Content-Type boundary is "
                + "\(T.quoted(boundary)); expected the boundary line \(T.quoted(dashed(boundary))) at byte 0.",
            hint: hint)
    }

    enum LineFeedPlace {
        case boundaryLine(lineOffset: Int)
        case closingBoundaryLine(lineOffset: Int)
        case headerLine(part: Int)
        case beforeBoundaryLine
    }

    static func bareLineFeed(at offset: Int, _ place: LineFeedPlace, boundary: [UInt8]) -> MultipartError {
        let what: String
        switch place {
        case .boundaryLine(let line):
            what = "ends the boundary line \(T.quoted(dashed(boundary))) (at byte \(line))"
        case .closingBoundaryLine(let line):
            what = "ends the closing boundary line \(T.quoted(dashed(boundary) + [T.dash, T.dash])) (at byte \(line))"
        case .headerLine(let part):
            what = "ends a header line of part \(part)"
        case .beforeBoundaryLine:
            what = "precedes the boundary line \(T.quoted(dashed(boundary))), which must follow a CRLF"
        }
        return MultipartError(
            kind: .bareLineFeed, byteOffset: offset,
            message: "Malformed multipart body: a bare LF (\"\\n\") at byte \(offset) \(what); multipart requires "
                + "CRLF (\"\\r\\n\") line endings.",
            hint: lineEndingHint)
    }

    enum BoundaryLinePlace {
        case afterBoundary, afterOneDash, inPadding, afterCR, afterClosingBoundary, afterClosingCR
    }

    static func invalidBoundaryLine(
        at offset: Int, found: UInt8?, _ place: BoundaryLinePlace, lineOffset: Int, boundary: [UInt8]
    ) -> MultipartError {
        let line = dashed(boundary)
        let close = line + [T.dash, T.dash]
        let foundText = found.map { T.quoted(byte: $0) } ?? "the end of the body"
        let message: String
        var hint = "Only optional spaces or tabs and then CRLF may follow a boundary on its line (RFC 2046). This "
            + "usually means the boundary also occurs inside a part's content: use a boundary that does not appear in "
            + "the data, or let your HTTP client generate one."
        switch place {
        case .afterBoundary:
            message = "found \(foundText) at byte \(offset) right after the boundary \(T.quoted(line)) (line at byte "
                + "\(lineOffset)); expected CRLF, or \"--\" for the closing boundary."
        case .afterOneDash:
            message = "found \(foundText) at byte \(offset) after \(T.quoted(line + [T.dash])) (line at byte "
                + "\(lineOffset)); expected the closing boundary \(T.quoted(close))."
        case .inPadding:
            message = "found \(foundText) at byte \(offset) in the padding after the boundary \(T.quoted(line)) "
                + "(line at byte \(lineOffset)); expected only spaces or tabs, then CRLF."
        case .afterCR:
            message = "expected LF after the CR at byte \(offset - 1) ending the boundary line \(T.quoted(line)) "
                + "(at byte \(lineOffset)), found \(foundText)."
        case .afterClosingBoundary:
            message = "found \(foundText) at byte \(offset) after the closing boundary \(T.quoted(close)) (line at "
                + "byte \(lineOffset)); expected CRLF or the end of the body."
            hint = "After the closing boundary only optional spaces or tabs may follow on its line; an epilogue, if "
                + "any, starts after a CRLF."
        case .afterClosingCR:
            message = "expected LF after the CR at byte \(offset - 1) ending the closing boundary line "
                + "\(T.quoted(close)) (at byte \(lineOffset)), found \(foundText)."
            hint = "End the closing boundary line with CRLF, or end the body right after it."
        }
        return MultipartError(kind: .invalidBoundaryLine, byteOffset: offset,
                              message: "Malformed multipart body: " + message, hint: hint)
    }

    enum ClosingPlace {
        case insidePart(part: Int, name: String)
        case insideBoundaryLine(lineOffset: Int)
        case afterBoundaryLine(lineOffset: Int, part: Int)
    }

    static func missingClosingBoundary(at offset: Int, _ place: ClosingPlace, boundary: [UInt8]) -> MultipartError {
        let close = T.quoted(dashed(boundary) + [T.dash, T.dash])
        let message: String
        let hint: String
        switch place {
        case .insidePart(let part, let name):
            message = "the body ended at byte \(offset) inside part \(part) (\(T.quoted(name))), before the closing "
                + "boundary line \(close)."
            hint = truncatedHint
        case .insideBoundaryLine(let line):
            message = "the body ended at byte \(offset) inside the boundary line at byte \(line), which is neither a "
                + "part boundary (followed by CRLF) nor the closing boundary \(close)."
            hint = "End the body with the closing boundary \(close) (two dashes after the boundary), optionally "
                + "followed by CRLF."
        case .afterBoundaryLine(let line, let part):
            message = "the body ended at byte \(offset), right after the boundary line at byte \(line) that opens "
                + "part \(part); the last boundary line must be the closing one, \(close)."
            hint = "End the body with the closing boundary \(close) (two dashes after the boundary), optionally "
                + "followed by CRLF."
        }
        return MultipartError(kind: .missingClosingBoundary, byteOffset: offset,
                              message: "Malformed multipart body: " + message, hint: hint)
    }

    static func truncatedPartHeaders(at offset: Int, part: Int, headerOffset: Int) -> MultipartError {
        MultipartError(
            kind: .truncatedPartHeaders, byteOffset: offset,
            message: "Malformed multipart body: the body ended at byte \(offset) inside the headers of part \(part) "
                + "(which start at byte \(headerOffset)); expected a blank line (CRLF CRLF) ending the headers, then "
                + "the part's content.",
            hint: truncatedHint)
    }

    // Part headers.

    static let partHeaderHint = "Each part header is \"Name: value\" on its own CRLF-terminated line, and a blank "
        + "line ends the headers."

    static func malformedPartHeader(at offset: Int, part: Int, problem: String) -> MultipartError {
        MultipartError(kind: .malformedPartHeader, byteOffset: offset,
                       message: "Malformed multipart body: \(problem) (part \(part)).", hint: partHeaderHint)
    }

    static func duplicatePartHeader(name: String, part: Int, first: Int, second: Int) -> MultipartError {
        MultipartError(
            kind: .duplicatePartHeader, byteOffset: second,
            message: "Malformed multipart body: part \(part) has two \(name) headers (at bytes \(first) and "
                + "\(second)).",
            hint: "Send each part header once.")
    }

    static func missingContentDisposition(part: Int, headerOffset: Int, hasHeaders: Bool) -> MultipartError {
        let what = hasHeaders
            ? "part \(part) (headers at byte \(headerOffset)) has no Content-Disposition header"
            : "part \(part) (at byte \(headerOffset)) has no headers at all"
        return MultipartError(
            kind: .missingContentDisposition, byteOffset: headerOffset,
            message: "Malformed multipart body: \(what); every form-data part needs one, e.g. "
                + "Content-Disposition: form-data; name=\"prompt\".",
            hint: "Build the body with your HTTP client's multipart support; by hand, each part starts with "
                + "Content-Disposition: form-data; name=\"...\" (plus filename=\"...\" and a Content-Type for files), "
                + "then a blank line.")
    }

    static func notFormData(part: Int, at offset: Int, value: [UInt8], type: [UInt8]) -> MultipartError {
        let got = type.isEmpty ? "no type" : "the type \(T.quoted(type))"
        return MultipartError(
            kind: .notFormData, byteOffset: offset,
            message: "Malformed multipart body: part \(part)'s Content-Disposition \(T.quoted(value)) at byte "
                + "\(offset) has \(got); expected form-data.",
            hint: "In multipart/form-data every part is Content-Disposition: form-data; name=\"...\"; \"attachment\", "
                + "\"inline\" and \"file\" belong to other multipart types (RFC 7578).")
    }

    static func malformedContentDisposition(
        part: Int, at offset: Int, value: [UInt8], column: Int?, problem: String
    ) -> MultipartError {
        let position = column.map { " at character \($0)" } ?? ""
        return MultipartError(
            kind: .malformedContentDisposition, byteOffset: offset,
            message: "Malformed multipart body: part \(part)'s Content-Disposition \(T.quoted(value)) at byte "
                + "\(offset) is invalid\(position): \(problem).",
            hint: "Quote parameter values (\"...\", with \\\" for a quote inside), separate parameters with \";\", and "
                + "write filename* as UTF-8''percent-encoded-name (RFC 5987).")
    }

    static func missingName(part: Int, at offset: Int, value: [UInt8], empty: Bool) -> MultipartError {
        let what = empty ? "has an empty name parameter" : "has no name parameter"
        return MultipartError(
            kind: .missingName, byteOffset: offset,
            message: "Malformed multipart body: part \(part)'s Content-Disposition \(T.quoted(value)) at byte "
                + "\(offset) \(what).",
            hint: "Every form-data part needs its field name, e.g. Content-Disposition: form-data; name=\"image\"; "
                + "filename=\"a.png\".")
    }

    static func duplicateTextField(name: String, firstPart: Int, firstOffset: Int, part: Int, offset: Int) -> MultipartError {
        MultipartError(
            kind: .duplicateTextField, byteOffset: offset,
            message: "Malformed multipart body: the text field \(T.quoted(name)) is sent twice (part \(firstPart) at "
                + "byte \(firstOffset) and part \(part) at byte \(offset)); each parameter may appear once.",
            hint: "Send each parameter once; only file fields (image, image[]) may repeat.")
    }

    // Limits.

    static func partHeadersTooLarge(at offset: Int, part: Int, headerOffset: Int, limit: Int) -> MultipartError {
        MultipartError(
            kind: .partHeadersTooLarge, byteOffset: offset,
            message: "Multipart part headers too large: the headers of part \(part) (from byte \(headerOffset)) "
                + "exceed the limit of \(T.size(limit)) at byte \(offset) without ending in a blank line.",
            hint: "Part headers are a few short lines; this usually means the blank line (CRLF CRLF) between a "
                + "part's headers and its content is missing.")
    }

    static func tooManyParts(at offset: Int, part: Int, limit: Int) -> MultipartError {
        MultipartError(
            kind: .tooManyParts, byteOffset: offset,
            message: "Too many multipart parts: part \(part) starts at byte \(offset), but at most \(limit) "
                + "\(limit == 1 ? "part is" : "parts are") accepted.",
            hint: "Send each parameter once and only the files the endpoint takes.")
    }

    static func partTooLarge(
        at offset: Int, part: Int, name: String, filename: String?, bodyOffset: Int, limit: Int
    ) -> MultipartError {
        if let filename {
            var error = MultipartError(
                kind: .fileTooLarge, byteOffset: offset,
                message: "Multipart file too large: file part \(T.quoted(name)) (filename \(T.quoted(filename)), "
                    + "part \(part), content from byte \(bodyOffset)) exceeds the limit of \(T.size(limit)) per file "
                    + "at byte \(offset).",
                hint: "Upload a smaller file (downscale or compress the image).")
            error.fieldName = name
            return error
        }
        return MultipartError(
            kind: .textFieldTooLarge, byteOffset: offset,
            message: "Multipart text field too large: text field \(T.quoted(name)) (part \(part), content from byte "
                + "\(bodyOffset)) exceeds the limit of \(T.size(limit)) per text field at byte \(offset).",
            hint: "Text fields carry parameters; send files as file parts (with a filename and a Content-Type), "
                + "not as text fields.")
    }

    static func bodyTooLarge(limit: Int) -> MultipartError {
        MultipartError(
            kind: .bodyTooLarge, byteOffset: limit,
            message: "Multipart body too large: the body exceeds the limit of \(T.size(limit)) at byte \(limit).",
            hint: "Send fewer or smaller files.")
    }

    private static func dashed(_ boundary: [UInt8]) -> [UInt8] { [T.dash, T.dash] + boundary }
}
