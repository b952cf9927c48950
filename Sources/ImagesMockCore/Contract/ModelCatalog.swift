import Synchronization

/// The three image endpoints.
public enum Endpoint: String, Sendable, CaseIterable, Codable {
    case generations, edits, variations

    public var path: String { "/v1/images/\(rawValue)" }
}

/// How a request body was encoded; some parameters exist in one form only.
public enum BodyForm: String, Sendable, Codable {
    case json, multipart
}

/// One parameter's rules for one model and endpoint, as written in the catalog.
public struct ParameterSpec: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case string, integer, boolean, any, object, file
        case enumeration = "enum"
        /// `WIDTHxHEIGHT` with edge, multiple, aspect and pixel limits (gpt-image-2 family).
        case freeSize
        /// The JSON edits `images` array of `{image_url}`/`{file_id}` references.
        case imageReferences
    }

    /// Replaces the generic `invalid_value` answer for this parameter (dall-e-3's sizes).
    public struct InvalidValueOverride: Sendable, Equatable {
        public var message: String
        public var code: String?
        public var param: String?
    }

    public var kind: Kind
    public var required: Bool = false
    public var defaultValue: JSONValue?
    public var values: [String]?
    public var minLength: Int?
    public var maxLength: Int?
    public var min: Int?
    public var max: Int?
    /// Integers that pass the range must also equal this (dall-e-3 `n`).
    public var mustEqual: Int?
    public var invalidValue: InvalidValueOverride?
    /// Era A wording for a too-long string, with `{max}` and `{length}` placeholders.
    public var legacyMaxLengthMessage: String?
    /// The parameter is only accepted when these other parameters have one of these values.
    public var requires: [String: [String]]?
    /// Body forms that know this parameter; `nil` means all.
    public var forms: [BodyForm]?
    // freeSize
    public var multipleOf: Int?
    public var maxEdge: Int?
    public var minPixels: Int?
    public var maxPixels: Int?
    public var maxAspectRatio: Double?
    // file
    public var array: Bool?
    public var maxFiles: Int?
    public var mimeTypes: [String]?
    public var maxBytes: Int?
    public var requiresAlpha: Bool?
    public var excludes: [String]?
    /// Image formats the bytes must be in (dall-e-2: PNG), whatever the declared type says.
    public var formats: [String]?
    public var requireSquare: Bool?
    /// Pillow modes accepted (dall-e-2 edits: RGBA, LA, L; variations: RGB, RGBA).
    public var modes: [String]?
    /// A parameter whose presence lifts the `modes` rule (a mask supplies the transparency).
    public var modesWaivedBy: String?
    /// The image (by parameter name) this one must match pixel for pixel: the first of these names
    /// the request provided (`image` in a multipart body, `images` in JSON).
    public var sameSizeAs: [String]?

    init(reading object: CatalogReader.Object) throws(ModelCatalog.LoadError) {
        guard let kind = Kind(rawValue: try object.string("kind")) else {
            throw ModelCatalog.LoadError(message: "model catalog: \(object.path).kind '\(try object.string("kind"))' is not a parameter kind")
        }
        self.kind = kind
        required = try object.optionalBool("required") ?? false
        switch object.value("default") {
        case .string(let text)?: defaultValue = .string(text)
        case .number(let number)?: defaultValue = .number(number)
        case .bool(let flag)?: defaultValue = .bool(flag)
        default: defaultValue = nil
        }
        values = try object.optionalStrings("values")
        minLength = try object.optionalInt("minLength")
        maxLength = try object.optionalInt("maxLength")
        min = try object.optionalInt("min")
        max = try object.optionalInt("max")
        mustEqual = try object.optionalInt("mustEqual")
        if let override = try object.optionalObject("invalidValue") {
            invalidValue = InvalidValueOverride(message: try override.string("message"), code: try override.optionalString("code"), param: try override.optionalString("param"))
        }
        legacyMaxLengthMessage = try object.optionalString("legacyMaxLengthMessage")
        if let requirements = try object.optionalObject("requires") {
            var result: [String: [String]] = [:]
            for key in requirements.keys { result[key] = try requirements.strings(key) }
            requires = result
        }
        forms = try object.optionalStrings("forms")?.map { (name: String) throws(ModelCatalog.LoadError) -> BodyForm in
            guard let form = BodyForm(rawValue: name) else { throw ModelCatalog.LoadError(message: "model catalog: \(object.path).forms has unknown form '\(name)'") }
            return form
        }
        multipleOf = try object.optionalInt("multipleOf")
        maxEdge = try object.optionalInt("maxEdge")
        minPixels = try object.optionalInt("minPixels")
        maxPixels = try object.optionalInt("maxPixels")
        maxAspectRatio = try object.optionalDouble("maxAspectRatio")
        array = try object.optionalBool("array")
        maxFiles = try object.optionalInt("maxFiles")
        mimeTypes = try object.optionalStrings("mimeTypes")
        maxBytes = try object.optionalInt("maxBytes")
        requiresAlpha = try object.optionalBool("requiresAlpha")
        excludes = try object.optionalStrings("excludes")
        formats = try object.optionalStrings("formats")
        requireSquare = try object.optionalBool("requireSquare")
        modes = try object.optionalStrings("modes")
        modesWaivedBy = try object.optionalString("modesWaivedBy")
        sameSizeAs = try object.optionalStrings("sameSizeAs")
    }

    public func accepts(form: BodyForm) -> Bool { forms?.contains(form) ?? true }
}

/// How a model's successful answers look.
public struct ResponseProfile: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// `url` or `b64_json` items, PNG only (DALL·E).
        case dalle
        /// `b64_json` items plus the resolved echo fields and `usage`.
        case gpt
    }

    public var kind: Kind
    public var revisedPrompt: Bool?
    public var outputFormat: String?
    public var outputTokensDetails: Bool?
    /// What `auto` resolves to in the answer's echo fields, per parameter.
    public var resolvedAuto: [String: String]?

    init(reading object: CatalogReader.Object) throws(ModelCatalog.LoadError) {
        guard let kind = Kind(rawValue: try object.string("kind")) else {
            throw ModelCatalog.LoadError(message: "model catalog: \(object.path).kind is not 'dalle' or 'gpt'")
        }
        self.kind = kind
        revisedPrompt = try object.optionalBool("revisedPrompt")
        outputFormat = try object.optionalString("outputFormat")
        outputTokensDetails = try object.optionalBool("outputTokensDetails")
        if let autos = try object.optionalObject("resolvedAuto") {
            var result: [String: String] = [:]
            for key in autos.keys { result[key] = try autos.string(key) }
            resolvedAuto = result
        }
    }
}

/// A parameter's name and rules, shared by reference: the validator walks lists of these on every
/// request, and copying a ``ParameterSpec`` (two dozen fields) each time showed in profiles.
final class ParameterRule: Sendable, Equatable {
    let name: String
    let spec: ParameterSpec
    /// `spec.required`, read on every request for every parameter.
    let required: Bool

    init(name: String, spec: ParameterSpec) {
        self.name = name
        self.spec = spec
        required = spec.required
    }

    static func == (lhs: ParameterRule, rhs: ParameterRule) -> Bool { lhs.name == rhs.name && lhs.spec == rhs.spec }
}

/// One model's rules on one endpoint, arranged for the validator: one look-up per request finds
/// everything, and nothing in it is copied or re-derived per request. The arrangement is worked
/// out on first use and then kept: a process usually calls one or two of the catalog's
/// model-endpoint pairs, and working out all of them made up 40 % of loading the catalog at start.
final class EndpointRules: Sendable, Equatable {
    /// What one body form (JSON or multipart) accepts.
    struct FormRules: Sendable {
        /// The parameters this form accepts, in the order they are checked: the catalog's
        /// validation order, then the others alphabetically.
        let checks: [ParameterRule]
        /// The names this form accepts (a look-up here copies no ``ParameterSpec``).
        let acceptedNames: Set<String>
        /// The same names sorted and joined with commas, for diagnoses (built once, not per error).
        let acceptedNamesText: String
        /// What validation starts from: the model's id and every default. It has room for every
        /// parameter, so a request's own values never make the copy grow.
        let startingValues: [String: ValidatedValue]
        /// Whether the model takes this body form at all on this endpoint: false when a required
        /// input exists only in the other form and this form has no required input of its own
        /// in its place (dall-e-2 edits: a multipart `image`, and nothing for JSON).
        let isOffered: Bool
    }

    /// The arrangement itself, built once.
    private final class Plan: Sendable {
        let relationChecks: [ParameterRule]
        let json: FormRules
        let multipart: FormRules

        init(modelID: String, specs: [String: ParameterSpec], validationOrder: [String]) {
            let ordered = Set(validationOrder)
            let checkOrder = (validationOrder.filter { specs[$0] != nil } + specs.keys.filter { !ordered.contains($0) }.sorted())
                .map { ParameterRule(name: $0, spec: specs[$0]!) }
            relationChecks = checkOrder.filter {
                ordered.contains($0.name) && ($0.spec.requires != nil || $0.spec.excludes != nil || $0.spec.sameSizeAs != nil)
            }
            func rules(for form: BodyForm) -> FormRules {
                let checks = checkOrder.filter { $0.spec.accepts(form: form) }
                var values: [String: ValidatedValue] = Dictionary(minimumCapacity: specs.count + 1)
                values["model"] = .string(modelID)
                for check in checks where check.name != "model" {
                    if let defaultValue = check.spec.defaultValue { values[check.name] = ValidatedValue(defaultValue) }
                }
                let names = Set(checks.map(\.name))
                let missesARequiredInput = checkOrder.contains { $0.required && !$0.spec.accepts(form: form) }
                let hasItsOwnInput = checks.contains { $0.required && $0.spec.forms != nil }
                return FormRules(checks: checks, acceptedNames: names, acceptedNamesText: names.sorted().joined(separator: ", "), startingValues: values,
                                 isOffered: !missesARequiredInput || hasItsOwnInput)
            }
            json = rules(for: .json)
            multipart = rules(for: .multipart)
        }
    }

    let specs: [String: ParameterSpec]
    private let modelID: String
    private let validationOrder: [String]
    private let plan = AtomicLazyReference<Plan>()

    init(modelID: String, specs: [String: ParameterSpec], validationOrder: [String]) {
        self.specs = specs
        self.modelID = modelID
        self.validationOrder = validationOrder
    }

    private var arranged: Plan {
        if let plan = plan.load() { return plan }
        // Two threads may both build it; the first stored wins and both use that one.
        return plan.storeIfNil(Plan(modelID: modelID, specs: specs, validationOrder: validationOrder))
    }

    /// In validation order, the parameters that constrain others (`requires`, `excludes`,
    /// `sameSizeAs`): the only ones the cross-parameter checks need to visit.
    var relationChecks: [ParameterRule] { arranged.relationChecks }

    func form(_ form: BodyForm) -> FormRules {
        switch form {
        case .json: arranged.json
        case .multipart: arranged.multipart
        }
    }

    /// Everything here derives from the model, the specs and the catalog's order.
    static func == (lhs: EndpointRules, rhs: EndpointRules) -> Bool {
        lhs.modelID == rhs.modelID && lhs.specs == rhs.specs && lhs.validationOrder == rhs.validationOrder
    }
}

/// One model id with everything the validator and the responder need.
public struct ModelDescriptor: Sendable, Equatable {
    public let id: String
    public let released: CalendarDate?
    /// The first day the model no longer exists.
    public let retired: CalendarDate?
    public let response: ResponseProfile
    public let endpoints: [Endpoint: [String: ParameterSpec]]
    /// Per endpoint, what validation walks, worked out once here rather than on every request.
    let rules: [Endpoint: EndpointRules]

    init(id: String, released: CalendarDate?, retired: CalendarDate?, response: ResponseProfile, endpoints: [Endpoint: [String: ParameterSpec]], validationOrder: [String]) {
        self.id = id
        self.released = released
        self.retired = retired
        self.response = response
        self.endpoints = endpoints
        rules = endpoints.mapValues { EndpointRules(modelID: id, specs: $0, validationOrder: validationOrder) }
    }

    /// Whether the model exists on a given day; `nil` (no `as_of`) means every model is live.
    public func isAvailable(asOf date: CalendarDate?) -> Bool {
        guard let date else { return true }
        if let released, date < released { return false }
        if let retired, date >= retired { return false }
        return true
    }

    public func parameters(for endpoint: Endpoint) -> [String: ParameterSpec]? { endpoints[endpoint] }
}

/// Dates at which the API's surface changed (contract §0.3).
public struct APITimeline: Sendable, Equatable {
    public var modelRequiredFrom: CalendarDate
    public var jsonEditsFrom: CalendarDate
    public var variationsRetiredFrom: CalendarDate
    public var bareNotFoundFrom: CalendarDate
    /// The first day GPT answers echo `background`, `output_format`, `size` and `quality`
    /// (contract §4: "older recordings of gpt-image-1 lack them"); `nil`: always.
    public var echoFieldsFrom: CalendarDate?

    init(reading object: CatalogReader.Object) throws(ModelCatalog.LoadError) {
        modelRequiredFrom = try object.date("modelRequiredFrom")
        jsonEditsFrom = try object.date("jsonEditsFrom")
        variationsRetiredFrom = try object.date("variationsRetiredFrom")
        bareNotFoundFrom = try object.date("bareNotFoundFrom")
        echoFieldsFrom = try object.optionalDate("echoFieldsFrom")
    }
}

/// Every model the mock knows, loaded from the `models.json` resource (or a scenario's override).
public struct ModelCatalog: Sendable, Equatable {
    public let models: [String: ModelDescriptor]
    public let defaultModel: String
    /// Where a request without `model` goes instead of ``defaultModel`` when it uses a parameter
    /// only the GPT image models take (contract §2: dall-e-2 "unless a parameter specific to the
    /// GPT image models is used").
    public let defaultModelForGPTParameters: String?
    public let timeline: APITimeline
    /// The order parameters are checked in after `model` and unknown keys (contract §7.3).
    public let validationOrder: [String]
    /// Output tokens of one 1024x1024 image per resolved quality.
    public let outputTokens: [String: Int]

    public struct LoadError: Error, Sendable, Equatable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// The catalog shipped with the mock.
    public static let builtIn: ModelCatalog = {
        do {
            return try load(from: PackageResources.models_json)
        } catch {
            // The resource is part of the build and covered by tests; failing here is a packaging bug.
            preconditionFailure("built-in models.json is invalid: \(error)")
        }
    }()

    public func model(_ id: String) -> ModelDescriptor? { models[id] }

    /// Models sorted by release, for listings.
    public var sortedModels: [ModelDescriptor] {
        models.values.sorted { ($0.released ?? CalendarDate("1970-01-01")!, $0.id) < ($1.released ?? CalendarDate("1970-01-01")!, $1.id) }
    }

    /// Reads a catalog document. Read with the mock's own JSON parser: Foundation's JSONDecoder
    /// cost 2 ms of every start (Benchmarks/README.md).
    public static func load(from bytes: [UInt8]) throws(LoadError) -> ModelCatalog {
        let root: CatalogReader.Object
        do {
            guard case .object(let object) = try JSONParser.parse(bytes) else { throw LoadError(message: "model catalog: the document is not an object") }
            root = CatalogReader.Object(object, path: "catalog")
        } catch let error as JSONParser.SyntaxError {
            throw LoadError(message: "model catalog: \(error)")
        } catch let error as LoadError {
            throw error
        } catch {
            throw LoadError(message: "model catalog: \(error)")
        }
        let profiles = try root.object("profiles")
        var resolvedProfiles: [String: ResolvedProfile] = [:]
        func endpoints(_ object: CatalogReader.Object) throws(LoadError) -> [Endpoint: [String: ParameterSpec]] {
            var result: [Endpoint: [String: ParameterSpec]] = [:]
            for key in object.keys {
                guard let endpoint = Endpoint(rawValue: key) else { throw LoadError(message: "model catalog: unknown endpoint '\(key)' in \(object.path)") }
                let parameters = try object.object(key)
                var specs: [String: ParameterSpec] = [:]
                for name in parameters.keys { specs[name] = try ParameterSpec(reading: try parameters.object(name)) }
                result[endpoint] = specs
            }
            return result
        }
        func resolve(_ name: String, chain: [String]) throws(LoadError) -> ResolvedProfile {
            if let done = resolvedProfiles[name] { return done }
            guard !chain.contains(name) else { throw LoadError(message: "model catalog: profile inheritance cycle \((chain + [name]).joined(separator: " -> "))") }
            guard profiles.keys.contains(name) else { throw LoadError(message: "model catalog: unknown profile '\(name)'") }
            let profile = try profiles.object(name)
            var result: ResolvedProfile
            if let parent = try profile.optionalString("extends") {
                result = try resolve(parent, chain: chain + [name])
            } else {
                guard let own = try profile.optionalObject("endpoints"), let response = try profile.optionalObject("response") else {
                    throw LoadError(message: "model catalog: profile '\(name)' needs 'endpoints' and 'response' or 'extends'")
                }
                result = ResolvedProfile(response: try ResponseProfile(reading: response), endpoints: try endpoints(own))
            }
            if let response = try profile.optionalObject("response") { result.response = try ResponseProfile(reading: response) }
            if let overrides = try profile.optionalObject("override") {
                for (endpoint, parameters) in try endpoints(overrides) {
                    result.endpoints[endpoint, default: [:]].merge(parameters) { _, new in new }
                }
            }
            if let removals = try profile.optionalObject("remove") {
                for key in removals.keys {
                    guard let endpoint = Endpoint(rawValue: key) else { throw LoadError(message: "model catalog: unknown endpoint '\(key)' in profile '\(name)'") }
                    for parameter in try removals.strings(key) { result.endpoints[endpoint]?[parameter] = nil }
                }
            }
            resolvedProfiles[name] = result
            return result
        }
        let validationOrder = try root.strings("validationOrder")
        var models: [String: ModelDescriptor] = [:]
        for entry in try root.objects("models") {
            let id = try entry.string("id")
            let profile = try resolve(try entry.string("profile"), chain: [])
            guard models[id] == nil else { throw LoadError(message: "model catalog: model '\(id)' is listed twice") }
            models[id] = ModelDescriptor(
                id: id, released: try entry.optionalDate("released"), retired: try entry.optionalDate("retired"),
                response: profile.response, endpoints: profile.endpoints, validationOrder: validationOrder)
        }
        let defaultModel = try root.string("defaultModel")
        guard models[defaultModel] != nil else { throw LoadError(message: "model catalog: default model '\(defaultModel)' is not listed") }
        let gptDefault = try root.optionalString("defaultModelForGPTParameters")
        if let gptDefault, models[gptDefault] == nil {
            throw LoadError(message: "model catalog: default model for GPT parameters '\(gptDefault)' is not listed")
        }
        let tokens = try root.object("outputTokens")
        var outputTokens: [String: Int] = [:]
        for key in tokens.keys where key != "comment" { outputTokens[key] = try tokens.int(key) }
        return ModelCatalog(
            models: models, defaultModel: defaultModel, defaultModelForGPTParameters: gptDefault, timeline: try APITimeline(reading: try root.object("timeline")),
            validationOrder: validationOrder, outputTokens: outputTokens)
    }

    private struct ResolvedProfile {
        var response: ResponseProfile
        var endpoints: [Endpoint: [String: ParameterSpec]]
    }
}
