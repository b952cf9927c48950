import ImagesMockCodecs
import Testing

/// A repeatable pseudo-random source (SplitMix64) so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: 0...255, using: &self) }
    }
}

/// CRC-32 as used by PNG chunks (polynomial 0xEDB88320).
func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
    }
    return ~crc
}

func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

/// A copy of `png` whose IHDR declares `width`x`height`, with a correct CRC.
func pngDeclaring(width: UInt32, height: UInt32, from png: [UInt8]) -> [UInt8] {
    var bytes = png
    bytes.replaceSubrange(16..<20, with: bigEndian(width))
    bytes.replaceSubrange(20..<24, with: bigEndian(height))
    bytes.replaceSubrange(29..<33, with: bigEndian(crc32(bytes[12..<29])))
    return bytes
}

/// The message `ImageDecoder.decode` throws for `bytes`, or nil if it decodes.
func decodeError(_ bytes: [UInt8]) -> String? {
    do {
        _ = try ImageDecoder.decode(bytes)
        return nil
    } catch {
        return error.message
    }
}

@Suite("Image decoder on hostile input")
struct HostileInputTests {
    let png = try! ImageEncoder.encode(sampleImage(alpha: true), as: .png, preserveAlpha: true)
    let jpeg = try! ImageEncoder.encode(sampleImage(alpha: false), as: .jpeg, quality: 80, preserveAlpha: false)
    let webp = try! ImageEncoder.encode(sampleImage(alpha: false), as: .webp, quality: 80, preserveAlpha: false)

    @Test func emptyInputThrows() {
        #expect(decodeError([]) == "image data is empty")
    }

    @Test func unknownSignatureIsNamed() {
        let message = decodeError(Array("GIF89a..........".utf8))
        #expect(message == "unrecognised image data: expected a PNG, JPEG or WebP signature, found 47 49 46 38 39 61 2e 2e ...")
    }

    @Test func randomBytesThrow() {
        var random = SplitMix(state: 1)
        for length in [1, 2, 7, 8, 64, 1000] {
            let bytes = random.bytes(length)
            #expect(throws: ImageCodecError.self) { try ImageDecoder.decode(bytes) }
        }
    }

    @Test func signaturesFollowedByGarbageThrow() {
        var random = SplitMix(state: 2)
        let signatures: [[UInt8]] = [
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            [0xFF, 0xD8, 0xFF],
            Array("RIFF".utf8) + [0x10, 0, 0, 0] + Array("WEBP".utf8),
        ]
        for signature in signatures {
            for length in [0, 1, 13, 100, 4096] {
                let bytes = signature + random.bytes(length)
                #expect(throws: ImageCodecError.self) { try ImageDecoder.decode(bytes) }
            }
        }
    }

    /// A PNG cut anywhere before its final IEND chunk throws; libpng (like browsers) does not
    /// need IEND once all pixel data has been read, so losing only IEND still decodes.
    @Test func everyTruncatedPNGThrows() throws {
        let iend = png.count - 12
        #expect(Array(png[(iend + 4)..<(iend + 8)]) == Array("IEND".utf8))
        for length in 1..<iend {
            #expect(decodeError(Array(png.prefix(length))) != nil, "prefix of \(length) bytes")
        }
        for length in iend..<png.count {
            let decoded = try ImageDecoder.decode(Array(png.prefix(length)))
            #expect(decoded.image == sampleImage(alpha: true))
        }
    }

    @Test func everyTruncatedWebPThrows() {
        for length in 1..<webp.count {
            #expect(decodeError(Array(webp.prefix(length))) != nil, "prefix of \(length) bytes")
        }
    }

    /// libjpeg only warns about a file cut short (and fills in grey); the decoder refuses it, as PIL does.
    @Test func everyTruncatedJPEGThrows() {
        for length in 1..<jpeg.count {
            #expect(decodeError(Array(jpeg.prefix(length))) != nil, "prefix of \(length) bytes")
        }
    }

    /// Bytes between the entropy-coded data and the EOI marker only draw a libjpeg warning.
    @Test func jpegWithExtraneousBytesStillDecodes() throws {
        var bytes = jpeg
        #expect(Array(bytes.suffix(2)) == [0xFF, 0xD9])
        bytes.insert(contentsOf: [0x12, 0x34, 0x56], at: bytes.count - 2)
        let decoded = try ImageDecoder.decode(bytes)
        #expect(decoded.image.width == 37 && decoded.image.height == 23)
    }

    @Test func corruptedBytesNeverCrash() {
        var random = SplitMix(state: 3)
        for original in [png, jpeg, webp] {
            for _ in 0..<200 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    bytes[at] = UInt8.random(in: 0...255, using: &random)
                }
                if let decoded = try? ImageDecoder.decode(bytes) {
                    let image = decoded.image
                    #expect(image.pixels.count == image.width * image.height * 4)
                }
            }
        }
    }

    @Test func pngWithAHugeDeclaredEdgeIsRefusedBeforeAllocating() {
        let huge = pngDeclaring(width: 100_000, height: 100_000, from: png)
        #expect(
            decodeError(huge)
                == "PNG is 100000x100000; the largest edge accepted is 16384 pixels"
        )
    }

    @Test func pngOverTheMegapixelLimitIsRefused() {
        let huge = pngDeclaring(width: 12_000, height: 12_000, from: png)
        #expect(
            decodeError(huge)
                == "PNG is 12000x12000 (144000000 pixels); at most 100000000 pixels are accepted"
        )
    }

    @Test func pngWithAWrongCRCThrows() {
        var bytes = pngDeclaring(width: 40, height: 23, from: png)
        bytes[30] ^= 0xFF
        #expect(throws: ImageCodecError.self) { try ImageDecoder.decode(bytes) }
    }

    @Test func pngWithMissingPixelDataThrows() {
        // Declares more rows than the IDAT data holds.
        let taller = pngDeclaring(width: 37, height: 2_000, from: png)
        #expect(throws: ImageCodecError.self) { try ImageDecoder.decode(taller) }
        // At the pixel limit: the 400 MB buffer is reserved but never filled.
        let bomb = pngDeclaring(width: 10_000, height: 10_000, from: png)
        #expect(throws: ImageCodecError.self) { try ImageDecoder.decode(bomb) }
    }

    @Test func jpegWithAHugeDeclaredSizeIsRefused() throws {
        var bytes = jpeg
        let sof = try #require(
            (2..<bytes.count - 9).first { bytes[$0] == 0xFF && (0xC0...0xC2).contains(bytes[$0 + 1]) }
        )
        bytes.replaceSubrange((sof + 5)..<(sof + 9), with: [0xEA, 0x60, 0xEA, 0x60])  // 60000 x 60000
        #expect(
            decodeError(bytes)
                == "JPEG is 60000x60000; the largest edge accepted is 16384 pixels"
        )
    }

    @Test func webpOverTheMegapixelLimitIsRefused() {
        var bytes = webp
        #expect(Array(bytes[12..<16]) == Array("VP8 ".utf8))
        bytes.replaceSubrange(26..<30, with: [0xFF, 0x3F, 0xFF, 0x3F])  // 16383 x 16383
        #expect(
            decodeError(bytes)
                == "WebP is 16383x16383 (268402689 pixels); at most 100000000 pixels are accepted"
        )
    }
}
