import Foundation

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
public struct ParameterSpec: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Decodable {
        case string, integer, boolean, any, object, file
        case enumeration = "enum"
        /// `WIDTHxHEIGHT` with edge, multiple, aspect and pixel limits (gpt-image-2 family).
        case freeSize
        /// The JSON edits `images` array of `{image_url}`/`{file_id}` references.
        case imageReferences
    }

    /// Replaces the generic `invalid_value` answer for this parameter (dall-e-3's sizes).
    public struct InvalidValueOverride: Sendable, Equatable, Decodable {
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
    /// Another file parameter whose (first) image must have the same dimensions.
    public var sameSizeAs: String?

    enum CodingKeys: String, CodingKey {
        case kind, required, values, minLength, maxLength, min, max, mustEqual, invalidValue, legacyMaxLengthMessage,
            requires, forms, multipleOf, maxEdge, minPixels, maxPixels, maxAspectRatio, array, maxFiles, mimeTypes,
            maxBytes, requiresAlpha, excludes, formats, requireSquare, modes, modesWaivedBy, sameSizeAs
        case defaultValue = "default"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decode(Kind.self, forKey: .kind)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        if let text = try? container.decodeIfPresent(String.self, forKey: .defaultValue) {
            defaultValue = .string(text)
        } else if let number = try? container.decodeIfPresent(Int.self, forKey: .defaultValue) {
            defaultValue = .number(JSONNumber(number))
        } else if let flag = try? container.decodeIfPresent(Bool.self, forKey: .defaultValue) {
            defaultValue = .bool(flag)
        }
        values = try container.decodeIfPresent([String].self, forKey: .values)
        minLength = try container.decodeIfPresent(Int.self, forKey: .minLength)
        maxLength = try container.decodeIfPresent(Int.self, forKey: .maxLength)
        min = try container.decodeIfPresent(Int.self, forKey: .min)
        max = try container.decodeIfPresent(Int.self, forKey: .max)
        mustEqual = try container.decodeIfPresent(Int.self, forKey: .mustEqual)
        invalidValue = try container.decodeIfPresent(InvalidValueOverride.self, forKey: .invalidValue)
        legacyMaxLengthMessage = try container.decodeIfPresent(String.self, forKey: .legacyMaxLengthMessage)
        requires = try container.decodeIfPresent([String: [String]].self, forKey: .requires)
        forms = try container.decodeIfPresent([BodyForm].self, forKey: .forms)
        multipleOf = try container.decodeIfPresent(Int.self, forKey: .multipleOf)
        maxEdge = try container.decodeIfPresent(Int.self, forKey: .maxEdge)
        minPixels = try container.decodeIfPresent(Int.self, forKey: .minPixels)
        maxPixels = try container.decodeIfPresent(Int.self, forKey: .maxPixels)
        maxAspectRatio = try container.decodeIfPresent(Double.self, forKey: .maxAspectRatio)
        array = try container.decodeIfPresent(Bool.self, forKey: .array)
        maxFiles = try container.decodeIfPresent(Int.self, forKey: .maxFiles)
        mimeTypes = try container.decodeIfPresent([String].self, forKey: .mimeTypes)
        maxBytes = try container.decodeIfPresent(Int.self, forKey: .maxBytes)
        requiresAlpha = try container.decodeIfPresent(Bool.self, forKey: .requiresAlpha)
        excludes = try container.decodeIfPresent([String].self, forKey: .excludes)
        formats = try container.decodeIfPresent([String].self, forKey: .formats)
        requireSquare = try container.decodeIfPresent(Bool.self, forKey: .requireSquare)
        modes = try container.decodeIfPresent([String].self, forKey: .modes)
        modesWaivedBy = try container.decodeIfPresent(String.self, forKey: .modesWaivedBy)
        sameSizeAs = try container.decodeIfPresent(String.self, forKey: .sameSizeAs)
    }

    public func accepts(form: BodyForm) -> Bool { forms?.contains(form) ?? true }
}

/// How a model's successful answers look.
public struct ResponseProfile: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Decodable {
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
}

/// One model id with everything the validator and the responder need.
public struct ModelDescriptor: Sendable, Equatable {
    public let id: String
    public let released: CalendarDate?
    /// The first day the model no longer exists.
    public let retired: CalendarDate?
    public let response: ResponseProfile
    public let endpoints: [Endpoint: [String: ParameterSpec]]

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
public struct APITimeline: Sendable, Equatable, Decodable {
    public var modelRequiredFrom: CalendarDate
    public var jsonEditsFrom: CalendarDate
    public var variationsRetiredFrom: CalendarDate
    public var bareNotFoundFrom: CalendarDate
}

/// Every model the mock knows, loaded from the `models.json` resource (or a scenario's override).
public struct ModelCatalog: Sendable, Equatable {
    public let models: [String: ModelDescriptor]
    public let defaultModel: String
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

    public static func load(from bytes: [UInt8]) throws -> ModelCatalog {
        let file: CatalogFile
        do {
            file = try JSONDecoder().decode(CatalogFile.self, from: Data(bytes))
        } catch {
            throw LoadError(message: "model catalog: \(error)")
        }
        var resolvedProfiles: [String: ResolvedProfile] = [:]
        func resolve(_ name: String, chain: [String]) throws -> ResolvedProfile {
            if let done = resolvedProfiles[name] { return done }
            guard !chain.contains(name) else { throw LoadError(message: "model catalog: profile inheritance cycle \((chain + [name]).joined(separator: " -> "))") }
            guard let profile = file.profiles[name] else { throw LoadError(message: "model catalog: unknown profile '\(name)'") }
            var result: ResolvedProfile
            if let parent = profile.extends {
                result = try resolve(parent, chain: chain + [name])
            } else {
                guard let endpoints = profile.endpoints, let response = profile.response else {
                    throw LoadError(message: "model catalog: profile '\(name)' needs 'endpoints' and 'response' or 'extends'")
                }
                result = ResolvedProfile(response: response, endpoints: [:])
                for (key, parameters) in endpoints {
                    guard let endpoint = Endpoint(rawValue: key) else { throw LoadError(message: "model catalog: unknown endpoint '\(key)' in profile '\(name)'") }
                    result.endpoints[endpoint] = parameters
                }
            }
            if let response = profile.response { result.response = response }
            for (key, parameters) in profile.override ?? [:] {
                guard let endpoint = Endpoint(rawValue: key) else { throw LoadError(message: "model catalog: unknown endpoint '\(key)' in profile '\(name)'") }
                result.endpoints[endpoint, default: [:]].merge(parameters) { _, new in new }
            }
            for (key, names) in profile.remove ?? [:] {
                guard let endpoint = Endpoint(rawValue: key) else { throw LoadError(message: "model catalog: unknown endpoint '\(key)' in profile '\(name)'") }
                for parameter in names { result.endpoints[endpoint]?[parameter] = nil }
            }
            resolvedProfiles[name] = result
            return result
        }
        var models: [String: ModelDescriptor] = [:]
        for entry in file.models {
            let profile = try resolve(entry.profile, chain: [])
            guard models[entry.id] == nil else { throw LoadError(message: "model catalog: model '\(entry.id)' is listed twice") }
            models[entry.id] = ModelDescriptor(
                id: entry.id, released: entry.released, retired: entry.retired, response: profile.response, endpoints: profile.endpoints)
        }
        guard models[file.defaultModel] != nil else { throw LoadError(message: "model catalog: default model '\(file.defaultModel)' is not listed") }
        return ModelCatalog(
            models: models, defaultModel: file.defaultModel, timeline: file.timeline, validationOrder: file.validationOrder,
            outputTokens: file.outputTokens.compactMapValues { $0 })
    }

    private struct ResolvedProfile {
        var response: ResponseProfile
        var endpoints: [Endpoint: [String: ParameterSpec]]
    }

    private struct CatalogFile: Decodable {
        struct Profile: Decodable {
            var extends: String?
            var response: ResponseProfile?
            var endpoints: [String: [String: ParameterSpec]]?
            var override: [String: [String: ParameterSpec]]?
            var remove: [String: [String]]?
        }
        struct Model: Decodable {
            var id: String
            var profile: String
            var released: CalendarDate?
            var retired: CalendarDate?
        }
        var defaultModel: String
        var timeline: APITimeline
        var validationOrder: [String]
        var outputTokens: [String: Int?]
        var profiles: [String: Profile]
        var models: [Model]

        enum CodingKeys: String, CodingKey { case defaultModel, timeline, validationOrder, outputTokens, profiles, models }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            defaultModel = try container.decode(String.self, forKey: .defaultModel)
            timeline = try container.decode(APITimeline.self, forKey: .timeline)
            validationOrder = try container.decode([String].self, forKey: .validationOrder)
            // The "comment" member is documentation, not a quality.
            let tokens = try container.decode([String: LenientInt].self, forKey: .outputTokens)
            outputTokens = tokens.mapValues(\.value)
            profiles = try container.decode([String: Profile].self, forKey: .profiles)
            models = try container.decode([Model].self, forKey: .models)
        }
    }

    private struct LenientInt: Decodable {
        var value: Int?
        init(from decoder: any Decoder) throws { value = try? decoder.singleValueContainer().decode(Int.self) }
    }
}
