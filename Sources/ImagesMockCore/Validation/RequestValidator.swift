import Foundation

/// A parameter as it arrived, before validation.
public enum ParameterValue: Sendable, Equatable {
    /// A member of a JSON body.
    case json(JSONValue)
    /// A multipart text field: numbers and booleans arrive as text and are converted (contract row 7a).
    case formText(String)
    /// File parts sent under one name (`image`, repeated `image[]`, `mask`), in order.
    case files([UploadedFile])

    /// How the real API names what arrived, in "but got ... instead".
    var typeDescription: String {
        switch self {
        case .json(let value): value.typeDescription
        case .formText: "a string"
        case .files(let files): files.count > 1 || files.contains(where: \.isArrayField) ? "an array of files" : "a file"
        }
    }
}

/// One uploaded file part, as received.
public struct UploadedFile: Sendable, Equatable {
    /// The part name as sent (`image`, `image[]`, `mask`).
    public var fieldName: String
    public var filename: String?
    /// The part's declared `Content-Type`, verbatim; `nil` when the part had none.
    public var contentType: String?
    /// The file as the validator reads it: whole, or only its structure when the multipart
    /// parser left the image data out (``FileContentRetention/imageStructure``).
    public var content: ImageBytes
    /// Where the part starts in the body, for diagnoses.
    public var byteOffset: Int?

    public init(fieldName: String, filename: String?, contentType: String?, bytes: [UInt8], byteOffset: Int? = nil) {
        self.init(fieldName: fieldName, filename: filename, contentType: contentType, content: ImageBytes(bytes), byteOffset: byteOffset)
    }

    public init(fieldName: String, filename: String?, contentType: String?, content: ImageBytes, byteOffset: Int? = nil) {
        self.fieldName = fieldName
        self.filename = filename
        self.contentType = contentType
        self.content = content
        self.byteOffset = byteOffset
    }

    /// The file's length in bytes, as uploaded.
    public var byteCount: Int { content.count }

    var isArrayField: Bool { fieldName.hasSuffix("[]") }
}

/// An uploaded image that passed the checks, with what its header says.
public struct AcceptedImage: Sendable, Equatable {
    public let file: UploadedFile
    public let info: ImageInfo
}

/// The request's parameters in arrival order, whatever the body form.
public struct RequestParameters: Sendable, Equatable {
    public var form: BodyForm
    public var entries: [(name: String, value: ParameterValue)]

    public init(form: BodyForm, entries: [(name: String, value: ParameterValue)]) {
        self.form = form
        self.entries = entries
    }

    public init(json object: JSONObject) {
        self.init(form: .json, entries: object.members.map { ($0.key, .json($0.value)) })
    }

    public subscript(name: String) -> ParameterValue? { entries.first(where: { $0.name == name })?.value }

    public static func == (lhs: RequestParameters, rhs: RequestParameters) -> Bool {
        lhs.form == rhs.form && lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A parameter's value after validation.
public enum ValidatedValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case json(JSONValue)
    /// Uploaded images (or image references resolved to images) in order.
    case images([AcceptedImage])
    /// JSON image references that point outside the request (`https://` URLs, `file_id`s).
    case references(Int)
}

/// A request the real API would accept: the model and every parameter with defaults applied.
public struct ValidatedImageRequest: Sendable, Equatable {
    public let endpoint: Endpoint
    public let model: ModelDescriptor
    /// Parameters given or defaulted by the catalog, by name.
    public let values: [String: ValidatedValue]
    /// Names the client actually sent (after dropping explicit nulls of optional parameters).
    public let providedNames: Set<String>

    public func string(_ name: String) -> String? {
        if case .string(let value) = values[name] { return value }
        return nil
    }

    public func integer(_ name: String) -> Int? {
        if case .integer(let value) = values[name] { return value }
        return nil
    }

    public func boolean(_ name: String) -> Bool? {
        if case .boolean(let value) = values[name] { return value }
        return nil
    }

    public func images(_ name: String) -> [AcceptedImage] {
        if case .images(let images) = values[name] { return images }
        return []
    }

    /// The identifier the answer echoes (contract §4, "effective identifier"): a non-empty
    /// `safety_identifier`, else the deprecated `user` when it is a non-empty string (the SDK's
    /// type: `user` counts when `safety_identifier` is omitted, null or empty).
    public var safetyIdentifier: String? {
        if let identifier = string("safety_identifier"), !identifier.isEmpty { return identifier }
        switch values["user"] {
        case .string(let user)? where !user.isEmpty, .json(.string(let user))? where !user.isEmpty: return user
        default: return nil
        }
    }

    public var prompt: String? { string("prompt") }
    public var imageCount: Int { integer("n") ?? 1 }
}

/// What the validator needs to know of the simulated era.
public struct ValidationContext: Sendable, Equatable {
    public var catalog: ModelCatalog
    public var errorStyle: ErrorStyle
    /// `nil`: every model is live and every feature exists (design §1).
    public var asOf: CalendarDate?
    /// Forces `model` to be required even before the date the real API started requiring it.
    public var requireModel: Bool

    public init(catalog: ModelCatalog = .builtIn, errorStyle: ErrorStyle = .current, asOf: CalendarDate? = nil, requireModel: Bool = false) {
        self.catalog = catalog
        self.errorStyle = errorStyle
        self.asOf = asOf
        self.requireModel = requireModel
    }

    public var modelIsRequired: Bool {
        if requireModel { return true }
        if let asOf { return asOf >= catalog.timeline.modelRequiredFrom }
        return false
    }
}

/// Applies the catalog's rules to a request's parameters, in the real API's order (contract §7.3),
/// and reports the first defect only.
public struct RequestValidator: Sendable {
    public let context: ValidationContext
    let messages: ValidationMessages

    public init(context: ValidationContext) {
        self.context = context
        self.messages = ValidationMessages(style: context.errorStyle)
    }

    /// Validates, and gives every rejection a diagnosis: where no check wrote one, the rule the
    /// value broke, read from the catalog.
    public func validate(_ parameters: RequestParameters, endpoint: Endpoint) throws(APIError) -> ValidatedImageRequest {
        do {
            return try check(parameters, endpoint: endpoint)
        } catch {
            throw explained(error, parameters: parameters, endpoint: endpoint)
        }
    }

    private func check(_ parameters: RequestParameters, endpoint: Endpoint) throws(APIError) -> ValidatedImageRequest {
        let model = try resolveModel(parameters, endpoint: endpoint)
        guard let rules = model.rules[endpoint] else {
            throw modelNotForEndpoint(model, endpoint: endpoint)
        }
        let form = rules.form(parameters.form)
        guard form.isOffered else {
            throw modelNotForForm(model, form: parameters.form, endpoint: endpoint)
        }

        for entry in parameters.entries where entry.name != "model" && !form.acceptedNames.contains(entry.name) {
            throw unknownParameter(entry.name, value: entry.value, form: parameters.form, endpoint: endpoint, specs: rules.specs)
        }

        // The model and every default are already in place (shared storage, nothing hashed):
        // only what the client sent is written over them.
        var values = form.startingValues
        var provided: Set<String> = Set(minimumCapacity: parameters.entries.count + 1)
        provided.insert("model")
        for check in form.checks {
            let name = check.name
            if let value = parameters[name], !isExplicitNull(value) || check.required {
                // A value that validates to nothing (no image reference) leaves no default behind either.
                values[name] = try validate(value, named: name, spec: check.spec, form: parameters.form, sent: parameters)
                provided.insert(name)
            } else if check.required {
                throw missingParameter(name, form: parameters.form, endpoint: endpoint)
            }
        }

        try checkDependencies(rules.relationChecks, values: values, provided: provided, specs: rules.specs)
        return ValidatedImageRequest(endpoint: endpoint, model: model, values: values, providedNames: provided)
    }

    // MARK: - Diagnoses from the catalog

    private func explained(_ error: APIError, parameters: RequestParameters, endpoint: Endpoint) -> APIError {
        guard error.diagnosis == nil else { return error }
        var explained = error
        let path = "/v1/images/\(endpoint.rawValue)"
        guard let model = try? resolveModel(parameters, endpoint: endpoint), let rules = model.rules[endpoint] else {
            let live = context.catalog.sortedModels
                .filter { $0.parameters(for: endpoint) != nil && $0.isAvailable(asOf: context.asOf) }
                .map(\.id)
            explained.diagnosis = "Models that answer \(path)\(context.asOf.map { " on \($0)" } ?? ""): \(live.joined(separator: ", "))."
            return explained
        }
        let form = rules.form(parameters.form)
        let name = (error.param ?? error.subject).map { String($0.prefix { $0 != "[" && $0 != "." }) }
        if error.code == "unknown_parameter" || name.map({ !form.acceptedNames.contains($0) }) == true {
            explained.diagnosis = "\(model.id) on \(path) takes: \(form.acceptedNamesText)."
        } else if let name, let spec = rules.specs[name] {
            explained.diagnosis = "For \(model.id) on \(path), '\(name)' is \(Self.describe(spec, form: parameters.form))."
        }
        return explained
    }

    /// A parameter's rule in a few words, for diagnoses, as the request's body form takes it.
    static func describe(_ spec: ParameterSpec, form: BodyForm) -> String {
        var text: String
        switch spec.kind {
        case .integer:
            switch (spec.min, spec.max) {
            case let (low?, high?): text = "an integer from \(low) to \(high)"
            case let (low?, nil): text = "an integer of at least \(low)"
            case let (nil, high?): text = "an integer of at most \(high)"
            default: text = "an integer"
            }
        case .enumeration:
            text = "one of " + (spec.values ?? []).map { "'\($0)'" }.joined(separator: ", ")
        case .string:
            switch (spec.minLength, spec.maxLength) {
            case let (low?, high?): text = "a string of \(low) to \(high) characters"
            case let (nil, high?): text = "a string of at most \(high) characters"
            default: text = "a string"
            }
        case .boolean: text = "true or false"
        case .freeSize: text = "'auto' or WIDTHxHEIGHT within the model's edge, multiple-of-16, aspect and pixel limits"
        case .file where form == .json:
            text = "an object {\"image_url\": \"https://... or data:image/png;base64,...\"} or {\"file_id\": \"file-...\"}"
        case .file:
            text = (spec.array == true ? "up to \(spec.maxFiles ?? 1) file parts" : "a file part") + (spec.maxBytes.map { " under \($0) bytes\(spec.array == true ? " each" : "")" } ?? "")
        case .imageReferences: text = "an array of {\"image_url\": ...} or {\"file_id\": ...} objects"
        case .object: text = "an object"
        case .any: text = "any JSON value"
        }
        if spec.required { text += ", required" }
        if let value = spec.defaultValue, case .string(let word) = value { text += " (default '\(word)')" }
        if let value = spec.defaultValue, case .number(let number) = value { text += " (default \(number.lexeme))" }
        return text
    }

    // MARK: - Model

    func resolveModel(_ parameters: RequestParameters, endpoint: Endpoint) throws(APIError) -> ModelDescriptor {
        let catalog = context.catalog
        let id: String
        switch parameters["model"] {
        case nil where !context.modelIsRequired, .json(.null)? where !context.modelIsRequired:
            id = defaultModel(for: parameters, endpoint: endpoint)
        case nil:
            throw messages.missingParameter("model")
        case .json(.string(let text))?, .formText(let text)?:
            id = text
        case .json(let other)?:
            throw messages.invalidType("model", expected: "a string", schemaType: "string", got: other)
        case .files(let files)?:
            throw messages.invalidType("model", expected: "a string", schemaType: "string", gotDescription: ParameterValue.files(files).typeDescription)
        }
        guard let model = catalog.model(id), model.isAvailable(asOf: context.asOf) else {
            throw messages.modelNotFound(id)
        }
        return model
    }

    /// The legacy default: dall-e-2, unless the request uses a parameter dall-e-2 does not take
    /// on this endpoint but the GPT image models do (`quality: "high"` is dall-e-2's too, so only
    /// the name counts, as the contract's wording says).
    private func defaultModel(for parameters: RequestParameters, endpoint: Endpoint) -> String {
        let catalog = context.catalog
        guard let gptID = catalog.defaultModelForGPTParameters, let gptModel = catalog.model(gptID),
            gptModel.isAvailable(asOf: context.asOf), let gpt = gptModel.rules[endpoint],
            let legacy = catalog.model(catalog.defaultModel)?.rules[endpoint]
        else { return catalog.defaultModel }
        // A body form only the GPT models take (a JSON edit) needs no GPT parameter to tell.
        if !legacy.form(parameters.form).isOffered && gpt.form(parameters.form).isOffered { return gptID }
        let legacyNames = legacy.form(parameters.form).acceptedNames
        let gptNames = gpt.form(parameters.form).acceptedNames
        let usesGPTParameter = parameters.entries.contains { entry in
            entry.name != "model" && !legacyNames.contains(entry.name) && gptNames.contains(entry.name)
        }
        return usesGPTParameter ? gptID : catalog.defaultModel
    }

    /// A live model that has no such endpoint (dall-e-3 on edits): the supported models are listed.
    private func modelNotForEndpoint(_ model: ModelDescriptor, endpoint: Endpoint) -> APIError {
        let supported = context.catalog.sortedModels
            .filter { $0.parameters(for: endpoint) != nil && $0.isAvailable(asOf: context.asOf) }
            .map(\.id)
        var error = messages.invalidValue("model", value: model.id, supported: supported)
        error.diagnosis = "The model '\(model.id)' exists but does not support /v1/images/\(endpoint.rawValue)."
        return error
    }

    /// A model that takes this endpoint in the other body form only (dall-e-2 with a JSON edit):
    /// as for a model without the endpoint, the models that take this form are listed.
    private func modelNotForForm(_ model: ModelDescriptor, form: BodyForm, endpoint: Endpoint) -> APIError {
        let supported = context.catalog.sortedModels
            .filter { $0.rules[endpoint]?.form(form).isOffered == true && $0.isAvailable(asOf: context.asOf) }
            .map(\.id)
        var error = messages.invalidValue("model", value: model.id, supported: supported)
        let other = form == .json ? "multipart/form-data" : "JSON"
        error.diagnosis = "'\(model.id)' takes /v1/images/\(endpoint.rawValue) as \(other) only; "
            + (form == .json ? "send the image as a multipart file part, or use a GPT image model with 'images'." : "send a JSON body.")
        return error
    }

    private func isExplicitNull(_ value: ParameterValue) -> Bool {
        if case .json(.null) = value { return true }
        return false
    }

    // MARK: - One parameter

    private func validate(_ value: ParameterValue, named name: String, spec: ParameterSpec, form: BodyForm, sent: RequestParameters) throws(APIError) -> ValidatedValue? {
        switch spec.kind {
        case .any:
            switch value {
            case .json(let json): return .json(json)
            case .formText(let text): return .string(text)
            case .files: throw messages.invalidType(name, expected: "a string", schemaType: "string", gotDescription: value.typeDescription)
            }
        case .string:
            let text = try requireString(value, named: name, expected: "a string")
            try checkLength(text, named: name, spec: spec)
            return .string(text)
        case .integer:
            let number = try requireInteger(value, named: name)
            return .integer(try checkRange(number, named: name, spec: spec))
        case .boolean:
            return .boolean(try requireBoolean(value, named: name))
        case .enumeration:
            let allowed = spec.values ?? []
            let text = try requireString(value, named: name, expected: Self.oneOf(allowed))
            guard allowed.contains(text) else { throw invalidEnumValue(name, text, spec: spec) }
            return .string(text)
        case .freeSize:
            let text = try requireString(value, named: name, expected: "a string")
            try checkFreeSize(text, spec: spec)
            return .string(text)
        case .object:
            switch value {
            case .json(.object(let object)): return .json(.object(object))
            case .json(let other): throw messages.invalidType(name, expected: "an object", schemaType: "object", got: other)
            case .formText(let text): throw messages.unconvertibleText(name, expected: "an object", text: text, schemaType: "object")
            case .files: throw messages.invalidType(name, expected: "an object", schemaType: "object", gotDescription: value.typeDescription)
            }
        case .file:
            if form == .json { return try validateReference(value, named: name, spec: spec) }
            return .images(try validateFiles(value, named: name, spec: spec, sent: sent))
        case .imageReferences:
            return try validateReferences(value, named: name, spec: spec)
        }
    }

    static func oneOf(_ values: [String]) -> String {
        "one of " + EnglishList.joined(values.map { "'\($0)'" }, conjunction: "or")
    }

    private func invalidEnumValue(_ name: String, _ text: String, spec: ParameterSpec) -> APIError {
        if let override = spec.invalidValue {
            switch context.errorStyle {
            case .current: return APIError(status: 400, message: override.message, param: override.param, code: override.code)
            case .legacy: return APIError(status: 400, message: override.message, code: override.code)
            }
        }
        return messages.invalidValue(name, value: text, supported: spec.values ?? [])
    }

    /// `expected` is only built when the value is wrong (enum lists are long texts).
    private func requireString(_ value: ParameterValue, named name: String, expected: @autoclosure () -> String) throws(APIError) -> String {
        switch value {
        case .json(.string(let text)), .formText(let text): return text
        case .json(let other): throw messages.invalidType(name, expected: expected(), schemaType: "string", got: other)
        case .files: throw messages.invalidType(name, expected: expected(), schemaType: "string", gotDescription: value.typeDescription)
        }
    }

    private func requireInteger(_ value: ParameterValue, named name: String) throws(APIError) -> JSONNumber {
        switch value {
        case .json(.number(let number)) where number.isInteger:
            return number
        case .json(let other):
            throw messages.invalidType(name, expected: "an integer", schemaType: "integer", got: other)
        case .formText(let text):
            let trimmed = String(text.trimmedSpacesAndTabs())
            guard !trimmed.isEmpty, case .number(let number)? = try? JSONParser.parse(trimmed), number.isInteger else {
                throw messages.unconvertibleText(name, expected: "an integer", text: text, schemaType: "integer")
            }
            return number
        case .files:
            throw messages.invalidType(name, expected: "an integer", schemaType: "integer", gotDescription: value.typeDescription)
        }
    }

    private func requireBoolean(_ value: ParameterValue, named name: String) throws(APIError) -> Bool {
        switch value {
        case .json(.bool(let flag)): return flag
        case .json(let other): throw messages.invalidType(name, expected: "a boolean", schemaType: "boolean", got: other)
        case .formText(let text):
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: throw messages.unconvertibleText(name, expected: "a boolean", text: text, schemaType: "boolean")
            }
        case .files:
            throw messages.invalidType(name, expected: "a boolean", schemaType: "boolean", gotDescription: value.typeDescription)
        }
    }

    private func checkLength(_ text: String, named name: String, spec: ParameterSpec) throws(APIError) {
        // Unicode scalars, as Python's len() counts (design: not grapheme clusters).
        let length = text.unicodeScalars.count
        if let minimum = spec.minLength, length < minimum {
            throw length == 0 ? messages.emptyString(name) : messages.stringTooShort(name, minimum: minimum, length: length)
        }
        if let maximum = spec.maxLength, length > maximum {
            throw messages.stringTooLong(name, value: text, maximum: maximum, length: length, legacyTemplate: spec.legacyMaxLengthMessage)
        }
    }

    private func checkRange(_ number: JSONNumber, named name: String, spec: ParameterSpec) throws(APIError) -> Int {
        let approximate = number.doubleValue ?? 0
        if let minimum = spec.min, approximate < Double(minimum) {
            throw messages.integerBelowMinimum(name, minimum: minimum, got: number.pythonIntegerText)
        }
        if let maximum = spec.max, approximate > Double(maximum) {
            throw messages.integerAboveMaximum(name, maximum: maximum, got: number.pythonIntegerText)
        }
        // Within a catalog range the value fits in Int; a huge unbounded one is clamped rather than trapping.
        let value = number.intValue ?? (approximate < 0 ? Int.min : Int.max)
        if let required = spec.mustEqual, value != required {
            throw messages.mustEqual(name, value: required)
        }
        return value
    }

    // MARK: - gpt-image-2 free sizes (contract §3.4)

    private func checkFreeSize(_ text: String, spec: ParameterSpec) throws(APIError) {
        if text == "auto" { return }
        guard let size = ImageSize(parsing: text) else {
            throw messages.invalidFreeSize(text, reason: "Expected WIDTHxHEIGHT, for example '1824x1024'.")
        }
        if let multiple = spec.multipleOf, size.width % multiple != 0 || size.height % multiple != 0 {
            throw messages.invalidFreeSize(text, reason: "Width and height must both be divisible by \(multiple).")
        }
        if let maxEdge = spec.maxEdge, max(size.width, size.height) > maxEdge {
            throw messages.invalidFreeSize(text, reason: "The longest edge must be at most \(maxEdge) pixels, but got \(max(size.width, size.height)).")
        }
        if let ratio = spec.maxAspectRatio, Double(max(size.width, size.height)) > ratio * Double(min(size.width, size.height)) {
            throw messages.invalidFreeSize(text, reason: "The aspect ratio must be between 1:\(Int(ratio)) and \(Int(ratio)):1.")
        }
        let pixels = size.width * size.height
        if let minimum = spec.minPixels, pixels < minimum {
            throw messages.invalidFreeSize(text, reason: "The total number of pixels must be at least \(minimum), but got \(pixels).")
        }
        if let maximum = spec.maxPixels, pixels > maximum {
            throw messages.invalidFreeSize(text, reason: "The total number of pixels must be at most \(maximum), but got \(pixels).")
        }
    }

    // MARK: - Capabilities (checked last, contract §7.3)

    func checkDependencies(_ relations: [ParameterRule], values: [String: ValidatedValue], provided: Set<String>, specs: [String: ParameterSpec]) throws(APIError) {
        func text(_ name: String) -> String? {
            if case .string(let value) = values[name] { return value }
            return nil
        }
        for relation in relations where provided.contains(relation.name) {
            let name = relation.name
            guard let requires = relation.spec.requires else { continue }
            for (other, allowed) in requires.sorted(by: { $0.key < $1.key }) where !(text(other).map(allowed.contains) ?? false) {
                var error = messages.requiresOther(name, other: other, allowed: allowed, actual: text(other))
                let offered = specs[other]?.values
                if let offered, !allowed.contains(where: offered.contains) {
                    // Sending the other value would only trade this error for an invalid value.
                    error.diagnosis = "'\(name)' only works with '\(other)' set to \(allowed.map { "'\($0)'" }.joined(separator: " or ")), which is not offered "
                        + "(access-gated; the accepted values are \(offered.map { "'\($0)'" }.joined(separator: ", "))): leave '\(name)' out."
                } else {
                    error.diagnosis = "'\(name)' only works with '\(other)' set to \(allowed.map { "'\($0)'" }.joined(separator: " or ")): send that too, or leave '\(name)' out."
                }
                throw error
            }
        }
        try checkFileRelations(relations, values: values, provided: provided)
        // A transparent background needs an output format with an alpha channel.
        if text("background") == "transparent", let format = text("output_format"), !["png", "webp"].contains(format) {
            var error = messages.valueRequiresOther("background", value: "transparent", other: "output_format", allowed: ["png", "webp"], actual: format)
            error.diagnosis = "\(format) has no alpha channel: ask for output_format png or webp with a transparent background, or drop 'background'."
            throw error
        }
    }
}

extension ValidatedValue {
    init(_ json: JSONValue) {
        switch json {
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .boolean(flag)
        case .number(let number) where number.intValue != nil: self = .integer(number.intValue!)
        default: self = .json(json)
        }
    }
}

/// `WIDTHxHEIGHT` with positive edges, lower-case `x`, digits only.
public struct ImageSize: Sendable, Hashable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// `WIDTHxHEIGHT`: two runs of 1 to 6 ASCII digits around one `x`, both above zero. Read byte
    /// by byte: it is parsed on every request.
    public init?(parsing text: String) {
        var sides = (0, 0)
        var digits = 0
        var afterX = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "x") {
                guard !afterX, digits > 0 else { return nil }
                afterX = true
                digits = 0
                continue
            }
            guard byte >= 0x30 && byte <= 0x39, digits < 6 else { return nil }
            digits += 1
            if afterX { sides.1 = sides.1 * 10 + Int(byte - 0x30) } else { sides.0 = sides.0 * 10 + Int(byte - 0x30) }
        }
        guard afterX, digits > 0, sides.0 > 0, sides.1 > 0 else { return nil }
        self.init(width: sides.0, height: sides.1)
    }

    public var description: String { "\(width)x\(height)" }
}
