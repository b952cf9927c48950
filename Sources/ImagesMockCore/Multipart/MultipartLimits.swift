/// Size and count limits that ``MultipartParser`` enforces while bytes arrive.
///
/// Every limit is checked as soon as the bytes that cross it are known: the `push` that carries
/// the first byte over a limit throws, so a server can answer 400/413 without reading the rest of
/// an oversized upload. All sizes are in bytes.
public struct MultipartLimits: Sendable, Equatable {
    /// Most parts (text fields and files together) a body may contain. Default 64.
    public var maxParts: Int
    /// Most bytes in one part's header block, including the blank line that ends it. Default 8 KiB.
    public var maxHeaderBytesPerPart: Int
    /// Most content bytes in one file part (a part with a `filename`). Default 50 MiB.
    public var maxFileBytes: Int
    /// Most content bytes in one text field (a part without a `filename`). Default 1 MiB.
    public var maxTextFieldBytes: Int
    /// Most bytes in the whole body, preamble and epilogue included. Default 64 MiB.
    public var maxTotalBytes: Int

    /// Creates limits; each value must be at least 1 (`maxParts` at least 0).
    public init(
        maxParts: Int = 64,
        maxHeaderBytesPerPart: Int = 8 * 1024,
        maxFileBytes: Int = 50 * 1024 * 1024,
        maxTextFieldBytes: Int = 1024 * 1024,
        maxTotalBytes: Int = 64 * 1024 * 1024
    ) {
        precondition(maxParts >= 0 && maxHeaderBytesPerPart > 0 && maxFileBytes >= 0
            && maxTextFieldBytes >= 0 && maxTotalBytes >= 0, "MultipartLimits must not be negative")
        self.maxParts = maxParts
        self.maxHeaderBytesPerPart = maxHeaderBytesPerPart
        self.maxFileBytes = maxFileBytes
        self.maxTextFieldBytes = maxTextFieldBytes
        self.maxTotalBytes = maxTotalBytes
    }

    /// 64 parts, 8 KiB of headers per part, 50 MiB per file, 1 MiB per text field, 64 MiB in all.
    public static let `default` = MultipartLimits()
}
