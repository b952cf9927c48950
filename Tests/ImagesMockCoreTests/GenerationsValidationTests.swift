import Testing
@testable import ImagesMockCore

/// One contract row: a JSON body and the exact error the real API gives for it.
struct ValidationCase: CustomTestStringConvertible, Sendable {
    let row: String
    let body: String
    let status: Int
    let type: String
    let param: String?
    let code: String?
    let message: String
    var style: ErrorStyle = .current
    var asOf: String? = nil
    var requireModel = false

    var testDescription: String { "row \(row): \(body)" }
}

private func validate(_ body: String, style: ErrorStyle = .current, asOf: String? = nil, requireModel: Bool = false) throws -> ValidatedImageRequest {
    guard case .object(let object) = try JSONParser.parse(body) else { throw APIError(status: 0, message: "not an object") }
    let context = ValidationContext(errorStyle: style, asOf: asOf.flatMap(CalendarDate.init), requireModel: requireModel)
    return try RequestValidator(context: context).validate(RequestParameters(json: object), endpoint: .generations)
}

private let long1001 = String(repeating: "a", count: 1001)

let generationRows: [ValidationCase] = [
    .init(row: "1", body: #"{"model":"gpt-image-2"}"#, status: 400, type: "invalid_request_error", param: "prompt", code: "missing_required_parameter", message: "Missing required parameter: 'prompt'."),
    .init(row: "1a", body: #"{"model":"dall-e-2"}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "'prompt' is a required property", style: .legacy),
    .init(row: "2", body: #"{"model":"gpt-image-2","prompt":null}"#, status: 400, type: "invalid_request_error", param: "prompt", code: "invalid_type", message: "Invalid type for 'prompt': expected a string, but got null instead."),
    .init(row: "2b", body: #"{"model":"gpt-image-2","prompt":42}"#, status: 400, type: "invalid_request_error", param: "prompt", code: "invalid_type", message: "Invalid type for 'prompt': expected a string, but got an integer instead."),
    .init(row: "2a", body: #"{"model":"gpt-image-2","prompt":""}"#, status: 400, type: "invalid_request_error", param: "prompt", code: "empty_string", message: "Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead."),
    .init(row: "4", body: #"{"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "missing_required_parameter", message: "Missing required parameter: 'model'.", asOf: "2026-08-29"),
    .init(row: "4-flag", body: #"{"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "missing_required_parameter", message: "Missing required parameter: 'model'.", requireModel: true),
    .init(row: "4a", body: #"{"model":null,"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "invalid_type", message: "Invalid type for 'model': expected a string, but got null instead.", asOf: "2026-08-29"),
    .init(row: "4a-int", body: #"{"model":123,"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "invalid_type", message: "Invalid type for 'model': expected a string, but got an integer instead."),
    .init(row: "4a-dec", body: #"{"model":1.5,"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "invalid_type", message: "Invalid type for 'model': expected a string, but got a decimal number instead."),
    .init(row: "4a-bool", body: #"{"model":true,"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "invalid_type", message: "Invalid type for 'model': expected a string, but got a boolean instead."),
    .init(row: "4a-obj", body: #"{"model":{},"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "invalid_type", message: "Invalid type for 'model': expected a string, but got an object instead."),
    .init(row: "4a-arr", body: #"{"model":[],"prompt":"otter"}"#, status: 400, type: "invalid_request_error", param: "model", code: "invalid_type", message: "Invalid type for 'model': expected a string, but got an array instead."),
    .init(row: "5", body: #"{"model":"foo-model","prompt":"otter"}"#, status: 400, type: "image_generation_user_error", param: "model", code: "invalid_value", message: "The model 'foo-model' does not exist."),
    .init(row: "5-empty", body: #"{"model":"","prompt":"otter"}"#, status: 400, type: "image_generation_user_error", param: "model", code: "invalid_value", message: "The model '' does not exist."),
    .init(row: "5-retired", body: #"{"model":"dall-e-3","prompt":"otter"}"#, status: 400, type: "image_generation_user_error", param: "model", code: "invalid_value", message: "The model 'dall-e-3' does not exist.", asOf: "2026-11-21"),
    .init(row: "5-shutdown", body: #"{"model":"gpt-image-1","prompt":"otter"}"#, status: 400, type: "image_generation_user_error", param: "model", code: "invalid_value", message: "The model 'gpt-image-1' does not exist.", asOf: "2026-10-23"),
    .init(row: "5-unreleased", body: #"{"model":"gpt-image-2","prompt":"otter"}"#, status: 400, type: "image_generation_user_error", param: "model", code: "invalid_value", message: "The model 'gpt-image-2' does not exist.", asOf: "2025-06-01"),
    .init(row: "6", body: #"{"model":"dall-e-2","prompt":"otter","quality":"standard"}"#, status: 400, type: "invalid_request_error", param: "quality", code: "unknown_parameter", message: "Unknown parameter: 'quality'."),
    .init(row: "6-style", body: #"{"model":"gpt-image-1.5","prompt":"otter","style":"vivid"}"#, status: 400, type: "invalid_request_error", param: "style", code: "unknown_parameter", message: "Unknown parameter: 'style'."),
    .init(row: "6-moderation", body: #"{"model":"dall-e-3","prompt":"otter","moderation":"low"}"#, status: 400, type: "invalid_request_error", param: "moderation", code: "unknown_parameter", message: "Unknown parameter: 'moderation'."),
    .init(row: "6-first", body: #"{"model":"gpt-image-2","prompt":"otter","temperature":1,"style":"vivid"}"#, status: 400, type: "invalid_request_error", param: "temperature", code: "unknown_parameter", message: "Unknown parameter: 'temperature'."),
    .init(row: "6-gen-mask", body: #"{"model":"gpt-image-2","prompt":"otter","mask":null}"#, status: 400, type: "invalid_request_error", param: "mask", code: "unknown_parameter", message: "Unknown parameter: 'mask'."),
    .init(row: "6-gen-fidelity", body: #"{"model":"gpt-image-1.5","prompt":"otter","input_fidelity":"high"}"#, status: 400, type: "invalid_request_error", param: "input_fidelity", code: "unknown_parameter", message: "Unknown parameter: 'input_fidelity'."),
    .init(row: "6a", body: #"{"model":"dall-e-2","prompt":"otter","temperature":1}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "Additional properties are not allowed ('temperature' was unexpected)", style: .legacy),
    .init(row: "7", body: #"{"model":"gpt-image-2","prompt":"otter","n":"2"}"#, status: 400, type: "invalid_request_error", param: "n", code: "invalid_type", message: "Invalid type for 'n': expected an integer, but got a string instead."),
    .init(row: "7-dec", body: #"{"model":"gpt-image-2","prompt":"otter","n":1.5}"#, status: 400, type: "invalid_request_error", param: "n", code: "invalid_type", message: "Invalid type for 'n': expected an integer, but got a decimal number instead."),
    .init(row: "7-dec-whole", body: #"{"model":"gpt-image-2","prompt":"otter","n":2.0}"#, status: 400, type: "invalid_request_error", param: "n", code: "invalid_type", message: "Invalid type for 'n': expected an integer, but got a decimal number instead."),
    .init(row: "7-bool", body: #"{"model":"gpt-image-2","prompt":"otter","n":true}"#, status: 400, type: "invalid_request_error", param: "n", code: "invalid_type", message: "Invalid type for 'n': expected an integer, but got a boolean instead."),
    .init(row: "8", body: #"{"model":"gpt-image-2","prompt":"otter","n":0}"#, status: 400, type: "invalid_request_error", param: "n", code: "integer_below_min_value", message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    .init(row: "8a", body: #"{"model":"gpt-image-2","prompt":"otter","n":11}"#, status: 400, type: "invalid_request_error", param: "n", code: "integer_above_max_value", message: "Invalid 'n': integer above maximum value. Expected a value <= 10, but got 11 instead."),
    .init(row: "8a-huge", body: #"{"model":"gpt-image-2","prompt":"otter","n":99999999999999999999}"#, status: 400, type: "invalid_request_error", param: "n", code: "integer_above_max_value", message: "Invalid 'n': integer above maximum value. Expected a value <= 10, but got 99999999999999999999 instead."),
    .init(row: "8b", body: #"{"model":"dall-e-2","prompt":"otter","n":15}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "15 is greater than the maximum of 10 - 'n'", style: .legacy),
    .init(row: "8-negative-zero", body: #"{"model":"gpt-image-2","prompt":"otter","n":-0}"#, status: 400, type: "invalid_request_error", param: "n", code: "integer_below_min_value", message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    .init(row: "7-legacy-inf", body: #"{"model":"dall-e-2","prompt":"otter","n":-1e400}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "-inf is not of type 'integer' - 'n'", style: .legacy),
    .init(row: "8b-min", body: #"{"model":"dall-e-2","prompt":"otter","n":0}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "0 is less than the minimum of 1 - 'n'", style: .legacy),
    .init(row: "9", body: #"{"model":"dall-e-3","prompt":"otter","n":2}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "You must provide n=1 for this model."),
    .init(row: "10", body: #"{"model":"dall-e-2","prompt":"otter","size":"256×256"}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "'256×256' is not one of ['256x256', '512x512', '1024x1024'] - 'size'", style: .legacy),
    .init(row: "10a", body: #"{"model":"dall-e-2","prompt":"otter","size":"1536x1024"}"#, status: 400, type: "invalid_request_error", param: "size", code: "invalid_value", message: "Invalid value: '1536x1024'. Supported values are: '256x256', '512x512', and '1024x1024'."),
    .init(row: "10b", body: #"{"model":"dall-e-3","prompt":"otter","size":"512x512"}"#, status: 400, type: "invalid_request_error", param: nil, code: "invalid_size", message: "The size is not supported by this model."),
    .init(row: "10c", body: #"{"model":"gpt-image-1.5","prompt":"otter","size":"1254x836"}"#, status: 400, type: "invalid_request_error", param: "size", code: "invalid_value", message: "Invalid value: '1254x836'. Supported values are: '1024x1024', '1024x1536', '1536x1024', and 'auto'."),
    .init(row: "10d", body: #"{"model":"gpt-image-2","prompt":"otter","size":"bogus"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size 'bogus'. Expected WIDTHxHEIGHT, for example '1824x1024'."),
    .init(row: "10d-zero", body: #"{"model":"gpt-image-2","prompt":"otter","size":"0x0"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size '0x0'. Expected WIDTHxHEIGHT, for example '1824x1024'."),
    .init(row: "10d-upper", body: #"{"model":"gpt-image-2","prompt":"otter","size":"1024X1024"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size '1024X1024'. Expected WIDTHxHEIGHT, for example '1824x1024'."),
    .init(row: "10e", body: #"{"model":"gpt-image-2","prompt":"otter","size":"9x9"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size '9x9'. Width and height must both be divisible by 16."),
    .init(row: "10e-edge", body: #"{"model":"gpt-image-2","prompt":"otter","size":"4096x2048"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size '4096x2048'. The longest edge must be at most 3840 pixels, but got 4096."),
    .init(row: "10e-aspect", body: #"{"model":"gpt-image-2","prompt":"otter","size":"3840x1008"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size '3840x1008'. The aspect ratio must be between 1:3 and 3:1."),
    .init(row: "10e-small", body: #"{"model":"gpt-image-2","prompt":"otter","size":"512x512"}"#, status: 400, type: "image_generation_user_error", param: "size", code: "invalid_value", message: "Invalid size '512x512'. The total number of pixels must be at least 655360, but got 262144."),
    .init(row: "10f", body: #"{"model":"gpt-image-2","prompt":"otter","size":1024}"#, status: 400, type: "invalid_request_error", param: "size", code: "invalid_type", message: "Invalid type for 'size': expected a string, but got an integer instead."),
    .init(row: "11", body: #"{"model":"gpt-image-2","prompt":"otter","quality":"ultra"}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_value", message: "Invalid value: 'ultra'. Supported values are: 'low', 'medium', 'high', and 'auto'."),
    .init(row: "11-hd", body: #"{"model":"gpt-image-1.5","prompt":"otter","quality":"hd"}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_value", message: "Invalid value: 'hd'. Supported values are: 'low', 'medium', 'high', and 'auto'."),
    .init(row: "11-empty", body: #"{"model":"gpt-image-2","prompt":"otter","quality":""}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_value", message: "Invalid value: ''. Supported values are: 'low', 'medium', 'high', and 'auto'."),
    .init(row: "11a", body: #"{"model":"gpt-image-2","prompt":"otter","quality":3}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_type", message: "Invalid type for 'quality': expected one of 'low', 'medium', 'high', or 'auto', but got an integer instead."),
    .init(row: "11b", body: #"{"model":"dall-e-3","prompt":"otter","quality":"ultra"}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_value", message: "Invalid value: 'ultra'. Supported values are: 'standard' and 'hd'."),
    .init(row: "11b-style", body: #"{"model":"dall-e-3","prompt":"otter","style":"ultra"}"#, status: 400, type: "invalid_request_error", param: "style", code: "invalid_value", message: "Invalid value: 'ultra'. Supported values are: 'vivid' and 'natural'."),
    .init(row: "11-2.5", body: #"{"model":"gpt-image-2.5-flare","prompt":"otter","quality":"ultra"}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_value", message: "Invalid value: 'ultra'. Supported values are: 'low', 'medium', 'high', 'xhigh', 'max', and 'auto'."),
    .init(row: "12", body: #"{"model":"gpt-image-2","prompt":"otter","output_format":"gif"}"#, status: 400, type: "invalid_request_error", param: "output_format", code: "invalid_value", message: "Invalid value: 'gif'. Supported values are: 'png', 'webp', and 'jpeg'."),
    .init(row: "12a", body: #"{"model":"gpt-image-2","prompt":"otter","background":"bogus"}"#, status: 400, type: "invalid_request_error", param: "background", code: "invalid_value", message: "Invalid value: 'bogus'. Supported values are: 'transparent', 'opaque', and 'auto'."),
    .init(row: "12b", body: #"{"model":"gpt-image-2","prompt":"otter","moderation":"bogus"}"#, status: 400, type: "invalid_request_error", param: "moderation", code: "invalid_value", message: "Invalid value: 'bogus'. Supported values are: 'auto' and 'low'."),
    .init(row: "12d", body: #"{"model":"gpt-image-2","prompt":"otter","output_compression":101}"#, status: 400, type: "invalid_request_error", param: "output_compression", code: "integer_above_max_value", message: "Invalid 'output_compression': integer above maximum value. Expected a value <= 100, but got 101 instead."),
    .init(row: "12d-min", body: #"{"model":"gpt-image-2","prompt":"otter","output_compression":-1}"#, status: 400, type: "invalid_request_error", param: "output_compression", code: "integer_below_min_value", message: "Invalid 'output_compression': integer below minimum value. Expected a value >= 0, but got -1 instead."),
    .init(row: "12e", body: #"{"model":"gpt-image-2","prompt":"otter","partial_images":4}"#, status: 400, type: "invalid_request_error", param: "partial_images", code: "integer_above_max_value", message: "Invalid 'partial_images': integer above maximum value. Expected a value <= 3, but got 4 instead."),
    .init(row: "12f", body: #"{"model":"gpt-image-2","prompt":"otter","stream":"yes"}"#, status: 400, type: "invalid_request_error", param: "stream", code: "invalid_type", message: "Invalid type for 'stream': expected a boolean, but got a string instead."),
    .init(row: "13", body: #"{"model":"gpt-image-1.5","prompt":"otter","response_format":"b64_json"}"#, status: 400, type: "invalid_request_error", param: "response_format", code: "unknown_parameter", message: "Unknown parameter: 'response_format'."),
    .init(row: "13-null", body: #"{"model":"gpt-image-2","prompt":"otter","response_format":null}"#, status: 400, type: "invalid_request_error", param: "response_format", code: "unknown_parameter", message: "Unknown parameter: 'response_format'."),
    .init(row: "13a", body: #"{"model":"dall-e-2","prompt":"otter","response_format":"foo"}"#, status: 400, type: "invalid_request_error", param: nil, code: nil, message: "'foo' is not one of ['url', 'b64_json'] - 'response_format'", style: .legacy),
    .init(row: "14", body: "{\"model\":\"dall-e-2\",\"prompt\":\"\(long1001)\"}", status: 400, type: "invalid_request_error", param: "prompt", code: "string_above_max_length", message: "Invalid 'prompt': string too long. Expected a string with maximum length 1000, but got a string with length 1001 instead."),
    .init(row: "14a", body: "{\"model\":\"dall-e-2\",\"prompt\":\"\(long1001)\"}", status: 400, type: "invalid_request_error", param: nil, code: nil, message: "Prompt must be length 1000 or less. Your prompt length is 1001. Please reduce your prompt length.", style: .legacy),
    .init(row: "14b", body: "{\"model\":\"dall-e-3\",\"prompt\":\"\(String(repeating: "b", count: 4001))\"}", status: 400, type: "invalid_request_error", param: nil, code: nil, message: "'\(String(repeating: "b", count: 4001))' is too long - 'prompt'", style: .legacy),
    .init(row: "order-model-first", body: #"{"model":"nope","prompt":"","n":0,"temperature":1}"#, status: 400, type: "image_generation_user_error", param: "model", code: "invalid_value", message: "The model 'nope' does not exist."),
    .init(row: "order-unknown-before-prompt", body: #"{"model":"gpt-image-2","prompt":"","temperature":1}"#, status: 400, type: "invalid_request_error", param: "temperature", code: "unknown_parameter", message: "Unknown parameter: 'temperature'."),
    .init(row: "order-prompt-before-n", body: #"{"model":"gpt-image-2","n":0,"prompt":""}"#, status: 400, type: "invalid_request_error", param: "prompt", code: "empty_string", message: "Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead."),
    .init(row: "order-n-before-quality", body: #"{"model":"gpt-image-2","prompt":"x","quality":"bad","n":0}"#, status: 400, type: "invalid_request_error", param: "n", code: "integer_below_min_value", message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead."),
    .init(row: "order-quality-before-compression", body: #"{"model":"gpt-image-2","prompt":"x","output_compression":101,"quality":"bad"}"#, status: 400, type: "invalid_request_error", param: "quality", code: "invalid_value", message: "Invalid value: 'bad'. Supported values are: 'low', 'medium', 'high', and 'auto'."),
    .init(row: "order-compression-before-size", body: #"{"model":"gpt-image-2","prompt":"x","size":"bogus","output_compression":101}"#, status: 400, type: "invalid_request_error", param: "output_compression", code: "integer_above_max_value", message: "Invalid 'output_compression': integer above maximum value. Expected a value <= 100, but got 101 instead."),
    .init(row: "transparent-jpeg", body: #"{"model":"gpt-image-2","prompt":"x","background":"transparent","output_format":"jpeg"}"#, status: 400, type: "invalid_request_error", param: "background", code: "invalid_value", message: "Invalid value: 'transparent'. 'background'='transparent' requires 'output_format' to be 'png' or 'webp', but got 'jpeg'."),
    .init(row: "gif-only", body: #"{"model":"gpt-image-2","prompt":"x","frame_count":4}"#, status: 400, type: "invalid_request_error", param: "frame_count", code: "invalid_value", message: "Invalid 'frame_count': only supported when 'output_format' is 'gif', but it is 'png'."),
]

@Suite("Generations validation (contract §7.2)")
struct GenerationsValidationTests {
    @Test(arguments: generationRows)
    func rejectsExactly(_ row: ValidationCase) throws {
        let error = try #require(throws: APIError.self) {
            try validate(row.body, style: row.style, asOf: row.asOf, requireModel: row.requireModel)
        }
        #expect(error.status == row.status)
        #expect(error.type == row.type)
        #expect(error.param == row.param)
        #expect(error.code == row.code)
        #expect(error.message == row.message)
    }

    @Test func aParameterThatNeedsAnUnofferedValueSaysSo() throws {
        // The diagnosis said to send output_format gif, which only traded this error for row 12.
        do {
            _ = try validate(#"{"model":"gpt-image-2","prompt":"x","frame_count":4}"#)
            Issue.record("frame_count without gif was accepted")
        } catch let error as APIError {
            #expect(error.diagnosis?.contains("which is not offered") == true, "\(error.diagnosis ?? "none")")
            #expect(error.diagnosis?.contains("leave 'frame_count' out") == true)
        }
    }

    @Test func acceptsAMinimalGPTRequestAndAppliesDefaults() throws {
        let request = try validate(#"{"model":"gpt-image-2","prompt":"otter"}"#)
        #expect(request.model.id == "gpt-image-2")
        #expect(request.imageCount == 1)
        #expect(request.string("size") == "auto")
        #expect(request.string("quality") == "auto")
        #expect(request.string("output_format") == "png")
        #expect(request.boolean("stream") == false)
    }

    @Test func defaultsToDallE2WhenModelIsOmittedAndNotRequired() throws {
        let request = try validate(#"{"prompt":"otter"}"#)
        #expect(request.model.id == "dall-e-2")
        #expect(request.string("response_format") == "url")
    }

    /// Contract §2: dall-e-2 "unless a parameter specific to the GPT image models is used".
    @Test(arguments: [#""quality":"high""#, #""output_format":"webp""#, #""background":"transparent""#, #""moderation":"low""#])
    func omittedModelWithAGPTOnlyParameterGoesToGPTImage1(_ member: String) throws {
        let request = try validate(#"{"prompt":"otter",\#(member)}"#)
        #expect(request.model.id == "gpt-image-1")
    }

    @Test func omittedModelWithParametersDallE2TakesStaysDallE2() throws {
        #expect(try validate(#"{"prompt":"otter","n":2,"size":"256x256","response_format":"b64_json"}"#).model.id == "dall-e-2")
        // An unknown name belongs to no model: it is dall-e-2's unknown parameter, as before.
        #expect(throws: APIError.self) { try validate(#"{"prompt":"otter","colour":"red"}"#) }
    }

    @Test func explicitNullOfAnOptionalScalarIsLikeAbsence() throws {
        let request = try validate(#"{"model":"gpt-image-2","prompt":"otter","n":null,"size":null,"quality":null,"stream":null,"output_compression":null}"#)
        #expect(request.imageCount == 1)
        #expect(request.string("size") == "auto")
    }

    @Test func whitespaceOnlyPromptIsAccepted() throws {
        _ = try validate(#"{"model":"gpt-image-2","prompt":"   "}"#)
    }

    @Test func userMayBeAnyType() throws {
        _ = try validate(#"{"model":"gpt-image-2","prompt":"otter","user":123}"#)
    }

    @Test func promptLengthCountsUnicodeScalars() throws {
        let emoji = String(repeating: "🦦", count: 1000)
        _ = try validate("{\"model\":\"dall-e-2\",\"prompt\":\"\(emoji)\"}")
        let tooLong = try #require(throws: APIError.self) { try validate("{\"model\":\"dall-e-2\",\"prompt\":\"\(emoji)é\"}") }
        #expect(tooLong.message?.contains("length 1001") == true)
    }

    @Test(arguments: ["1024x1024", "1824x1024", "3840x2160", "2160x3840", "1536x864", "auto", "1024x3072"])
    func acceptsValidFreeSizes(_ size: String) throws {
        _ = try validate("{\"model\":\"gpt-image-2\",\"prompt\":\"otter\",\"size\":\"\(size)\"}")
    }

    @Test func everyModelOfTheContractIsInTheCatalog() {
        let ids = Set(ModelCatalog.builtIn.models.keys)
        for id in ["dall-e-2", "dall-e-3", "gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5", "chatgpt-image-latest", "gpt-image-2",
            "gpt-image-2-2026-04-21", "gpt-image-2.5-sunburst", "gpt-image-2.5-flare", "gpt-image-2.5-sunburst-2026-09-08",
            "gpt-image-2.5-flare-2026-09-08", "gpt-image-2.6-sunburst", "gpt-image-2.6-flare"]
        {
            #expect(ids.contains(id), "missing \(id)")
        }
    }

    @Test func multipartTextThatIsNotANumberGetsTheConversionMessage() throws {
        let parameters = RequestParameters(form: .multipart, entries: [("model", .formText("gpt-image-1.5")), ("prompt", .formText("otter")), ("n", .formText("2.5"))])
        let error = try #require(throws: APIError.self) {
            try RequestValidator(context: ValidationContext()).validate(parameters, endpoint: .generations)
        }
        #expect(error.message == "Invalid type for 'n': expected an integer, but got a string value that could not be converted into an integer.")
        #expect(error.code == "invalid_type")
        #expect(error.param == "n")
    }
}
