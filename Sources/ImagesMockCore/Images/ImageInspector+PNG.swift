#if canImport(ImagesMockCodecs)
import ImagesMockCodecs
#endif

/// PNG: the IHDR header, then every chunk up to IEND with its bounds checked, and its CRC unless it is image data.
enum PNGInspector {
    private typealias I = ImageInspector

    /// Chunk types as big-endian 32-bit values.
    private static let ihdr: UInt32 = 0x4948_4452
    private static let plte: UInt32 = 0x504C_5445
    private static let idat: UInt32 = 0x4944_4154
    private static let iend: UInt32 = 0x4945_4E44
    private static let trns: UInt32 = 0x7452_4E53

    /// The largest chunk length and image edge PNG allows: 2^31 - 1.
    static let maximumValue: UInt32 = 0x7FFF_FFFF

    /// A chunk whose header is in the buffer: `dataStart + length + 4 <= bytes.count` has been checked.
    private struct Chunk {
        let offset: Int
        let type: UInt32
        let length: Int
        var dataStart: Int { offset + 8 }
        var crcOffset: Int { offset + 8 + length }
        var end: Int { offset + 12 + length }
    }

    static func inspect(_ bytes: ImageBytes) throws(ImageInspectionError) -> ImageInfo {
        // IHDR: checked field by field before the generic bounds and CRC check, so the reasons
        // name the header problem first.
        let first = 8
        guard bytes.count - first >= 8 else {
            throw ImageInspectionError(
                reason: "PNG truncated: the file ends \(bytes.count - first) bytes after the signature, before the IHDR chunk header (8 bytes)",
                offset: bytes.count
            )
        }
        guard I.be32(bytes, first + 4) == ihdr else {
            throw ImageInspectionError(reason: "PNG first chunk is \(I.fourCC(bytes, at: first + 4)), expected IHDR", offset: first + 4)
        }
        let ihdrLength = I.be32(bytes, first)
        guard ihdrLength == 13 else {
            throw ImageInspectionError(reason: "PNG IHDR chunk length is \(ihdrLength), expected 13", offset: first)
        }
        let header = try chunk(in: bytes, at: first)
        let data = header.dataStart

        let width = I.be32(bytes, data)
        let height = I.be32(bytes, data + 4)
        for (name, value, offset) in [("width", width, data), ("height", height, data + 4)]
        where value == 0 || value > maximumValue {
            throw ImageInspectionError(reason: "PNG IHDR \(name) is \(value); it must be 1...2147483647", offset: offset)
        }
        let depth = bytes[data + 8]
        let colourType = bytes[data + 9]
        guard let allowedDepths = allowedBitDepths(colourType: colourType) else {
            throw ImageInspectionError(
                reason: "PNG IHDR colour type \(colourType) is not defined (allowed: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA)",
                offset: data + 9
            )
        }
        guard allowedDepths.contains(depth) else {
            throw ImageInspectionError(
                reason: "PNG IHDR bit depth \(depth) is not allowed with colour type \(colourType) (\(colourTypeName(colourType))); allowed: \(allowedDepths.map(String.init).joined(separator: ", "))",
                offset: data + 8
            )
        }
        let compression = bytes[data + 10]
        guard compression == 0 else {
            throw ImageInspectionError(reason: "PNG IHDR compression method \(compression) is not defined (only 0, deflate)", offset: data + 10)
        }
        let filter = bytes[data + 11]
        guard filter == 0 else {
            throw ImageInspectionError(reason: "PNG IHDR filter method \(filter) is not defined (only 0, adaptive)", offset: data + 11)
        }
        let interlace = bytes[data + 12]
        guard interlace <= 1 else {
            throw ImageInspectionError(reason: "PNG IHDR interlace method \(interlace) is not defined (0 none, 1 Adam7)", offset: data + 12)
        }

        // The remaining chunks.
        var offset = header.end
        var sawIDAT = false
        var sawPLTE = false
        var transparency = false
        while true {
            guard offset < bytes.count else {
                // Clean end of the data at a chunk boundary without IEND: tolerated after image
                // data, as browsers and Pillow do.
                if sawIDAT { break }
                throw ImageInspectionError(
                    reason: "PNG has no IDAT chunk: the file ends at offset \(offset) without image data or IEND",
                    offset: offset
                )
            }
            let current = try chunk(in: bytes, at: offset)
            switch current.type {
            case ihdr:
                throw ImageInspectionError(reason: "PNG has a second IHDR chunk", offset: current.offset)
            case plte:
                if colourType == 3 {
                    guard current.length % 3 == 0, current.length >= 3, current.length <= 768 else {
                        throw ImageInspectionError(
                            reason: "PNG PLTE chunk length is \(current.length); it must be a multiple of 3 from 3 to 768 (1 to 256 entries)",
                            offset: current.offset
                        )
                    }
                }
                sawPLTE = true
            case idat:
                if colourType == 3 && !sawPLTE {
                    throw ImageInspectionError(
                        reason: "PNG colour type 3 (palette) needs a PLTE chunk before the first IDAT",
                        offset: current.offset
                    )
                }
                sawIDAT = true
            case trns:
                // Pillow reads ancillary chunks only up to the first IDAT, and ignores tRNS with
                // an alpha channel already present.
                if !sawIDAT && (colourType == 0 || colourType == 2 || colourType == 3) && current.length > 0 {
                    transparency = true
                }
            case iend:
                guard sawIDAT else {
                    throw ImageInspectionError(reason: "PNG has no IDAT chunk before IEND", offset: current.offset)
                }
                guard current.length == 0 else {
                    throw ImageInspectionError(reason: "PNG IEND chunk length is \(current.length), expected 0", offset: current.offset)
                }
            default:
                // Other chunks, critical or not, are skipped (Pillow skips unknown chunks).
                break
            }
            if current.type == iend { break }
            offset = current.end
        }

        return ImageInfo(
            format: .png,
            width: Int(width),
            height: Int(height),
            hasAlpha: colourType == 4 || colourType == 6 || transparency,
            mode: mode(colourType: colourType, depth: depth)
        )
    }

    /// Reads and checks the chunk at `offset`: header in the buffer, a type of four ASCII
    /// letters, a length within PNG's limit and the buffer, and a matching CRC.
    private static func chunk(in bytes: ImageBytes, at offset: Int) throws(ImageInspectionError) -> Chunk {
        let remaining = bytes.count - offset
        guard remaining >= 8 else {
            throw ImageInspectionError(
                reason: "PNG truncated: \(remaining) byte\(remaining == 1 ? "" : "s") after the last chunk, too few for a chunk header (8 bytes)",
                offset: offset
            )
        }
        // The 8-byte header read once: in a file kept in part every read is a search.
        let header = bytes[offset..<offset + 8]
        let typeBytes = header.dropFirst(4)
        guard typeBytes.allSatisfy(isLetter) else {
            throw ImageInspectionError(
                reason: "PNG chunk at offset \(offset) has an invalid type \(I.hex(typeBytes)) (a chunk type is four ASCII letters)",
                offset: offset + 4
            )
        }
        // Built only for messages: a file of millions of tiny chunks must not pay for it.
        var name: String { String(decoding: typeBytes, as: UTF8.self) }
        let declared = header.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard declared <= maximumValue else {
            throw ImageInspectionError(
                reason: "PNG \(name) chunk declares length \(declared), above the PNG limit of 2147483647",
                offset: offset
            )
        }
        let length = Int(declared)
        guard length <= remaining - 12 else {
            throw ImageInspectionError(
                reason: "PNG truncated: the \(name) chunk at offset \(offset) declares \(length) data bytes plus a 4-byte CRC, but only \(remaining - 8) bytes follow its header",
                offset: offset
            )
        }
        let result = Chunk(offset: offset, type: typeBytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }, length: length)
        // Image data is not checksummed, as Pillow (the real API's reader) streams IDAT into zlib
        // without checking CRCs; checking them was a third of the CPU of a 4 MB edit.
        if typeBytes.elementsEqual("IDAT".utf8) { return result }
        let stored = I.be32(bytes, result.crcOffset)
        let computed = CRC32.checksum(bytes, offset + 4..<result.crcOffset)
        guard stored == computed else {
            throw ImageInspectionError(
                reason: "PNG \(name) chunk CRC mismatch (stored \(I.hex32(stored)), computed \(I.hex32(computed)))",
                offset: result.crcOffset
            )
        }
        return result
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    /// The bit depths the PNG specification allows for a colour type, nil for an undefined type.
    static func allowedBitDepths(colourType: UInt8) -> [UInt8]? {
        switch colourType {
        case 0: [1, 2, 4, 8, 16]
        case 2: [8, 16]
        case 3: [1, 2, 4, 8]
        case 4: [8, 16]
        case 6: [8, 16]
        default: nil
        }
    }

    static func colourTypeName(_ colourType: UInt8) -> String {
        switch colourType {
        case 0: "grey"
        case 2: "RGB"
        case 3: "palette"
        case 4: "grey+alpha"
        default: "RGBA"
        }
    }

    /// Pillow's mode for a valid colour type and depth (PngImagePlugin's mode table): 16-bit
    /// grey is "I;16", 16-bit RGB(A) stays "RGB"/"RGBA", and 16-bit grey+alpha becomes "RGBA".
    static func mode(colourType: UInt8, depth: UInt8) -> String {
        switch (colourType, depth) {
        case (0, 1): "1"
        case (0, 16): "I;16"
        case (0, _): "L"
        case (2, _): "RGB"
        case (3, _): "P"
        case (4, 16): "RGBA"
        case (4, _): "LA"
        default: "RGBA"
        }
    }
}
