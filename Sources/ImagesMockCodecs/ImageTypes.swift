/// The image formats the mock reads and writes.
public enum ImageFormat: String, Sendable, CaseIterable, Hashable {
    case png
    case jpeg
    case webp

    /// The media type sent in `Content-Type` and data URLs.
    public var mimeType: String {
        switch self {
        case .png: "image/png"
        case .jpeg: "image/jpeg"
        case .webp: "image/webp"
        }
    }
}

/// An 8-bit RGBA bitmap: row-major, 4 bytes per pixel, no row padding, straight (not premultiplied) alpha.
public struct RGBAImage: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// `width * height * 4` bytes: R, G, B, A for each pixel, top row first.
    public var pixels: [UInt8]

    /// - Precondition: `width >= 0`, `height >= 0` and `pixels.count == width * height * 4`.
    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width >= 0 && height >= 0, "RGBAImage: negative dimensions \(width)x\(height)")
        precondition(
            pixels.count == width * height * 4,
            "RGBAImage: \(width)x\(height) needs \(width * height * 4) bytes, got \(pixels.count)"
        )
        self.width = width
        self.height = height
        self.pixels = pixels
    }
}

/// Why an image could not be encoded or decoded. `message` names the format and the defect.
public struct ImageCodecError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Limits applied before any pixel buffer is allocated for a decoded image.
public enum ImageLimits {
    /// The largest width or height accepted by the decoder, in pixels.
    public static let maximumEdge = 16_384
    /// The largest `width * height` accepted by the decoder (100 megapixels).
    public static let maximumPixelCount = 100_000_000

    /// Throws unless `width`x`height` is a non-empty size within the limits.
    static func check(width: Int, height: Int, format: ImageFormat) throws(ImageCodecError) {
        let name = format.displayName
        guard width > 0, height > 0 else {
            throw ImageCodecError(message: "\(name) declares an empty image (\(width)x\(height))")
        }
        guard width <= maximumEdge, height <= maximumEdge else {
            throw ImageCodecError(
                message: "\(name) is \(width)x\(height); the largest edge accepted is \(maximumEdge) pixels"
            )
        }
        guard width * height <= maximumPixelCount else {
            throw ImageCodecError(
                message: "\(name) is \(width)x\(height) (\(width * height) pixels); at most \(maximumPixelCount) pixels are accepted"
            )
        }
    }
}

extension ImageFormat {
    /// "PNG", "JPEG", "WebP": used at the start of error messages.
    var displayName: String {
        switch self {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .webp: "WebP"
        }
    }
}
