private import CImageCodecs

/// WebP through libwebp's simple API (lossy encoding; decoding of lossy, lossless and alpha files).
enum WebPCodec {
    /// libwebp's own limit on either edge.
    static let maximumEdge = 16_383

    static func encode(_ image: RGBAImage, quality: Int, preserveAlpha: Bool) throws(ImageCodecError) -> [UInt8] {
        guard image.width <= maximumEdge, image.height <= maximumEdge else {
            throw ImageCodecError(
                message: "WebP encoding failed: \(image.width)x\(image.height) exceeds WebP's \(maximumEdge)-pixel edge limit"
            )
        }
        var output: UnsafeMutablePointer<UInt8>? = nil
        let factor = Float(quality)
        let size: Int
        if preserveAlpha {
            size = image.pixels.withUnsafeBufferPointer { pixels in
                WebPEncodeRGBA(pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width * 4), factor, &output)
            }
        } else {
            let rgb = ImageEncoder.rgbBytes(of: image)
            size = rgb.withUnsafeBufferPointer { pixels in
                WebPEncodeRGB(pixels.baseAddress, Int32(image.width), Int32(image.height), Int32(image.width * 3), factor, &output)
            }
        }
        defer { if let output { WebPFree(output) } }
        guard size > 0, let output else {
            throw ImageCodecError(message: "WebP encoding failed for a \(image.width)x\(image.height) image")
        }
        return [UInt8](UnsafeBufferPointer(start: output, count: size))
    }

    /// Animated WebP files are rejected: the mock accepts still images only.
    static func decode(_ bytes: [UInt8]) throws(ImageCodecError) -> ImageDecoder.Decoded {
        var features = WebPBitstreamFeatures()
        let status = bytes.withUnsafeBufferPointer { data in
            WebPGetFeatures(data.baseAddress, data.count, &features)
        }
        guard status == VP8_STATUS_OK else {
            throw ImageCodecError(message: "WebP is invalid: \(describe(status))")
        }
        guard features.has_animation == 0 else {
            throw ImageCodecError(message: "WebP is animated; only still images are supported")
        }
        let width = Int(features.width)
        let height = Int(features.height)
        try ImageLimits.check(width: width, height: height, format: .webp)

        var decoded = false
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buffer, initialized in
            decoded = bytes.withUnsafeBufferPointer { data in
                WebPDecodeRGBAInto(data.baseAddress, data.count, buffer.baseAddress, buffer.count, Int32(width * 4))
            } != nil
            // libwebp writes every byte on success; on failure the array is dropped unused.
            initialized = decoded ? buffer.count : 0
        }
        guard decoded else {
            throw ImageCodecError(message: "WebP is invalid: the bitstream could not be decoded")
        }
        return ImageDecoder.Decoded(
            image: RGBAImage(width: width, height: height, pixels: pixels),
            format: .webp,
            hasAlpha: features.has_alpha != 0
        )
    }

    private static func describe(_ status: VP8StatusCode) -> String {
        switch status {
        case VP8_STATUS_OUT_OF_MEMORY: "out of memory"
        case VP8_STATUS_INVALID_PARAM: "invalid parameter"
        case VP8_STATUS_BITSTREAM_ERROR: "bitstream error"
        case VP8_STATUS_UNSUPPORTED_FEATURE: "unsupported feature"
        case VP8_STATUS_NOT_ENOUGH_DATA: "not enough data (truncated file)"
        default: "decoder status \(status.rawValue)"
        }
    }
}
