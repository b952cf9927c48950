import Foundation
import ImagesMockCodecs

/// Rule actions turned into plans (design §1: named errors, canned or generated images, raw
/// answers, sequences, faults).
extension MockEngine {
    func scripted(
        _ rule: Rule, verdict: Result<ValidatedImageRequest, APIError>, input: MatchInput, request: HTTPRequest,
        behaviour: Behaviour, requestID: String, key: String, entry: inout JournalEntry
    ) -> ResponsePlan {
        switch rule.action {
        case .respond(let spec):
            return plan(for: spec, verdict: verdict, input: input, request: request, behaviour: behaviour, requestID: requestID, key: key)
        case .sequence(let steps, let cycle, let perKey):
            guard !steps.isEmpty else { return defaultPlan(verdict, request: request, behaviour: behaviour) }
            let step = behaviour.nextStep(of: rule, steps: steps.count, cycle: cycle, perKey: perKey, key: key)
            return plan(for: steps[step], verdict: verdict, input: input, request: request, behaviour: behaviour, requestID: requestID, key: key)
        case .fault(let spec):
            // A fault that does not fire this time leaves the request to its ordinary answer.
            var plan = defaultPlan(verdict, request: request, behaviour: behaviour)
            if Double(random.next() >> 11) / Double(1 << 53) < spec.probability {
                plan.fault = spec.kind
                entry.fault = Self.faultName(spec.kind)
            }
            return plan
        }
    }

    static func faultName(_ kind: FaultSpec.Kind) -> String {
        switch kind {
        case .connectionReset: "connection_reset"
        case .emptyResponse: "empty_response"
        case .truncatedBody: "truncated_body"
        case .slowBody: "slow_body"
        case .streamError: "stream_error"
        }
    }

    private func plan(
        for spec: ResponseSpec, verdict: Result<ValidatedImageRequest, APIError>, input: MatchInput, request: HTTPRequest,
        behaviour: Behaviour, requestID: String, key: String
    ) -> ResponsePlan {
        switch spec {
        case .error(let name, let message, let headers):
            let context = NamedErrors.Context(
                style: behaviour.errorStyle, model: input.model, requestID: requestID, apiKey: key, organization: behaviour.organization,
                imagesPerMinute: behaviour.scenario.rateLimits?.imagesPerMinute)
            var error = NamedErrors.error(named: name, context: context)
                ?? APIError(status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error",
                            diagnosis: "The scenario names an unknown error '\(name)'.")
            if let message { error.message = message }
            var plan = ResponsePlan(response: error.response(style: behaviour.errorStyle))
            plan.scriptedHeaders = Self.sorted(headers)
            return plan
        case .images(let source, let headers):
            var plan: ResponsePlan
            switch source {
            case .generated:
                let valid = (try? verdict.get()) ?? fallbackRequest(input, behaviour: behaviour)
                plan = self.plan(for: answer(valid, origin: request, behaviour: behaviour))
            case .canned(let images):
                let valid = (try? verdict.get()) ?? fallbackRequest(input, behaviour: behaviour)
                plan = self.plan(for: cannedAnswer(valid, images: images, origin: request, behaviour: behaviour))
            }
            plan.scriptedHeaders = Self.sorted(headers)
            return plan
        case .raw(let status, let headers, let body):
            var response = HTTPResponse(status: status)
            switch body {
            case .json(let value):
                response.headers.add("content-type", "application/json")
                response.body = JSONWriter.render(value, layout: .pretty, trailingNewline: true)
            case .text(let text):
                response.body = Array(text.utf8)
            case .empty:
                break
            }
            var plan = ResponsePlan(response: response)
            plan.scriptedHeaders = Self.sorted(headers)
            return plan
        }
    }

    private static func sorted(_ headers: [String: String]) -> [(name: String, value: String)] {
        headers.sorted(by: { $0.key < $1.key }).map { (name: $0.key, value: $0.value) }
    }

    /// For a `validate: false` rule that answers with images a request the real API would reject:
    /// the most plausible valid reading of it (its model when known, its prompt, defaults otherwise).
    private func fallbackRequest(_ input: MatchInput, behaviour: Behaviour) -> ValidatedImageRequest {
        let catalog = behaviour.validation.catalog
        let model = input.model.flatMap { catalog.model($0)?.parameters(for: .generations) != nil ? $0 : nil } ?? "gpt-image-1.5"
        let object = JSONObject([("model", .string(model)), ("prompt", .string(input.prompt?.isEmpty == false ? input.prompt! : "image"))])
        var lenient = behaviour.validation
        lenient.asOf = nil
        if let valid = try? RequestValidator(context: lenient).validate(RequestParameters(json: object), endpoint: .generations) {
            return valid
        }
        return try! RequestValidator(context: ValidationContext()).validate(
            RequestParameters(json: JSONObject([("model", "gpt-image-1.5"), ("prompt", "image")])), endpoint: .generations)
    }

    /// Canned files instead of placeholders, cycled when `n` is larger than the list. A file that
    /// already has the requested size, format and background goes out byte for byte; any other is
    /// fitted to them (design §1), once per variant, through the image cache. `auto` sizes follow
    /// the first input image for edits, else the first file's shape.
    private func cannedAnswer(_ request: ValidatedImageRequest, images: [CannedImage], origin: HTTPRequest, behaviour: Behaviour) -> Answer {
        guard let first = images.first else { return .ready(HTTPResponse(status: 500), []) }
        let inputs = request.images("image") + request.images("images")
        let output = responses.resolve(request, firstInput: inputs.first?.info ?? first.info)
        let transparent = output.background == "transparent"
        let chosen = (0..<request.imageCount).map { images[$0 % images.count] }
        let variants: [ImageVariant] = chosen.map { canned in
            if canned.info.width == output.size.width && canned.info.height == output.size.height
                && canned.info.format == output.outputFormat && canned.info.hasAlpha == transparent {
                return .ready(canned.image)
            }
            return .variant(ImageVariantKey(
                source: .canned(canned.picture.token, width: output.size.width, height: output.size.height, transparentBackground: transparent),
                format: output.outputFormat, compression: output.compression), picture: canned.picture)
        }
        return answer(request, inputs: inputs, output: output, variants: variants, origin: origin, behaviour: behaviour)
    }
}
