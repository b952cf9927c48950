import Foundation
@testable import ImagesMockCodecs
import Testing

/// A small odd-sized test picture: smooth colour ramps and, optionally, an alpha ramp.
func sampleImage(width: Int = 37, height: Int = 23, alpha: Bool) -> RGBAImage {
    var pixels = [UInt8](repeating: 0, count: width * height * 4)
    for y in 0..<height {
        for x in 0..<width {
            let i = (y * width + x) * 4
            pixels[i] = UInt8(x * 255 / max(width - 1, 1))
            pixels[i + 1] = UInt8(y * 255 / max(height - 1, 1))
            pixels[i + 2] = UInt8((x + y) * 255 / max(width + height - 2, 1))
            pixels[i + 3] = alpha ? UInt8((x * 7 + y * 3) % 256) : 255
        }
    }
    return RGBAImage(width: width, height: height, pixels: pixels)
}

/// Mean absolute difference of the colour channels of two same-sized images.
func meanColourError(_ a: RGBAImage, _ b: RGBAImage) -> Double {
    var total = 0
    var count = 0
    for i in stride(from: 0, to: a.pixels.count, by: 4) {
        for c in 0..<3 {
            total += abs(Int(a.pixels[i + c]) - Int(b.pixels[i + c]))
            count += 1
        }
    }
    return Double(total) / Double(count)
}

func alphaValues(_ image: RGBAImage) -> [UInt8] {
    stride(from: 3, to: image.pixels.count, by: 4).map { image.pixels[$0] }
}

@Suite("Image codecs round trips")
struct CodecRoundTripTests {
    @Test func formatsNameTheirMediaTypes() {
        #expect(ImageFormat.png.mimeType == "image/png")
        #expect(ImageFormat.jpeg.mimeType == "image/jpeg")
        #expect(ImageFormat.webp.mimeType == "image/webp")
        #expect(ImageFormat.allCases.map(\.rawValue) == ["png", "jpeg", "webp"])
    }

    @Test func pngWithAlphaRoundTripsExactly() throws {
        let image = sampleImage(alpha: true)
        let bytes = try ImageEncoder.encode(image, as: .png, preserveAlpha: true)
        #expect(ImageDecoder.detectFormat(bytes) == .png)
        #expect(bytes[25] == 6, "IHDR colour type should be RGBA")
        let decoded = try ImageDecoder.decode(bytes)
        #expect(decoded.format == .png)
        #expect(decoded.hasAlpha)
        #expect(decoded.image == image)
    }

    @Test func pngWithoutAlphaIsOpaqueRGB() throws {
        let image = sampleImage(alpha: true)
        let bytes = try ImageEncoder.encode(image, as: .png, preserveAlpha: false)
        #expect(bytes[25] == 2, "IHDR colour type should be RGB")
        let decoded = try ImageDecoder.decode(bytes)
        #expect(!decoded.hasAlpha)
        var opaque = image
        for i in stride(from: 3, to: opaque.pixels.count, by: 4) { opaque.pixels[i] = 255 }
        #expect(decoded.image == opaque)
    }

    @Test func pngIgnoresQuality() throws {
        let image = sampleImage(alpha: false)
        let a = try ImageEncoder.encode(image, as: .png, quality: 5, preserveAlpha: true)
        let b = try ImageEncoder.encode(image, as: .png, quality: 100, preserveAlpha: true)
        #expect(a == b)
    }

    @Test(arguments: [true, false])
    func jpegIsAlwaysOpaque(preserveAlpha: Bool) throws {
        let image = sampleImage(alpha: true)
        let bytes = try ImageEncoder.encode(image, as: .jpeg, quality: 95, preserveAlpha: preserveAlpha)
        #expect(Array(bytes.prefix(3)) == [0xFF, 0xD8, 0xFF])
        let decoded = try ImageDecoder.decode(bytes)
        #expect(decoded.format == .jpeg)
        #expect(!decoded.hasAlpha)
        #expect(decoded.image.width == image.width && decoded.image.height == image.height)
        #expect(alphaValues(decoded.image).allSatisfy { $0 == 255 })
        #expect(meanColourError(decoded.image, image) < 4)
    }

    @Test func jpegQualityChangesSize() throws {
        let image = sampleImage(width: 200, height: 120, alpha: false)
        let low = try ImageEncoder.encode(image, as: .jpeg, quality: 10, preserveAlpha: false)
        let high = try ImageEncoder.encode(image, as: .jpeg, quality: 100, preserveAlpha: false)
        let zero = try ImageEncoder.encode(image, as: .jpeg, quality: 0, preserveAlpha: false)
        #expect(low.count < high.count)
        #expect(try ImageDecoder.decode(zero).image.width == 200)
    }

    @Test func webpKeepsAlpha() throws {
        let image = sampleImage(alpha: true)
        let bytes = try ImageEncoder.encode(image, as: .webp, quality: 90, preserveAlpha: true)
        #expect(ImageDecoder.detectFormat(bytes) == .webp)
        let decoded = try ImageDecoder.decode(bytes)
        #expect(decoded.format == .webp)
        #expect(decoded.hasAlpha)
        #expect(decoded.image.width == image.width && decoded.image.height == image.height)
        // libwebp codes alpha losslessly at its default alpha quality.
        #expect(alphaValues(decoded.image) == alphaValues(image))
    }

    @Test func webpWithoutAlphaIsOpaque() throws {
        let image = sampleImage(alpha: true)
        let bytes = try ImageEncoder.encode(image, as: .webp, quality: 90, preserveAlpha: false)
        let decoded = try ImageDecoder.decode(bytes)
        #expect(!decoded.hasAlpha)
        #expect(decoded.image.width == image.width && decoded.image.height == image.height)
        #expect(alphaValues(decoded.image).allSatisfy { $0 == 255 })
        #expect(meanColourError(decoded.image, image) < 8)
    }

    @Test(arguments: ImageFormat.allCases)
    func onePixelImagesRoundTrip(format: ImageFormat) throws {
        let image = RGBAImage(width: 1, height: 1, pixels: [200, 100, 50, 255])
        let decoded = try ImageDecoder.decode(ImageEncoder.encode(image, as: format, preserveAlpha: true))
        #expect(decoded.image.width == 1 && decoded.image.height == 1)
    }

    @Test(arguments: ImageFormat.allCases)
    func encodingAnInconsistentImageThrows(format: ImageFormat) {
        var image = sampleImage(alpha: false)
        image.pixels.removeLast()
        #expect(throws: ImageCodecError.self) {
            try ImageEncoder.encode(image, as: format, preserveAlpha: true)
        }
        let empty = RGBAImage(width: 0, height: 0, pixels: [])
        #expect(throws: ImageCodecError.self) {
            try ImageEncoder.encode(empty, as: format, preserveAlpha: true)
        }
    }

    @Test func webpRefusesSizesBeyondItsLimit() {
        let wide = RGBAImage(width: 16_384, height: 1, pixels: [UInt8](repeating: 255, count: 16_384 * 4))
        #expect(throws: ImageCodecError.self) {
            try ImageEncoder.encode(wide, as: .webp, preserveAlpha: false)
        }
    }
}

@Suite("CMYK JPEG")
struct CMYKJPEGTests {
    /// 16×8 of RGB (200, 60, 30) converted to CMYK and saved by Pillow (Adobe marker, inverted inks).
    static let pillowCMYK = Array(Data(base64Encoded: "/9j/7gAOQWRvYmUAZAAAAAAA/9sAQwACAQEBAQECAQEBAgICAgIEAwICAgIFBAQDBAYFBgYGBQYGBgcJCAYHCQcGBggLCAkKCgoKCgYICwwLCgwJCgoK/8AAFAgACAAQBEMRAE0RAFkRAEsRAP/EAB8AAAEFAQEBAQEBAAAAAAAAAAABAgMEBQYHCAkKC//EALUQAAIBAwMCBAMFBQQEAAABfQECAwAEEQUSITFBBhNRYQcicRQygZGhCCNCscEVUtHwJDNicoIJChYXGBkaJSYnKCkqNDU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6g4SFhoeIiYqSk5SVlpeYmZqio6Slpqeoqaqys7S1tre4ubrCw8TFxsfIycrS09TV1tfY2drh4uPk5ebn6Onq8fLz9PX29/j5+v/aAA4EQwBNAFkASwAAPwD9IK/O+vx3r9/KKKKK/9k=")!)

    @Test func aCMYKFileDecodesToItsRGBColours() throws {
        // TurboJPEG has no CMYK-to-RGB conversion: these files were refused ("Unsupported color
        // conversion request") although Pillow, and so the real API, reads them.
        let decoded = try ImageDecoder.decode(Self.pillowCMYK)
        #expect(decoded.image.width == 16 && decoded.image.height == 8 && !decoded.hasAlpha)
        let pixel = Array(decoded.image.pixels[0..<4])
        #expect(abs(Int(pixel[0]) - 200) <= 3 && abs(Int(pixel[1]) - 60) <= 3 && abs(Int(pixel[2]) - 30) <= 3, "\(pixel)")
        #expect(pixel[3] == 255)
    }

    @Test func plainCMYKIsNotInverted() {
        var pixels: [UInt8] = [0, 255, 255, 0]  // no cyan, full magenta and yellow, no black: red
        JPEGCodec.convertCMYKToRGBA(&pixels, inverted: false)
        #expect(pixels == [255, 0, 0, 255])
        var adobe: [UInt8] = [255, 0, 0, 255]  // the same inks as Adobe stores them
        JPEGCodec.convertCMYKToRGBA(&adobe, inverted: true)
        #expect(adobe == [255, 0, 0, 255])
    }
}

@Suite("16-bit PNG")
struct SixteenBitPNGTests {
    @Test func aSixteenBitGreyWithoutGammaKeepsItsLevels() throws {
        // Pillow's I;16 PNG of 30000/65535 (8-bit 117): libpng read it as linear light and
        // converted it to sRGB, 179.
        let png = Array(Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAQAAAAEEAAAAADcCh3hAAAAFklEQVR4nGMsNWBgYGBgYGBiYMDFAAAXEwCtE0AcbAAAAABJRU5ErkJggg==")!)
        let decoded = try ImageDecoder.decode(png)
        #expect(Array(decoded.image.pixels[0..<4]) == [117, 117, 117, 255])
    }
}
