import ImagesMockCodecs
@testable import ImagesMockCore
import Testing

@Suite("GPT body memo")
struct GPTBodyMemoTests {
    private let builder = ImagesResponseBuilder(catalog: .builtIn)
    private let output = ImagesResponseBuilder.ResolvedOutput(
        size: ImageSize(width: 2, height: 2), quality: "low", background: "opaque", outputFormat: .png, compression: 100)

    private func image(_ fill: UInt8) -> EncodedImage {
        EncodedImage(bytes: [UInt8](repeating: fill, count: 30), format: .png, width: 2, height: 2)
    }

    private func text(_ body: [UInt8]) -> String { String(decoding: body, as: UTF8.self) }

    @Test func sameInputsShareTheBodyAndAnyDifferenceRendersAgain() {
        let first = image(1)
        let usage = TokenUsage(textTokens: 4, inputImageTokens: 0, outputImageTokens: 6, reportsOutputDetails: false)
        let body = builder.gptBody(created: 100, images: [first], output: output, usage: usage, safetyIdentifier: nil)
        #expect(builder.gptBody(created: 100, images: [first], output: output, usage: usage, safetyIdentifier: nil) == body)
        #expect(text(body).contains(String(decoding: first.base64, as: UTF8.self)))

        // Same length, different bytes: never the remembered body.
        let second = image(2)
        #expect(second.base64.count == first.base64.count)
        let other = builder.gptBody(created: 100, images: [second], output: output, usage: usage, safetyIdentifier: nil)
        #expect(text(other).contains(String(decoding: second.base64, as: UTF8.self)))
        #expect(!text(other).contains(String(decoding: first.base64, as: UTF8.self)))

        #expect(text(builder.gptBody(created: 101, images: [second], output: output, usage: usage, safetyIdentifier: nil)).contains("\"created\": 101"))
        #expect(text(builder.gptBody(created: 101, images: [second], output: output, usage: usage, safetyIdentifier: "u1")).contains("\"safety_identifier\": \"u1\""))
        var high = output
        high.quality = "high"
        #expect(text(builder.gptBody(created: 101, images: [second], output: high, usage: usage, safetyIdentifier: "u1")).contains("\"quality\": \"high\""))
        var moreTokens = usage
        moreTokens.outputImageTokens = 7
        #expect(text(builder.gptBody(created: 101, images: [second], output: high, usage: moreTokens, safetyIdentifier: "u1")).contains("\"total_tokens\": 11"))
        #expect(text(builder.gptBody(created: 101, images: [second, first], output: high, usage: moreTokens, safetyIdentifier: "u1"))
            .contains(String(decoding: first.base64, as: UTF8.self)))
    }
}
