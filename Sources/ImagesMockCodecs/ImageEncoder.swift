/// Encodes RGBA bitmaps as PNG, JPEG or WebP.
public enum ImageEncoder {
    /// quality 0...100 is used for jpeg and webp (lossy); png ignores it.
    /// preserveAlpha false writes an opaque image (PNG colour type RGB, JPEG always opaque, WebP without alpha).
    ///
    /// Dropping alpha keeps each pixel's colour channels as they are (no compositing): the renderer
    /// stores meaningful colours under transparent pixels, so the opaque image still looks right.
    /// Out-of-range qualities are clamped (JPEG's lowest is 1).
    public static func encode(
        _ image: RGBAImage,
        as format: ImageFormat,
        quality: Int = 100,
        preserveAlpha: Bool
    ) throws(ImageCodecError) -> [UInt8] {
        guard image.width > 0, image.height > 0 else {
            throw ImageCodecError(
                message: "cannot encode an empty \(image.width)x\(image.height) image as \(format.displayName)"
            )
        }
        guard image.pixels.count == image.width * image.height * 4 else {
            throw ImageCodecError(
                message: "cannot encode \(image.width)x\(image.height) image: expected \(image.width * image.height * 4) RGBA bytes, found \(image.pixels.count)"
            )
        }
        let quality = min(max(quality, 0), 100)
        switch format {
        case .png:
            return try PNGCodec.encode(image, preserveAlpha: preserveAlpha)
        case .jpeg:
            return try JPEGCodec.encode(image, quality: quality)
        case .webp:
            return try WebPCodec.encode(image, quality: quality, preserveAlpha: preserveAlpha)
        }
    }

    /// The RGB bytes of `image`, alpha dropped.
    static func rgbBytes(of image: RGBAImage) -> [UInt8] {
        let pixelCount = image.width * image.height
        let source = image.pixels
        return [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { rgb, initialized in
            source.withUnsafeBufferPointer { rgba in
                var s = 0
                var d = 0
                for _ in 0..<pixelCount {
                    rgb[d] = rgba[s]
                    rgb[d + 1] = rgba[s + 1]
                    rgb[d + 2] = rgba[s + 2]
                    s += 4
                    d += 3
                }
            }
            initialized = pixelCount * 3
        }
    }
}
