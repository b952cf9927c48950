/// One scenario file: a complete script of what the mock answers (design §1).
///
/// Built by ``ScenarioLoader`` from YAML or JSON, which checks every value and reads, inspects
/// and encodes canned images once; or built in code, and then checked with ``problems``.
public struct Scenario: Sendable {
    public var version: Int
    public var name: String?
    /// The file it was loaded from (for messages and hot reload); `nil` when built in code.
    public var sourcePath: String?
    public var asOf: CalendarDate?
    public var errorStyle: ErrorStyle?
    public var requireModel: Bool?
    public var apiKeys: APIKeyPolicy?
    public var seed: UInt64?
    public var imageURLLifetimeSeconds: Double?
    public var organization: String?
    /// Bounded size of the request journal.
    public var journalSize: Int?
    /// Default latency of every answer; a rule's own latency replaces it.
    public var latency: LatencySpec?
    /// A latency that replaces every other, the scenario's and its rules' (`--latency-ms`).
    public var latencyOverride: LatencySpec?
    public var rateLimits: RateLimitSpec?
    /// First match wins; no match → the default answer (generated images).
    public var rules: [Rule]

    public init(
        version: Int = 1, name: String? = nil, sourcePath: String? = nil, asOf: CalendarDate? = nil, errorStyle: ErrorStyle? = nil,
        requireModel: Bool? = nil, apiKeys: APIKeyPolicy? = nil, seed: UInt64? = nil, imageURLLifetimeSeconds: Double? = nil,
        organization: String? = nil, journalSize: Int? = nil, latency: LatencySpec? = nil, rateLimits: RateLimitSpec? = nil, rules: [Rule] = []
    ) {
        self.version = version
        self.name = name
        self.sourcePath = sourcePath
        self.asOf = asOf
        self.errorStyle = errorStyle
        self.requireModel = requireModel
        self.apiKeys = apiKeys
        self.seed = seed
        self.imageURLLifetimeSeconds = imageURLLifetimeSeconds
        self.organization = organization
        self.journalSize = journalSize
        self.latency = latency
        self.rateLimits = rateLimits
        self.rules = rules
    }

    /// The built-in default: generated images, no latency, any key.
    public static let builtInDefault = Scenario(name: "default")
}

/// A scripted answer for the requests its condition matches.
public struct Rule: Sendable {
    public var name: String
    public var when: RuleCondition
    /// What the rule does: one answer, a sequence of answers, or a fault.
    public var action: RuleAction
    /// Replaces the scenario's latency for this rule's answers.
    public var latency: LatencySpec?
    /// `false`: the rule answers even requests the real API would reject (design: validation first by default).
    public var validate: Bool
    /// `false` for a rule called `rule-N` after its place, because its file gave it no name.
    public var isNamed: Bool

    public init(name: String, when: RuleCondition = RuleCondition(), action: RuleAction, latency: LatencySpec? = nil, validate: Bool = true,
                isNamed: Bool = true) {
        self.name = name
        self.when = when
        self.action = action
        self.latency = latency
        self.validate = validate
        self.isNamed = isNamed
    }
}

public enum RuleAction: Sendable {
    case respond(ResponseSpec)
    /// One step per matching request; the last step repeats, or the steps cycle.
    case sequence(steps: [ResponseSpec], cycle: Bool, perKey: Bool)
    case fault(FaultSpec)
}

/// Every present criterion must hold; an empty condition matches every request.
public struct RuleCondition: Sendable {
    public var endpoints: [Endpoint]?
    public var models: [String]?
    public var prompt: TextMatcher?
    /// Request parameters by name, compared as text (`n: 2` matches `"n": 2` and the form field `n=2`).
    public var params: [String: TextMatcher]
    /// Request headers by (case-insensitive) name.
    public var headers: [String: TextMatcher]
    /// API keys (exact).
    public var keys: [String]?

    public init(endpoints: [Endpoint]? = nil, models: [String]? = nil, prompt: TextMatcher? = nil, params: [String: TextMatcher] = [:],
                headers: [String: TextMatcher] = [:], keys: [String]? = nil) {
        self.endpoints = endpoints
        self.models = models
        self.prompt = prompt
        self.params = params
        self.headers = headers
        self.keys = keys
    }
}

/// How a text is compared. A plain string in a scenario means `equals`.
public enum TextMatcher: Sendable {
    case equals(String)
    case contains(String)
    /// A regular expression (searched, not anchored); `(?i)` makes it case-insensitive.
    case matches(String)
}

/// One answer.
public enum ResponseSpec: Sendable {
    /// A named error of the built-in catalog (``NamedErrors``), with optional extra headers and a
    /// replacement message.
    case error(name: String, message: String? = nil, headers: [String: String] = [:])
    /// Images: generated placeholders, or canned files (cycled when fewer than `n`).
    case images(ImageSource, headers: [String: String] = [:])
    /// Any status, headers and body, sent as given.
    case raw(status: Int, headers: [String: String], body: RawBody)

    /// Statuses a raw answer may have: a 1xx is an interim answer, never a final one (a scripted
    /// 100 or 101 left the client waiting).
    public static let rawStatusRange = 200...599
}

public enum ImageSource: Sendable {
    case generated
    case canned([CannedImage])
}

/// An image file of the scenario, read and inspected at load time. Answers carry it as it is when
/// it already has the requested size, format and background, and otherwise a copy fitted to them
/// (design §1: every image is in the requested format and exact size), made once per variant.
public struct CannedImage: Sendable {
    /// The path as written in the scenario (relative to its folder).
    public var path: String
    /// The file's own bytes.
    public var image: EncodedImage
    public var info: ImageInfo
    /// The file's bytes as the image cache names them: by identity, so the same file read by one
    /// load shares its variants and a reload (whose file may have changed) gets new ones.
    public let picture: Picture

    public init(path: String, image: EncodedImage, info: ImageInfo) {
        self.path = path
        self.image = image
        self.info = info
        self.picture = Picture(bytes: image.bytes)
    }

    /// A canned file's bytes, and the token that names them in the image cache.
    public final class Picture: Sendable {
        public let bytes: [UInt8]
        /// What cache keys hold instead of the picture: an old scenario's files are freed with
        /// it, while the variants made from them age out of the cache like any other.
        public let token = Token()

        init(bytes: [UInt8]) { self.bytes = bytes }
    }

    /// Names one loaded file's bytes (compared by identity: hashing megabytes would not do).
    public final class Token: Sendable, Hashable {
        init() {}

        public static func == (lhs: Token, rhs: Token) -> Bool { lhs === rhs }
        public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
    }
}

public enum RawBody: Sendable {
    case json(JSONValue)
    case text(String)
    case empty
}

/// Simulated latency (design §1, "Latency").
public enum LatencySpec: Sendable, Equatable {
    /// The longest delay a scenario or `--latency-ms` may ask for (one hour): far beyond any
    /// client's timeout, and far from where a `Duration` of milliseconds overflows.
    public static let maximumMilliseconds = 3_600_000.0

    case fixed(milliseconds: Double)
    case uniform(minimumMilliseconds: Double, maximumMilliseconds: Double)
    case lognormal(medianMilliseconds: Double, sigma: Double, maximumMilliseconds: Double?)
    /// Per endpoint, model, size and quality, from published timings (generations 6–8 s at 1024x1024,
    /// edits 15–17 s, variations 12–14 s).
    case realistic
}

/// Token buckets per minute (design §1, "Rate limits"); absent limits are not enforced.
public struct RateLimitSpec: Sendable, Equatable {
    public enum Scope: String, Sendable { case key, global }
    public var requestsPerMinute: Int?
    public var imagesPerMinute: Int?
    public var tokensPerMinute: Int?
    public var scope: Scope

    /// The largest limit a scenario may set: beyond it a limit means nothing, and the count must
    /// stay exact as a `Double` (a value near 2^63 once trapped the server on its first request).
    public static let maximumPerMinute = 1_000_000_000

    public init(requestsPerMinute: Int? = nil, imagesPerMinute: Int? = nil, tokensPerMinute: Int? = nil, scope: Scope = .key) {
        self.requestsPerMinute = requestsPerMinute
        self.imagesPerMinute = imagesPerMinute
        self.tokensPerMinute = tokensPerMinute
        self.scope = scope
    }
}

/// A transport fault, carried out by the server.
public struct FaultSpec: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The connection is closed without an answer.
        case connectionReset
        /// A status line and headers, then nothing (the connection closes).
        case emptyResponse
        /// The answer is cut after a part of its body.
        case truncatedBody
        /// The body dribbles out: `bytes` every `intervalMilliseconds`.
        case slowBody(bytes: Int, intervalMilliseconds: Int)
        /// A streamed answer ends with an `error` event instead of its last event (the SDK raises
        /// an APIError); an ordinary answer is unaffected.
        case streamError
    }
    public var kind: Kind
    /// 0...1; when the fault does not fire, the request gets the default answer.
    public var probability: Double

    /// What a `slow_body` fault may send at a time, and how long it may pause.
    public static let slowBodyBytesRange = 1...1_048_576
    public static let slowBodyIntervalRange = 1...60_000

    public init(kind: Kind, probability: Double = 1) {
        self.kind = kind
        self.probability = probability
    }
}

extension Scenario {
    /// The longest lifetime of an image URL, from a scenario or `--image-url-ttl` (ten years).
    public static let maximumImageURLLifetime = 315_360_000.0

    /// Entries a journal may keep (`journal_size`, `--journal-size`).
    public static let journalSizeRange = 0...100_000
}

extension Scenario {
    /// Several scenario files as one: rules in file order, and for each setting the last file that
    /// sets it wins. A rule its file left unnamed is called `rule-N` after its place among all
    /// the rules, so that two files' unnamed rules never share a name (and with it a sequence's
    /// counter); named rules keep their names (``duplicateRuleNames(_:paths:)`` finds clashes).
    public static func merged(_ scenarios: [Scenario]) -> Scenario {
        guard var result = scenarios.first else { return .builtInDefault }
        for var next in scenarios.dropFirst() {
            for index in next.rules.indices where !next.rules[index].isNamed {
                next.rules[index].name = "rule-\(result.rules.count + index + 1)"
            }
            result.name = [result.name, next.name].compactMap { $0 }.joined(separator: " + ")
            result.asOf = next.asOf ?? result.asOf
            result.errorStyle = next.errorStyle ?? result.errorStyle
            result.requireModel = next.requireModel ?? result.requireModel
            result.apiKeys = next.apiKeys ?? result.apiKeys
            result.seed = next.seed ?? result.seed
            result.imageURLLifetimeSeconds = next.imageURLLifetimeSeconds ?? result.imageURLLifetimeSeconds
            result.organization = next.organization ?? result.organization
            result.journalSize = next.journalSize ?? result.journalSize
            result.latency = next.latency ?? result.latency
            result.latencyOverride = next.latencyOverride ?? result.latencyOverride
            result.rateLimits = next.rateLimits ?? result.rateLimits
            result.rules += next.rules
        }
        return result
    }

    /// Rule names that more than one of these files uses, one problem per later use: merged,
    /// such rules would share a sequence's counter and be told apart by nothing in the journal.
    /// Unnamed rules count under the name ``merged(_:)`` gives them, so a rule named `rule-2`
    /// in one file clashes with another file's unnamed second rule too.
    public static func duplicateRuleNames(_ scenarios: [Scenario], paths: [String]) -> [ScenarioProblem] {
        var first: [String: (file: Int, named: Bool)] = [:]
        var problems: [ScenarioProblem] = []
        var position = 0
        for (fileIndex, scenario) in scenarios.enumerated() {
            for rule in scenario.rules {
                position += 1
                let name = rule.isNamed ? rule.name : "rule-\(position)"
                guard let earlier = first[name] else {
                    first[name] = (fileIndex, rule.isNamed)
                    continue
                }
                guard earlier.file != fileIndex else { continue }  // the loader reports clashes within a file
                let message = switch (earlier.named, rule.isNamed) {
                case (true, true): "rule name '\(name)' is already used in \(paths[earlier.file]); rule names must be unique across the scenario files"
                case (false, _): "rule name '\(name)' is already the name of an unnamed rule of \(paths[earlier.file]) (unnamed rules are called rule-N after their place among all the rules); rename one of them"
                case (true, false): "this file's unnamed rule \(position) would be called '\(name)', a name \(paths[earlier.file]) already uses; give it a name"
                }
                problems.append(ScenarioProblem(file: paths[fileIndex], line: 0, column: 0, message: message, sourceLine: ""))
            }
        }
        return problems
    }
}
