/// One header line of a multipart part, as sent (name in its original case, value trimmed of
/// surrounding spaces and tabs, folded lines joined).
public struct MultipartHeaderField: Sendable, Equatable {
    /// The header name as sent, e.g. `Content-Disposition`. Compare it case-insensitively.
    public var name: String
    /// The header value without surrounding whitespace.
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A complete part of a multipart/form-data body, as returned by ``MultipartParser/nextPart()``.
public struct MultipartPart: Sendable, Equatable {
    /// The `name` parameter of the part's `Content-Disposition` (never empty).
    public var name: String
    /// The file name: the decoded `filename*` parameter (RFC 5987) when present, else `filename`;
    /// `nil` for a text field. May be the empty string (browsers send `filename=""` for an empty
    /// file input), which still makes the part a file.
    public var filename: String?
    /// The part's `Content-Type` header value exactly as sent (trimmed), or `nil` when absent.
    public var contentType: String?
    /// All header lines of the part, in order.
    public var headers: [MultipartHeaderField]
    /// The part's content, without the CRLF that precedes the next boundary line; when
    /// ``omitted`` is not empty, only the bytes that were kept, in order.
    public var body: [UInt8]
    /// Ranges of the content (offsets from its first byte, ascending, disjoint) that were counted
    /// but not kept: see ``FileContentRetention/imageStructure``. Empty when `body` is the whole content.
    public var omitted: [Range<Int>]
    /// Offset, from the start of the request body, of the part's first header byte (the byte
    /// after the boundary line's CRLF).
    public var byteOffset: Int
    /// Offset, from the start of the request body, of the part's first content byte.
    public var bodyOffset: Int

    public init(
        name: String, filename: String?, contentType: String?, headers: [MultipartHeaderField],
        body: [UInt8], byteOffset: Int, bodyOffset: Int, omitted: [Range<Int>] = []
    ) {
        self.name = name
        self.filename = filename
        self.contentType = contentType
        self.headers = headers
        self.body = body
        self.byteOffset = byteOffset
        self.bodyOffset = bodyOffset
        self.omitted = omitted
    }

    /// The content's length as sent, omitted runs included.
    public var contentLength: Int {
        omitted.reduce(body.count) { $0 + $1.count }
    }

    /// A part is a file when its `Content-Disposition` has a `filename` (or `filename*`).
    public var isFile: Bool { filename != nil }

    /// The content of a text field decoded as UTF-8; `nil` for a file part or invalid UTF-8.
    public var text: String? {
        isFile ? nil : String(validating: body, as: UTF8.self)
    }

    /// The value of the first header with this name (compared case-insensitively), if any.
    public func header(_ name: String) -> String? {
        let wanted = MultipartText.asciiLowercased(name)
        return headers.first { MultipartText.asciiLowercased($0.name) == wanted }?.value
    }
}
