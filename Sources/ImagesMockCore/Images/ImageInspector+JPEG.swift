#if canImport(ImagesMockCodecs)
import ImagesMockCodecs
#endif

/// JPEG: the marker segments from SOI to the first SOS (start of scan), with the frame header
/// (SOF) read on the way. The entropy-coded scan data after SOS is not examined.
enum JPEGInspector {
    private typealias I = ImageInspector

    private struct Frame {
        let width: Int
        let height: Int
        let components: Int
    }

    static func inspect(_ bytes: ImageBytes) throws(ImageInspectionError) -> ImageInfo {
        var offset = 2  // after SOI (FF D8)
        var frame: Frame?
        while true {
            guard offset < bytes.count else {
                throw ImageInspectionError(
                    reason: frame == nil
                        ? "JPEG truncated: the file ends at offset \(offset) before any SOF frame header"
                        : "JPEG truncated: the file ends at offset \(offset) before the SOS (start of scan) segment",
                    offset: offset
                )
            }
            guard bytes[offset] == 0xFF else {
                throw ImageInspectionError(
                    reason: "JPEG: expected a marker (FF xx) at offset \(offset), found \(I.hex([bytes[offset]]))",
                    offset: offset
                )
            }
            // Any number of FF fill bytes may precede a marker.
            var markerIndex = offset + 1
            while markerIndex < bytes.count && bytes[markerIndex] == 0xFF {
                markerIndex += 1
            }
            guard markerIndex < bytes.count else {
                throw ImageInspectionError(
                    reason: "JPEG truncated: the file ends inside the FF fill bytes starting at offset \(offset)",
                    offset: bytes.count
                )
            }
            let marker = bytes[markerIndex]
            let markerOffset = markerIndex - 1
            // Built only for messages: a file of millions of tiny segments must not pay for it.
            var label: String { self.label(marker) }

            switch marker {
            case 0x00:
                throw ImageInspectionError(
                    reason: "JPEG: FF 00 (a stuffed zero byte) at offset \(markerOffset) where a marker was expected",
                    offset: markerOffset
                )
            case 0x01, 0xD0...0xD7:
                // TEM and RSTn stand alone: no length field.
                offset = markerIndex + 1
                continue
            case 0xD8:
                throw ImageInspectionError(reason: "JPEG has a second SOI (start of image) marker at offset \(markerOffset)", offset: markerOffset)
            case 0xD9:
                throw ImageInspectionError(
                    reason: frame == nil
                        ? "JPEG ends (EOI marker at offset \(markerOffset)) before any SOF frame header"
                        : "JPEG ends (EOI marker at offset \(markerOffset)) before the SOS (start of scan) segment",
                    offset: markerOffset
                )
            default:
                break
            }

            // A segment: a 2-byte length that counts itself, then the payload.
            let lengthOffset = markerIndex + 1
            guard bytes.count - lengthOffset >= 2 else {
                throw ImageInspectionError(
                    reason: "JPEG truncated: marker \(label) at offset \(markerOffset) has no complete length field",
                    offset: lengthOffset
                )
            }
            let length = I.be16(bytes, lengthOffset)
            guard length >= 2 else {
                throw ImageInspectionError(
                    reason: "JPEG segment \(label) at offset \(markerOffset) has length \(length); the length counts its own 2 bytes, so it is at least 2",
                    offset: lengthOffset
                )
            }
            let available = bytes.count - lengthOffset
            guard length <= available else {
                throw ImageInspectionError(
                    reason: "JPEG truncated: segment \(label) at offset \(markerOffset) declares \(length) bytes but only \(available) remain",
                    offset: lengthOffset
                )
            }
            let payload = lengthOffset + 2
            let payloadLength = length - 2

            switch marker {
            case 0xDA:
                guard let frame else {
                    throw ImageInspectionError(
                        reason: "JPEG SOS (start of scan) at offset \(markerOffset) comes before any SOF frame header",
                        offset: markerOffset
                    )
                }
                return ImageInfo(
                    format: .jpeg,
                    width: frame.width,
                    height: frame.height,
                    hasAlpha: false,
                    mode: frame.components == 1 ? "L" : frame.components == 3 ? "RGB" : "CMYK"
                )
            case 0xC0...0xCF where marker != 0xC4 && marker != 0xC8 && marker != 0xCC:
                guard frame == nil else {
                    throw ImageInspectionError(reason: "JPEG has a second frame header \(label) at offset \(markerOffset)", offset: markerOffset)
                }
                frame = try readFrame(bytes, payload: payload, payloadLength: payloadLength, label: label, markerOffset: markerOffset)
            case 0xDB:
                try checkQuantizationTables(bytes, payload: payload, payloadLength: payloadLength, markerOffset: markerOffset)
            default:
                break
            }
            offset = payload + payloadLength
        }
    }

    /// The SOF payload: precision, height, width, component count, then 3 bytes per component.
    private static func readFrame(
        _ bytes: ImageBytes, payload: Int, payloadLength: Int, label: String, markerOffset: Int
    ) throws(ImageInspectionError) -> Frame {
        guard payloadLength >= 6 else {
            throw ImageInspectionError(
                reason: "JPEG frame header \(label) at offset \(markerOffset) has \(payloadLength) payload bytes, too few for precision, size and component count (6)",
                offset: markerOffset
            )
        }
        let precision = bytes[payload]
        let height = I.be16(bytes, payload + 1)
        let width = I.be16(bytes, payload + 3)
        let components = Int(bytes[payload + 5])
        guard payloadLength == 6 + 3 * components else {
            throw ImageInspectionError(
                reason: "JPEG frame header \(label) at offset \(markerOffset) has \(payloadLength) payload bytes; \(components) component\(components == 1 ? "" : "s") need \(6 + 3 * components)",
                offset: markerOffset
            )
        }
        guard precision == 8 else {
            throw ImageInspectionError(
                reason: "JPEG sample precision is \(precision) bits; only 8-bit JPEG is supported",
                offset: payload
            )
        }
        guard height > 0 else {
            throw ImageInspectionError(
                reason: "JPEG frame height is 0 (the height would come from a later DNL marker, which is not supported)",
                offset: payload + 1
            )
        }
        guard width > 0 else {
            throw ImageInspectionError(reason: "JPEG frame width is 0", offset: payload + 3)
        }
        guard components == 1 || components == 3 || components == 4 else {
            throw ImageInspectionError(
                reason: "JPEG frame has \(components) colour components; only 1 (grey), 3 (YCbCr/RGB) or 4 (CMYK) are supported",
                offset: payload + 5
            )
        }
        return Frame(width: width, height: height, components: components)
    }

    /// DQT holds one or more tables of 1 + 64 entries, each entry 1 or 2 bytes: a payload that
    /// does not split into whole tables is rejected, as Pillow does.
    private static func checkQuantizationTables(
        _ bytes: ImageBytes, payload: Int, payloadLength: Int, markerOffset: Int
    ) throws(ImageInspectionError) {
        var position = payload
        let end = payload + payloadLength
        var table = 1
        while position < end {
            let tableLength = bytes[position] >> 4 == 0 ? 65 : 129
            guard end - position >= tableLength else {
                throw ImageInspectionError(
                    reason: "JPEG DQT segment at offset \(markerOffset) is malformed: table \(table) needs \(tableLength) bytes, only \(end - position) remain",
                    offset: position
                )
            }
            position += tableLength
            table += 1
        }
    }

    /// `FFE1 (APP1)`: a marker as messages name it.
    static func label(_ marker: UInt8) -> String {
        "FF\(I.hexByte(marker)) (\(name(of: marker)))"
    }

    /// The standard name of a marker: SOF0, DHT, APP1, COM, ...
    static func name(of marker: UInt8) -> String {
        switch marker {
        case 0x01: "TEM"
        case 0xC4: "DHT"
        case 0xC8: "JPG"
        case 0xCC: "DAC"
        case 0xC0...0xCF: "SOF\(marker - 0xC0)"
        case 0xD0...0xD7: "RST\(marker - 0xD0)"
        case 0xD8: "SOI"
        case 0xD9: "EOI"
        case 0xDA: "SOS"
        case 0xDB: "DQT"
        case 0xDC: "DNL"
        case 0xDD: "DRI"
        case 0xDE: "DHP"
        case 0xDF: "EXP"
        case 0xE0...0xEF: "APP\(marker - 0xE0)"
        case 0xF0...0xFD: "JPG\(marker - 0xF0)"
        case 0xFE: "COM"
        default: "reserved"
        }
    }
}
