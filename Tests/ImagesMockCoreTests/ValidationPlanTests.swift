import Dispatch
import Synchronization
import Testing
@testable import ImagesMockCore

/// The per-endpoint rules the catalog works out at load time must say exactly what the specs say:
/// the validator starts from them instead of reading every spec on every request.
@Suite("Validation plan: per-endpoint rules derived from the catalog")
struct ValidationPlanTests {
    private static let forms: [BodyForm] = [.json, .multipart]

    @Test func startingValuesAreTheModelAndEveryDefaultTheFormAccepts() throws {
        var checked = 0
        for model in ModelCatalog.builtIn.sortedModels {
            for (endpoint, specs) in model.endpoints {
                let rules = try #require(model.rules[endpoint])
                for form in Self.forms {
                    var expected: [String: ValidatedValue] = ["model": .string(model.id)]
                    for (name, spec) in specs where spec.accepts(form: form) {
                        if let defaultValue = spec.defaultValue { expected[name] = ValidatedValue(defaultValue) }
                    }
                    #expect(rules.form(form).startingValues == expected, "\(model.id) \(endpoint) \(form)")
                    checked += 1
                }
            }
        }
        #expect(checked > 20)
    }

    @Test func checksAndAcceptedNamesAreTheSpecsTheFormAccepts() throws {
        for model in ModelCatalog.builtIn.sortedModels {
            for (endpoint, specs) in model.endpoints {
                let rules = try #require(model.rules[endpoint])
                #expect(rules.specs == specs)
                for form in Self.forms {
                    let accepted = Set(specs.filter { $0.value.accepts(form: form) }.keys)
                    let plan = rules.form(form)
                    #expect(plan.acceptedNames == accepted, "\(model.id) \(endpoint) \(form)")
                    #expect(Set(plan.checks.map(\.name)) == accepted)
                    #expect(plan.checks.count == accepted.count, "each parameter is checked once")
                    #expect(plan.checks.allSatisfy { $0.required == $0.spec.required && $0.spec == specs[$0.name] })
                }
            }
        }
    }

    @Test func relationChecksAreThoseThatConstrainOthers() throws {
        for model in ModelCatalog.builtIn.sortedModels {
            for (endpoint, _) in model.endpoints {
                let rules = try #require(model.rules[endpoint])
                #expect(rules.relationChecks.allSatisfy { $0.spec.requires != nil || $0.spec.excludes != nil || $0.spec.sameSizeAs != nil })
            }
        }
    }

    /// The arrangement is built on first use; threads that race to build it all get the one kept.
    @Test func concurrentFirstUseSettlesOnOneArrangement() throws {
        let catalog = try ModelCatalog.load(from: PackageResources.models_json)
        let rules = try #require(catalog.model("gpt-image-2")?.rules[.generations])
        let seen = Mutex<[ObjectIdentifier]>([])
        DispatchQueue.concurrentPerform(iterations: 64) { _ in
            let first = rules.form(.json).checks[0]
            seen.withLock { $0.append(ObjectIdentifier(first)) }
        }
        let identities = seen.withLock { Set($0) }
        #expect(identities.count == 1)
        #expect(identities.first == ObjectIdentifier(rules.form(.json).checks[0]))
    }

    private func validate(_ body: String) throws -> ValidatedImageRequest {
        guard case .object(let object) = try JSONParser.parse(body) else { throw APIError(status: 0, message: "not an object") }
        return try RequestValidator(context: ValidationContext(errorStyle: .current, asOf: nil, requireModel: false))
            .validate(RequestParameters(json: object), endpoint: .generations)
    }

    @Test func sentValuesReplaceDefaultsAndExplicitNullsKeepThem() throws {
        let model = try #require(ModelCatalog.builtIn.model("gpt-image-1.5"))
        let defaults = try #require(model.rules[.generations]).form(.json).startingValues
        let qualityDefault = try #require(defaults["quality"])

        let plain = try validate(#"{"model":"gpt-image-1.5","prompt":"otter"}"#)
        #expect(plain.values["quality"] == qualityDefault)
        #expect(plain.values["prompt"] == .string("otter"))
        #expect(plain.providedNames == ["model", "prompt"])

        let sent = try validate(#"{"model":"gpt-image-1.5","prompt":"otter","quality":"low","n":3}"#)
        #expect(sent.values["quality"] == .string("low"))
        #expect(sent.values["n"] == .integer(3))
        #expect(sent.providedNames == ["model", "prompt", "quality", "n"])

        let null = try validate(#"{"model":"gpt-image-1.5","prompt":"otter","quality":null}"#)
        #expect(null.values["quality"] == qualityDefault)
        #expect(!null.providedNames.contains("quality"))

        // The shared defaults were not changed by the requests that overwrote them.
        #expect(try #require(model.rules[.generations]).form(.json).startingValues == defaults)
        #expect(try validate(#"{"model":"gpt-image-1.5","prompt":"otter"}"#).values == plain.values)
    }
}

@Suite("Token usage")
struct TokenUsageTests {
    private func members(_ value: JSONValue) -> [String] {
        guard case .object(let object) = value else { return [] }
        return object.keys
    }

    @Test func jsonHasTheRealAPIsMembersInOrder() {
        let usage = TokenUsage(textTokens: 3, inputImageTokens: 194, outputImageTokens: 272, reportsOutputDetails: false)
        #expect(usage.inputTokens == 197)
        #expect(usage.totalTokens == 469)
        #expect(members(usage.json) == ["total_tokens", "input_tokens", "output_tokens", "input_tokens_details"])
        #expect(JSONWriter.renderString(usage.json, layout: .compact)
            == #"{"total_tokens":469,"input_tokens":197,"output_tokens":272,"input_tokens_details":{"text_tokens":3,"image_tokens":194}}"#)

        var detailed = usage
        detailed.reportsOutputDetails = true
        #expect(members(detailed.json).last == "output_tokens_details")
        #expect(JSONWriter.renderString(detailed.json, layout: .compact).hasSuffix(#""output_tokens_details":{"image_tokens":272,"text_tokens":0}}"#))
    }

    @Test func usageScalesWithQualityAreaAndCount() throws {
        let builder = ImagesResponseBuilder(catalog: .builtIn)
        guard case .object(let object) = try JSONParser.parse(#"{"model":"gpt-image-1.5","prompt":"a red otter","size":"1024x1536","quality":"low","n":2}"#) else {
            Issue.record("not an object")
            return
        }
        let request = try RequestValidator(context: ValidationContext(errorStyle: .current, asOf: nil, requireModel: false))
            .validate(RequestParameters(json: object), endpoint: .generations)
        let output = builder.resolve(request)
        let usage = builder.usage(for: request, output: output)
        let perSquare = try #require(ModelCatalog.builtIn.outputTokens["low"])
        #expect(usage.textTokens == 3)  // 11 characters, a token per 4
        #expect(usage.outputImageTokens == Int((Double(perSquare) * 1.5).rounded()) * 2)
        #expect(usage.totalTokens == usage.textTokens + usage.outputImageTokens)
    }
}
