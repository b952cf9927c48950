import Testing
@testable import ImagesMockCore

@Suite("Match input")
struct MatchInputTests {
    @Test func headersAreReadWhateverTheCaseAndTheFirstValueWins() {
        let headers = HTTPHeaders([("X-Case", "first"), ("content-type", "application/json"), ("x-case", "second")])
        let input = MatchInput(endpoint: .generations, model: "gpt-image-2", prompt: "otter", params: [:], headers: headers, key: "sk-test")
        #expect(input.headers["x-case"] == "first")
        #expect(input.headers["X-CASE"] == "first")
        #expect(input.headers["Content-Type"] == "application/json")
        #expect(input.headers["x-missing"] == nil)
    }

    /// A near miss on an Authorization rule must not put the caller's key in the journal.
    @Test func credentialHeadersAreMaskedInNearMissWords() {
        #expect(CompiledRule.shown(header: "Authorization", value: "Bearer sk-proj-SUPERSECRETVALUE1234") == "Bearer sk-proj-****************1234")
        #expect(CompiledRule.shown(header: "x-api-key", value: "sk-proj-SUPERSECRETVALUE1234") == "sk-proj-****************1234")
        #expect(CompiledRule.shown(header: "x-tenant", value: "acme") == "acme")
    }

    @Test func parametersAreReadAsText() throws {
        guard case .object(let object) = try JSONParser.parse(#"{"model":"gpt-image-2","prompt":"otter","n":2,"stream":false,"user":null,"metadata":{"a":1}}"#) else {
            Issue.record("not an object")
            return
        }
        let input = MatchInput(endpoint: .generations, parameters: RequestParameters(json: object), headers: HTTPHeaders(), key: nil, defaultModel: nil)
        #expect(input.model == "gpt-image-2")
        #expect(input.prompt == "otter")
        #expect(input.params == ["model": "gpt-image-2", "prompt": "otter", "n": "2", "stream": "false", "user": "null", "metadata": #"{"a":1}"#])
    }
}

@Suite("HTTP request target")
struct HTTPRequestTargetTests {
    @Test func theFirstQuestionMarkSplitsPathAndQuery() {
        let plain = HTTPRequest(method: "GET", target: "/__admin/requests")
        #expect(plain.path == "/__admin/requests")
        #expect(plain.query == nil)
        let query = HTTPRequest(method: "GET", target: "/__admin/requests?limit=5&q=a?b")
        #expect(query.path == "/__admin/requests")
        #expect(query.query == "limit=5&q=a?b")
        let empty = HTTPRequest(method: "GET", target: "/x?")
        #expect(empty.path == "/x")
        #expect(empty.query == "")
        // A target is bytes from the wire: a combining mark after the path must not merge with '?'.
        let combining = HTTPRequest(method: "GET", target: "/caf\u{65}\u{301}?\u{301}x")
        #expect(combining.path == "/caf\u{65}\u{301}")
        #expect(combining.query == "\u{301}x")
    }

    @Test func anAbsoluteFormTargetNamesThePathAndTheHost() {
        let request = HTTPRequest(method: "POST", target: "http://mock.example:8080/v1/images/generations?x=1",
                                  headers: HTTPHeaders([("Host", "proxy.local")]))
        #expect(request.path == "/v1/images/generations")
        #expect(request.query == "x=1")
        #expect(request.headers["host"] == "mock.example:8080")
        #expect(request.headers.values(for: "host").count == 1)

        let bare = HTTPRequest(method: "GET", target: "HTTPS://mock.example?y")
        #expect(bare.path == "/" && bare.query == "y" && bare.headers["host"] == "mock.example")
    }

    @Test func otherTargetsAreKeptAsSent() {
        for target in ["/v1/images/generations", "http:/v1", "http://", "ftp://host/v1", "/http://x/y"] {
            let request = HTTPRequest(method: "GET", target: target)
            #expect(request.path == target, "\(target)")
            #expect(request.headers["host"] == nil)
        }
    }
}

@Suite("Header names")
struct HeaderNameTests {
    /// Only ASCII letters fold: bytes that differ by 0x20 elsewhere ('[' and '{', '@' and '`',
    /// the UTF-8 of 'é' and 'É') are different names.
    @Test func namesCompareCaseInsensitivelyForASCIILettersOnly() {
        #expect(HTTPHeaders.sameName("Content-Type", "content-TYPE"))
        #expect(HTTPHeaders.sameName(String(repeating: "X-Long-Header-", count: 4), String(repeating: "x-long-HEADER-", count: 4)))
        #expect(!HTTPHeaders.sameName("x-a[", "x-a{"))
        #expect(!HTTPHeaders.sameName("x-@", "x-`"))
        #expect(!HTTPHeaders.sameName("x-é", "x-É"))
        #expect(!HTTPHeaders.sameName("x-a", "x-ab"))
        #expect(HTTPHeaders.sameName("", ""))
    }

    @Test func bearerSchemeIsReadWhateverItsCase() {
        #expect(Authenticator.key(from: "Bearer sk-one") == "sk-one")
        #expect(Authenticator.key(from: "bEaReR sk-two") == "sk-two")
        #expect(Authenticator.key(from: "  Bearer sk-three\t") == "sk-three")
        #expect(Authenticator.key(from: "Bearer") == nil)
        #expect(Authenticator.key(from: "Bearez sk-x") == nil)
    }
}
