/// Recognises and decodes PNG, JPEG and WebP files.
public enum ImageDecoder {
    public struct Decoded: Sendable {
        public let image: RGBAImage
        public let format: ImageFormat
        /// Whether the file carries an alpha channel or transparency information
        /// (PNG colour types 4 and 6 or a tRNS chunk, WebP with alpha; never JPEG).
        public let hasAlpha: Bool

        public init(image: RGBAImage, format: ImageFormat, hasAlpha: Bool) {
            self.image = image
            self.format = format
            self.hasAlpha = hasAlpha
        }
    }

    /// Detects the format from the signature bytes. Never crashes on hostile input; bounds dimensions (reject > 16384 per edge or > 100 megapixels) before allocating.
    public static func decode(_ bytes: [UInt8]) throws(ImageCodecError) -> Decoded {
        guard !bytes.isEmpty else {
            throw ImageCodecError(message: "image data is empty")
        }
        guard let format = detectFormat(bytes) else {
            throw ImageCodecError(
                message: "unrecognised image data: expected a PNG, JPEG or WebP signature, found \(hexPrefix(bytes))"
            )
        }
        switch format {
        case .png: return try PNGCodec.decode(bytes)
        case .jpeg: return try JPEGCodec.decode(bytes)
        case .webp: return try WebPCodec.decode(bytes)
        }
    }

    /// The format whose signature `bytes` starts with, if any.
    public static func detectFormat(_ bytes: [UInt8]) -> ImageFormat? {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)),
            bytes[8..<12].elementsEqual("WEBP".utf8)
        {
            return .webp
        }
        return nil
    }

    private static func hexPrefix(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for (i, byte) in bytes.prefix(8).enumerated() {
            if i > 0 { text.append(UInt8(ascii: " ")) }
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        let suffix = bytes.count > 8 ? " ..." : ""
        return String(decoding: text, as: UTF8.self) + suffix
    }
}
