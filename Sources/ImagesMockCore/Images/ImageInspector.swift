// The inspector depends on nothing but the standard library and `ImageFormat`, so the fuzz target
// (Fuzz/run-image-inspector-fuzz.sh) can compile the ImageInspector*.swift files together with
// Sources/ImagesMockCodecs/ImageTypes.swift, without the package and its C libraries. In that
// build the module is absent and ImageTypes.swift supplies `ImageFormat` directly.
#if canImport(ImagesMockCodecs)
public import ImagesMockCodecs
#endif

/// What the header of an uploaded image says, without decoding pixels.
public struct ImageInfo: Sendable, Equatable {
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    /// PNG colour types 4/6 or a tRNS chunk before the image data; WebP VP8L alpha bit, VP8X
    /// alpha flag or ALPH chunk; JPEG never.
    public let hasAlpha: Bool
    /// The Pillow image mode the real (Python) API reports in messages such as
    /// `format must be in ['RGBA', 'LA', 'L'], got RGB.`:
    /// PNG: 1-bit grey "1", grey "L" (16-bit grey "I;16"), "RGB", palette "P", grey+alpha "LA"
    /// (16-bit grey+alpha "RGBA", as Pillow maps it), "RGBA" (16-bit RGB(A) still "RGB"/"RGBA");
    /// JPEG: 1 component "L", 3 "RGB", 4 "CMYK"; WebP: "RGB" or "RGBA".
    public let mode: String

    public init(format: ImageFormat, width: Int, height: Int, hasAlpha: Bool, mode: String) {
        self.format = format
        self.width = width
        self.height = height
        self.hasAlpha = hasAlpha
        self.mode = mode
    }
}

/// Why an upload is not an image the API would accept: the format, the defect and, when known,
/// where it is.
public struct ImageInspectionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Starts with the format name, e.g. `PNG IHDR chunk CRC mismatch (stored 0x1234abcd, computed 0x9a0b1c2d)`.
    public let reason: String
    /// Byte offset of the defect when known.
    public let offset: Int?

    public init(reason: String, offset: Int?) {
        self.reason = reason
        self.offset = offset
    }

    public var description: String {
        guard let offset else { return reason }
        return "\(reason) (at byte offset \(offset))"
    }
}

/// Reads the headers of PNG, JPEG and WebP files: format, size, alpha and Pillow mode.
///
/// Built for hostile input: every read is bounds-checked against the buffer before it happens,
/// lengths taken from the file are compared against what remains instead of being added to
/// offsets, and nothing is allocated in proportion to a declared size. PNG chunk CRCs are
/// verified for every chunk except image data (IDAT), which Pillow does not check either; that is
/// also what lets the multipart parser leave image data out (``FileContentRetention``).
public enum ImageInspector {
    /// Detects the format from the signature (never from a file name or declared type) and
    /// reads dimensions, alpha and mode.
    public static func inspect(_ bytes: [UInt8]) throws(ImageInspectionError) -> ImageInfo {
        try inspect(ImageBytes(bytes))
    }

    /// ``inspect(_:)-([UInt8])`` on a file of which the multipart parser may have kept only the
    /// structure (``FileContentRetention/imageStructure``): the result is the same as on the
    /// whole file.
    public static func inspect(_ bytes: ImageBytes) throws(ImageInspectionError) -> ImageInfo {
        switch sniff(bytes) {
        case .png?: return try PNGInspector.inspect(bytes)
        case .jpeg?: return try JPEGInspector.inspect(bytes)
        case .webp?: return try WebPInspector.inspect(bytes)
        case nil: throw unrecognized(bytes)
        }
    }

    /// The format the signature says, or nil.
    ///
    /// PNG: the 8-byte signature. JPEG: `FF D8 FF` (SOI followed by a marker, as Pillow and the
    /// WHATWG sniffing rules require). WebP: `RIFF`, any 4-byte size, `WEBP`.
    public static func sniff(_ bytes: [UInt8]) -> ImageFormat? {
        sniff(ImageBytes(bytes))
    }

    /// ``sniff(_:)-([UInt8])`` on a file that may be kept in part.
    public static func sniff(_ bytes: ImageBytes) -> ImageFormat? {
        if hasPrefix(bytes, Signature.png) { return .png }
        if hasPrefix(bytes, Signature.jpeg) { return .jpeg }
        if bytes.count >= 12, hasPrefix(bytes, Signature.riff), matches(bytes, Signature.webp, at: 8) { return .webp }
        return nil
    }

    enum Signature {
        static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF]
        static let riff: [UInt8] = Array("RIFF".utf8)
        static let webp: [UInt8] = Array("WEBP".utf8)
    }

    /// The error for bytes no signature matched: a cut-off signature, a RIFF file of another
    /// form, or the first bytes of something else.
    static func unrecognized(_ bytes: ImageBytes) -> ImageInspectionError {
        if bytes.isEmpty {
            return ImageInspectionError(reason: "empty file: 0 bytes, not a PNG, JPEG or WebP image", offset: 0)
        }
        for (name, signature) in [("PNG", Signature.png), ("JPEG", Signature.jpeg)]
        where bytes.count < signature.count && signature.starts(with: bytes[0..<bytes.count]) {
            return ImageInspectionError(
                reason: "file is only \(bytes.count) byte\(bytes.count == 1 ? "" : "s") long and ends inside the \(name) signature",
                offset: bytes.count
            )
        }
        if bytes.count < 12 && isWebPSignaturePrefix(bytes) {
            return ImageInspectionError(
                reason: "file is only \(bytes.count) byte\(bytes.count == 1 ? "" : "s") long and ends inside the WebP RIFF header",
                offset: bytes.count
            )
        }
        if bytes.count >= 12 && hasPrefix(bytes, Signature.riff) {
            return ImageInspectionError(
                reason: "not a PNG, JPEG or WebP file: a RIFF file of form type \(fourCC(bytes, at: 8)), not \"WEBP\"",
                offset: 8
            )
        }
        let head = Array(bytes.prefix(4))
        return ImageInspectionError(
            reason: "not a PNG, JPEG or WebP file: it starts with \(hex(head)) (\"\(printable(head))\")",
            offset: 0
        )
    }

    static func isWebPSignaturePrefix(_ bytes: ImageBytes) -> Bool {
        for (index, byte) in bytes[0..<bytes.count].enumerated() {
            if index < 4 && byte != Signature.riff[index] { return false }
            if index >= 8 && index < 12 && byte != Signature.webp[index - 8] { return false }
        }
        return true
    }

    // MARK: - Byte helpers shared by the format readers (callers check bounds first)

    static func hasPrefix(_ bytes: ImageBytes, _ prefix: [UInt8]) -> Bool {
        matches(bytes, prefix, at: 0)
    }

    static func matches(_ bytes: ImageBytes, _ pattern: [UInt8], at offset: Int) -> Bool {
        guard offset >= 0, bytes.count - offset >= pattern.count else { return false }
        for index in 0..<pattern.count where bytes[offset + index] != pattern[index] {
            return false
        }
        return true
    }

    /// Upper-case hex bytes separated by spaces: `89 50 4E 47`.
    static func hex(_ bytes: some Collection<UInt8>) -> String {
        bytes.map { hexByte($0) }.joined(separator: " ")
    }

    static func hexByte(_ byte: UInt8) -> String {
        let text = String(byte, radix: 16, uppercase: true)
        return byte < 0x10 ? "0" + text : text
    }

    /// `0x1234abcd`: eight lower-case hex digits.
    static func hex32(_ value: UInt32) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: 8 - text.count) + text
    }

    /// The bytes as ASCII with anything unprintable shown as `.`.
    static func printable(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.map { (0x20...0x7E).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
    }

    /// A four-character code for messages: `"VP8L"` when printable, else hex bytes.
    /// The caller guarantees four bytes at `offset`.
    static func fourCC(_ bytes: ImageBytes, at offset: Int) -> String {
        let code = bytes[offset..<offset + 4]
        if code.allSatisfy({ (0x20...0x7E).contains($0) }) {
            return "\"" + String(decoding: code, as: UTF8.self) + "\""
        }
        return hex(code)
    }

    // Each reads its bytes through one range look-up: in a file kept in part, every look-up is a
    // search of the omitted runs.

    static func be16(_ bytes: ImageBytes, _ offset: Int) -> Int {
        let b = bytes[offset..<offset + 2]
        let i = b.startIndex
        return Int(b[i]) << 8 | Int(b[i + 1])
    }

    static func be32(_ bytes: ImageBytes, _ offset: Int) -> UInt32 {
        let b = bytes[offset..<offset + 4]
        let i = b.startIndex
        return UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
    }

    static func le16(_ bytes: ImageBytes, _ offset: Int) -> Int {
        let b = bytes[offset..<offset + 2]
        let i = b.startIndex
        return Int(b[i]) | Int(b[i + 1]) << 8
    }

    static func le24(_ bytes: ImageBytes, _ offset: Int) -> Int {
        let b = bytes[offset..<offset + 3]
        let i = b.startIndex
        return Int(b[i]) | Int(b[i + 1]) << 8 | Int(b[i + 2]) << 16
    }

    static func le32(_ bytes: ImageBytes, _ offset: Int) -> UInt32 {
        let b = bytes[offset..<offset + 4]
        let i = b.startIndex
        return UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }
}
