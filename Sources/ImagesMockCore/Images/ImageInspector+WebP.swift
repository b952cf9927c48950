#if canImport(ImagesMockCodecs)
import ImagesMockCodecs
#endif

/// WebP: the RIFF header, then the first chunk: "VP8 " (lossy), "VP8L" (lossless) or "VP8X"
/// (extended, whose chunks are walked up to the image chunk).
enum WebPInspector {
    private typealias I = ImageInspector

    private struct Bitstream {
        let width: Int
        let height: Int
        /// Only VP8L says; nil for VP8.
        let alpha: Bool?
    }

    private static let vp8 = Array("VP8 ".utf8)
    private static let vp8l = Array("VP8L".utf8)
    private static let vp8x = Array("VP8X".utf8)
    private static let alph = Array("ALPH".utf8)

    static func inspect(_ bytes: ImageBytes) throws(ImageInspectionError) -> ImageInfo {
        // RIFF size counts everything after the size field: the file is exactly size + 8 bytes.
        let riffSize = Int(I.le32(bytes, 4))
        let end = riffSize + 8
        guard end <= bytes.count else {
            throw ImageInspectionError(
                reason: "WebP truncated: the RIFF size \(riffSize) says the file is \(end) bytes, but it has only \(bytes.count)",
                offset: 4
            )
        }
        guard end == bytes.count else {
            throw ImageInspectionError(
                reason: "WebP RIFF size \(riffSize) says the file is \(end) bytes, but it has \(bytes.count): \(bytes.count - end) trailing bytes after the RIFF payload",
                offset: end
            )
        }

        let first = 12
        let (firstSize, firstData) = try chunkHeader(bytes, at: first, end: end, padded: false)
        if I.matches(bytes, vp8, at: first) {
            let frame = try lossyFrame(bytes, data: firstData, size: firstSize)
            return info(width: frame.width, height: frame.height, alpha: false)
        }
        if I.matches(bytes, vp8l, at: first) {
            let frame = try losslessHeader(bytes, data: firstData, size: firstSize)
            return info(width: frame.width, height: frame.height, alpha: frame.alpha ?? false)
        }
        if I.matches(bytes, vp8x, at: first) {
            return try extended(bytes, data: firstData, size: firstSize, end: end)
        }
        throw ImageInspectionError(
            reason: "WebP first chunk is \(I.fourCC(bytes, at: first)); expected \"VP8 \", \"VP8L\" or \"VP8X\"",
            offset: first
        )
    }

    private static func info(width: Int, height: Int, alpha: Bool) -> ImageInfo {
        ImageInfo(format: .webp, width: width, height: height, hasAlpha: alpha, mode: alpha ? "RGBA" : "RGB")
    }

    /// Checks that the chunk header at `offset` and its data (plus the pad byte of an odd size
    /// when `padded`) lie within the RIFF payload; returns the data size and start.
    private static func chunkHeader(
        _ bytes: ImageBytes, at offset: Int, end: Int, padded: Bool
    ) throws(ImageInspectionError) -> (size: Int, data: Int) {
        let remaining = end - offset
        guard remaining >= 8 else {
            throw ImageInspectionError(
                reason: "WebP truncated: the RIFF payload ends \(remaining) byte\(remaining == 1 ? "" : "s") after offset \(offset), too few for a chunk header (8 bytes)",
                offset: offset
            )
        }
        let size = Int(I.le32(bytes, offset + 4))
        let needed = padded ? size + (size & 1) : size
        guard needed <= remaining - 8 else {
            throw ImageInspectionError(
                reason: "WebP truncated: the \(I.fourCC(bytes, at: offset)) chunk at offset \(offset) declares \(size) bytes\(needed != size ? " (\(needed) with padding)" : "") but only \(remaining - 8) remain in the RIFF payload",
                offset: offset + 4
            )
        }
        return (size, offset + 8)
    }

    /// VP8 key frame header: 3-byte frame tag, start code 9D 01 2A, 14-bit width and height.
    private static func lossyFrame(_ bytes: ImageBytes, data: Int, size: Int) throws(ImageInspectionError) -> Bitstream {
        guard size >= 10 else {
            throw ImageInspectionError(
                reason: "WebP VP8 chunk is \(size) bytes, too short for a key frame header (10 bytes)",
                offset: data
            )
        }
        let tag = I.le24(bytes, data)
        guard tag & 1 == 0 else {
            throw ImageInspectionError(reason: "WebP VP8 bitstream starts with an interframe, not a key frame", offset: data)
        }
        let profile = (tag >> 1) & 7
        guard profile <= 3 else {
            throw ImageInspectionError(reason: "WebP VP8 profile \(profile) is not defined (0...3)", offset: data)
        }
        guard (tag >> 4) & 1 == 1 else {
            throw ImageInspectionError(reason: "WebP VP8 key frame is marked invisible (show_frame = 0)", offset: data)
        }
        let partition = tag >> 5
        guard partition < size else {
            throw ImageInspectionError(
                reason: "WebP VP8 first partition size \(partition) does not fit in the \(size)-byte chunk",
                offset: data
            )
        }
        guard bytes[data + 3] == 0x9D, bytes[data + 4] == 0x01, bytes[data + 5] == 0x2A else {
            throw ImageInspectionError(
                reason: "WebP VP8 start code is \(I.hex(bytes[data + 3..<data + 6])), expected 9D 01 2A",
                offset: data + 3
            )
        }
        let width = I.le16(bytes, data + 6) & 0x3FFF
        let height = I.le16(bytes, data + 8) & 0x3FFF
        guard width > 0 else {
            throw ImageInspectionError(reason: "WebP VP8 frame width is 0", offset: data + 6)
        }
        guard height > 0 else {
            throw ImageInspectionError(reason: "WebP VP8 frame height is 0", offset: data + 8)
        }
        return Bitstream(width: width, height: height, alpha: nil)
    }

    /// VP8L header: signature 0x2F, then 14 bits width - 1, 14 bits height - 1, 1 alpha bit and
    /// a 3-bit version that must be 0.
    private static func losslessHeader(_ bytes: ImageBytes, data: Int, size: Int) throws(ImageInspectionError) -> Bitstream {
        guard size >= 5 else {
            throw ImageInspectionError(
                reason: "WebP VP8L chunk is \(size) bytes, too short for its header (5 bytes)",
                offset: data
            )
        }
        guard bytes[data] == 0x2F else {
            throw ImageInspectionError(
                reason: "WebP VP8L signature byte is 0x\(I.hexByte(bytes[data])), expected 0x2F",
                offset: data
            )
        }
        let bits = I.le32(bytes, data + 1)
        let version = bits >> 29
        guard version == 0 else {
            throw ImageInspectionError(reason: "WebP VP8L version is \(version), expected 0", offset: data + 4)
        }
        return Bitstream(
            width: Int(bits & 0x3FFF) + 1,
            height: Int((bits >> 14) & 0x3FFF) + 1,
            alpha: (bits >> 28) & 1 == 1
        )
    }

    /// VP8X: flags, 3 reserved bytes, 24-bit canvas width - 1 and height - 1; then the chunks up
    /// to the image ("VP8 " or "VP8L"), whose size must equal the canvas.
    private static func extended(_ bytes: ImageBytes, data: Int, size: Int, end: Int) throws(ImageInspectionError) -> ImageInfo {
        guard size == 10 else {
            throw ImageInspectionError(reason: "WebP VP8X chunk is \(size) bytes, expected 10", offset: data - 4)
        }
        let flags = bytes[data]
        guard flags & 0x02 == 0 else {
            throw ImageInspectionError(reason: "animated WebP is not supported", offset: data)
        }
        let width = I.le24(bytes, data + 4) + 1
        let height = I.le24(bytes, data + 7) + 1
        guard width * height < 1 << 32 else {
            throw ImageInspectionError(
                reason: "WebP VP8X canvas \(width)x\(height) has \(width * height) pixels, more than the WebP limit of 4294967295",
                offset: data + 4
            )
        }
        // libwebp's WebPGetFeatures: the VP8X alpha flag, overridden by a VP8L image's own alpha
        // bit, and set by an ALPH chunk before a VP8 image.
        var alpha = flags & 0x10 != 0
        var offset = data + 10
        while true {
            guard offset < end else {
                throw ImageInspectionError(
                    reason: "WebP VP8X file has no image chunk (\"VP8 \" or \"VP8L\") before the end of the RIFF payload",
                    offset: offset
                )
            }
            let (chunkSize, chunkData) = try chunkHeader(bytes, at: offset, end: end, padded: true)
            let image: Bitstream?
            if I.matches(bytes, vp8, at: offset) {
                image = try lossyFrame(bytes, data: chunkData, size: chunkSize)
            } else if I.matches(bytes, vp8l, at: offset) {
                image = try losslessHeader(bytes, data: chunkData, size: chunkSize)
            } else {
                if I.matches(bytes, alph, at: offset) { alpha = true }
                image = nil
            }
            if let image {
                guard image.width == width && image.height == height else {
                    throw ImageInspectionError(
                        reason: "WebP VP8X canvas is \(width)x\(height) but its \(I.fourCC(bytes, at: offset)) image is \(image.width)x\(image.height)",
                        offset: offset
                    )
                }
                return info(width: width, height: height, alpha: image.alpha ?? alpha)
            }
            offset = chunkData + chunkSize + (chunkSize & 1)
        }
    }
}
