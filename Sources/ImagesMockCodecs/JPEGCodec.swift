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

        // Four-colour files decode as CMYK (TurboJPEG converts them to no RGB format) and are
        // turned into RGB below, as Pillow converts them.
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let pixelFormat = isCMYK ? TJPF_CMYK : TJPF_RGBA

        // Pages of the (possibly large) buffer are only touched as rows are decoded.
        var failure: String? = nil
        var pixels = [UInt8](unsafeUninitializedCapacity: Int(width) * Int(height) * 4) { buffer, initialized in
            let status = bytes.withUnsafeBufferPointer { data in
                tjDecompress2(
                    handle, data.baseAddress, UInt(data.count), buffer.baseAddress,
                    width, 0, height, Int32(pixelFormat.rawValue), TJFLAG_LIMITSCANS
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
        if isCMYK { convertCMYKToRGBA(&pixels, inverted: hasAdobeMarker(bytes)) }
        return ImageDecoder.Decoded(
            image: RGBAImage(width: Int(width), height: Int(height), pixels: pixels),
            format: .jpeg,
            hasAlpha: false
        )
    }

    /// CMYK to RGB as Pillow does it: R = (255 − C)(255 − K)/255, and so on; alpha opaque.
    /// Adobe's files (an APP14 "Adobe" segment: Photoshop's, and Pillow's own) store every ink
    /// inverted, so there R = C·K/255.
    static func convertCMYKToRGBA(_ pixels: inout [UInt8], inverted: Bool) {
        for offset in stride(from: 0, to: pixels.count, by: 4) {
            var key = Int(pixels[offset + 3])
            if !inverted { key = 255 - key }
            for channel in 0..<3 {
                var ink = Int(pixels[offset + channel])
                if !inverted { ink = 255 - ink }
                pixels[offset + channel] = UInt8((ink * key + 127) / 255)
            }
            pixels[offset + 3] = 255
        }
    }

    /// Whether an APP14 segment starting "Adobe" comes before the start of scan.
    static func hasAdobeMarker(_ bytes: [UInt8]) -> Bool {
        var index = 2
        while index + 4 <= bytes.count, bytes[index] == 0xFF {
            let marker = bytes[index + 1]
            if marker == 0xDA || marker == 0xD9 { return false }
            let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
            if marker == 0xEE, index + 9 <= bytes.count, bytes[(index + 4)..<(index + 9)].elementsEqual("Adobe".utf8) { return true }
            guard length >= 2 else { return false }
            index += 2 + length
        }
        return false
    }

    private static func errorText(_ handle: tjhandle?) -> String {
        guard let text = tjGetErrorStr2(handle) else { return "unknown TurboJPEG error" }
        return String(cString: text)
    }
}
