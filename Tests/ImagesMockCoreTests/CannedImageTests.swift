import Foundation
import ImagesMockCodecs
import Testing
@testable import ImagesMockCore

/// A 300×200 opaque picture: red on the left third, green in the middle, blue on the right.
private func stripes(width: Int = 300, height: Int = 200) -> RGBAImage {
    var pixels: [UInt8] = []
    pixels.reserveCapacity(width * height * 4)
    for _ in 0..<height {
        for x in 0..<width {
            switch x * 3 / width {
            case 0: pixels += [255, 0, 0, 255]
            case 1: pixels += [0, 255, 0, 255]
            default: pixels += [0, 0, 255, 255]
            }
        }
    }
    return RGBAImage(width: width, height: height, pixels: pixels)
}

private func canned(_ image: RGBAImage, as format: ImageFormat = .png, alpha: Bool = false) throws -> CannedImage {
    let bytes = try ImageEncoder.encode(image, as: format, quality: 100, preserveAlpha: alpha)
    return CannedImage(path: "picture.\(format.rawValue)", image: EncodedImage(bytes: bytes, format: format, width: image.width, height: image.height),
                       info: try ImageInspector.inspect(bytes))
}

private func request(_ json: String) -> HTTPRequest {
    HTTPRequest(method: "POST", path: "/v1/images/generations",
                headers: HTTPHeaders([("Authorization", "Bearer sk-test"), ("Content-Type", "application/json"), ("Host", "mock:1")]),
                body: Array(json.utf8))
}

private func pixel(_ image: RGBAImage, _ x: Int, _ y: Int) -> [UInt8] {
    let offset = (y * image.width + x) * 4
    return Array(image.pixels[offset..<offset + 4])
}

private enum CannedTestFailure: Error { case noData }

@Suite("Canned images")
struct CannedImageTests {
    /// The answer's images, decoded, with the body's echo fields.
    private func answer(_ picture: CannedImage, _ json: String) throws -> (images: [ImageDecoder.Decoded], body: JSONObject, raw: [[UInt8]]) {
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario(rules: [
            Rule(name: "canned", action: .respond(.images(.canned([picture])))),
        ]))
        let response = engine.respond(to: request(json)).response
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        let body = try #require((try JSONParser.parse(response.body)).objectValue)
        guard case .array(let items)? = body["data"] else { throw CannedTestFailure.noData }
        let raw = items.map { item in
            Array(Data(base64Encoded: item.objectValue?["b64_json"]?.stringValue ?? "") ?? Data())
        }
        return (try raw.map { bytes throws(ImageCodecError) in try ImageDecoder.decode(bytes) }, body, raw)
    }

    @Test func aFileOfTheRequestedSizeFormatAndBackgroundGoesOutByteForByte() throws {
        let picture = try canned(stripes(width: 1024, height: 1024))
        let result = try answer(picture, #"{"model":"gpt-image-1","prompt":"x","size":"1024x1024","quality":"low"}"#)
        #expect(result.raw == [picture.image.bytes])
    }

    @Test func anyOtherRequestGetsTheFileFittedToItsSizeAndFormat() throws {
        let picture = try canned(stripes())
        let result = try answer(picture, #"{"model":"gpt-image-1","prompt":"x","size":"1024x1536","output_format":"jpeg","n":2,"quality":"low"}"#)
        #expect(result.images.count == 2)
        for image in result.images {
            #expect(image.format == .jpeg && image.image.width == 1024 && image.image.height == 1536)
            // Covered, not stretched: a portrait crop of a landscape picture keeps its centre (green).
            // The kept 133 of 300 columns (84...216) end in red and blue.
            let centre = pixel(image.image, 512, 768), left = pixel(image.image, 5, 768), right = pixel(image.image, 1018, 768)
            #expect(centre[1] > 200 && centre[0] < 60 && centre[2] < 60, "centre \(centre)")
            #expect(left[0] > 200 && left[1] < 60, "left edge \(left)")
            #expect(right[2] > 200 && right[1] < 60, "right edge \(right)")
        }
        #expect(result.body["size"]?.stringValue == "1024x1536")
        #expect(result.body["output_format"]?.stringValue == "jpeg")
    }

    @Test func aLandscapeCropKeepsTheStripesInOrder() throws {
        let picture = try canned(stripes(width: 300, height: 300))
        let image = try #require(try answer(picture, #"{"model":"gpt-image-1","prompt":"x","size":"1536x1024","quality":"low"}"#).images.first)
        #expect(image.image.width == 1536 && image.image.height == 1024)
        #expect(pixel(image.image, 100, 500)[0] > 200)  // red
        #expect(pixel(image.image, 768, 500)[1] > 200)  // green
        #expect(pixel(image.image, 1430, 500)[2] > 200)  // blue
    }

    @Test func autoSizeFollowsTheFilesShape() throws {
        let picture = try canned(stripes(width: 600, height: 400))
        let result = try answer(picture, #"{"model":"gpt-image-1","prompt":"x","quality":"low"}"#)
        #expect(result.body["size"]?.stringValue == "1536x1024")
        #expect(result.images.first.map { [$0.image.width, $0.image.height] } == [1536, 1024])
    }

    @Test func transparentAnswersKeepAlphaAndOpaqueOnesAreLaidOnWhite() throws {
        var half = stripes(width: 64, height: 64)
        for offset in stride(from: 3, to: half.pixels.count / 2, by: 4) { half.pixels[offset] = 0 }  // top half transparent
        let picture = try canned(half, alpha: true)
        let transparent = try #require(try answer(picture, #"{"model":"gpt-image-1","prompt":"x","background":"transparent","output_format":"webp","quality":"low"}"#).images.first)
        #expect(transparent.format == .webp && transparent.hasAlpha)
        #expect(pixel(transparent.image, 512, 100)[3] == 0 && pixel(transparent.image, 512, 900)[3] == 255)
        let opaque = try #require(try answer(picture, #"{"model":"gpt-image-1","prompt":"x","background":"opaque","quality":"low"}"#).images.first)
        #expect(opaque.format == .png && !opaque.hasAlpha)
        #expect(pixel(opaque.image, 512, 100) == [255, 255, 255, 255])
    }

    @Test func dalleSizesAreMetToo() throws {
        let picture = try canned(stripes(width: 256, height: 256))
        let result = try answer(picture, #"{"model":"dall-e-2","prompt":"x","size":"512x512","response_format":"b64_json"}"#)
        #expect(result.images.map { [$0.image.width, $0.image.height] } == [[512, 512]])
        #expect(result.images.first?.format == .png)
    }

    @Test func aReplacedScenarioFreesItsFilesWhileTheirVariantsStayCached() throws {
        // Cache keys held the whole file: each reload of a scenario with a 39 MB picture kept
        // another 39 MB alive.
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario())
        weak var released: CannedImage.Picture?
        do {
            let picture = try canned(stripes())
            released = picture.picture
            engine.load(Scenario(rules: [Rule(name: "canned", action: .respond(.images(.canned([picture]))))]))
            #expect(engine.respond(to: request(#"{"model":"gpt-image-1","prompt":"x","size":"1024x1024","quality":"low"}"#)).response.status == 200)
        }
        #expect(released != nil)
        engine.load(Scenario())
        #expect(released == nil)
        #expect(engine.imageCache.statistics.entries >= 1)
    }

    @Test func concurrentMissesOfOneVariantRenderItOnce() async throws {
        // Each render worker decoded the same large canned file at once for the first requests.
        let cache = ImageCache(maxBytes: 64 << 20)
        let picture = try canned(stripes(width: 1200, height: 800)).picture
        let key = ImageVariantKey(source: .canned(picture.token, width: 1024, height: 1024, transparentBackground: false), format: .png)
        let sizes = await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? cache.image(for: key, picture: picture))?.bytes.count ?? -1 }
            }
            var sizes: [Int] = []
            for await size in group { sizes.append(size) }
            return sizes
        }
        #expect(sizes.count == 8 && Set(sizes).count == 1 && sizes[0] > 0)
        #expect(cache.statistics.renders == 1)
    }

    @Test func largeReductionsAverageInsteadOfSkipping() {
        // One-pixel black and white columns: averaged, they are grey; sampled, they would alias.
        let width = 1024, height = 64
        var pixels: [UInt8] = []
        for _ in 0..<height { for x in 0..<width { pixels += x % 2 == 0 ? [0, 0, 0, 255] : [255, 255, 255, 255] } }
        let small = ImageResampler.cover(RGBAImage(width: width, height: height, pixels: pixels), width: 64, height: 4)
        #expect(small.width == 64 && small.height == 4)
        for x in 0..<64 { #expect((120...135).contains(pixel(small, x, 2)[0]), "column \(x): \(pixel(small, x, 2))") }
    }

    @Test func transparentPixelsLendNoColour() {
        // Opaque red next to fully transparent blue: enlarged, the edge stays red, only less opaque.
        let image = RGBAImage(width: 2, height: 1, pixels: [255, 0, 0, 255, 0, 0, 255, 0])
        let large = ImageResampler.cover(image, width: 8, height: 4)
        for x in 0..<8 where pixel(large, x, 1)[3] > 0 {
            #expect(pixel(large, x, 1)[0] == 255 && pixel(large, x, 1)[2] == 0, "x \(x): \(pixel(large, x, 1))")
        }
        #expect(ImageResampler.flattenedOnWhite(RGBAImage(width: 1, height: 1, pixels: [0, 0, 0, 128])).pixels == [127, 127, 127, 255])
    }
}
