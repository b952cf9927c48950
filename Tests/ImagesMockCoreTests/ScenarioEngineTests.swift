import Foundation
import Testing
@testable import ImagesMockCore

private func generation(_ json: String, key: String = "sk-test", headers: [(String, String)] = []) -> HTTPRequest {
    HTTPRequest(method: "POST", path: "/v1/images/generations",
                headers: HTTPHeaders([("Authorization", "Bearer \(key)"), ("Content-Type", "application/json"), ("Host", "mock:1")] + headers),
                body: Array(json.utf8))
}

private func body(_ response: HTTPResponse) -> JSONObject? { (try? JSONParser.parse(response.body))?.objectValue }
private func errorCode(_ response: HTTPResponse) -> String? { body(response)?["error"]?.objectValue?["code"]?.stringValue }

@Suite("Scenario engine")
struct ScenarioEngineTests {
    @Test func sequenceFailsTwiceThenSucceedsAndTheLastStepRepeats() throws {
        let scenario = Scenario(name: "flaky", rules: [
            Rule(name: "flaky", when: RuleCondition(endpoints: [.generations]), action: .sequence(steps: [
                .error(name: "server_error"),
                .error(name: "rate_limit_exceeded", headers: ["retry-after-ms": "50"]),
                .images(.generated),
            ], cycle: false, perKey: false)),
        ])
        let engine = MockEngine(configuration: MockConfiguration(seed: 1), scenario: scenario)
        let request = generation(#"{"model":"gpt-image-1.5","prompt":"otter","quality":"low"}"#)
        let first = engine.respond(to: request).response
        #expect(first.status == 500)
        let second = engine.respond(to: request).response
        #expect(second.status == 429)
        #expect(second.headers["retry-after-ms"] == "50")
        #expect(engine.respond(to: request).response.status == 200)
        #expect(engine.respond(to: request).response.status == 200)
        let entries = engine.journal.entries()
        #expect(entries.map(\.status) == [500, 429, 200, 200])
        #expect(entries.allSatisfy { $0.rule == "flaky" })
        engine.reset(journal: false, sequences: true, buckets: false)
        #expect(engine.respond(to: request).response.status == 500)
    }

    @Test func cyclingAndPerKeySequences() {
        let scenario = Scenario(rules: [
            Rule(name: "alternate", action: .sequence(steps: [.error(name: "overloaded"), .images(.generated)], cycle: true, perKey: true)),
        ])
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        let json = #"{"model":"dall-e-2","prompt":"x","size":"256x256","response_format":"b64_json"}"#
        #expect(engine.respond(to: generation(json, key: "sk-a")).response.status == 503)
        #expect(engine.respond(to: generation(json, key: "sk-b")).response.status == 503)
        #expect(engine.respond(to: generation(json, key: "sk-a")).response.status == 200)
        #expect(engine.respond(to: generation(json, key: "sk-a")).response.status == 503)
    }

    @Test func aScriptedRateLimitQuotesTheScenariosLimit() {
        let scenario = Scenario(rateLimits: RateLimitSpec(imagesPerMinute: 15), rules: [
            Rule(name: "limited", when: RuleCondition(prompt: .contains("limit me")), action: .respond(.error(name: "rate_limit_exceeded"))),
        ])
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        let limited = engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"limit me"}"#)).response
        #expect(limited.status == 429)
        let message = body(limited)?["error"]?.objectValue?["message"]?.stringValue ?? ""
        #expect(message.contains("Limit: 15/1min. Current: 16/1min."), "\(message)")
    }

    @Test func rulesMatchOnPromptModelParamsHeadersAndKey() throws {
        let scenario = Scenario(rules: [
            Rule(name: "blocked", when: RuleCondition(models: ["dall-e-3", "gpt-image-2"], prompt: .contains("forbidden")), action: .respond(.error(name: "content_policy_violation"))),
            Rule(name: "header", when: RuleCondition(headers: ["x-test-case": .equals("moderation")]), action: .respond(.error(name: "moderation_blocked"))),
            Rule(name: "by-size", when: RuleCondition(params: ["size": .equals("1792x1024"), "quality": .equals("hd")]), action: .respond(.error(name: "billing_hard_limit_reached"))),
            Rule(name: "regex", when: RuleCondition(prompt: .matches("(?i)^quota")), action: .respond(.error(name: "insufficient_quota"))),
            Rule(name: "key", when: RuleCondition(keys: ["sk-unverified"]), action: .respond(.error(name: "organization_not_verified"))),
        ])
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        #expect(errorCode(engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"something forbidden"}"#)).response) == "content_policy_violation")
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-1.5","prompt":"something forbidden","quality":"low"}"#)).response.status == 200)
        let moderated = engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"x"}"#, headers: [("X-Test-Case", "moderation")])).response
        #expect(errorCode(moderated) == "moderation_blocked")
        let message = body(moderated)?["error"]?.objectValue?["message"]?.stringValue ?? ""
        #expect(message.contains("include the request ID \(moderated.headers["x-request-id"] ?? "?")."))
        #expect(body(moderated)?["error"]?.objectValue?["moderation_details"] != nil)
        #expect(errorCode(engine.respond(to: generation(#"{"model":"dall-e-3","prompt":"x","size":"1792x1024","quality":"hd"}"#)).response) == "billing_hard_limit_reached")
        let quota = engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"Quota please"}"#)).response
        #expect(quota.status == 429)
        #expect(quota.headers["x-should-retry"] == "false")
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"x"}"#, key: "sk-unverified")).response.status == 403)
    }

    @Test func theContractsOtherAccountRowsHaveNames() throws {
        // Rows 5a, 5b, 16a, 26b, 28a and 28b could only be scripted as raw bodies.
        let expected: [(name: String, status: Int, code: String?, message: String)] = [
            ("invalid_model", 400, nil, "Invalid model gpt-image-1.5. The model argument should be left blank."),
            ("model_not_allowed", 403, nil, "You are not allowed to sample from this model"),
            ("mismatched_organization", 401, "mismatched_organization", "OpenAI-Organization header should match organization for API key"),
            ("content_filter_blocked", 400, nil, "This request has been blocked by our content filters."),
            ("rate_limit_tokens", 429, "rate_limit_exceeded", "Rate limit reached for gpt-image-1.5 in organization user-imagesmock on tokens per min (TPM): Limit 100000, Used 99000, Requested 4160. Please try again in 2.496s. Visit https://platform.openai.com/account/rate-limits to learn more."),
            ("rate_limit_global", 429, "rate_limit_exceeded", "Rate limit reached for default-global-with-image-limits in organization user-imagesmock on requests per min. Limit: 60.000000 / min. Current: 80.000000 / min. Contact support@openai.com if you continue to have issues."),
        ]
        for item in expected {
            let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario(rules: [Rule(name: "r", action: .respond(.error(name: item.name)))]))
            let response = engine.respond(to: generation(#"{"model":"gpt-image-1.5","prompt":"x","quality":"low"}"#)).response
            let error = try #require(body(response)?["error"]?.objectValue, "\(item.name)")
            #expect(response.status == item.status, "\(item.name)")
            #expect(error["message"]?.stringValue == item.message, "\(item.name)")
            #expect(error["code"]?.stringValue == item.code, "\(item.name)")
        }
    }

    @Test func validatingRulesOnlyAnswerValidRequestsUnlessTheyOptOut() {
        let strict = Scenario(rules: [Rule(name: "all", action: .respond(.error(name: "overloaded")))])
        let invalid = generation(#"{"model":"gpt-image-2","prompt":"x","n":0}"#)
        #expect(MockEngine(configuration: MockConfiguration(), scenario: strict).respond(to: invalid).response.status == 400)
        let lenient = Scenario(rules: [Rule(name: "all", action: .respond(.error(name: "overloaded")), validate: false)])
        #expect(MockEngine(configuration: MockConfiguration(), scenario: lenient).respond(to: invalid).response.status == 503)
    }

    @Test func rawAnswersAreSentAsGiven() {
        let scenario = Scenario(rules: [
            Rule(name: "raw", action: .respond(.raw(status: 503, headers: ["retry-after": "1"], body: .json(["error": ["message": "x", "type": "server_error", "param": nil, "code": nil]])))),
        ])
        let response = MockEngine(configuration: MockConfiguration(), scenario: scenario).respond(to: generation(#"{"model":"gpt-image-2","prompt":"x"}"#)).response
        #expect(response.status == 503)
        #expect(response.headers["retry-after"] == "1")
        #expect(response.bodyText == "{\n  \"error\": {\n    \"message\": \"x\",\n    \"type\": \"server_error\",\n    \"param\": null,\n    \"code\": null\n  }\n}\n")
    }

    @Test func unmatchedRequestsRecordTheNearestRule() throws {
        let scenario = Scenario(rules: [
            Rule(name: "dall-e-3 slow", when: RuleCondition(endpoints: [.generations], models: ["dall-e-3"], prompt: .contains("slow")), action: .respond(.error(name: "overloaded"))),
            Rule(name: "edits", when: RuleCondition(endpoints: [.edits]), action: .respond(.error(name: "overloaded"))),
        ])
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        _ = engine.respond(to: generation(#"{"model":"gpt-image-1.5","prompt":"a slow river","quality":"low"}"#))
        let entry = try #require(engine.journal.entries().last)
        #expect(entry.rule == nil)
        let miss = try #require(entry.nearMiss)
        #expect(miss.rule == "dall-e-3 slow")
        #expect(miss.matchedCriteria == 2 && miss.totalCriteria == 3)
        #expect(miss.differences == ["model is 'gpt-image-1.5', not 'dall-e-3'"])
        #expect(entry.maskedKey == "*******")
        #expect(entry.parameters.map(\.name) == ["model", "prompt", "quality"])
    }

    @Test func theJournalKeepsParametersWithTheirJSONTypesAndBounded() throws {
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario())
        let longPrompt = String(repeating: "é", count: 400)
        let manyValues = (0..<200).map(String.init).joined(separator: ",")
        _ = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"\#(longPrompt)","n":2,"stream":false,"user":null,"metadata":{"a":[1,"b"]},"tags":[\#(manyValues)]}"#))
        let entry = try #require(engine.journal.entries().last)
        let kept = Dictionary(uniqueKeysWithValues: entry.parameters.map { ($0.name, $0.value) })
        #expect(kept["n"] == .number(JSONNumber(2)))
        #expect(kept["stream"] == .bool(false))
        #expect(kept["user"] == .null)
        #expect(kept["metadata"] == .object(JSONObject([("a", .array([.number(JSONNumber(1)), .string("b")]))])))
        #expect(kept["prompt"] == .string(String(repeating: "é", count: 300) + "…"))
        // Past 64 values a structure is kept as its text, cut like any long text.
        guard case .string(let tags)? = kept["tags"] else { Issue.record("tags kept as \(String(describing: kept["tags"]))"); return }
        #expect(tags.hasPrefix("[0,1,2,") && tags.hasSuffix("…") && tags.count == 301)
    }

    @Test func aLoadedScenarioBringsItsJournalSizeAndSeed() throws {
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario())
        let request = generation(#"{"model":"gpt-image-1.5","prompt":"x","quality":"low"}"#)
        for _ in 0..<4 { _ = engine.respond(to: request) }
        var seeded = Scenario()
        seeded.journalSize = 2
        seeded.seed = 42
        engine.load(seeded)
        #expect(engine.journal.capacity == 2 && engine.journal.count == 2)
        let sequenceBefore = try #require(engine.journal.entries().last?.sequence)
        func ids() -> [String] {
            (0..<3).map { _ in engine.respond(to: request).response.headers["x-request-id"] ?? "" }
        }
        let first = ids()
        #expect(engine.journal.entries().map(\.sequence) == [sequenceBefore + 2, sequenceBefore + 3])
        engine.reset()
        #expect(ids() == first)
        engine.load(seeded)
        #expect(ids() == first)
    }

    @Test func latencySimulatesGenerationNotRejections() throws {
        var scenario = Scenario(rules: [
            Rule(name: "slow-anyway", when: RuleCondition(prompt: .contains("scripted")), action: .respond(.error(name: "server_error")),
                 latency: .fixed(milliseconds: 250), validate: false),
        ])
        scenario.latency = .fixed(milliseconds: 400)
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-1.5","prompt":"x","quality":"low"}"#)).delay == .milliseconds(400))
        // The contract's 400 comes at once, as the real API's does.
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-1.5","prompt":"x","n":0}"#)).delay == .zero)
        // A rule's own latency holds for whatever it answers, an invalid request included.
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-1.5","prompt":"scripted","n":0}"#)).delay == .milliseconds(250))
    }

    @Test func tooDeepJSONIsNotCalledInvalid() throws {
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario())
        let deep = #"{"model":"gpt-image-1","prompt":"x","metadata":"# + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "}"
        let response = engine.respond(to: generation(deep)).response
        #expect(response.status == 400)
        let diagnosis = try #require(response.headers["x-images-mock-diagnosis"])
        #expect(diagnosis.contains("deeper than 128 levels") && !diagnosis.contains("not valid JSON"), "\(diagnosis)")
    }

    @Test func ruleNamesClashAcrossFilesWhateverNamedThem() {
        let failing = Rule(name: "x", action: .respond(.error(name: "server_error")))
        func rule(_ name: String, named: Bool = true) -> Rule {
            var rule = failing
            rule.name = name
            rule.isNamed = named
            return rule
        }
        let paths = ["a.yaml", "b.yaml"]
        // Named in both.
        #expect(Scenario.duplicateRuleNames([Scenario(rules: [rule("flaky")]), Scenario(rules: [rule("flaky")])], paths: paths).map(\.message)
            == ["rule name 'flaky' is already used in a.yaml; rule names must be unique across the scenario files"])
        // A.yaml names its only rule rule-2; b.yaml's unnamed first rule is the second rule overall.
        #expect(Scenario.duplicateRuleNames([Scenario(rules: [rule("rule-2")]), Scenario(rules: [rule("rule-1", named: false)])], paths: paths).map(\.message)
            == ["this file's unnamed rule 2 would be called 'rule-2', a name a.yaml already uses; give it a name"])
        // a.yaml's unnamed first rule is rule-1; b.yaml names one rule-1.
        #expect(Scenario.duplicateRuleNames([Scenario(rules: [rule("rule-1", named: false)]), Scenario(rules: [rule("rule-1")])], paths: paths).map(\.message)
            == ["rule name 'rule-1' is already the name of an unnamed rule of a.yaml (unnamed rules are called rule-N after their place among all the rules); rename one of them"])
        #expect(Scenario.duplicateRuleNames([Scenario(rules: [rule("rule-1", named: false)]), Scenario(rules: [rule("rule-1", named: false)])], paths: paths).isEmpty)
    }

    @Test func aJournalEntryStaysSmallWhateverTheRequest() throws {
        // An 8 MiB parameter name was kept whole, twice (as a name and in the error message);
        // 400,000 keys made 10 MB entries.
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario())
        let hugeName = String(repeating: "k", count: 1 << 20)
        _ = engine.respond(to: generation(#"{"prompt":"x","\#(hugeName)":1}"#))
        let entry = try #require(engine.journal.entries().last)
        #expect(entry.parameters.allSatisfy { $0.name.count <= 301 })
        #expect((entry.errorMessage?.count ?? 0) <= 2001)
        let manyKeys = (0..<500).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        _ = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"x",\#(manyKeys)}"#))
        let many = try #require(engine.journal.entries().last)
        #expect(many.parameters.count == 65)
        #expect(many.parameters.last?.name == "…" && many.parameters.last?.value == .string("438 more parameters not kept"))
    }

    @Test func requestsPerMinuteGiveTheContractual429() throws {
        let clock = ManualClock()
        let scenario = Scenario(organization: "org-test", rateLimits: RateLimitSpec(requestsPerMinute: 5))
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario, clock: clock)
        let request = generation(#"{"model":"gpt-image-1.5","prompt":"x","quality":"low"}"#)
        var remaining: [String?] = []
        for _ in 0..<5 {
            let response = engine.respond(to: request).response
            #expect(response.status == 200)
            #expect(response.headers["x-ratelimit-limit-requests"] == "5")
            remaining.append(response.headers["x-ratelimit-remaining-requests"])
        }
        #expect(remaining == ["4", "3", "2", "1", "0"])
        let refused = engine.respond(to: request).response
        #expect(refused.status == 429)
        #expect(body(refused)?["error"]?.objectValue?["message"]?.stringValue == "Rate limit exceeded for requests per minute in organization org-test. Limit: 5/1min. Current: 6/1min. Please visit https://platform.openai.com/docs/guides/rate-limits to learn how to increase your rate limit.")
        #expect(errorCode(refused) == "rate_limit_exceeded")
        #expect(refused.headers["retry-after"] != nil && refused.headers["retry-after-ms"] != nil)
        clock.advance(by: 12)
        #expect(engine.respond(to: request).response.status == 200)
    }

    @Test func latencyAndFaultsArePlannedNotPerformed() {
        let scenario = Scenario(latency: .fixed(milliseconds: 250), rules: [
            Rule(name: "drop", when: RuleCondition(prompt: .contains("drop")), action: .fault(FaultSpec(kind: .connectionReset))),
            Rule(name: "slow", when: RuleCondition(prompt: .contains("slow")), action: .respond(.images(.generated)), latency: .fixed(milliseconds: 1500)),
        ])
        let engine = MockEngine(configuration: MockConfiguration(), scenario: scenario)
        let dropped = engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"drop it"}"#))
        #expect(dropped.fault == .connectionReset)
        #expect(engine.journal.entries().last?.fault == "connection_reset")
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"slow"}"#)).delay == .milliseconds(1500))
        #expect(engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"plain"}"#)).delay == .milliseconds(250))
        let never = MockEngine(configuration: MockConfiguration(), scenario: Scenario(rules: [
            Rule(name: "never", action: .fault(FaultSpec(kind: .emptyResponse, probability: 0))),
        ]))
        #expect(never.respond(to: generation(#"{"model":"gpt-image-2","prompt":"x"}"#)).fault == nil)
    }

    /// README: realistic 1024x1024 generations take 6–8 s at the reference quality, which a
    /// request without `quality` (resolved to `high` in the answer) must get, not 1.6x that.
    @Test func realisticLatencyTakesTheQualityAsAsked() {
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario(seed: 3, latency: .realistic))
        for prompt in ["a", "b", "c", "d"] {
            let delay = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"\#(prompt)","size":"1024x1024"}"#)).delay
            #expect(delay >= .seconds(6) && delay <= .seconds(8), "\(delay)")
        }
        let high = engine.respond(to: generation(#"{"model":"gpt-image-1","prompt":"e","size":"1024x1024","quality":"high"}"#)).delay
        #expect(high > .seconds(8))
    }

    @Test func adminAPIShowsFiltersAndResetsTheJournal() throws {
        let engine = MockEngine(configuration: MockConfiguration(), scenario: Scenario(name: "admin", rules: [
            Rule(name: "boom", when: RuleCondition(prompt: .equals("boom")), action: .respond(.error(name: "server_error"))),
        ]))
        _ = engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"boom"}"#))
        _ = engine.respond(to: generation(#"{"model":"gpt-image-2","prompt":"fine"}"#))
        func admin(_ method: String, _ target: String, _ body: String = "", headers: [(String, String)] = []) -> HTTPResponse {
            engine.respond(to: HTTPRequest(method: method, target: target, headers: HTTPHeaders(headers), body: Array(body.utf8))).response
        }
        #expect(body(admin("GET", "/__admin/health"))?["rules"] == 1)
        let filtered = try #require(body(admin("GET", "/__admin/requests?rule=boom"))?["requests"])
        guard case .array(let items) = filtered else { Issue.record("not an array"); return }
        #expect(items.count == 1)
        #expect(items.first?.objectValue?["status"] == 500)
        #expect(items.first?.objectValue?["api_key"] == "*******")
        #expect(admin("DELETE", "/__admin/requests").status == 200)
        #expect(engine.journal.count == 0)
        let rejected = admin("POST", "/__admin/scenario", "version: 1\nrules: [{name: x, respond: {error: nope}}]\n")
        #expect(rejected.status == 400)
        #expect(engine.scenario.name == "admin")
        let accepted = admin("POST", "/__admin/scenario", "version: 1\nname: posted\nrules: []\n")
        #expect(accepted.status == 200)
        #expect(engine.scenario.name == "posted")
    }

    @Test func adminTokenIsRequiredBeyondLoopback() {
        let open = MockEngine(configuration: MockConfiguration(adminRequiresToken: true))
        #expect(open.respond(to: HTTPRequest(method: "GET", path: "/__admin/requests")).response.status == 403)
        let guarded = MockEngine(configuration: MockConfiguration(adminToken: "secret", adminRequiresToken: true))
        #expect(guarded.respond(to: HTTPRequest(method: "GET", path: "/__admin/requests")).response.status == 401)
        #expect(guarded.respond(to: HTTPRequest(method: "GET", path: "/__admin/requests", headers: HTTPHeaders([("Authorization", "Bearer secret")]))).response.status == 200)
        // Health stays open to probes, but says no more than "ok" without the token.
        let probe = open.respond(to: HTTPRequest(method: "GET", path: "/__admin/health")).response
        #expect(probe.status == 200)
        #expect(body(probe)?.keys == ["status"])
        let authorized = guarded.respond(to: HTTPRequest(method: "GET", path: "/__admin/health", headers: HTTPHeaders([("Authorization", "Bearer secret")]))).response
        #expect(body(authorized)?["rules"] != nil)
    }

    @Test func mergingScenariosConcatenatesRulesAndLaterSettingsWin() {
        let merged = Scenario.merged([
            Scenario(name: "a", errorStyle: .legacy, rules: [Rule(name: "one", action: .respond(.images(.generated)))]),
            Scenario(name: "b", asOf: CalendarDate("2026-01-01"), errorStyle: .current, rules: [Rule(name: "two", action: .respond(.images(.generated)))]),
        ])
        #expect(merged.rules.map(\.name) == ["one", "two"])
        #expect(merged.errorStyle == .current)
        #expect(merged.asOf == CalendarDate("2026-01-01"))
        #expect(merged.name == "a + b")
    }
}

@Suite("Rule matcher")
struct RuleMatcherTests {
    @Test func byteWiseContainsHandlesEdgesAndUnicode() {
        #expect(CompiledTextMatcher(.contains("otter")).holds(for: "a sea otter"))
        #expect(CompiledTextMatcher(.contains("")).holds(for: "anything"))
        #expect(!CompiledTextMatcher(.contains("otters")).holds(for: "otter"))
        #expect(CompiledTextMatcher(.contains("é🦦")).holds(for: "café🦦!"))
        #expect(!CompiledTextMatcher(.contains("x")).holds(for: nil))
    }

    @Test func regexesAreTriedOnlyWhenEverythingElseHolds() {
        let rules = [
            Rule(name: "both", when: RuleCondition(models: ["dall-e-3"], prompt: .matches("(?i)otter")), action: .respond(.images(.generated))),
        ]
        let matcher = RuleMatcher(rules: rules)
        let matching = MatchInput(endpoint: .generations, model: "dall-e-3", prompt: "An OTTER", params: [:], headers: HTTPHeaders(), key: nil)
        guard case .matched = matcher.match(matching) else { Issue.record("should match"); return }
        let otherModel = MatchInput(endpoint: .generations, model: "gpt-image-2", prompt: "An OTTER", params: [:], headers: HTTPHeaders(), key: nil)
        guard case .unmatched(let miss?) = matcher.match(otherModel) else { Issue.record("should miss"); return }
        // The regex was not tried, so it counts as not met; the words name only the model.
        #expect(miss.matchedCriteria == 0 && miss.totalCriteria == 2)
        #expect(miss.differences == ["model is 'gpt-image-2', not 'dall-e-3'"])
    }
}

@Suite("Named errors in the legacy style")
struct LegacyNamedErrorTests {
    @Test func theGPTSafetyRejectionKeepsItsCodeAndOtherEraBCodesGo() throws {
        let context = NamedErrors.Context(style: .legacy, model: "gpt-image-2", requestID: "req_0123")
        let moderated = try #require(NamedErrors.error(named: "moderation_blocked", context: context))
        #expect(moderated.code == "moderation_blocked")
        #expect(moderated.param == nil)
        #expect(moderated.type == "image_generation_user_error")
        // Era B rows with a code are rendered without it (as the legacy rows show).
        #expect(try #require(NamedErrors.error(named: "mismatched_organization", context: NamedErrors.Context(style: .current, requestID: "r"))).code == "mismatched_organization")
        #expect(try #require(NamedErrors.error(named: "mismatched_organization", context: context)).code == nil)
        #expect(try #require(NamedErrors.error(named: "content_policy_violation", context: context)).code == "content_policy_violation")
    }

    @Test func theNamedRateLimitQuotesTheScenariosImageLimit() throws {
        let configured = NamedErrors.Context(style: .current, requestID: "r", organization: "org-x", imagesPerMinute: 15)
        let quoted = try #require(NamedErrors.error(named: "rate_limit_exceeded", context: configured)?.message)
        #expect(quoted.contains("in organization org-x. Limit: 15/1min. Current: 16/1min. Please visit"))
        let unset = try #require(NamedErrors.error(named: "rate_limit_exceeded", context: NamedErrors.Context(style: .current, requestID: "r"))?.message)
        #expect(unset.contains("Limit: 5/1min. Current: 6/1min."))
    }
}
