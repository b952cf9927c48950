import Foundation
import ImagesMockCodecs
@testable import ImagesMockCore
import Testing

// MARK: - Builders for files the encoder cannot make

/// Bitwise CRC-32 (PNG), deliberately independent of the table-driven one under test.
func referenceCRC(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in bytes {
        crc ^= UInt32(byte)
        for _ in 0..<8 {
            crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1
        }
    }
    return ~crc
}

func be32(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

func le32(_ value: Int) -> [UInt8] {
    [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 24) & 0xFF)]
}

func le24(_ value: Int) -> [UInt8] {
    Array(le32(value).prefix(3))
}

let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

/// One PNG chunk: length, type, data, CRC.
func pngChunk(_ type: String, _ data: [UInt8] = []) -> [UInt8] {
    let typeAndData = Array(type.utf8) + data
    return be32(UInt32(data.count)) + typeAndData + be32(referenceCRC(typeAndData))
}

func ihdrData(width: UInt32, height: UInt32, depth: UInt8, colourType: UInt8, interlace: UInt8 = 0) -> [UInt8] {
    be32(width) + be32(height) + [depth, colourType, 0, 0, interlace]
}

/// A PNG with the given IHDR fields, `extra` chunks before the image data, one IDAT (its
/// contents are never decompressed by the inspector) and IEND.
func makePNG(
    width: UInt32 = 5, height: UInt32 = 3, depth: UInt8 = 8, colourType: UInt8 = 2, interlace: UInt8 = 0,
    extra: [[UInt8]] = [], idat: Bool = true, iend: Bool = true
) -> [UInt8] {
    var bytes = pngSignature + pngChunk("IHDR", ihdrData(width: width, height: height, depth: depth, colourType: colourType, interlace: interlace))
    for chunk in extra { bytes += chunk }
    if idat { bytes += pngChunk("IDAT", [0x78, 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01]) }
    if iend { bytes += pngChunk("IEND") }
    return bytes
}

/// A JPEG header: SOI, APP0 (JFIF), DQT, a frame header, DHT, SOS, a few scan bytes and EOI.
func makeJPEG(
    width: Int = 40, height: Int = 30, components: Int = 3, precision: UInt8 = 8, sof: UInt8 = 0xC0,
    beforeFrame: [UInt8] = []
) -> [UInt8] {
    func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }
    var bytes: [UInt8] = [0xFF, 0xD8]
    bytes += segment(0xE0, Array("JFIF".utf8) + [0, 1, 1, 0, 0, 1, 0, 1, 0, 0])
    bytes += segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
    bytes += beforeFrame
    var frame: [UInt8] = [precision, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8), UInt8(width & 0xFF), UInt8(components)]
    for id in 0..<components { frame += [UInt8(id + 1), 0x11, 0] }
    bytes += segment(sof, frame)
    bytes += segment(0xC4, [0x00] + [UInt8](repeating: 0, count: 16))
    bytes += segment(0xDA, [1, 1, 0, 0, 63, 0])
    bytes += [0x12, 0x34, 0xFF, 0x00, 0x56, 0xFF, 0xD9]
    return bytes
}

/// A RIFF/WEBP file around `chunks`, with a correct RIFF size.
func makeWebP(_ chunks: [UInt8]) -> [UInt8] {
    Array("RIFF".utf8) + le32(chunks.count + 4) + Array("WEBP".utf8) + chunks
}

/// A WebP chunk with its size and, for odd sizes, the pad byte.
func webpChunk(_ fourCC: String, _ data: [UInt8]) -> [UInt8] {
    Array(fourCC.utf8) + le32(data.count) + data + (data.count % 2 == 1 ? [0] : [])
}

/// A VP8 key frame header (frame tag, start code, 14-bit sizes) plus filler.
func vp8Frame(width: Int, height: Int, startCode: [UInt8] = [0x9D, 0x01, 0x2A]) -> [UInt8] {
    // Key frame (bit 0 clear), profile 0, shown (bit 4), first partition of 8 bytes.
    let tag = 0 | 1 << 4 | 8 << 5
    return le24(tag) + startCode + [UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8)]
        + [UInt8](repeating: 0, count: 10)
}

/// A VP8L header: signature, 14-bit width - 1 and height - 1, alpha bit, version 0.
func vp8lHeader(width: Int, height: Int, alpha: Bool) -> [UInt8] {
    let bits = (width - 1) | (height - 1) << 14 | (alpha ? 1 << 28 : 0)
    return [0x2F] + le32(bits) + [0, 0, 0]
}

func vp8xData(flags: UInt8, width: Int, height: Int) -> [UInt8] {
    [flags, 0, 0, 0] + le24(width - 1) + le24(height - 1)
}

/// A smooth test picture with an alpha ramp, optionally opaque.
func gradient(width: Int, height: Int, alpha: Bool) -> RGBAImage {
    var pixels = [UInt8](repeating: 255, count: width * height * 4)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 4
            pixels[i] = UInt8(x * 255 / max(width - 1, 1))
            pixels[i + 1] = UInt8(y * 255 / max(height - 1, 1))
            pixels[i + 2] = UInt8((x * y) % 256)
            if alpha { pixels[i + 3] = UInt8((x * 5 + y * 3) % 256) }
        }
    }
    return RGBAImage(width: width, height: height, pixels: pixels)
}

/// The error `ImageInspector.inspect` throws, or nil when it succeeds.
private func inspectionError(_ bytes: [UInt8]) -> ImageInspectionError? {
    do {
        _ = try ImageInspector.inspect(bytes)
        return nil
    } catch {
        return error
    }
}

private func expectError(
    _ bytes: [UInt8], _ reason: String, at offset: Int?, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(inspectionError(bytes) == ImageInspectionError(reason: reason, offset: offset), sourceLocation: sourceLocation)
}

// MARK: - Valid files

@Suite("ImageInspector: valid files")
struct ImageInspectorValidFileTests {
    @Test func encoderPNGs() throws {
        let rgba = try ImageEncoder.encode(gradient(width: 37, height: 23, alpha: true), as: .png, preserveAlpha: true)
        #expect(try ImageInspector.inspect(rgba) == ImageInfo(format: .png, width: 37, height: 23, hasAlpha: true, mode: "RGBA"))
        let rgb = try ImageEncoder.encode(gradient(width: 37, height: 23, alpha: true), as: .png, preserveAlpha: false)
        #expect(try ImageInspector.inspect(rgb) == ImageInfo(format: .png, width: 37, height: 23, hasAlpha: false, mode: "RGB"))
    }

    @Test func encoderJPEG() throws {
        let jpeg = try ImageEncoder.encode(gradient(width: 64, height: 17, alpha: false), as: .jpeg, quality: 80, preserveAlpha: false)
        #expect(try ImageInspector.inspect(jpeg) == ImageInfo(format: .jpeg, width: 64, height: 17, hasAlpha: false, mode: "RGB"))
    }

    @Test func encoderWebPs() throws {
        // Opaque: a simple lossy "VP8 " file. With alpha: VP8X + ALPH + VP8.
        let opaque = try ImageEncoder.encode(gradient(width: 33, height: 21, alpha: false), as: .webp, quality: 80, preserveAlpha: false)
        #expect(Array(opaque[12..<16]) == Array("VP8 ".utf8))
        #expect(try ImageInspector.inspect(opaque) == ImageInfo(format: .webp, width: 33, height: 21, hasAlpha: false, mode: "RGB"))
        let translucent = try ImageEncoder.encode(gradient(width: 33, height: 21, alpha: true), as: .webp, quality: 80, preserveAlpha: true)
        #expect(Array(translucent[12..<16]) == Array("VP8X".utf8))
        #expect(try ImageInspector.inspect(translucent) == ImageInfo(format: .webp, width: 33, height: 21, hasAlpha: true, mode: "RGBA"))
    }

    struct PNGModeCase: Sendable, CustomTestStringConvertible {
        let depth: UInt8
        let colourType: UInt8
        let transparency: Bool
        let mode: String
        let hasAlpha: Bool
        var testDescription: String { "colour type \(colourType), \(depth)-bit\(transparency ? " + tRNS" : "") → \(mode)" }
    }

    static let pngModes: [PNGModeCase] = [
        .init(depth: 1, colourType: 0, transparency: false, mode: "1", hasAlpha: false),
        .init(depth: 2, colourType: 0, transparency: false, mode: "L", hasAlpha: false),
        .init(depth: 4, colourType: 0, transparency: false, mode: "L", hasAlpha: false),
        .init(depth: 8, colourType: 0, transparency: false, mode: "L", hasAlpha: false),
        .init(depth: 8, colourType: 0, transparency: true, mode: "L", hasAlpha: true),
        .init(depth: 16, colourType: 0, transparency: false, mode: "I;16", hasAlpha: false),
        .init(depth: 8, colourType: 2, transparency: false, mode: "RGB", hasAlpha: false),
        .init(depth: 16, colourType: 2, transparency: false, mode: "RGB", hasAlpha: false),
        .init(depth: 8, colourType: 2, transparency: true, mode: "RGB", hasAlpha: true),
        .init(depth: 1, colourType: 3, transparency: false, mode: "P", hasAlpha: false),
        .init(depth: 8, colourType: 3, transparency: false, mode: "P", hasAlpha: false),
        .init(depth: 8, colourType: 3, transparency: true, mode: "P", hasAlpha: true),
        .init(depth: 8, colourType: 4, transparency: false, mode: "LA", hasAlpha: true),
        .init(depth: 16, colourType: 4, transparency: false, mode: "RGBA", hasAlpha: true),
        .init(depth: 8, colourType: 6, transparency: false, mode: "RGBA", hasAlpha: true),
        .init(depth: 16, colourType: 6, transparency: false, mode: "RGBA", hasAlpha: true),
    ]

    @Test(arguments: pngModes)
    func handBuiltPNGModes(_ c: PNGModeCase) throws {
        var extra: [[UInt8]] = []
        if c.colourType == 3 { extra.append(pngChunk("PLTE", [0, 0, 0, 255, 255, 255])) }
        if c.transparency {
            extra.append(pngChunk("tRNS", c.colourType == 3 ? [0] : c.colourType == 0 ? [0, 0] : [0, 0, 0, 0, 0, 0]))
        }
        let png = makePNG(width: 300, height: 200, depth: c.depth, colourType: c.colourType, extra: extra)
        #expect(try ImageInspector.inspect(png) == ImageInfo(format: .png, width: 300, height: 200, hasAlpha: c.hasAlpha, mode: c.mode))
    }

    @Test func pngDetailsPillowAgreesWith() throws {
        // Interlaced, ancillary and unknown chunks, several IDATs, the largest legal size.
        let png = makePNG(
            width: 0x7FFF_FFFF, height: 1, interlace: 1,
            extra: [pngChunk("gAMA", be32(45455)), pngChunk("tEXt", Array("Comment\0hi".utf8)), pngChunk("IDAT", [1, 2])]
        )
        #expect(try ImageInspector.inspect(png) == ImageInfo(format: .png, width: 0x7FFF_FFFF, height: 1, hasAlpha: false, mode: "RGB"))
        // A tRNS after the image data is not seen by Pillow, so it does not make alpha.
        let late = makePNG(idat: true, iend: false) + pngChunk("tRNS", [0, 0, 0, 0, 0, 0]) + pngChunk("IEND")
        #expect(try ImageInspector.inspect(late).hasAlpha == false)
        // Missing IEND after image data is tolerated; bytes after IEND are ignored.
        #expect(try ImageInspector.inspect(makePNG(iend: false)).width == 5)
        #expect(try ImageInspector.inspect(makePNG() + [1, 2, 3]).width == 5)
    }

    @Test func jpegModesAndStructure() throws {
        #expect(try ImageInspector.inspect(makeJPEG(components: 1)) == ImageInfo(format: .jpeg, width: 40, height: 30, hasAlpha: false, mode: "L"))
        #expect(try ImageInspector.inspect(makeJPEG(components: 3)).mode == "RGB")
        #expect(try ImageInspector.inspect(makeJPEG(width: 65535, height: 1, components: 4)) == ImageInfo(format: .jpeg, width: 65535, height: 1, hasAlpha: false, mode: "CMYK"))
        // Progressive and lossless frame headers count; fill bytes, RSTn and TEM are skipped.
        #expect(try ImageInspector.inspect(makeJPEG(sof: 0xC2)).width == 40)
        #expect(try ImageInspector.inspect(makeJPEG(sof: 0xC3)).width == 40)
        #expect(try ImageInspector.inspect(makeJPEG(beforeFrame: [0xFF, 0xFF, 0xFF, 0xD0, 0xFF, 0x01, 0xFF, 0xFE, 0x00, 0x04, 0x41, 0x42])).height == 30)
    }

    @Test func webpVariants() throws {
        let lossless = makeWebP(webpChunk("VP8L", vp8lHeader(width: 16384, height: 3, alpha: true)))
        #expect(try ImageInspector.inspect(lossless) == ImageInfo(format: .webp, width: 16384, height: 3, hasAlpha: true, mode: "RGBA"))
        let opaqueLossless = makeWebP(webpChunk("VP8L", vp8lHeader(width: 7, height: 9, alpha: false)))
        #expect(try ImageInspector.inspect(opaqueLossless) == ImageInfo(format: .webp, width: 7, height: 9, hasAlpha: false, mode: "RGB"))
        let lossy = makeWebP(webpChunk("VP8 ", vp8Frame(width: 16383, height: 5)))
        #expect(try ImageInspector.inspect(lossy) == ImageInfo(format: .webp, width: 16383, height: 5, hasAlpha: false, mode: "RGB"))

        // VP8X with the alpha flag, an odd-sized (padded) ICCP chunk, ALPH and a VP8 image.
        let extended = makeWebP(
            webpChunk("VP8X", vp8xData(flags: 0x10 | 0x20, width: 20, height: 10)) + webpChunk("ICCP", [1, 2, 3])
                + webpChunk("ALPH", [0, 0]) + webpChunk("VP8 ", vp8Frame(width: 20, height: 10))
        )
        #expect(try ImageInspector.inspect(extended) == ImageInfo(format: .webp, width: 20, height: 10, hasAlpha: true, mode: "RGBA"))
        let extendedOpaque = makeWebP(webpChunk("VP8X", vp8xData(flags: 0x08, width: 20, height: 10)) + webpChunk("VP8 ", vp8Frame(width: 20, height: 10)))
        #expect(try ImageInspector.inspect(extendedOpaque) == ImageInfo(format: .webp, width: 20, height: 10, hasAlpha: false, mode: "RGB"))
        let extendedLossless = makeWebP(webpChunk("VP8X", vp8xData(flags: 0x10, width: 16777216, height: 2)) + webpChunk("VP8L", vp8lHeader(width: 16384, height: 2, alpha: true)))
        #expect(inspectionError(extendedLossless)?.reason == "WebP VP8X canvas is 16777216x2 but its \"VP8L\" image is 16384x2")
    }

    @Test func sniffLooksOnlyAtSignatures() {
        #expect(ImageInspector.sniff(makePNG()) == .png)
        #expect(ImageInspector.sniff(makeJPEG()) == .jpeg)
        #expect(ImageInspector.sniff(makeWebP(webpChunk("VP8L", vp8lHeader(width: 1, height: 1, alpha: false)))) == .webp)
        #expect(ImageInspector.sniff(Array("RIFF\0\0\0\0WAVEfmt ".utf8)) == nil)
        #expect(ImageInspector.sniff([0xFF, 0xD8]) == nil)
        #expect(ImageInspector.sniff(Array("GIF89a".utf8)) == nil)
        #expect(ImageInspector.sniff([]) == nil)
        #expect(ImageFormat.webp.mimeType == "image/webp")
    }

    @Test func crc32MatchesTheStandardCheckValue() {
        #expect(CRC32.checksum(Array("123456789".utf8), 0..<9) == 0xCBF4_3926)
        #expect(CRC32.checksum([], 0..<0) == 0)
        var generator = SeededGenerator(seed: 7)
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for end in stride(from: start, through: 300, by: 13) {
                #expect(CRC32.checksum(bytes, start..<end) == referenceCRC(bytes[start..<end]))
            }
        }
    }

    /// A 4 MB PNG (64 KB IDAT chunks of noise) is walked with every CRC checked. In a release
    /// build this takes a few milliseconds; the bound here only catches pathological slowness
    /// in a debug build on a busy machine.
    @Test func fourMegabytePNGIsWalkedQuickly() throws {
        var generator = SeededGenerator(seed: 4)
        var png = pngSignature + pngChunk("IHDR", ihdrData(width: 1024, height: 1024, depth: 8, colourType: 6))
        for _ in 0..<64 {
            png += pngChunk("IDAT", (0..<65_536).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
        }
        png += pngChunk("IEND")
        #expect(png.count > 4_000_000)
        let start = ContinuousClock.now
        let info = try ImageInspector.inspect(png)
        let elapsed = ContinuousClock.now - start
        #expect(info == ImageInfo(format: .png, width: 1024, height: 1024, hasAlpha: true, mode: "RGBA"))
        #expect(elapsed < .seconds(5))
        // IDAT checksums are not verified (Pillow does not either), so a flipped bit in image data passes.
        png[png.count - 20] ^= 1
        #expect(inspectionError(png) == nil)
    }
}

// MARK: - Malformed files, one reason each

@Suite("ImageInspector: malformed files")
struct ImageInspectorMalformedTests {
    @Test func unrecognisedSignatures() {
        expectError(Array("%PDF-1.7\n".utf8), "not a PNG, JPEG or WebP file: it starts with 25 50 44 46 (\"%PDF\")", at: 0)
        expectError([0x47, 0x49, 0x46], "not a PNG, JPEG or WebP file: it starts with 47 49 46 (\"GIF\")", at: 0)
        expectError([0x00, 0x0A, 0x7F, 0xFF, 0x41], "not a PNG, JPEG or WebP file: it starts with 00 0A 7F FF (\"....\")", at: 0)
        expectError([], "empty file: 0 bytes, not a PNG, JPEG or WebP image", at: 0)
        expectError([0x89, 0x50, 0x4E], "file is only 3 bytes long and ends inside the PNG signature", at: 3)
        expectError([0xFF], "file is only 1 byte long and ends inside the JPEG signature", at: 1)
        expectError(Array("RIFF\u{1}\0\0\0WE".utf8), "file is only 10 bytes long and ends inside the WebP RIFF header", at: 10)
        expectError(Array("RIFF\u{4}\0\0\0WAVE".utf8), "not a PNG, JPEG or WebP file: a RIFF file of form type \"WAVE\", not \"WEBP\"", at: 8)
        // A JPEG SOI not followed by a marker is not sniffed as JPEG (Pillow and WHATWG agree).
        expectError([0xFF, 0xD8, 0x00, 0x10], "not a PNG, JPEG or WebP file: it starts with FF D8 00 10 (\"....\")", at: 0)
    }

    @Test func pngHeaderDefects() {
        var badCRC = makePNG()
        badCRC[29...32] = [0x12, 0x34, 0xAB, 0xCD]
        let computed = String(referenceCRC(badCRC[12..<29]), radix: 16)
        expectError(badCRC, "PNG IHDR chunk CRC mismatch (stored 0x1234abcd, computed 0x\(String(repeating: "0", count: 8 - computed.count) + computed))", at: 29)

        expectError(pngSignature + pngChunk("IDAT", [1]), "PNG first chunk is \"IDAT\", expected IHDR", at: 12)
        expectError(pngSignature + pngChunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0]), "PNG IHDR chunk length is 12, expected 13", at: 8)
        expectError(pngSignature + [0, 0, 0], "PNG truncated: the file ends 3 bytes after the signature, before the IHDR chunk header (8 bytes)", at: 11)
        expectError(Array(makePNG().prefix(30)), "PNG truncated: the IHDR chunk at offset 8 declares 13 data bytes plus a 4-byte CRC, but only 14 bytes follow its header", at: 8)

        expectError(makePNG(width: 0), "PNG IHDR width is 0; it must be 1...2147483647", at: 16)
        expectError(makePNG(height: 0x8000_0000), "PNG IHDR height is 2147483648; it must be 1...2147483647", at: 20)
        expectError(makePNG(depth: 16, colourType: 3), "PNG IHDR bit depth 16 is not allowed with colour type 3 (palette); allowed: 1, 2, 4, 8", at: 24)
        expectError(makePNG(depth: 4, colourType: 2), "PNG IHDR bit depth 4 is not allowed with colour type 2 (RGB); allowed: 8, 16", at: 24)
        expectError(makePNG(depth: 3, colourType: 0), "PNG IHDR bit depth 3 is not allowed with colour type 0 (grey); allowed: 1, 2, 4, 8, 16", at: 24)
        expectError(makePNG(colourType: 5), "PNG IHDR colour type 5 is not defined (allowed: 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA)", at: 25)
        expectError(makePNG(interlace: 2), "PNG IHDR interlace method 2 is not defined (0 none, 1 Adam7)", at: 28)
        let deflate64 = pngSignature + pngChunk("IHDR", be32(1) + be32(1) + [8, 2, 1, 0, 0])
        expectError(deflate64, "PNG IHDR compression method 1 is not defined (only 0, deflate)", at: 26)
        let filter = pngSignature + pngChunk("IHDR", be32(1) + be32(1) + [8, 2, 0, 64, 0])
        expectError(filter, "PNG IHDR filter method 64 is not defined (only 0, adaptive)", at: 27)
    }

    @Test func pngChunkDefects() {
        let good = makePNG()
        // IHDR ends at 33; IDAT (10 bytes) runs 33..<55; IEND 55..<67.
        expectError(Array(good.prefix(50)), "PNG truncated: the IDAT chunk at offset 33 declares 10 data bytes plus a 4-byte CRC, but only 9 bytes follow its header", at: 33)
        expectError(Array(good.prefix(36)), "PNG truncated: 3 bytes after the last chunk, too few for a chunk header (8 bytes)", at: 33)
        expectError(Array(good.prefix(65)), "PNG truncated: the IEND chunk at offset 55 declares 0 data bytes plus a 4-byte CRC, but only 2 bytes follow its header", at: 55)

        // Image data is not checksummed (as in Pillow): a damaged IDAT CRC is accepted here.
        var badIDAT = good
        badIDAT[52] ^= 0xFF
        #expect(inspectionError(badIDAT) == nil)

        expectError(makePNG(idat: false), "PNG has no IDAT chunk before IEND", at: 33)
        expectError(makePNG(idat: false, iend: false), "PNG has no IDAT chunk: the file ends at offset 33 without image data or IEND", at: 33)
        expectError(makePNG(depth: 8, colourType: 3), "PNG colour type 3 (palette) needs a PLTE chunk before the first IDAT", at: 33)
        expectError(makePNG(colourType: 3, extra: [pngChunk("PLTE", [1, 2, 3, 4])]), "PNG PLTE chunk length is 4; it must be a multiple of 3 from 3 to 768 (1 to 256 entries)", at: 33)
        expectError(makePNG(extra: [pngChunk("IHDR", ihdrData(width: 1, height: 1, depth: 8, colourType: 2))]), "PNG has a second IHDR chunk", at: 33)
        expectError(makePNG(iend: false) + pngChunk("IEND", [0]), "PNG IEND chunk length is 1, expected 0", at: 55)

        var badType = good
        badType[37...40] = [0x49, 0x44, 0x41, 0x00]
        expectError(badType, "PNG chunk at offset 33 has an invalid type 49 44 41 00 (a chunk type is four ASCII letters)", at: 37)
        var huge = good
        huge[33...36] = [0xFF, 0xFF, 0xFF, 0xFF]
        expectError(huge, "PNG IDAT chunk declares length 4294967295, above the PNG limit of 2147483647", at: 33)
        var long = good
        long[33...36] = [0x7F, 0xFF, 0xFF, 0xFF]
        expectError(long, "PNG truncated: the IDAT chunk at offset 33 declares 2147483647 data bytes plus a 4-byte CRC, but only 26 bytes follow its header", at: 33)
    }

    @Test func jpegDefects() {
        let soi: [UInt8] = [0xFF, 0xD8]
        let app0: [UInt8] = [0xFF, 0xE0, 0x00, 0x04, 0x4A, 0x46]
        expectError(soi + app0 + [0xFF, 0xD9], "JPEG ends (EOI marker at offset 8) before any SOF frame header", at: 8)
        expectError(soi + app0, "JPEG truncated: the file ends at offset 8 before any SOF frame header", at: 8)
        expectError(soi + app0 + [0xFF, 0xDA, 0x00, 0x02], "JPEG SOS (start of scan) at offset 8 comes before any SOF frame header", at: 8)
        expectError(soi + [0xFF, 0xE1, 0x10, 0x00, 0x00], "JPEG truncated: segment FFE1 (APP1) at offset 2 declares 4096 bytes but only 3 remain", at: 4)
        expectError(soi + [0xFF, 0xE1, 0x00, 0x01], "JPEG segment FFE1 (APP1) at offset 2 has length 1; the length counts its own 2 bytes, so it is at least 2", at: 4)
        expectError(soi + [0xFF, 0xE1, 0x00], "JPEG truncated: marker FFE1 (APP1) at offset 2 has no complete length field", at: 4)
        expectError(soi + app0 + [0x00], "JPEG: expected a marker (FF xx) at offset 8, found 00", at: 8)
        expectError(soi + app0 + [0xFF, 0x00], "JPEG: FF 00 (a stuffed zero byte) at offset 8 where a marker was expected", at: 8)
        expectError(soi + app0 + [0xFF, 0xFF, 0xFF], "JPEG truncated: the file ends inside the FF fill bytes starting at offset 8", at: 11)
        expectError(soi + [0xFF, 0xD8], "JPEG has a second SOI (start of image) marker at offset 2", at: 2)

        expectError(makeJPEG(height: 0), "JPEG frame height is 0 (the height would come from a later DNL marker, which is not supported)", at: 94)
        expectError(makeJPEG(width: 0), "JPEG frame width is 0", at: 96)
        expectError(makeJPEG(components: 2), "JPEG frame has 2 colour components; only 1 (grey), 3 (YCbCr/RGB) or 4 (CMYK) are supported", at: 98)
        expectError(makeJPEG(precision: 12), "JPEG sample precision is 12 bits; only 8-bit JPEG is supported", at: 93)
        let shortFrame = soi + [0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 3, 1, 0x11, 0]
        expectError(shortFrame, "JPEG frame header FFC0 (SOF0) at offset 2 has 9 payload bytes; 3 components need 15", at: 2)
        expectError(soi + [0xFF, 0xC1, 0x00, 0x05, 8, 0, 1], "JPEG frame header FFC1 (SOF1) at offset 2 has 3 payload bytes, too few for precision, size and component count (6)", at: 2)
        let twoFrames = makeJPEG(beforeFrame: [0xFF, 0xC0, 0x00, 0x0B, 8, 0, 1, 0, 1, 1, 1, 0x11, 0])
        expectError(twoFrames, "JPEG has a second frame header FFC0 (SOF0) at offset 102", at: 102)
        expectError(soi + [0xFF, 0xDB, 0x00, 0x20] + [UInt8](repeating: 0, count: 30), "JPEG DQT segment at offset 2 is malformed: table 1 needs 65 bytes, only 30 remain", at: 6)
        let noScan = Array(makeJPEG().prefix(108))
        expectError(noScan, "JPEG truncated: the file ends at offset 108 before the SOS (start of scan) segment", at: 108)
    }

    @Test func webpDefects() {
        let lossless = makeWebP(webpChunk("VP8L", vp8lHeader(width: 4, height: 4, alpha: false)))
        expectError(Array(lossless.prefix(20)), "WebP truncated: the RIFF size 20 says the file is 28 bytes, but it has only 20", at: 4)
        expectError(lossless + [0, 0], "WebP RIFF size 20 says the file is 28 bytes, but it has 30: 2 trailing bytes after the RIFF payload", at: 28)
        expectError(makeWebP(webpChunk("VP8Q", [0, 0])), "WebP first chunk is \"VP8Q\"; expected \"VP8 \", \"VP8L\" or \"VP8X\"", at: 12)
        expectError(makeWebP([0x56, 0x50]), "WebP truncated: the RIFF payload ends 2 bytes after offset 12, too few for a chunk header (8 bytes)", at: 12)
        expectError(makeWebP(Array("VP8L".utf8) + le32(100) + [0x2F, 0, 0, 0, 0]), "WebP truncated: the \"VP8L\" chunk at offset 12 declares 100 bytes but only 5 remain in the RIFF payload", at: 16)

        expectError(makeWebP(webpChunk("VP8 ", vp8Frame(width: 0, height: 5))), "WebP VP8 frame width is 0", at: 26)
        expectError(makeWebP(webpChunk("VP8 ", vp8Frame(width: 5, height: 0))), "WebP VP8 frame height is 0", at: 28)
        expectError(makeWebP(webpChunk("VP8 ", vp8Frame(width: 5, height: 5, startCode: [0x9D, 0x01, 0x2B]))), "WebP VP8 start code is 9D 01 2B, expected 9D 01 2A", at: 23)
        expectError(makeWebP(webpChunk("VP8 ", [1] + Array(vp8Frame(width: 5, height: 5).dropFirst()))), "WebP VP8 bitstream starts with an interframe, not a key frame", at: 20)
        expectError(makeWebP(webpChunk("VP8 ", [0, 0, 0, 0x9D, 0x01, 0x2A, 5])), "WebP VP8 chunk is 7 bytes, too short for a key frame header (10 bytes)", at: 20)
        expectError(makeWebP(webpChunk("VP8L", [0x2E, 0, 0, 0, 0])), "WebP VP8L signature byte is 0x2E, expected 0x2F", at: 20)
        expectError(makeWebP(webpChunk("VP8L", [0x2F, 0, 0, 0, 0x20])), "WebP VP8L version is 1, expected 0", at: 24)

        let animated = makeWebP(webpChunk("VP8X", vp8xData(flags: 0x02 | 0x10, width: 8, height: 8)) + webpChunk("ANIM", [0, 0, 0, 0, 0, 0]))
        expectError(animated, "animated WebP is not supported", at: 20)
        expectError(makeWebP(webpChunk("VP8X", vp8xData(flags: 0, width: 8, height: 8))), "WebP VP8X file has no image chunk (\"VP8 \" or \"VP8L\") before the end of the RIFF payload", at: 30)
        expectError(makeWebP(webpChunk("VP8X", [0, 0, 0, 0, 0, 0, 0, 0])), "WebP VP8X chunk is 8 bytes, expected 10", at: 16)
        let mismatch = makeWebP(webpChunk("VP8X", vp8xData(flags: 0, width: 8, height: 8)) + webpChunk("VP8 ", vp8Frame(width: 8, height: 9)))
        expectError(mismatch, "WebP VP8X canvas is 8x8 but its \"VP8 \" image is 8x9", at: 30)
        let huge = makeWebP(webpChunk("VP8X", vp8xData(flags: 0, width: 16_777_216, height: 16_777_216)))
        expectError(huge, "WebP VP8X canvas 16777216x16777216 has 281474976710656 pixels, more than the WebP limit of 4294967295", at: 24)
        // A padded chunk whose pad byte is missing overruns the payload.
        let unpadded = makeWebP(webpChunk("VP8X", vp8xData(flags: 0, width: 8, height: 8)) + Array("ICCP".utf8) + le32(3) + [1, 2, 3])
        expectError(unpadded, "WebP truncated: the \"ICCP\" chunk at offset 30 declares 3 bytes (4 with padding) but only 3 remain in the RIFF payload", at: 34)
    }

    @Test func descriptionNamesTheOffset() {
        #expect(ImageInspectionError(reason: "PNG has a second IHDR chunk", offset: 33).description == "PNG has a second IHDR chunk (at byte offset 33)")
        #expect(ImageInspectionError(reason: "x", offset: nil).description == "x")
    }
}

// MARK: - Hostile input: prefixes and byte flips never trap

@Suite("ImageInspector: hostile input")
struct ImageInspectorHostileInputTests {
    static func samples() throws -> [(name: String, bytes: [UInt8], width: Int, height: Int)] {
        let image = gradient(width: 19, height: 11, alpha: true)
        return [
            ("png", try ImageEncoder.encode(image, as: .png, preserveAlpha: true), 19, 11),
            ("jpeg", try ImageEncoder.encode(image, as: .jpeg, quality: 70, preserveAlpha: false), 19, 11),
            ("webp lossy", try ImageEncoder.encode(image, as: .webp, quality: 70, preserveAlpha: false), 19, 11),
            ("webp alpha", try ImageEncoder.encode(image, as: .webp, quality: 70, preserveAlpha: true), 19, 11),
            ("palette png", makePNG(width: 19, height: 11, colourType: 3, extra: [pngChunk("PLTE", [1, 2, 3]), pngChunk("tRNS", [0])]), 19, 11),
            ("lossless webp", makeWebP(webpChunk("VP8L", vp8lHeader(width: 19, height: 11, alpha: true))), 19, 11),
            ("cmyk jpeg", makeJPEG(width: 19, height: 11, components: 4), 19, 11),
        ]
    }

    @Test func everyPrefixInspectsWithTheRightSizeOrThrows() throws {
        for sample in try Self.samples() {
            #expect(try ImageInspector.inspect(sample.bytes).width == sample.width, "\(sample.name)")
            var successes = 0
            for length in 0..<sample.bytes.count {
                let prefix = Array(sample.bytes.prefix(length))
                do {
                    let info = try ImageInspector.inspect(prefix)
                    successes += 1
                    #expect(info.width == sample.width && info.height == sample.height, "\(sample.name) prefix \(length)")
                } catch {
                    #expect(!error.reason.isEmpty)
                    if let offset = error.offset {
                        #expect(offset >= 0 && offset <= length, "\(sample.name) prefix \(length): offset \(offset)")
                    }
                }
            }
            // WebP's RIFF size makes every prefix fail; a PNG may stop after its last IDAT and a
            // JPEG after its SOS header.
            if sample.name.contains("webp") { #expect(successes == 0, "\(sample.name)") }
        }
    }

    @Test func randomByteFlipsNeverTrap() throws {
        var generator = SeededGenerator(seed: 2026)
        var outcomes = [0, 0]
        for sample in try Self.samples() {
            for _ in 0..<1500 {
                var bytes = sample.bytes
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) {
                    bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator))
                }
                do {
                    let info = try ImageInspector.inspect(bytes)
                    #expect(info.width > 0 && info.height > 0)
                    outcomes[0] += 1
                } catch {
                    #expect(!error.reason.isEmpty)
                    outcomes[1] += 1
                }
            }
        }
        // Both outcomes occur: the flips reach past the signature.
        #expect(outcomes[0] > 0 && outcomes[1] > 0)
    }

    @Test func randomBytesBehindEachSignatureNeverTrap() {
        var generator = SeededGenerator(seed: 99)
        let heads: [[UInt8]] = [pngSignature, pngSignature + [0, 0, 0, 13] + Array("IHDR".utf8), [0xFF, 0xD8, 0xFF], Array("RIFF".utf8)]
        for head in heads {
            for _ in 0..<2000 {
                var bytes = head + (0..<Int.random(in: 0...64, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                if head == Array("RIFF".utf8) && bytes.count >= 12 {
                    bytes[8...11] = [0x57, 0x45, 0x42, 0x50]
                }
                _ = try? ImageInspector.inspect(bytes)
            }
        }
    }
}

// MARK: - The fuzzer's seed corpus

/// Fuzz/corpus/image-inspector holds the seeds of Fuzz/run-image-inspector-fuzz.sh. Files named
/// `valid-*` must inspect, `broken-*` must throw. Setting IMAGE_INSPECTOR_WRITE_CORPUS=1 rewrites
/// them from `seeds()` (encoder output differs slightly between codec library versions, so the
/// bytes are not compared otherwise).
@Suite("ImageInspector: fuzz seed corpus")
struct ImageInspectorCorpusTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/corpus/image-inspector")

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let small = gradient(width: 8, height: 6, alpha: true)
        let png = try ImageEncoder.encode(small, as: .png, preserveAlpha: true)
        var badCRC = png
        badCRC[30] ^= 0x40
        return [
            ("valid-rgba.png", png),
            ("valid-rgb-interlaced.png", makePNG(width: 3, height: 2, interlace: 1, extra: [pngChunk("gAMA", be32(45455))])),
            ("valid-palette-trns.png", makePNG(width: 4, height: 4, depth: 2, colourType: 3, extra: [pngChunk("PLTE", [0, 0, 0, 255, 0, 0]), pngChunk("tRNS", [0])])),
            ("valid-grey16-no-iend.png", makePNG(width: 2, height: 2, depth: 16, colourType: 0, iend: false)),
            ("valid-grey-alpha.png", makePNG(width: 2, height: 2, depth: 8, colourType: 4)),
            ("broken-ihdr-crc.png", badCRC),
            ("broken-truncated.png", Array(png.prefix(png.count - 20))),
            ("broken-no-idat.png", makePNG(idat: false)),
            ("valid-rgb.jpg", try ImageEncoder.encode(small, as: .jpeg, quality: 40, preserveAlpha: false)),
            ("valid-cmyk-progressive.jpg", makeJPEG(width: 3, height: 2, components: 4, sof: 0xC2, beforeFrame: [0xFF, 0xFF, 0xD0, 0xFF, 0xFE, 0x00, 0x03, 0x41])),
            ("valid-grey.jpg", makeJPEG(width: 1, height: 1, components: 1)),
            ("broken-sos-before-sof.jpg", [0xFF, 0xD8, 0xFF, 0xDA, 0x00, 0x02, 0xFF, 0xD9]),
            ("broken-dnl-height.jpg", makeJPEG(height: 0)),
            ("valid-lossy.webp", try ImageEncoder.encode(gradient(width: 8, height: 6, alpha: false), as: .webp, quality: 40, preserveAlpha: false)),
            ("valid-alpha-vp8x.webp", try ImageEncoder.encode(small, as: .webp, quality: 40, preserveAlpha: true)),
            ("valid-lossless-header.webp", makeWebP(webpChunk("VP8L", vp8lHeader(width: 5, height: 3, alpha: true)))),
            ("broken-animated.webp", makeWebP(webpChunk("VP8X", vp8xData(flags: 0x12, width: 4, height: 4)) + webpChunk("ANIM", [0, 0, 0, 0, 0, 0]))),
            ("broken-riff-size.webp", makeWebP(webpChunk("VP8L", vp8lHeader(width: 5, height: 3, alpha: false))) + [0, 0]),
            ("broken-not-an-image.pdf", Array("%PDF-1.7\n%\u{E2}\u{E3}\n".utf8)),
        ]
    }

    @Test func seedsInspectAsTheirNamesSay() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).sorted()
        #expect(names.count >= 10)
        var total = 0
        for name in names {
            let bytes = [UInt8](try Data(contentsOf: Self.directory.appendingPathComponent(name)))
            total += bytes.count
            if name.hasPrefix("valid-") {
                #expect(throws: Never.self, "\(name)") { try ImageInspector.inspect(bytes) }
            } else {
                #expect(name.hasPrefix("broken-"), "\(name): seeds are named valid-* or broken-*")
                #expect(inspectionError(bytes) != nil, "\(name)")
            }
        }
        #expect(total < 50_000, "the seed corpus should stay small")
    }

    @Test func seedsCanBeRegenerated() throws {
        let seeds = try Self.seeds()
        #expect(Set(seeds.map(\.name)).count == seeds.count)
        for seed in seeds {
            #expect((inspectionError(seed.bytes) == nil) == seed.name.hasPrefix("valid-"), "\(seed.name)")
        }
        guard ProcessInfo.processInfo.environment["IMAGE_INSPECTOR_WRITE_CORPUS"] == "1" else { return }
        try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
        for seed in seeds {
            try Data(seed.bytes).write(to: Self.directory.appendingPathComponent(seed.name))
        }
    }
}
