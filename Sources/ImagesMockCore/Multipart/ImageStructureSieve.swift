/// How much of each file part's content ``MultipartParser`` keeps.
public enum FileContentRetention: Sendable, Equatable {
    /// Every byte (the default).
    case whole
    /// Only the bytes an image inspector reads; the rest is counted, and its place recorded in
    /// ``MultipartPart/omitted``, but not stored. Kept: a PNG's signature, chunk headers and every
    /// chunk except image data (IDAT) and whatever follows IEND; a JPEG's markers and segments up
    /// to the length field of its start of scan (SOS); the first 16 bytes of content that is
    /// neither PNG, JPEG nor RIFF. WebP (RIFF) files are kept whole.
    ///
    /// A server answering uploads this way never copies the bulk of an image out of its receive
    /// buffer: a 4 MB PNG costs a few hundred kept bytes instead of a 4 MB buffer written per
    /// request.
    case imageStructure
}

/// Follows a file part's content as it streams in and decides, run by run, which bytes the image
/// inspector will read (kept) and which it never reads (omitted): it walks the same chain of
/// PNG chunks or JPEG segments the inspector walks, from the bytes alone.
///
/// Whenever the content stops looking like the structure the sieve follows (a chunk type that is
/// not four letters, a byte where a JPEG marker should be), it keeps everything from there on:
/// the inspector rejects the file at that point, and keeping too much is always safe. Only
/// well-formed framing leads to omitted runs, and only of bytes the inspector skips by length.
struct ImageStructureSieve: Sendable {
    private enum State: Sendable, Equatable {
        /// The first bytes, kept until the format is known (8 bytes, or the part's end).
        case sniffing
        case keepAll
        case skipAll
        /// Keep this many bytes, then continue with `then`.
        case keep(remaining: Int, then: Next)
        /// Omit this many bytes, then read the next PNG chunk header.
        case skipPNGData(remaining: Int)
        /// Collecting a PNG chunk header (length and type, 8 bytes).
        case pngChunkHeader
        /// Where a JPEG marker (`FF`) must start.
        case jpegMarker
        /// After `FF`: fill bytes or the marker code.
        case jpegFill
        /// The two-byte segment length of `marker`.
        case jpegLength(marker: UInt8)
    }

    private enum Next: Sendable, Equatable {
        case pngChunkHeader, jpegMarker, skipAll
    }

    private var state = State.sniffing
    /// Bytes collected for the sniff (up to 8) or for the current header (PNG 8, JPEG length 2).
    private var collected: UInt64 = 0
    private var collectedCount = 0
    private var sniffed: [UInt8] = []

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let idat: UInt32 = 0x4944_4154
    private static let iend: UInt32 = 0x4945_4E44
    /// What the inspector reads of content it does not recognise: its first bytes, for the message.
    private static let unknownPrefix = 16

    /// The next run of `input[index..<end]` (non-empty): how many bytes, and whether they are kept.
    mutating func next(_ input: Span<UInt8>, from index: Int, to end: Int) -> (keep: Bool, count: Int) {
        let available = end - index
        switch state {
        case .keepAll:
            return (true, available)
        case .skipAll:
            return (false, available)
        case .keep(let remaining, let then):
            let count = min(remaining, available)
            state = count == remaining ? resume(then) : .keep(remaining: remaining - count, then: then)
            return (true, count)
        case .skipPNGData(let remaining):
            let count = min(remaining, available)
            state = count == remaining ? .pngChunkHeader : .skipPNGData(remaining: remaining - count)
            return (false, count)
        case .sniffing, .pngChunkHeader, .jpegMarker, .jpegFill, .jpegLength:
            // Header bytes are read one at a time but handed back as one run.
            var count = 0
            repeat {
                step(input[index + count])
                count += 1
            } while count < available && readsBytes
            return (true, count)
        }
    }

    /// Whether the sieve is in the middle of a header it reads byte by byte.
    private var readsBytes: Bool {
        switch state {
        case .sniffing, .pngChunkHeader, .jpegMarker, .jpegFill, .jpegLength: true
        case .keepAll, .skipAll, .keep, .skipPNGData: false
        }
    }

    private func resume(_ next: Next) -> State {
        switch next {
        case .pngChunkHeader: .pngChunkHeader
        case .jpegMarker: .jpegMarker
        case .skipAll: .skipAll
        }
    }

    /// One kept byte of a header the sieve reads.
    private mutating func step(_ byte: UInt8) {
        switch state {
        case .sniffing:
            sniffed.append(byte)
            if sniffed.count == Self.pngSignature.count { decideFormat() }
        case .pngChunkHeader:
            collected = collected << 8 | UInt64(byte)
            collectedCount += 1
            guard collectedCount == 8 else { return }
            let length = Int(collected >> 32)
            let type = UInt32(truncatingIfNeeded: collected)
            collected = 0
            collectedCount = 0
            guard length <= 0x7FFF_FFFF, Self.isChunkType(type) else {
                state = .keepAll  // the inspector stops at this header
                return
            }
            // Data and CRC: image data is never read; any other chunk is (its CRC is checked).
            if type == Self.idat {
                state = length + 4 > 0 ? .skipPNGData(remaining: length + 4) : .pngChunkHeader
            } else {
                state = .keep(remaining: length + 4, then: type == Self.iend ? .skipAll : .pngChunkHeader)
            }
        case .jpegMarker:
            state = byte == 0xFF ? .jpegFill : .keepAll
        case .jpegFill:
            switch byte {
            case 0xFF: break
            case 0x01, 0xD0...0xD7: state = .jpegMarker  // stand-alone markers
            case 0x00, 0xD8, 0xD9: state = .keepAll  // the inspector stops here
            default: state = .jpegLength(marker: byte)
            }
        case .jpegLength(let marker):
            collected = collected << 8 | UInt64(byte)
            collectedCount += 1
            guard collectedCount == 2 else { return }
            let length = Int(collected)
            collected = 0
            collectedCount = 0
            if length < 2 {
                state = .keepAll
            } else if marker == 0xDA {
                state = .skipAll  // the inspector returns at the start of scan
            } else {
                state = length > 2 ? .keep(remaining: length - 2, then: .jpegMarker) : .jpegMarker
            }
        case .keep(let remaining, let then):
            state = remaining > 1 ? .keep(remaining: remaining - 1, then: then) : resume(then)
        case .keepAll, .skipAll, .skipPNGData:
            break
        }
    }

    /// Called with the first 8 bytes: picks the structure to follow, then replays the bytes past
    /// the signature through it.
    private mutating func decideFormat() {
        let bytes = sniffed
        sniffed = []
        if bytes == Self.pngSignature {
            state = .pngChunkHeader
            return
        }
        if bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF {
            state = .jpegMarker
            for byte in bytes[2...] { step(byte) }
            return
        }
        if bytes.starts(with: "RIFF".utf8) {
            state = .keepAll
            return
        }
        state = .keep(remaining: Self.unknownPrefix - bytes.count, then: .skipAll)
    }

    private static func isChunkType(_ type: UInt32) -> Bool {
        (0..<4).allSatisfy { shift in
            let byte = UInt8(truncatingIfNeeded: type >> (8 * shift))
            return (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
        }
    }
}
