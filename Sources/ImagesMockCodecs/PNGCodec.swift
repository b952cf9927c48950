private import CImageCodecs

/// PNG through libpng's simplified API, which reports errors through return codes and the
/// `png_image.message` field (libpng's own longjmp stays inside libpng).
enum PNGCodec {
    // Swift does not import libpng's composite PNG_FORMAT_RGBA macro, so it is spelt out here.
    private static let formatRGB = png_uint_32(PNG_FORMAT_FLAG_COLOR)
    private static let formatRGBA = png_uint_32(PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA)

    /// Written with PNG_IMAGE_FLAG_FAST (lighter zlib effort): measured on a 1024x1024 placeholder,
    /// about 3x faster to encode than the default for files about 10% larger.
    static func encode(_ image: RGBAImage, preserveAlpha: Bool) throws(ImageCodecError) -> [UInt8] {
        let channels = preserveAlpha ? 4 : 3
        let source = preserveAlpha ? image.pixels : ImageEncoder.rgbBytes(of: image)

        var capacity = worstCaseSize(width: image.width, height: image.height, channels: channels)
        // A second attempt only happens if the bound above were ever wrong: libpng then reports the size it needs.
        for _ in 0..<2 {
            var png = png_image()
            png.version = png_uint_32(PNG_IMAGE_VERSION)
            png.width = png_uint_32(image.width)
            png.height = png_uint_32(image.height)
            png.format = preserveAlpha ? formatRGBA : formatRGB
            png.flags = png_uint_32(PNG_IMAGE_FLAG_FAST)

            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
            defer { scratch.deallocate() }
            var size = png_alloc_size_t(capacity)
            let ok = source.withUnsafeBytes { pixels in
                png_image_write_to_memory(&png, scratch.baseAddress, &size, 0, pixels.baseAddress, 0, nil)
            }
            let message = messageText(&png)
            png_image_free(&png)
            if ok != 0 {
                return [UInt8](UnsafeRawBufferPointer(rebasing: scratch[0..<Int(size)]))
            }
            if Int(size) > capacity {
                capacity = Int(size)
                continue
            }
            throw ImageCodecError(message: "PNG encoding failed: \(message)")
        }
        throw ImageCodecError(message: "PNG encoding failed: output buffer too small")
    }

    static func decode(_ bytes: [UInt8]) throws(ImageCodecError) -> ImageDecoder.Decoded {
        var png = png_image()
        png.version = png_uint_32(PNG_IMAGE_VERSION)
        let begun = bytes.withUnsafeBytes { data in
            png_image_begin_read_from_memory(&png, data.baseAddress, data.count)
        }
        guard begun != 0 else {
            let message = messageText(&png)
            png_image_free(&png)
            throw ImageCodecError(message: "PNG is invalid: \(message)")
        }
        let width = Int(png.width)
        let height = Int(png.height)
        let hasAlpha = png.format & png_uint_32(PNG_FORMAT_FLAG_ALPHA) != 0
        do {
            try ImageLimits.check(width: width, height: height, format: .png)
        } catch {
            png_image_free(&png)
            throw error
        }

        png.format = formatRGBA
        // A 16-bit file without gAMA or sRGB is sRGB-encoded, as viewers and Pillow take it;
        // libpng's default (linear) made such pictures come out visibly lighter.
        png.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
        var ok: Int32 = 0
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 4) { buffer, initialized in
            ok = png_image_finish_read(&png, nil, buffer.baseAddress, 0, nil)
            // libpng writes every byte on success; on failure the array is dropped unused.
            initialized = ok != 0 ? buffer.count : 0
        }
        guard ok != 0 else {
            let message = messageText(&png)
            png_image_free(&png)
            throw ImageCodecError(message: "PNG is invalid: \(message)")
        }
        png_image_free(&png)
        return ImageDecoder.Decoded(
            image: RGBAImage(width: width, height: height, pixels: pixels),
            format: .png,
            hasAlpha: hasAlpha
        )
    }

    /// libpng's PNG_IMAGE_PNG_SIZE_MAX for a non-colour-mapped image, plus some slack.
    static func worstCaseSize(width: Int, height: Int, channels: Int) -> Int {
        let data = height * (width * channels + 1)
        let zlib = data + (data + 7) / 8 + (data + 63) / 64 + 11
        let chunks = 8 + 25 + 16 + 44 + 12 + 12 + 12 * (zlib / 8192 + 1)
        return zlib + chunks + 1024
    }

    private static func messageText(_ png: inout png_image) -> String {
        let text = withUnsafeBytes(of: &png.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        return text.isEmpty ? "unknown libpng error" : text
    }
}
