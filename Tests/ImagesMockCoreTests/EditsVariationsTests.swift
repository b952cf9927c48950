import Foundation
import ImagesMockCodecs
import Testing
@testable import ImagesMockCore

/// Builds multipart bodies the way clients do, defects included.
struct FormBody {
    var boundary = "a7f3c0d2e1b4a5968778695a4b3c2d1e"
    var parts: [(headers: String, body: [UInt8])] = []

    mutating func text(_ name: String, _ value: String) {
        parts.append(("Content-Disposition: form-data; name=\"\(name)\"", Array(value.utf8)))
    }

    mutating func file(_ name: String, filename: String? = "image.png", type: String? = "image/png", _ bytes: [UInt8]) {
        var headers = "Content-Disposition: form-data; name=\"\(name)\""
        if let filename { headers += "; filename=\"\(filename)\"" }
        if let type { headers += "\r\nContent-Type: \(type)" }
        parts.append((headers, bytes))
    }

    var bytes: [UInt8] {
        var body: [UInt8] = []
        for part in parts {
            body += Array("--\(boundary)\r\n\(part.headers)\r\n\r\n".utf8) + part.body + Array("\r\n".utf8)
        }
        return body + Array("--\(boundary)--\r\n".utf8)
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

enum TestImages {
    static func png(_ width: Int, _ height: Int, alpha: Bool) -> [UInt8] {
        let pixels = [UInt8](repeating: 128, count: width * height * 4)
        return try! ImageEncoder.encode(RGBAImage(width: width, height: height, pixels: pixels), as: .png, preserveAlpha: alpha)
    }

    static func jpeg(_ width: Int, _ height: Int) -> [UInt8] {
        try! ImageEncoder.encode(RGBAImage(width: width, height: height, pixels: [UInt8](repeating: 90, count: width * height * 4)), as: .jpeg, quality: 80, preserveAlpha: false)
    }
}

private func engine(style: ErrorStyle = .current, asOf: String? = nil) -> MockEngine {
    MockEngine(configuration: MockConfiguration(validation: ValidationContext(errorStyle: style, asOf: asOf.flatMap(CalendarDate.init)), seed: 1))
}

private func send(_ form: FormBody, to endpoint: Endpoint = .edits, engine: MockEngine = engine()) -> HTTPResponse {
    let headers = HTTPHeaders([("Authorization", "Bearer sk-test"), ("Content-Type", form.contentType), ("Host", "127.0.0.1:9")])
    return engine.respond(to: HTTPRequest(method: "POST", path: endpoint.path, headers: headers, body: form.bytes)).response
}

private func error(_ response: HTTPResponse) throws -> (message: String?, type: String?, param: String?, code: String?) {
    let error = try #require(try JSONParser.parse(response.body).objectValue?["error"]?.objectValue)
    return (error["message"]?.stringValue, error["type"]?.stringValue, error["param"]?.stringValue, error["code"]?.stringValue)
}

@Suite("Edits and variations (contract §3.2, §3.3, rows 17–25f)")
struct EditsVariationsTests {
    static let rgba = TestImages.png(64, 64, alpha: true)
    static let rgb = TestImages.png(64, 64, alpha: false)

    func gptForm(_ configure: (inout FormBody) -> Void) -> FormBody {
        var form = FormBody()
        form.text("model", "gpt-image-1.5")
        form.text("prompt", "add a hat")
        configure(&form)
        return form
    }

    /// What the server's budget of held bodies counts (BodyLimits.maximumBufferedBytes).
    @Test func heldBytesCountWhatABodyKeepsInMemory() throws {
        var generator = SystemRandomNumberGenerator()
        let noise = RGBAImage(width: 128, height: 128, pixels: (0..<128 * 128 * 4).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let png = try ImageEncoder.encode(noise, as: .png, preserveAlpha: true)
        let webp = try ImageEncoder.encode(noise, as: .webp, quality: 80, preserveAlpha: true)
        #expect(png.count > 50_000 && webp.count > 10_000)
        func intake(_ form: FormBody) -> RequestIntake {
            var intake = engine().makeIntake(method: "POST", target: Endpoint.edits.path, headers: HTTPHeaders([("Content-Type", form.contentType)]))
            let bytes = form.bytes
            for start in stride(from: 0, to: bytes.count, by: 4096) { intake.receive(bytes[start..<min(bytes.count, start + 4096)]) }
            return intake
        }
        var withPNG = FormBody()
        withPNG.text("prompt", String(repeating: "p", count: 1000))
        withPNG.file("image", png)
        let pngIntake = intake(withPNG)
        #expect(!pngIntake.buffersBody)
        // The prompt and the PNG's chunk headers; its image data is only counted.
        #expect(pngIntake.heldBytes >= 1000 && pngIntake.heldBytes < 2000, "held \(pngIntake.heldBytes)")

        var withWebP = FormBody()
        withWebP.file("image", filename: "image.webp", type: "image/webp", webp)
        // WebP files are kept whole for the inspector.
        #expect(intake(withWebP).heldBytes == webp.count)

        // A JSON body: its buffer, reserved at the declared length when there is one.
        var json = engine().makeIntake(method: "POST", target: Endpoint.generations.path,
                                       headers: HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", "8000")]))
        json.receive(Array(repeating: UInt8(ascii: " "), count: 5000))
        #expect(json.buffersBody)
        #expect(json.heldBytes == 8000, "counted as declared: \(json.heldBytes)")
        json.receive(Array(repeating: UInt8(ascii: " "), count: 3000))
        #expect(json.heldBytes == 8000)
        var chunked = engine().makeIntake(method: "POST", target: Endpoint.generations.path, headers: HTTPHeaders([("Content-Type", "application/json")]))
        chunked.receive(Array(repeating: UInt8(ascii: " "), count: 5000))
        chunked.receive(Array(repeating: UInt8(ascii: " "), count: 3000))
        #expect(chunked.heldBytes >= 8000 && chunked.heldBytes <= 16_384)
    }

    @Test func aFileOverTheCapGetsOneAnswerHoweverTheBodyArrives() throws {
        let form = gptForm { $0.file("image", [UInt8](repeating: 7, count: 5000)) }
        let headers = HTTPHeaders([("Authorization", "Bearer sk-test"), ("Content-Type", form.contentType), ("Host", "127.0.0.1:9")])
        let mock = engine()
        func answer(inChunksOf size: Int) -> HTTPResponse {
            var intake = RequestIntake(head: HTTPRequest(method: "POST", path: Endpoint.edits.path, headers: headers),
                                       multipartLimits: MultipartLimits(maxParts: 64, maxFileBytes: 1000, maxTotalBytes: .max))
            let bytes = form.bytes
            for start in stride(from: 0, to: bytes.count, by: size) { intake.receive(bytes[start..<min(bytes.count, start + size)]) }
            return mock.respond(to: &intake).response
        }
        let whole = answer(inChunksOf: form.bytes.count)
        #expect(whole.status == 400)
        #expect(try error(whole).code == "file_too_large", "the model field came first: \(whole.bodyText)")
        for size in [1, 16, 999] {
            let cut = answer(inChunksOf: size)
            #expect(cut.status == whole.status && cut.bodyText == whole.bodyText, "chunks of \(size)")
        }
    }

    /// README: every 4xx the mock writes itself carries `x-images-mock-diagnosis`, and it fits the case.
    @Test func rejectionsCarryAFittingDiagnosis() throws {
        func diagnosis(_ response: HTTPResponse) -> String {
            #expect((400..<500).contains(response.status))
            return response.headers["x-images-mock-diagnosis"] ?? "<none>"
        }
        func dalle(_ image: [UInt8], to endpoint: Endpoint = .edits) -> FormBody {
            var form = FormBody()
            form.text("model", "dall-e-2")
            if endpoint == .edits { form.text("prompt", "x") }
            form.file("image", image)
            return form
        }
        #expect(diagnosis(send(dalle(TestImages.png(64, 32, alpha: true)))).contains("is 64x32 pixels; this model takes square images only"))
        #expect(diagnosis(send(dalle(TestImages.png(64, 32, alpha: false), to: .variations), to: .variations)).contains("square images only"))
        #expect(diagnosis(send(dalle(makePNG(width: 64, height: 64, colourType: 0), to: .variations), to: .variations))
            == "'image' is a PNG in mode L (grayscale); this model takes RGB or RGBA: convert it first (Pillow: image.convert('RGBA')).")
        var untyped = FormBody()
        untyped.text("model", "dall-e-2")
        untyped.text("prompt", "x")
        untyped.file("image", type: nil, Self.rgba)
        #expect(!diagnosis(send(untyped)).contains("jpeg"), "dall-e-2 takes PNG only")
        let seventeen = gptForm { form in for _ in 0..<17 { form.file("image[]", Self.rgb) } }
        #expect(diagnosis(send(seventeen)) == "17 images were sent as 'image'; one edit takes at most 16. Send fewer, or combine them into one image first.")
        var both = FormBody()
        both.text("model", "gpt-image-2.5-flare")
        both.text("prompt", "x")
        both.file("image", Self.rgba)
        both.file("mask", Self.rgba)
        both.file("markup", Self.rgba)
        #expect(diagnosis(send(both)).hasPrefix("Send either 'mask' or 'markup', not both"))
        let empty = gptForm { $0.file("image", filename: "", type: "application/octet-stream", []) }
        #expect(diagnosis(send(empty)).hasPrefix("The file part 'image' is empty (0 bytes"))

        let headers = HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "application/json")])
        func json(_ body: String, style: ErrorStyle = .current, path: String = "/v1/images/edits", extra: [(String, String)] = []) -> HTTPResponse {
            var all = headers
            for (name, value) in extra { all.set(name, value) }
            return engine(style: style).respond(to: HTTPRequest(method: "POST", path: path, headers: all, body: Array(body.utf8))).response
        }
        let gif = "data:image/gif;base64," + Data([0x47, 0x49, 0x46, 0x38, 0x39, 0x61]).base64EncodedString()
        #expect(diagnosis(json(#"{"model":"gpt-image-2","prompt":"x","images":[{"image_url":"\#(gif)"}]}"#)).contains("declares image/gif"))
        #expect(diagnosis(json(#"{"model":"gpt-image-2","prompt":"x","images":[{"file_id":"f"}],"mask":"abc"}"#)).contains(#"an object {"image_url""#))
        #expect(diagnosis(json(#"{"model":"gpt-image-2","prompt":"x"}"#, extra: [("OpenAI-Version", "1999-01-01")])).contains("no OpenAI-Version request header"))
        #expect(diagnosis(json("{}", path: "/images/edits")).hasPrefix("Did you mean POST /v1/images/edits?"))
        #expect(diagnosis(json("{}", path: "/v1/chat/completions")).hasPrefix("No such route. The Images API is POST /v1/images/generations"))

        // Era A answers with param null: the diagnosis still names the rule.
        let legacyGenerations = [
            #"{"model":"dall-e-2"}"#: "'prompt' is",
            #"{"model":"dall-e-2","prompt":"x","colour":"red"}"#: "dall-e-2 on /v1/images/generations takes:",
            #"{"model":"dall-e-2","prompt":"x","n":15}"#: "'n' is an integer from 1 to 10",
            #"{"model":"dall-e-2","prompt":"x","size":"9x9"}"#: "'size' is one of",
        ]
        for (body, expected) in legacyGenerations {
            let answer = json(body, style: .legacy, path: "/v1/images/generations")
            #expect(try error(answer).param == nil)
            #expect(diagnosis(answer).contains(expected), "\(body): \(diagnosis(answer))")
        }
        var legacyEdit = FormBody()
        legacyEdit.text("model", "dall-e-2")
        legacyEdit.text("prompt", "x")
        #expect(diagnosis(send(legacyEdit, engine: engine(style: .legacy))).contains("'image' is"))
    }

    @Test func octetStreamFileIsRejectedByItsDeclaredType() throws {
        let response = send(gptForm { $0.file("image", filename: "upload", type: "application/octet-stream", Self.rgba) })
        #expect(response.status == 400)
        let body = try error(response)
        #expect(body.message == "Invalid file 'image': unsupported mimetype ('application/octet-stream'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.")
        #expect(body.param == "image")
        #expect(body.code == "unsupported_file_mimetype")
        #expect(response.headers["x-images-mock-diagnosis"]?.contains("(they are image/png)") == true)
    }

    @Test func arrayFilesAreIndexed() throws {
        let response = send(gptForm {
            $0.file("image[]", Self.rgba)
            $0.file("image[]", filename: "b.bin", type: "application/octet-stream", Self.rgba)
        })
        let body = try error(response)
        #expect(body.param == "image[1]")
        #expect(body.message == "Invalid file 'image[1]': unsupported mimetype ('application/octet-stream'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.")
    }

    @Test func dallE2OnlyTakesPNGMimetype() throws {
        var form = FormBody()
        form.text("model", "dall-e-2")
        form.text("prompt", "x")
        form.file("image", filename: "a.jpg", type: "image/jpeg", TestImages.jpeg(64, 64))
        let body = try error(send(form))
        #expect(body.message == "Invalid file 'image': unsupported mimetype ('image/jpeg'). Supported file formats are 'image/png'.")
    }

    @Test func legacyDallE2FilesWithoutContentTypeGetTheEraAText() throws {
        // Era A knew no mimetype errors: a part without a type got the Era B text in legacy style.
        var form = FormBody()
        form.text("prompt", "x")
        form.file("image", type: nil, Self.rgba)
        let body = try error(send(form, engine: engine(style: .legacy)))
        #expect(body.message == "Uploaded image must be a PNG and less than 4 MB.")
    }

    @Test func fileWithoutContentTypeGetsMissingMimetype() throws {
        let body = try error(send(gptForm { $0.file("image", type: nil, Self.rgba) }))
        #expect(body.message == "Invalid file 'image': failed to determine mimetype. Ensure you are providing the file's mimetype as part of the 'Content-Type' header.")
        #expect(body.code == "missing_file_mimetype")
    }

    @Test func undecodableImageForGPT() throws {
        let response = send(gptForm { $0.file("image", Array("definitely not an image".utf8)) })
        let body = try error(response)
        #expect(body.message == "Invalid image file or mode for image 1, please check your image file.")
        #expect(body.type == "image_generation_user_error")
    }

    @Test(arguments: ["image", "image[]"])
    func imageSentAsText(_ field: String) throws {
        let body = try error(send(gptForm { $0.text(field, "iVBORw0KGgo=") }))
        #expect(body.message == "Invalid type for 'image': expected one of an array of files or file, but got a string instead.")
        #expect(body.code == "invalid_type")
        #expect(body.param == "image")
    }

    @Test func dallE2RejectsAnArray() throws {
        var form = FormBody()
        form.text("model", "dall-e-2")
        form.text("prompt", "x")
        form.file("image[]", Self.rgba)
        let body = try error(send(form))
        #expect(body.message == "Invalid type for 'image': expected a file, but got an array instead.")
    }

    @Test func multipartPartNamedImages() throws {
        let body = try error(send(gptForm { $0.file("images", Self.rgba) }))
        #expect(body.message == "Unknown parameter: 'images'. For multipart/form-data use 'image' or 'image[]'.")
        #expect(body.param == "images")
        #expect(body.code == "invalid_value")
    }

    @Test func seventeenImagesAreTooMany() throws {
        let response = send(gptForm { form in for _ in 0..<17 { form.file("image[]", Self.rgba) } })
        let body = try error(response)
        #expect(body.message == "Invalid 'image': array too long. Expected an array with maximum length 16, but got an array with length 17 instead.")
        #expect(send(gptForm { form in for _ in 0..<16 { form.file("image[]", Self.rgba) } }).status == 200)
    }

    @Test func dallE2Rows21To23() throws {
        func dalle(_ image: [UInt8], mask: [UInt8]? = nil) -> FormBody {
            var form = FormBody()
            form.text("model", "dall-e-2")
            form.text("prompt", "x")
            form.file("image", image)
            if let mask { form.file("mask", mask) }
            return form
        }
        #expect(try error(send(dalle(TestImages.jpeg(64, 64)))).message == "Uploaded image must be a PNG and less than 4 MB.")
        #expect(try error(send(dalle(TestImages.png(64, 48, alpha: true)))).message == "Invalid input image - expected an image with equal width and height, got 64x48 instead.")
        #expect(try error(send(dalle(Self.rgb))).message == "Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.")
        // A mask supplies the transparency, so an RGB image is then fine.
        #expect(send(dalle(Self.rgb, mask: Self.rgba)).status == 200)
        let mismatch = try error(send(dalle(Self.rgba, mask: TestImages.png(32, 32, alpha: true))))
        #expect(mismatch.message == "Invalid mask image - mask and image must have the same dimensions, got 32x32 and 64x64.")
        #expect(mismatch.param == "mask")
    }

    @Test func gptMaskNeedsAlpha() throws {
        let body = try error(send(gptForm {
            $0.file("image", Self.rgba)
            $0.file("mask", Self.rgb)
        }))
        #expect(body.message == "Invalid mask image format - mask image missing alpha channel")
        #expect(body.code == "invalid_mask_image_format")
    }

    @Test func multipartNumbersThatDoNotConvert() throws {
        let body = try error(send(gptForm {
            $0.text("n", "abc")
            $0.file("image", Self.rgba)
        }))
        #expect(body.message == "Invalid type for 'n': expected an integer, but got a string value that could not be converted into an integer.")
    }

    @Test func promptIsCheckedBeforeTheImage() throws {
        var form = FormBody()
        form.text("model", "gpt-image-2")
        #expect(try error(send(form)).message == "Missing required parameter: 'prompt'.")
        form.text("prompt", "x")
        #expect(try error(send(form)).message == "Missing required parameter: 'image'.")
    }

    @Test func legacyStyleMissingImage() throws {
        var form = FormBody()
        form.text("model", "dall-e-2")
        form.text("prompt", "x")
        #expect(try error(send(form, engine: engine(style: .legacy))).message == "'image' is a required property")
    }

    @Test func gptEditSucceedsWithOrientationFollowingTheInput() throws {
        let response = send(gptForm {
            $0.file("image[]", TestImages.png(96, 64, alpha: true))
            $0.file("image[]", TestImages.jpeg(64, 64), )
            $0.text("n", "2")
        })
        #expect(response.status == 200)
        let body = try #require(try JSONParser.parse(response.body).objectValue)
        #expect(body["size"] == "1536x1024")
        if case .array(let items)? = body["data"] { #expect(items.count == 2) } else { Issue.record("no data array") }
        let usage = try #require(body["usage"]?.objectValue?["input_tokens_details"]?.objectValue)
        #expect(usage["image_tokens"] == .number(JSONNumber(194 * 2)))
    }

    @Test func dallE2EditAnswersWithAURL() throws {
        var form = FormBody()
        form.text("model", "dall-e-2")
        form.text("prompt", "x")
        form.text("size", "256x256")
        form.file("image", Self.rgba)
        let response = send(form)
        #expect(response.status == 200)
        #expect(response.bodyText.contains("\"url\": \"http://127.0.0.1:9/v1/files/images/img-"))
    }

    @Test func variationsFollowTheDallE2Contract() throws {
        var form = FormBody()
        form.text("model", "dall-e-2")
        form.file("image", Self.rgb)
        form.text("response_format", "b64_json")
        let response = send(form, to: .variations)
        #expect(response.status == 200)
        #expect(response.bodyText.contains("\"b64_json\""))

        form.text("prompt", "no prompts here")
        let withPrompt = send(form, to: .variations)
        let body = try error(withPrompt)
        #expect(body.message == "Unknown parameter: 'prompt'.")
        #expect(withPrompt.headers["x-images-mock-diagnosis"]?.contains("/v1/images/edits") == true)

        var gpt = FormBody()
        gpt.text("model", "gpt-image-1.5")
        gpt.file("image", Self.rgb)
        let wrongModel = try error(send(gpt, to: .variations))
        #expect(wrongModel.message == "Invalid value: 'gpt-image-1.5'. Supported values are: 'dall-e-2'.")
    }

    @Test func variationsAreABare404AfterTheirRetirement() {
        var form = FormBody()
        form.file("image", Self.rgb)
        let response = send(form, to: .variations, engine: engine(asOf: "2026-08-29"))
        #expect(response.status == 404)
        #expect(response.body.isEmpty)
        #expect(response.headers["x-content-type-options"] == "nosniff")
    }

    @Test func jsonToAMultipartOnlyEndpointIs415WithTheHeaderEchoed() throws {
        let headers = HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "application/json; charset=UTF-8")])
        let request = HTTPRequest(method: "POST", path: "/v1/images/variations", headers: headers, body: Array(#"{"image":"x"}"#.utf8))
        let response = engine().respond(to: request).response
        #expect(response.status == 415)
        #expect(try error(response).message == "Invalid Content-Type header (application/json; charset=UTF-8), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')")
        let oldEdits = engine(asOf: "2026-07-01").respond(to: HTTPRequest(method: "POST", path: "/v1/images/edits", headers: headers, body: Array("{}".utf8))).response
        #expect(oldEdits.status == 415)
    }

    @Test func imagesOverPillowsPixelLimitAreRefusedUnread() throws {
        // A 100000x100000 header in a 70-byte file passed; Pillow refuses it before reading.
        let bomb = makePNG(width: 100_000, height: 100_000, colourType: 6)
        var form = FormBody()
        form.text("model", "gpt-image-1")
        form.text("prompt", "x")
        form.file("image", bomb)
        let refused = send(form)
        #expect(try error(refused).message == "Invalid image file or mode for image 1, please check your image file.")
        #expect(try error(refused).type == "image_generation_user_error")
        #expect(refused.headers["x-images-mock-diagnosis"]?.contains("100000x100000") == true)
        var dalle = FormBody()
        dalle.text("model", "dall-e-2")
        dalle.text("prompt", "x")
        dalle.file("image", bomb)
        #expect(try error(send(dalle)).message == "Uploaded image must be a PNG and less than 4 MB.")
        // Just under the limit the header passes (13,377² = 178,944,129 pixels).
        var edge = FormBody()
        edge.text("model", "gpt-image-1")
        edge.text("prompt", "x")
        edge.file("image", makePNG(width: 13_377, height: 13_377, colourType: 6))
        #expect(send(edge).status == 200)
    }

    @Test func theTokenBucketChargesWhatUsageReports() throws {
        // Input-image tokens were left out: usage said 856, the bucket went down by 275.
        let scenario = Scenario(rateLimits: RateLimitSpec(tokensPerMinute: 100_000))
        let engine = MockEngine(configuration: MockConfiguration(seed: 1), scenario: scenario, clock: ManualClock())
        var form = FormBody()
        form.text("model", "gpt-image-1")
        form.text("prompt", "a cat wearing a hat")
        form.text("quality", "low")
        form.file("image", TestImages.png(1024, 1024, alpha: true))
        let response = send(form, engine: engine)
        #expect(response.status == 200)
        let usage = try #require(try JSONParser.parse(response.body).objectValue?["usage"]?.objectValue)
        func integer(_ value: JSONValue?) -> Int? {
            if case .number(let number)? = value { return number.intValue }
            return nil
        }
        let total = try #require(integer(usage["total_tokens"]))
        let imageTokens = try #require(integer(usage["input_tokens_details"]?.objectValue?["image_tokens"]))
        #expect(imageTokens > 0)
        #expect(response.headers["x-ratelimit-remaining-tokens"] == String(100_000 - total))
    }

    @Test func anEditWithoutContentTypeIsReadAsJSONOnceEditsTakeJSON() throws {
        let body = Array(#"{"model":"gpt-image-2","prompt":"x","images":[{"file_id":"file-abc"}]}"#.utf8)
        func edit(_ contentType: String?, asOf: String? = nil) -> HTTPResponse {
            var headers = HTTPHeaders([("Authorization", "Bearer k")])
            if let contentType { headers.set("Content-Type", contentType) }
            return engine(asOf: asOf).respond(to: HTTPRequest(method: "POST", path: "/v1/images/edits", headers: headers, body: body)).response
        }
        #expect(edit(nil).status == 200)
        let before = edit(nil, asOf: "2026-07-31")
        #expect(before.status == 415)
        #expect(before.headers["x-images-mock-diagnosis"]?.hasPrefix("The request has no Content-Type header") == true)
        let text = edit("text/plain")
        #expect(text.status == 415)
        #expect(text.headers["x-images-mock-diagnosis"] == "Edits take multipart/form-data (files as parts) or application/json (images as references), not text/plain.")
    }

    @Test func jsonEditsTakeImageReferences() throws {
        let headers = HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "application/json")])
        func edit(_ json: String) -> HTTPResponse {
            engine().respond(to: HTTPRequest(method: "POST", path: "/v1/images/edits", headers: headers, body: Array(json.utf8))).response
        }
        let dataURL = "data:image/png;base64," + Data(Self.rgba).base64EncodedString()
        #expect(edit(#"{"model":"gpt-image-2","prompt":"x","images":[{"image_url":"\#(dataURL)"},{"file_id":"file-abc"},{"image_url":"https://example.com/a.png"}]}"#).status == 200)
        #expect(try error(edit(#"{"model":"gpt-image-2","prompt":"x","image":"x"}"#)).message == "Unknown parameter: 'image'. For application/json on /v1/images/edits, use 'images' (array).")
        #expect(try error(edit(#"{"model":"gpt-image-2","prompt":"x","images":[]}"#)).code == "empty_array")
        #expect(try error(edit(#"{"model":"gpt-image-2","prompt":"x","images":{}}"#)).message == "Invalid type for 'images': expected an array, but got an object instead.")
        #expect(try error(edit(#"{"model":"gpt-image-2","prompt":"x","images":["a"]}"#)).param == "images[0]")
        #expect(try error(edit(#"{"model":"gpt-image-2","prompt":"x","images":null}"#)).message == "Invalid type for 'images': expected an array, but got null instead.")
        #expect(try error(edit(#"{"model":"gpt-image-2","prompt":"x"}"#)).message == "Missing required parameter: 'images'.")

        // JSON edits are GPT-only: without a model they need `images` like any GPT edit (once
        // they got dall-e-2 and a 200 with no image at all), and dall-e-2 is not among the models.
        #expect(try error(edit(#"{"prompt":"x"}"#)).message == "Missing required parameter: 'images'.")
        #expect(try error(edit(#"{"prompt":"x","image":"x"}"#)).message == "Unknown parameter: 'image'. For application/json on /v1/images/edits, use 'images' (array).")
        #expect(edit(#"{"prompt":"x","images":[{"file_id":"file-abc"}]}"#).status == 200)
        let dalle = edit(#"{"model":"dall-e-2","prompt":"x"}"#)
        #expect(try error(dalle).code == "invalid_value" && error(dalle).param == "model")
        #expect(try error(dalle).message?.hasPrefix("Invalid value: 'dall-e-2'. Supported values are: 'gpt-image-1', ") == true)
        // 'dall-e' appears once: the value sent, not among the supported models.
        #expect(try error(dalle).message?.components(separatedBy: "dall-e").count == 2)
        #expect(dalle.headers["x-images-mock-diagnosis"]?.contains("multipart/form-data only") == true)

        // The mask is held against the first of `images` as it is against `image` in a form.
        let smallMask = "data:image/png;base64," + Data(TestImages.png(32, 32, alpha: true)).base64EncodedString()
        let mismatch = try error(edit(#"{"model":"gpt-image-1.5","prompt":"x","images":[{"image_url":"\#(dataURL)"}],"mask":{"image_url":"\#(smallMask)"}}"#))
        #expect(mismatch.message == "Invalid mask image - mask and image must have the same dimensions, got 32x32 and 64x64.")
        #expect(mismatch.param == "mask")
        #expect(edit(#"{"model":"gpt-image-1.5","prompt":"x","images":[{"image_url":"\#(dataURL)"}],"mask":{"image_url":"\#(dataURL)"}}"#).status == 200)

        // A mask in a data URL meets the mask's rules as an upload does (§3.5: all masks are PNG
        // under 4 MB): once a WebP or a 5 MB PNG mask passed here and failed as a file part.
        func maskedEdit(_ mask: [UInt8], type: String) -> HTTPResponse {
            let url = "data:\(type);base64," + Data(mask).base64EncodedString()
            return edit(#"{"model":"gpt-image-1.5","prompt":"x","images":[{"image_url":"\#(dataURL)"}],"mask":{"image_url":"\#(url)"}}"#)
        }
        let webpMask = try ImageEncoder.encode(RGBAImage(width: 64, height: 64, pixels: [UInt8](repeating: 7, count: 64 * 64 * 4)), as: .webp, quality: 100, preserveAlpha: true)
        let jpegMask = TestImages.jpeg(64, 64)
        var hugeMask = TestImages.png(64, 64, alpha: true)
        hugeMask.insert(contentsOf: [0, 0x50, 0, 0] + Array("tEXt".utf8) + [UInt8](repeating: 65, count: 0x500000) + [0, 0, 0, 0], at: 33)  // a 5 MiB text chunk
        for (mask, type) in [(webpMask, "image/webp"), (jpegMask, "image/jpeg"), (hugeMask, "image/png")] {
            let rejected = maskedEdit(mask, type: type)
            #expect(try error(rejected).message == "Uploaded image must be a PNG and less than 4 MB.", "\(type)")
            #expect(rejected.headers["x-images-mock-diagnosis"]?.contains("data URL of mask") == true, "\(type)")
        }
        let opaqueMask = maskedEdit(TestImages.png(64, 64, alpha: false), type: "image/png")
        #expect(try error(opaqueMask).code == "invalid_mask_image_format")
        #expect(opaqueMask.headers["x-images-mock-diagnosis"]?.contains("alpha channel") == true)
    }

    @Test func malformedBodiesNameTheirDefect() throws {
        let headers = HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "multipart/form-data")])
        let response = engine().respond(to: HTTPRequest(method: "POST", path: "/v1/images/edits", headers: headers, body: Array(#"{"prompt":"x"}"#.utf8))).response
        #expect(response.status == 400)
        #expect(try error(response).message?.isEmpty == false)
        #expect(response.headers["x-images-mock-diagnosis"]?.contains("boundary") == true)
        let legacy = engine(style: .legacy).respond(to: HTTPRequest(method: "POST", path: "/v1/images/edits", headers: headers, body: Array(#"{"prompt":"x"}"#.utf8))).response
        #expect(try error(legacy).message == "'image' is a required property")

        var form = FormBody()
        form.text("model", "gpt-image-2")
        var truncated = form.bytes
        truncated.removeLast(10)
        let cut = engine().respond(to: HTTPRequest(method: "POST", path: "/v1/images/edits", headers: HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", form.contentType)]), body: truncated)).response
        #expect(cut.status == 400)
        #expect(try error(cut).message?.contains("closing boundary") == true)
    }

    @Test func bracketedFieldsBecomeObjects() {
        #expect(FormParameters.bracketPath("svg[reasoning][effort]") == ["svg", "reasoning", "effort"])
        #expect(FormParameters.bracketPath("image[]") == nil)
        #expect(FormParameters.bracketPath("a[b") == nil)
    }
}
