import Foundation
import ImagesMockCodecs
import Synchronization

/// Builds the success bodies of contract §4 from a validated request and its images.
struct ImagesResponseBuilder: Sendable {
    let catalog: ModelCatalog
    private let lastGPTBody = GPTBodyMemo()

    init(catalog: ModelCatalog) {
        self.catalog = catalog
    }

    /// The echo fields of a GPT answer, with `auto` resolved the way the model would.
    struct ResolvedOutput: Sendable, Equatable {
        var size: ImageSize
        var quality: String
        var background: String
        var outputFormat: ImageFormat
        var compression: Int
        /// Whether a GPT body carries `background`, `output_format`, `size` and `quality`: not
        /// in an era before the API added them (contract §4).
        var echoesSettings = true
    }

    /// - Parameter firstInput: for edits, `size: auto` follows the input's orientation.
    func resolve(_ request: ValidatedImageRequest, firstInput: ImageInfo? = nil) -> ResolvedOutput {
        let profile = request.model.response
        var autos = profile.resolvedAuto ?? [:]
        if let firstInput {
            if firstInput.width * 5 > firstInput.height * 6 {
                autos["size"] = "1536x1024"
            } else if firstInput.height * 5 > firstInput.width * 6 {
                autos["size"] = "1024x1536"
            }
        }
        func resolved(_ name: String, fallback: String) -> String {
            let value = request.string(name) ?? fallback
            return value == "auto" ? (autos[name] ?? fallback) : value
        }
        let sizeText = resolved("size", fallback: "1024x1024")
        let size = ImageSize(parsing: sizeText) ?? ImageSize(width: 1024, height: 1024)
        let format: ImageFormat
        if profile.kind == .dalle {
            format = ImageFormat(rawValue: profile.outputFormat ?? "png") ?? .png
        } else {
            format = ImageFormat(rawValue: request.string("output_format") ?? "png") ?? .png
        }
        return ResolvedOutput(
            size: size,
            quality: resolved("quality", fallback: "high"),
            background: resolved("background", fallback: "opaque"),
            outputFormat: format,
            compression: request.integer("output_compression") ?? 100)
    }

    /// Token accounting plausible for a mock (contract §4: per-quality output tokens scaled by area).
    /// Counts only: the JSON is written when a body is rendered, so a shared body costs no object.
    func usage(for request: ValidatedImageRequest, output: ResolvedOutput, inputImageTokens: Int = 0) -> TokenUsage {
        let perSquare = catalog.outputTokens[output.quality] ?? catalog.outputTokens["high"] ?? 4160
        let area = Double(output.size.width * output.size.height) / Double(1024 * 1024)
        return TokenUsage(
            textTokens: max(1, ((request.prompt?.unicodeScalars.count ?? 0) + 3) / 4),
            inputImageTokens: inputImageTokens,
            outputImageTokens: Int((Double(perSquare) * area).rounded()) * request.imageCount,
            reportsOutputDetails: request.model.response.outputTokensDetails == true)
    }

    /// Input image tokens as vision models count them: a base plus a share per 512-pixel tile.
    static func inputImageTokens(_ images: [AcceptedImage]) -> Int {
        images.reduce(0) { total, image in
            let tiles = ((image.info.width + 511) / 512) * ((image.info.height + 511) / 512)
            return total + 65 + 129 * tiles
        }
    }

    /// One `data[]` item of a DALL·E answer.
    enum DalleItem {
        case url(String)
        case base64([UInt8])
    }

    func dalleBody(created: Int, items: [DalleItem], revisedPrompt: String?) -> [UInt8] {
        let data: [JSONValue] = items.map { item in
            var members: [(key: String, value: JSONValue)] = []
            if let revisedPrompt { members.append(("revised_prompt", .string(revisedPrompt))) }
            switch item {
            case .url(let url): members.append(("url", .string(url)))
            case .base64(let bytes): members.append(("b64_json", .verbatimString(bytes)))
            }
            return .object(JSONObject(members))
        }
        let body: JSONValue = .object(JSONObject([("created", .number(JSONNumber(created))), ("data", .array(data))]))
        let capacity = items.reduce(512 + (revisedPrompt?.utf8.count ?? 0) * items.count) { total, item in
            if case .base64(let bytes) = item { return total + bytes.count + 64 }
            return total + 160
        }
        return JSONWriter.render(body, layout: .pretty, trailingNewline: true, capacity: capacity)
    }

    /// The body is the same bytes for every request with the same inputs within one second (the
    /// `created` stamp): the last one is kept and shared, since writing it means copying every
    /// image's base64 (a 1024×1024 PNG is 195 KB of it) and a load test asks the same again and again.
    func gptBody(created: Int, images: [EncodedImage], output: ResolvedOutput, usage: TokenUsage, safetyIdentifier: String?) -> [UInt8] {
        let key = GPTBodyMemo.Key(created: created, output: output, usage: usage, safetyIdentifier: safetyIdentifier,
                                  base64: images.map(\.base64))
        if let body = lastGPTBody.body(for: key) { return body }
        let body = renderGPTBody(created: created, images: images, output: output, usage: usage, safetyIdentifier: safetyIdentifier)
        lastGPTBody.remember(body, for: key)
        return body
    }

    private func renderGPTBody(created: Int, images: [EncodedImage], output: ResolvedOutput, usage: TokenUsage, safetyIdentifier: String?) -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = [
            ("created", .number(JSONNumber(created))),
            ("data", .array(images.map { .object(JSONObject([("b64_json", .verbatimString($0.base64))])) })),
        ]
        if output.echoesSettings {
            members += [
                ("background", .string(output.background)),
                ("output_format", .string(output.outputFormat.rawValue)),
                ("size", .string(output.size.description)),
                ("quality", .string(output.quality)),
            ]
        }
        members.append(("usage", usage.json))
        if let safetyIdentifier { members.append(("safety_identifier", .string(safetyIdentifier))) }
        let capacity = images.reduce(1024) { $0 + $1.base64.count + 64 }
        return JSONWriter.render(.object(JSONObject(members)), layout: .pretty, trailingNewline: true, capacity: capacity)
    }

    /// dall-e-3 rewrites prompts; the mock's rewrite is deterministic and recognisably derived.
    static func revisedPrompt(for prompt: String, style: String?) -> String {
        let look = style == "natural" ? "a natural, true-to-life look" : "vivid, hyper-real colours"
        return "A detailed digital illustration of \(prompt.trimmingCharacters(in: .whitespacesAndNewlines)), rendered with \(look), balanced composition and soft, even lighting."
    }
}

/// The `usage` of a GPT answer, as counts.
struct TokenUsage: Sendable, Equatable {
    var textTokens: Int
    var inputImageTokens: Int
    var outputImageTokens: Int
    /// Models that itemise their output tokens (`output_tokens_details`).
    var reportsOutputDetails: Bool

    var inputTokens: Int { textTokens + inputImageTokens }
    var totalTokens: Int { inputTokens + outputImageTokens }

    /// The object of contract §4, members in the real API's order.
    var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("total_tokens", .number(JSONNumber(totalTokens))),
            ("input_tokens", .number(JSONNumber(inputTokens))),
            ("output_tokens", .number(JSONNumber(outputImageTokens))),
            ("input_tokens_details", .object(JSONObject([
                ("text_tokens", .number(JSONNumber(textTokens))),
                ("image_tokens", .number(JSONNumber(inputImageTokens))),
            ]))),
        ]
        if reportsOutputDetails {
            members.append(("output_tokens_details", .object(JSONObject([
                ("image_tokens", .number(JSONNumber(outputImageTokens))),
                ("text_tokens", 0),
            ]))))
        }
        return .object(JSONObject(members))
    }
}

/// The last GPT success body and what it was made from.
final class GPTBodyMemo: Sendable {
    struct Key: Equatable {
        let created: Int
        /// Compression is not in the body; a difference there only costs a render.
        let output: ImagesResponseBuilder.ResolvedOutput
        let usage: TokenUsage
        let safetyIdentifier: String?
        /// Compared last: arrays that share storage compare in constant time, different images
        /// usually differ in length, and only same-length different images cost a byte comparison.
        let base64: [[UInt8]]
    }

    private let last = Mutex<(key: Key, body: [UInt8])?>(nil)

    func body(for key: Key) -> [UInt8]? {
        last.withLock { last in
            guard let last, last.key == key else { return nil }
            return last.body
        }
    }

    func remember(_ body: [UInt8], for key: Key) {
        last.withLock { $0 = (key, body) }
    }
}
