private import CImageCodecs

/// JPEG through the TurboJPEG API, which reports errors through return codes
/// (libjpeg's longjmp stays inside libturbojpeg).
enum JPEGCodec {
    /// Qualities of 90 and above keep full chroma resolution (4:4:4) so coloured text stays crisp;
    /// lower qualities use 4:2:0 like most encoders. The alpha channel is ignored.
    static func encode(_ image: RGBAImage, quality: Int) throws(ImageCodecError) -> [UInt8] {
        guard let handle = tjInitCompress() else {
            throw ImageCodecError(message: "JPEG encoding failed: \(errorText(nil))")
        }
        defer { tjDestroy(handle) }

        let subsampling = quality >= 90 ? TJSAMP_444 : TJSAMP_420
        var jpeg: UnsafeMutablePointer<UInt8>? = nil
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height),
                Int32(TJPF_RGBA.rawValue), &jpeg, &size,
                Int32(subsampling.rawValue), Int32(max(quality, 1)), 0
            )
        }
        defer { if let jpeg { tjFree(jpeg) } }
        guard status == 0, let jpeg, size > 0 else {
            throw ImageCodecError(message: "JPEG encoding failed: \(errorText(handle))")
        }
        return [UInt8](UnsafeBufferPointer(start: jpeg, count: Int(size)))
    }

    /// Like PIL, a file cut short is refused (libjpeg's "Premature end of JPEG file" warning,
    /// which would otherwise fill the missing rows with grey), while other warnings such as
    /// extraneous bytes before a marker are tolerated. Progressive files are limited to 500 scans.
    static func decode(_ bytes: [UInt8]) throws(ImageCodecError) -> ImageDecoder.Decoded {
        guard let handle = tjInitDecompress() else {
            throw ImageCodecError(message: "JPEG decoding failed: \(errorText(nil))")
        }
        defer { tjDestroy(handle) }

        var width: Int32 = 0
        var height: Int32 = 0
        var subsampling: Int32 = 0
        var colorspace: Int32 = 0
        let headerStatus = bytes.withUnsafeBufferPointer { data in
            tjDecompressHeader3(handle, data.baseAddress, UInt(data.count), &width, &height, &subsampling, &colorspace)
        }
        guard headerStatus == 0 else {
            throw ImageCodecError(message: "JPEG is invalid: \(errorText(handle))")
        }
        try ImageLimits.check(width: Int(width), height: Int(height), format: .jpeg)

        // Pages of the (possibly large) buffer are only touched as rows are decoded.
        var failure: String? = nil
        let pixels = [UInt8](unsafeUninitializedCapacity: Int(width) * Int(height) * 4) { buffer, initialized in
            let status = bytes.withUnsafeBufferPointer { data in
                tjDecompress2(
                    handle, data.baseAddress, UInt(data.count), buffer.baseAddress,
                    width, 0, height, Int32(TJPF_RGBA.rawValue), TJFLAG_LIMITSCANS
                )
            }
            if status != 0 {
                let message = errorText(handle)
                if tjGetErrorCode(handle) != Int32(TJERR_WARNING.rawValue) || message.contains("Premature end") {
                    failure = message
                }
            }
            // On success (or a tolerated warning) every row has been written.
            initialized = failure == nil ? buffer.count : 0
        }
        if let failure {
            throw ImageCodecError(message: "JPEG is invalid: \(failure)")
        }
        return ImageDecoder.Decoded(
            image: RGBAImage(width: Int(width), height: Int(height), pixels: pixels),
            format: .jpeg,
            hasAlpha: false
        )
    }

    private static func errorText(_ handle: tjhandle?) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }
}
