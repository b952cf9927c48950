import Foundation
import ImagesMockCodecs
import ImagesMockCore
import Testing

// MARK: - Support

/// The repository root, found from this file's path (Tests/ImagesMockCoreTests/ScenarioLoaderTests.swift).
private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let galleryFolder = repositoryRoot.appendingPathComponent("scenarios")

/// The rendered problems of a scenario given as text (no images involved), or `["ok"]`.
private func problems(_ yaml: String, path: String = "broken.yaml") -> [String] {
    do {
        _ = try ScenarioLoader.load(text: yaml, path: path)
        return ["ok"]
    } catch {
        return error.problems.map(\.rendered)
    }
}

private func problems(atPath path: String) -> [String] {
    do {
        _ = try ScenarioLoader.load(path: path)
        return ["ok"]
    } catch {
        return error.problems.map(\.rendered)
    }
}

/// A fresh folder under the system's temporary folder, removed by `body`'s caller through `defer`.
private func makeTemporaryFolder() throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scenario-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.resolvingSymlinksInPath()
}

private func write(_ text: String, to url: URL) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}

private func smallPNG(width: Int = 3, height: Int = 2) throws -> [UInt8] {
    let pixels = [UInt8](repeating: 200, count: width * height * 4)
    return try ImageEncoder.encode(RGBAImage(width: width, height: height, pixels: pixels), as: .png, preserveAlpha: false)
}

/// A compact, order-stable text of a scenario model, so a whole model compares as one string.
private func describe(_ scenario: Scenario) -> String {
    var lines: [String] = []
    lines.append("version \(scenario.version), name \(scenario.name ?? "-"), as_of \(scenario.asOf?.description ?? "-")")
    lines.append("error_style \(scenario.errorStyle?.rawValue ?? "-"), require_model \(scenario.requireModel.map { "\($0)" } ?? "-")")
    switch scenario.apiKeys {
    case nil: lines.append("auth -")
    case .any?: lines.append("auth any")
    case .only(let keys)?: lines.append("auth only \(keys.sorted())")
    }
    lines.append("seed \(scenario.seed.map { "\($0)" } ?? "-"), ttl \(scenario.imageURLLifetimeSeconds.map { "\($0)" } ?? "-"), organization \(scenario.organization ?? "-"), journal \(scenario.journalSize.map { "\($0)" } ?? "-")")
    lines.append("latency \(describe(scenario.latency))")
    if let limits = scenario.rateLimits {
        lines.append("rate_limits requests \(limits.requestsPerMinute.map { "\($0)" } ?? "-"), images \(limits.imagesPerMinute.map { "\($0)" } ?? "-"), tokens \(limits.tokensPerMinute.map { "\($0)" } ?? "-"), per \(limits.scope.rawValue)")
    } else {
        lines.append("rate_limits -")
    }
    for rule in scenario.rules {
        lines.append("rule \(rule.name) validate \(rule.validate) latency \(describe(rule.latency))")
        let when = rule.when
        lines.append("  when endpoints \(when.endpoints.map { $0.map(\.rawValue).description } ?? "-") models \(when.models?.description ?? "-") prompt \(describe(when.prompt)) keys \(when.keys?.description ?? "-")")
        lines.append("  params \(when.params.sorted { $0.key < $1.key }.map { "\($0.key)=\(describe($0.value))" }) headers \(when.headers.sorted { $0.key < $1.key }.map { "\($0.key)=\(describe($0.value))" })")
        switch rule.action {
        case .respond(let response):
            lines.append("  respond \(describe(response))")
        case .sequence(let steps, let cycle, let perKey):
            lines.append("  sequence cycle \(cycle) perKey \(perKey)")
            for step in steps { lines.append("    \(describe(step))") }
        case .fault(let fault):
            lines.append("  fault \(fault.kind) probability \(fault.probability)")
        }
    }
    return lines.joined(separator: "\n")
}

private func describe(_ latency: LatencySpec?) -> String {
    guard let latency else { return "-" }
    switch latency {
    case .fixed(let ms): return "fixed \(ms)"
    case .uniform(let minimum, let maximum): return "uniform \(minimum)...\(maximum)"
    case .lognormal(let median, let sigma, let maximum): return "lognormal median \(median) sigma \(sigma) max \(maximum.map { "\($0)" } ?? "-")"
    case .realistic: return "realistic"
    }
}

private func describe(_ matcher: TextMatcher?) -> String {
    switch matcher {
    case nil: return "-"
    case .equals(let text)?: return "equals(\(text))"
    case .contains(let text)?: return "contains(\(text))"
    case .matches(let text)?: return "matches(\(text))"
    }
}

private func describe(_ headers: [String: String]) -> String {
    headers.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
}

private func describe(_ response: ResponseSpec) -> String {
    switch response {
    case .error(let name, let message, let headers):
        return "error \(name) message \(message ?? "-") headers [\(describe(headers))]"
    case .images(let source, let headers):
        switch source {
        case .generated: return "images generated headers [\(describe(headers))]"
        case .canned(let images):
            let files = images.map { "\($0.path) \($0.info.format.rawValue) \($0.info.width)x\($0.info.height) \($0.image.bytes.count)B" }
            return "images \(files) headers [\(describe(headers))]"
        }
    case .raw(let status, let headers, let body):
        let bodyText: String
        switch body {
        case .empty: bodyText = "empty"
        case .text(let text): bodyText = "text \(text.debugDescription)"
        case .json(let json): bodyText = "json \(JSONWriter.renderString(json, layout: .compact))"
        }
        return "raw \(status) headers [\(describe(headers))] body \(bodyText)"
    }
}

// MARK: - Gallery

@Suite("Scenario loader: gallery")
struct ScenarioGalleryTests {
    static let required = [
        "default.yaml", "flaky-then-ok.yaml", "content-policy.yaml", "slow-realistic.yaml", "rate-limited.yaml", "faults.yaml",
        "canned-images.yaml", "legacy-2023.yaml", "errors-by-header.json", "everything.yaml",
    ]

    static func galleryFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: galleryFolder.path)) ?? []
        return names.filter { ScenarioLoader.fileExtensions.contains(URL(fileURLWithPath: $0).pathExtension) }.sorted()
    }

    @Test func theGalleryHasEveryRequiredFile() {
        #expect(Set(Self.galleryFiles()).isSuperset(of: Self.required), "found \(Self.galleryFiles())")
    }

    @Test(arguments: galleryFiles())
    func galleryFileLoads(_ name: String) throws {
        #expect(problems(atPath: galleryFolder.appendingPathComponent(name).path) == ["ok"])
        // What the loader lets through, the checks of code-built scenarios let through too.
        let scenario = try ScenarioLoader.load(path: galleryFolder.appendingPathComponent(name).path)
        #expect(scenario.problems.isEmpty, "\(scenario.problems)")
    }

    @Test func theCannedPNGIsSmallAndReal() throws {
        let data = try #require(FileManager.default.contents(atPath: galleryFolder.appendingPathComponent("images/fox.png").path))
        #expect(data.count < 20 * 1024)
        let info = try ImageInspector.inspect([UInt8](data))
        #expect(info.format == .png && info.width == 256 && info.height == 256)
    }

    @Test func everythingYAMLBuildsTheWholeModel() throws {
        let path = galleryFolder.appendingPathComponent("everything.yaml").path
        let scenario = try ScenarioLoader.load(path: path)
        #expect(scenario.sourcePath == path)
        let fox = try #require(FileManager.default.contents(atPath: galleryFolder.appendingPathComponent("images/fox.png").path)).count
        #expect(describe(scenario) == """
            version 1, name everything, as_of 2026-11-21
            error_style current, require_model true
            auth only ["sk-test-1", "sk-test-blocked"]
            seed 7, ttl 600.0, organization org-demo, journal 500
            latency fixed 25.0
            rate_limits requests 60, images 15, tokens 100000, per global
            rule blocked validate true latency -
              when endpoints ["generations"] models ["gpt-image-2", "gpt-image-1.5"] prompt contains(forbidden) keys ["sk-test-blocked"]
              params ["n=equals(1)", "quality=equals(high)", "size=equals(1536x1024)"] headers ["x-test-case=equals(blocked)"]
              respond error content_policy_violation message - headers []
            rule flaky-edits validate true latency -
              when endpoints ["edits"] models - prompt - keys -
              params [] headers []
              sequence cycle true perKey true
                error server_error message Something broke, try again. headers []
                error rate_limit_exceeded message - headers [retry-after-ms: 50]
                images ["images/fox.png png 256x256 \(fox)B", "images/fox.png png 256x256 \(fox)B"] headers []
            rule slow validate true latency lognormal median 800.0 sigma 0.4 max 5000.0
              when endpoints - models - prompt matches((?i)slow) keys -
              params [] headers []
              respond images generated headers [x-scenario: slow]
            rule drop validate true latency -
              when endpoints - models - prompt equals(drop) keys -
              params [] headers []
              fault slowBody(bytes: 16, intervalMilliseconds: 250) probability 0.5
            rule raw validate false latency -
              when endpoints - models - prompt - keys -
              params ["user=equals(raw)"] headers []
              respond raw 503 headers [retry-after: 1] body json {"error":{"message":"x","type":"server_error","param":null,"code":null}}
            rule rule-6 validate true latency uniform 100.0...300.0
              when endpoints ["generations"] models ["gpt-image-1-mini"] prompt - keys -
              params [] headers []
              respond raw 200 headers [] body text "plain text"
            """)
    }

    @Test func defaultYAMLSpellsOutTheEngineDefaults() throws {
        let scenario = try ScenarioLoader.load(path: galleryFolder.appendingPathComponent("default.yaml").path)
        let defaults = MockConfiguration()
        #expect(scenario.errorStyle == defaults.errorStyle)
        #expect(scenario.requireModel == defaults.validation.requireModel)
        #expect(scenario.apiKeys == defaults.apiKeys)
        #expect(scenario.imageURLLifetimeSeconds == defaults.imageURLLifetimeSeconds)
        #expect(scenario.organization == defaults.organization)
        #expect(scenario.latency == .fixed(milliseconds: 0) && defaults.fixedLatency == .zero)
        #expect(scenario.asOf == nil && scenario.seed == nil && scenario.rateLimits == nil && scenario.rules.isEmpty)
    }

    @Test func aCannedFileNamedTwiceIsReadOnce() throws {
        let scenario = try ScenarioLoader.load(path: galleryFolder.appendingPathComponent("everything.yaml").path)
        guard case .sequence(let steps, _, _) = scenario.rules[1].action, case .images(.canned(let images), _) = steps[2] else {
            Issue.record("unexpected model")
            return
        }
        #expect(images.count == 2)
        #expect(images[0].image.base64 == images[1].image.base64)
        #expect(images[0].image.format == .png && images[0].image.width == 256)
    }
}

// MARK: - Broken files, with their messages pinned

@Suite("Scenario loader: problems")
struct ScenarioProblemTests {
    @Test func aYAMLSyntaxErrorIsLocated() {
        let yaml = """
            version: 1
            rules:
              - name: a
                respond: { error: server_error
              - name: b
            """
        #expect(problems(yaml) == ["""
            broken.yaml:5:9: error: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping at line 4, column 14)
              - name: b
                    ^
            """])
    }

    @Test func aTabIndentGetsAHintAndTheCaretKeepsTheTab() {
        #expect(problems("version: 1\nrules:\n\t- name: x\n") == [
            "broken.yaml:3:1: error: invalid YAML: found character that cannot start any token (while scanning for the next token at line 3, column 1); YAML indents with spaces, not tabs\n\t- name: x\n^",
        ])
        #expect(problems("version: 1\nname:\tx\t: y\n") == [
            "broken.yaml:2:9: error: invalid YAML: mapping values are not allowed in this context\nname:\tx\t: y\n     \t \t^",
        ])
    }

    @Test func aSecondDocumentAndADuplicatedKeyAreReported() {
        #expect(problems("version: 1\n---\nversion: 1\n") == ["""
            broken.yaml:2:1: error: a scenario file holds one YAML document; this '---' starts a second one
            ---
            ^
            """])
        #expect(problems("version: 1\nrules:\n  - name: a\n    name: b\n    respond: { images: generated }\n") == ["""
            broken.yaml:3:5: error: key 'name' is given more than once in this mapping (first here); each key may appear once
              - name: a
                ^
            """])
    }

    @Test func wrongTypesSayWhatWasExpectedAndFound() {
        let yaml = """
            version: "1"
            require_model: "yes"
            seed: 1.5
            journal_size: -3
            image_url_ttl: soon
            rules: { name: a }
            """
        #expect(problems(yaml) == [
            "broken.yaml:1:10: error: 'version' must be the number 1, found the string '1'\nversion: \"1\"\n         ^",
            "broken.yaml:2:16: error: 'require_model' must be true or false, found the string 'yes'\nrequire_model: \"yes\"\n               ^",
            "broken.yaml:3:7: error: 'seed' must be a whole number from 0 to 18446744073709551615, found 1.5\nseed: 1.5\n      ^",
            "broken.yaml:4:15: error: 'journal_size' must be a whole number from 0 to 100000, found -3\njournal_size: -3\n              ^",
            "broken.yaml:5:16: error: 'image_url_ttl' must be a number of seconds greater than 0 and at most 315360000, found the string 'soon'\nimage_url_ttl: soon\n               ^",
            "broken.yaml:6:8: error: 'rules' must be a list of rules, found a mapping\nrules: { name: a }\n       ^",
        ])
    }

    @Test func rulesThatCanNeverMatchOnTheFilesOwnDateAreReported() {
        // The gallery's tour had two such rules and `validate` said nothing.
        let yaml = """
            version: 1
            as_of: 2026-11-21
            rules:
              - { when: { model: [dall-e-3, gpt-image-2] }, respond: { error: server_error } }
              - { when: { endpoint: variations }, respond: { error: server_error } }
              - { when: { model: dall-e-3 }, validate: false, respond: { error: server_error } }
            """
        #expect(problems(yaml) == [
            "broken.yaml:4:23: error: model 'dall-e-3' does not exist on this scenario's as_of (2026-11-21): requests naming it are rejected before rules (a rule with 'validate: false' may name any)\n  - { when: { model: [dall-e-3, gpt-image-2] }, respond: { error: server_error } }\n                      ^",
            "broken.yaml:5:25: error: /v1/images/variations answers a bare 404 from 2026-08-29, before any rule, and this scenario's as_of is 2026-11-21; this condition never matches\n  - { when: { endpoint: variations }, respond: { error: server_error } }\n                        ^",
        ])
        // Without an as_of every model is live.
        #expect(problems("version: 1\nrules:\n  - { when: { model: dall-e-3 }, respond: { error: server_error } }\n") == ["ok"])
    }

    @Test func aJSONFileMustBeJSON() {
        // YAML's flow syntax took the trailing comma, so `validate` said ok.
        let text = "{\"version\": 1,\n \"rules\": [{\"respond\": {\"error\": \"server_error\"}},]}\n"
        #expect(problems(text, path: "trailing.json") == [
            "trailing.json:2:51: error: not valid JSON: unexpected character ']', expected a value\n \"rules\": [{\"respond\": {\"error\": \"server_error\"}},]}\n                                                  ^",
        ])
        #expect(problems(text, path: "trailing.yaml") == ["ok"], "the same text is valid YAML")
    }

    @Test func rateLimitsAndStatusesAreBounded() {
        // A limit near 2^63 became 2^63 as a Double and trapped the server on its first request;
        // a scripted 101 was sent as the final answer and the client waited forever.
        let yaml = """
            version: 1
            rate_limits: { requests_per_minute: 9223372036854775296 }
            rules:
              - respond: { status: 101 }
            """
        #expect(problems(yaml) == [
            "broken.yaml:2:37: error: 'requests_per_minute' must be a whole number from 1 to 1000000000, found 9223372036854775296\nrate_limits: { requests_per_minute: 9223372036854775296 }\n                                    ^",
            "broken.yaml:4:24: error: 'status' must be a whole number from 200 to 599, found 101\n  - respond: { status: 101 }\n                       ^",
        ])
        // Built in code, the limit is bounded where it is used.
        var scenario = Scenario()
        scenario.rateLimits = RateLimitSpec(requestsPerMinute: Int.max)
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        let plan = engine.respond(to: HTTPRequest(method: "POST", path: "/v1/images/generations",
            headers: HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "application/json"), ("Host", "h")]),
            body: Array(#"{"model":"dall-e-2","prompt":"x","size":"256x256"}"#.utf8)))
        #expect(plan.response.status == 200)
        #expect(plan.response.headers["x-ratelimit-limit-requests"] == "1000000000")
    }

    @Test func lifetimesAndLatenciesAreBounded() {
        // A TTL of 1e20 s trapped the server when it wrote cache-control; 1e15 ms of latency
        // overflowed a Duration. Both files passed `validate`.
        let yaml = """
            version: 1
            image_url_ttl: 1e20
            latency: { fixed_ms: 1e15 }
            rules:
              - { latency: { distribution: uniform, min_ms: 0, max_ms: 3600001 }, respond: { error: server_error } }
            """
        #expect(problems(yaml) == [
            "broken.yaml:2:16: error: 'image_url_ttl' must be a number of seconds greater than 0 and at most 315360000, found 1e20\nimage_url_ttl: 1e20\n               ^",
            "broken.yaml:3:22: error: 'fixed_ms' must be a number of milliseconds from 0 to 3600000, found 1e15\nlatency: { fixed_ms: 1e15 }\n                     ^",
            "broken.yaml:5:60: error: 'max_ms' must be a number of milliseconds from 0 to 3600000, found 3600001\n  - { latency: { distribution: uniform, min_ms: 0, max_ms: 3600001 }, respond: { error: server_error } }\n                                                           ^",
        ])
        // Built in code, a scenario is bounded where the values are used.
        var scenario = Scenario()
        scenario.imageURLLifetimeSeconds = 1e20
        scenario.latency = .fixed(milliseconds: 1e15)
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        let plan = engine.respond(to: HTTPRequest(method: "POST", path: "/v1/images/generations",
            headers: HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "application/json"), ("Host", "h")]),
            body: Array(#"{"model":"dall-e-2","prompt":"x","size":"256x256"}"#.utf8)))
        #expect(plan.delay == .milliseconds(3_600_000))
    }

    @Test func anUnknownKeyGetsASuggestionAndTheMissingActionIsNotReportedTwice() {
        let yaml = """
            version: 1
            rules:
              - name: blocked
                when: { prompt: { contain: forbidden } }
                respnd: { error: content_policy_violation }
            colour: red
            """
        #expect(problems(yaml) == [
            "broken.yaml:4:23: error: unknown key 'contain' in 'prompt' of rule 'blocked'; did you mean 'contains'?\n    when: { prompt: { contain: forbidden } }\n                      ^",
            "broken.yaml:5:5: error: unknown key 'respnd' in rule 'blocked'; did you mean 'respond'?\n    respnd: { error: content_policy_violation }\n    ^",
            "broken.yaml:6:1: error: unknown key 'colour' at the top level (allowed: version, name, as_of, error_style, require_model, auth, seed, image_url_ttl, organization, journal_size, latency, rate_limits, rules)\ncolour: red\n^",
        ])
    }

    @Test func anUnknownErrorNameListsTheKnownOnesOrSuggestsOne() {
        let yaml = """
            version: 1
            rules:
              - respond: { error: content_policy }
              - respond: { error: sever_error }
            """
        #expect(problems(yaml) == [
            "broken.yaml:3:23: error: unknown error 'content_policy' (known: content_policy_violation, moderation_blocked, billing_hard_limit_reached, insufficient_quota, rate_limit_exceeded, rate_limit_tokens, rate_limit_global, invalid_api_key, organization_not_verified, mismatched_organization, model_not_allowed, invalid_model, content_filter_blocked, server_error, overloaded)\n  - respond: { error: content_policy }\n                      ^",
            "broken.yaml:4:23: error: unknown error 'sever_error'; did you mean 'server_error'?\n  - respond: { error: sever_error }\n                      ^",
        ])
    }

    @Test func anInvalidRegularExpressionSaysWhy() {
        let yaml = """
            version: 1
            rules:
              - when:
                  prompt: { matches: "(?i)(slow" }
                  headers: { x-case: { matches: "[a-" } }
                respond: { images: generated }
            """
        #expect(problems(yaml) == [
            "broken.yaml:4:26: error: invalid regular expression '(?i)(slow': expected ')'\n      prompt: { matches: \"(?i)(slow\" }\n                         ^",
            "broken.yaml:5:37: error: invalid regular expression '[a-': expected ']'\n      headers: { x-case: { matches: \"[a-\" } }\n                                    ^",
        ])
    }

    @Test func aRuleWithoutActionOrWithTwo() {
        let yaml = """
            version: 1
            rules:
              - name: nothing
                when: { endpoint: edits }
              - name: both
                respond: { error: server_error }
                fault: { kind: connection_reset }
              - name: all-three
                respond: { error: server_error }
                sequence: [{ images: generated }]
                fault: { kind: connection_rest }
            """
        #expect(problems(yaml) == [
            "broken.yaml:3:5: error: expected one of 'respond', 'sequence' or 'fault' in rule 'nothing', found none\n  - name: nothing\n    ^",
            "broken.yaml:7:5: error: expected one of 'respond', 'sequence' or 'fault' in rule 'both', found both 'respond' and 'fault'\n    fault: { kind: connection_reset }\n    ^",
            "broken.yaml:10:5: error: expected one of 'respond', 'sequence' or 'fault' in rule 'all-three', found 'respond', 'sequence' and 'fault'\n    sequence: [{ images: generated }]\n    ^",
            "broken.yaml:11:20: error: unknown fault kind 'connection_rest'; did you mean 'connection_reset'?\n    fault: { kind: connection_rest }\n                   ^",
        ])
    }

    @Test func ruleNamesMustBeUnique() {
        let yaml = """
            version: 1
            rules:
              - name: blocked
                respond: { error: server_error }
              - name: blocked
                respond: { error: overloaded }
              - name: rule-4
                respond: { images: generated }
              - respond: { images: generated }
            """
        #expect(problems(yaml) == [
            "broken.yaml:5:11: error: rule name 'blocked' is already used by rule 1; rule names must be unique\n  - name: blocked\n          ^",
            "broken.yaml:9:5: error: rule 4 gets the default name 'rule-4', already used by rule 3; give it a 'name'\n  - respond: { images: generated }\n    ^",
        ])
    }

    @Test func severalProblemsAreReportedTogetherInFileOrder() {
        // 'version' is missing (found after the keys were checked, reported at the top), and the
        // problems of rules, latency and rate limits come in the order of their lines.
        let yaml = """
            name: demo
            error_style: legcy
            latency: { distribution: lognormal, median_ms: 800, sigma: 0 }
            rate_limits: { requests_per_minute: 0, per: everyone }
            rules:
              - name: a
                when: { endpoint: generation, model: dall-e3 }
                sequence:
                  - { error: server_error, body: {} }
                  - server_error
                sequence_per: keys
              - { name: b, fault: { kind: slow_body, bytes: 0, probability: 1.5 } }
            auth: { keys: sk-test }
            """
        #expect(problems(yaml) == [
            "broken.yaml:1:1: error: missing key 'version' at the top level (write 'version: 1')\nname: demo\n^",
            "broken.yaml:2:14: error: unknown error style 'legcy'; did you mean 'legacy'?\nerror_style: legcy\n             ^",
            "broken.yaml:3:60: error: 'sigma' must be a number greater than 0, found 0\nlatency: { distribution: lognormal, median_ms: 800, sigma: 0 }\n                                                           ^",
            "broken.yaml:4:37: error: 'requests_per_minute' must be a whole number from 1 to 1000000000, found 0\nrate_limits: { requests_per_minute: 0, per: everyone }\n                                    ^",
            "broken.yaml:4:45: error: unknown 'per' value 'everyone' (known: key, global)\nrate_limits: { requests_per_minute: 0, per: everyone }\n                                            ^",
            "broken.yaml:7:23: error: unknown endpoint 'generation'; did you mean 'generations'?\n    when: { endpoint: generation, model: dall-e3 }\n                      ^",
            "broken.yaml:7:42: error: unknown model 'dall-e3'; did you mean 'dall-e-3'? (a rule with 'validate: false' may name any)\n    when: { endpoint: generation, model: dall-e3 }\n                                         ^",
            "broken.yaml:9:32: error: 'body' does not go with 'error' in step 1 of 'sequence' of rule 'a' (an error takes 'message' and 'headers')\n      - { error: server_error, body: {} }\n                               ^",
            "broken.yaml:10:9: error: expected a response in step 2 of 'sequence' of rule 'a': a mapping with 'error', 'images' or 'status', found the string 'server_error'; write { error: server_error }\n      - server_error\n        ^",
            "broken.yaml:11:19: error: unknown 'sequence_per' value 'keys'; did you mean 'key'?\n    sequence_per: keys\n                  ^",
            "broken.yaml:12:49: error: 'bytes' must be a whole number from 1 to 1048576, found 0\n  - { name: b, fault: { kind: slow_body, bytes: 0, probability: 1.5 } }\n                                                ^",
            "broken.yaml:12:65: error: 'probability' must be a number from 0 to 1, found 1.5\n  - { name: b, fault: { kind: slow_body, bytes: 0, probability: 1.5 } }\n                                                                ^",
            "broken.yaml:13:15: error: 'keys' must be 'any' or a list of accepted keys, found the string 'sk-test'; for a single key write [sk-test]\nauth: { keys: sk-test }\n              ^",
        ])
    }

    @Test func latencyFormsAndTheirLimits() {
        func latency(_ text: String) -> [String] {
            problems("version: 1\nlatency: \(text)\n").map { $0.components(separatedBy: "\n")[0] }
        }
        #expect(latency("{ fixed_ms: 0 }") == ["ok"])
        #expect(latency("{ distribution: fixed, ms: 12.5 }") == ["ok"])
        #expect(latency("{ distribution: uniform, min_ms: 5, max_ms: 5 }") == ["ok"])
        #expect(latency("{ distribution: lognormal, median_ms: 800, sigma: 0.4 }") == ["ok"])
        #expect(latency("{ distribution: realistic }") == ["ok"])
        #expect(latency("250") == [
            "broken.yaml:2:10: error: 'latency' must be a mapping such as { fixed_ms: 200 } or { distribution: uniform, min_ms: 100, max_ms: 300 }, found 250",
        ])
        #expect(latency("{ fixed_ms: -1 }") == ["broken.yaml:2:22: error: 'fixed_ms' must be a number of milliseconds from 0 to 3600000, found -1"])
        #expect(latency("{ min_ms: 1, max_ms: 2 }") == [
            "broken.yaml:2:10: error: expected 'fixed_ms' or 'distribution' (fixed, uniform, lognormal, realistic) in 'latency', found neither",
        ])
        #expect(latency("{ distribution: uniform, min_ms: 1 }") == [
            "broken.yaml:2:10: error: missing key 'max_ms' in 'latency' (distribution 'uniform' takes 'min_ms' and 'max_ms')",
        ])
        #expect(latency("{ distribution: uniform, min_ms: 500, max_ms: 100 }") == [
            "broken.yaml:2:56: error: 'max_ms' (100) is less than 'min_ms' (500) in 'latency'",
        ])
        #expect(latency("{ distribution: lognormal, median_ms: 800, sigma: .nan, max_ms: 100 }") == [
            "broken.yaml:2:60: error: 'sigma' must be a number greater than 0, found .nan",
        ])
        #expect(latency("{ distribution: lognormal, median_ms: 800, sigma: 1, max_ms: 100 }") == [
            "broken.yaml:2:71: error: 'max_ms' (100) is less than 'median_ms' (800) in 'latency'",
        ])
        #expect(latency("{ distribution: realistic, ms: 5 }") == [
            "broken.yaml:2:37: error: 'ms' does not go with distribution 'realistic' in 'latency' (it takes no other key)",
        ])
        #expect(latency("{ distribution: normal, ms: 5 }") == ["broken.yaml:2:26: error: unknown distribution 'normal'; did you mean 'lognormal'?"])
        #expect(latency("{ fixed_ms: 5, max_ms: 9 }") == [
            "broken.yaml:2:25: error: 'max_ms' does not go with 'fixed_ms' in 'latency'; give a 'distribution' to use it",
        ])
        #expect(latency("{ median: 5, distribution: lognormal, sigma: 1 }") == [
            "broken.yaml:2:12: error: unknown key 'median' in 'latency'; did you mean 'median_ms'?",
        ])
    }

    @Test func ruleOptionsThatDoNotFitTheirAction() {
        let yaml = """
            version: 1
            rules:
              - name: x
                cycle: true
                sequence_per: key
                respond: { images: generated }
              - name: y
                fault: { kind: truncated_body, interval_ms: 5 }
              - name: z
                respond: { status: 204, message: gone }
            """
        #expect(problems(yaml) == [
            "broken.yaml:4:5: error: 'cycle' applies only to a 'sequence'; rule 'x' has 'respond'\n    cycle: true\n    ^",
            "broken.yaml:5:5: error: 'sequence_per' applies only to a 'sequence'; rule 'x' has 'respond'\n    sequence_per: key\n    ^",
            "broken.yaml:8:36: error: 'interval_ms' applies only to kind 'slow_body'\n    fault: { kind: truncated_body, interval_ms: 5 }\n                                   ^",
            "broken.yaml:10:29: error: 'message' does not go with 'status' in 'respond' of rule 'z' (a raw response takes 'headers' and 'body')\n    respond: { status: 204, message: gone }\n                            ^",
        ])
    }

    @Test func headersAndParamsAreChecked() {
        let yaml = """
            version: 1
            auth: { keys: [] }
            rules:
              - when:
                  params: { qualty: hd, frobnicate: 1 }
                  headers: { "x case": a }
                respond: { images: generated, headers: { x-a: "one\\ntwo" } }
              - when: { params: { frobnicate: 1 }, model: my-model }
                validate: false
                respond: { images: generated }
            """
        #expect(problems(yaml) == [
            "broken.yaml:2:15: error: 'keys' lists no key; write 'any' to accept any key, or give at least one\nauth: { keys: [] }\n              ^",
            "broken.yaml:5:17: error: unknown parameter 'qualty'; did you mean 'quality'? (a rule with 'validate: false' may name any)\n      params: { qualty: hd, frobnicate: 1 }\n                ^",
            "broken.yaml:5:29: error: unknown parameter 'frobnicate': no model accepts it, so the request would be rejected before rules (a rule with 'validate: false' may name any)\n      params: { qualty: hd, frobnicate: 1 }\n                            ^",
            "broken.yaml:6:18: error: 'x case' is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)\n      headers: { \"x case\": a }\n                 ^",
            "broken.yaml:7:51: error: header 'x-a' must be one line (no line breaks or NUL characters)\n    respond: { images: generated, headers: { x-a: \"one\\ntwo\" } }\n                                                  ^",
        ])
    }

    @Test func aJSONFileIsLocatedToo() {
        let json = """
            {
              "version": 1,
              "rules": [
                { "name": "a", "respnd": { "error": "server_error" } },
                { "name": "b", "respond": { "status": "503" } }
              ]
            }
            """
        #expect(problems(json, path: "broken.json") == [
            "broken.json:4:20: error: unknown key 'respnd' in rule 'a'; did you mean 'respond'?\n    { \"name\": \"a\", \"respnd\": { \"error\": \"server_error\" } },\n                   ^",
            "broken.json:5:43: error: 'status' must be a whole number from 200 to 599, found the string '503'\n    { \"name\": \"b\", \"respond\": { \"status\": \"503\" } }\n                                          ^",
        ])
    }

    @Test func emptyFilesAndOtherRoots() {
        #expect(problems("# nothing but a comment\n") == ["broken.yaml:1:1: error: the file is empty; a scenario needs at least 'version: 1'\n# nothing but a comment\n^"])
        #expect(problems("- version: 1\n") == [
            "broken.yaml:1:1: error: a scenario is a mapping of keys such as 'version', 'name' and 'rules', found a list\n- version: 1\n^",
        ])
        #expect(problems("version: 2\n") == ["broken.yaml:1:10: error: unsupported version 2; this images-mock reads version 1\nversion: 2\n         ^"])
        #expect(problems("version: 1\nas_of: 2026-02-30\n") == [
            "broken.yaml:2:8: error: 'as_of' must be a real date written YYYY-MM-DD, found the string '2026-02-30'\nas_of: 2026-02-30\n       ^",
        ])
    }
}

// MARK: - Files: canned images, paths and symbolic links

@Suite("Scenario loader: files")
struct ScenarioFileTests {
    @Test func imagePathsMayNotLeaveTheScenarioFolder() {
        // Checked on the path alone, before looking at the disk.
        let yaml = """
            version: 1
            rules:
              - respond: { images: ../secret.png }
              - respond: { images: [images/../../secret.png, /etc/passwd] }
            """
        #expect(problems(yaml, path: "/nonexistent/scenarios/broken.yaml") == [
            "/nonexistent/scenarios/broken.yaml:3:24: error: image path '../secret.png' escapes the scenario folder\n  - respond: { images: ../secret.png }\n                       ^",
            "/nonexistent/scenarios/broken.yaml:4:25: error: image path 'images/../../secret.png' escapes the scenario folder\n  - respond: { images: [images/../../secret.png, /etc/passwd] }\n                        ^",
            "/nonexistent/scenarios/broken.yaml:4:50: error: image path '/etc/passwd' is absolute; image paths are relative to the scenario's folder\n  - respond: { images: [images/../../secret.png, /etc/passwd] }\n                                                 ^",
        ])
    }

    @Test func symbolicLinksOutOfTheFolderAreRejected() throws {
        let root = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("scenario")
        let outside = root.appendingPathComponent("outside")
        let png = try smallPNG()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        try Data(png).write(to: outside.appendingPathComponent("secret.png"))
        try Data(png).write(to: folder.appendingPathComponent("images/ok.png"))
        let fileManager = FileManager.default
        // A file link and a folder link pointing outside, and a link that stays inside.
        try fileManager.createSymbolicLink(atPath: folder.appendingPathComponent("link.png").path, withDestinationPath: "../outside/secret.png")
        try fileManager.createSymbolicLink(atPath: folder.appendingPathComponent("elsewhere").path, withDestinationPath: outside.path)
        try fileManager.createSymbolicLink(atPath: folder.appendingPathComponent("inside.png").path, withDestinationPath: "images/ok.png")

        let path = folder.appendingPathComponent("links.yaml").path
        try write("""
            version: 1
            rules:
              - respond: { images: [inside.png, images/ok.png] }
              - respond: { images: link.png }
              - respond: { images: elsewhere/secret.png }
            """, to: URL(fileURLWithPath: path))
        #expect(problems(atPath: path) == [
            "\(path):4:24: error: image path 'link.png' escapes the scenario folder through a symbolic link\n  - respond: { images: link.png }\n                       ^",
            "\(path):5:24: error: image path 'elsewhere/secret.png' escapes the scenario folder through a symbolic link\n  - respond: { images: elsewhere/secret.png }\n                       ^",
        ])

        // The scenario reached through a linked folder still sees its own images as inside.
        let linkedFolder = root.appendingPathComponent("linked-scenario")
        try fileManager.createSymbolicLink(atPath: linkedFolder.path, withDestinationPath: folder.path)
        let linkedPath = linkedFolder.appendingPathComponent("inside.yaml").path
        try write("version: 1\nrules:\n  - respond: { images: [inside.png] }\n", to: URL(fileURLWithPath: linkedPath))
        let scenario = try ScenarioLoader.load(path: linkedPath)
        guard case .respond(.images(.canned(let images), _)) = scenario.rules[0].action else {
            Issue.record("unexpected model")
            return
        }
        #expect(images.map(\.path) == ["inside.png"])
        #expect(images[0].image.bytes == png && images[0].info.width == 3 && images[0].info.height == 2)
    }

    @Test func missingFoldersAndNonImagesAreReported() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try write("just text\n", to: folder.appendingPathComponent("notes.png"))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("images"), withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("files.yaml").path
        try write("""
            version: 1
            rules:
              - respond: { images: [missing.png, images, notes.png] }
              - respond: { images: [] }
              - respond: { images: 3 }
            """, to: URL(fileURLWithPath: path))
        #expect(problems(atPath: path) == [
            "\(path):3:25: error: image file 'missing.png' not found (looked for \(folder.path)/missing.png)\n  - respond: { images: [missing.png, images, notes.png] }\n                        ^",
            "\(path):3:38: error: image path 'images' is a folder, not an image file\n  - respond: { images: [missing.png, images, notes.png] }\n                                     ^",
            "\(path):3:46: error: image file 'notes.png' cannot be served: not a PNG, JPEG or WebP file: it starts with 6A 75 73 74 (\"just\") (at byte offset 0)\n  - respond: { images: [missing.png, images, notes.png] }\n                                             ^",
            "\(path):4:24: error: 'images' lists no file; write 'generated' or give at least one path\n  - respond: { images: [] }\n                       ^",
            "\(path):5:24: error: 'images' must be 'generated', an image path or a list of paths, found 3\n  - respond: { images: 3 }\n                       ^",
        ])
    }

    @Test func filesThatCannotBeRead() throws {
        let folder = try makeTemporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.yaml").path
        #expect(problems(atPath: missing) == ["\(missing): error: no such file"])
        let notes = folder.appendingPathComponent("notes.txt").path
        #expect(problems(atPath: notes) == ["\(notes): error: a scenario file name ends in .yaml, .yml or .json, found '.txt'"])
        let directory = folder.appendingPathComponent("dir.yml")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        #expect(problems(atPath: directory.path) == ["\(directory.path): error: is a folder, not a scenario file"])
        let latin1 = folder.appendingPathComponent("latin1.yaml")
        try Data("version: 1\nname: caf".utf8 + [0xE9] + Data(" au lait\n".utf8)).write(to: latin1)
        #expect(problems(atPath: latin1.path) == [
            "\(latin1.path):2:10: error: the file is not UTF-8 text (invalid byte sequence here)\nname: caf\u{FFFD} au lait\n         ^",
        ])
    }
}

// MARK: - Values

@Suite("Scenario loader: values")
struct ScenarioValueTests {
    @Test func plainValuesAreMatchedAsTextAndHeaderNamesIgnoreCase() throws {
        let scenario = try ScenarioLoader.load(text: """
            version: 1
            rules:
              - when:
                  params: { n: 2, stream: True, user: yes, quality: { contains: h } }
                  headers: { X-Test-Case: 42 }
                  prompt: 3.50
                  key: [sk-a, 7]
                  endpoint: [edits, variations]
                respond: { error: overloaded, message: "busy", headers: { retry-after: 2 } }
            """, path: "values.yaml")
        let when = scenario.rules[0].when
        #expect(describe(when.params["n"]) == "equals(2)")
        #expect(describe(when.params["stream"]) == "equals(true)")
        #expect(describe(when.params["user"]) == "equals(yes)")
        #expect(describe(when.params["quality"]) == "contains(h)")
        #expect(describe(when.headers["x-test-case"]) == "equals(42)")
        #expect(describe(when.prompt) == "equals(3.50)")
        #expect(when.keys == ["sk-a", "7"])
        #expect(when.endpoints == [.edits, .variations])
        guard case .respond(.error(let name, let message, let headers)) = scenario.rules[0].action else {
            Issue.record("unexpected model")
            return
        }
        #expect(name == "overloaded" && message == "busy" && headers == ["retry-after": "2"])
    }

    @Test func anchorsAndMergeKeysShareSettings() throws {
        let scenario = try ScenarioLoader.load(text: """
            version: 1
            rules:
              - name: first
                when: &slow-prompts { prompt: { contains: slow }, endpoint: generations }
                latency: &slow { distribution: uniform, min_ms: 10, max_ms: 20 }
                respond: { images: generated }
              - name: second
                when:
                  <<: *slow-prompts
                  endpoint: edits
                latency: *slow
                respond: { error: server_error }
            """, path: "anchors.yaml")
        #expect(scenario.rules.map(\.name) == ["first", "second"])
        #expect(describe(scenario.rules[1].when.prompt) == "contains(slow)")
        #expect(scenario.rules[1].when.endpoints == [.edits])
        #expect(scenario.rules[1].latency == .uniform(minimumMilliseconds: 10, maximumMilliseconds: 20))
    }

    @Test func rawBodiesBecomeJSONOrText() throws {
        let scenario = try ScenarioLoader.load(text: """
            version: 1
            rules:
              - { name: object, respond: { status: 200, body: { b: 1, a: [true, null, 1.50, 0x10, "x"] } } }
              - { name: text, respond: { status: 200, body: "hello" } }
              - { name: number, respond: { status: 200, body: 12 } }
              - { name: empty, respond: { status: 204 } }
            """, path: "bodies.yaml")
        let bodies = scenario.rules.map { rule -> String in
            guard case .respond(let response) = rule.action else { return "?" }
            return describe(response)
        }
        #expect(bodies == [
            #"raw 200 headers [] body json {"b":1,"a":[true,null,1.50,16,"x"]}"#,
            #"raw 200 headers [] body text "hello""#,
            "raw 200 headers [] body json 12",
            "raw 204 headers [] body empty",
        ])
    }

    @Test func defaultsOfRulesSequencesAndFaults() throws {
        let scenario = try ScenarioLoader.load(text: """
            version: 1
            rules:
              - sequence: [{ error: server_error }, { images: generated }]
              - fault: { kind: slow_body }
              - fault: { kind: empty_response, probability: 0 }
            """, path: "defaults.yaml")
        #expect(describe(scenario) == """
            version 1, name -, as_of -
            error_style -, require_model -
            auth -
            seed -, ttl -, organization -, journal -
            latency -
            rate_limits -
            rule rule-1 validate true latency -
              when endpoints - models - prompt - keys -
              params [] headers []
              sequence cycle false perKey false
                error server_error message - headers []
                images generated headers []
            rule rule-2 validate true latency -
              when endpoints - models - prompt - keys -
              params [] headers []
              fault slowBody(bytes: 64, intervalMilliseconds: 100) probability 1.0
            rule rule-3 validate true latency -
              when endpoints - models - prompt - keys -
              params [] headers []
              fault emptyResponse probability 0.0
            """)
    }

    @Test func aProblemRendersLikeACompilerDiagnostic() {
        let problem = ScenarioProblem(file: "a.yaml", line: 2, column: 4, message: "boom", sourceLine: "\tab: c")
        #expect(problem.rendered == "a.yaml:2:4: error: boom\n\tab: c\n\t  ^")
        let whole = ScenarioProblem(file: "a.yaml", line: 0, column: 0, message: "no such file", sourceLine: "")
        #expect(whole.rendered == "a.yaml: error: no such file")
        #expect(ScenarioLoadError(problems: [problem, whole]).description == problem.rendered + "\n" + whole.rendered)
    }
}
