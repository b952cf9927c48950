import Testing
@testable import ImagesMockCore

@Suite("JSON parser and writer")
struct JSONTests {
    @Test func keepsKeyOrderAndNumberLexemes() throws {
        let value = try JSONParser.parse(#"{"z":1,"a":2.50,"m":1e3,"big":123456789012345678901234}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["z", "a", "m", "big"])
        #expect(object["a"] == .number(JSONNumber(lexeme: "2.50", isInteger: false)))
        #expect(object["m"] == .number(JSONNumber(lexeme: "1e3", isInteger: false)))
        #expect(object["big"] == .number(JSONNumber(lexeme: "123456789012345678901234", isInteger: true)))
    }

    @Test func duplicateKeysKeepFirstPositionAndLastValue() throws {
        let object = try #require(try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#).objectValue)
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == 3)
    }

    /// Past a handful of keys the parser indexes them; the duplicate rule must hold on both sides
    /// of that switch, for keys repeated before and after it and in the literal initialiser too.
    @Test func duplicateKeysInLargeObjectsKeepFirstPositionAndLastValue() throws {
        let keys = (0..<40).map { "k\($0)" }
        var text = "{" + keys.enumerated().map { "\"\($1)\":\($0)" }.joined(separator: ",")
        text += #","k3":"early","k39":"late","k20":null}"#
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.keys == keys)
        #expect(object["k3"] == "early")
        #expect(object["k39"] == "late")
        #expect(object["k20"] == .null)
        #expect(object["k21"] == 21)

        let literal = JSONObject(keys.map { (key: $0, value: JSONValue.bool(true)) } + [(key: "k0", value: .bool(false)), (key: "new", value: .null)])
        #expect(literal.keys == keys + ["new"])
        #expect(literal["k0"] == false)
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let value = try JSONParser.parse(#""a\"b\\c\/d\n\u00e9\ud83e\udda6""#)
        #expect(value == .string("a\"b\\c/d\né🦦"))
        #expect(try JSONParser.parse(#""\ud800""#) == .string("\u{FFFD}"))
    }

    @Test(arguments: [(String, String)]([
        ("", "the body is empty at byte 0"),
        ("   ", "the body is empty at byte 3"),
        ("{", "unexpected end of input, expected a string key in double quotes at byte 1"),
        (#"{"a":1,}"#, "unexpected character '}', expected a string key in double quotes at byte 7"),
        ("{'a':1}", "unexpected character ''', expected a string key in double quotes at byte 1"),
        (#"{"a":01}"#, "invalid number, leading zeros are not allowed at byte 6"),
        (#"{"a":NaN}"#, "unexpected character 'N', expected a value at byte 5"),
        (#"{"a":"x"} x"#, "unexpected character 'x' after the end of the JSON document at byte 10"),
        ("\"a\u{01}\"", "invalid control character (0x1) inside a string at byte 2"),
        (#"{"a":"\q"}"#, #"invalid escape sequence '\q' inside a string at byte 6"#),
        ("[1,2", "unexpected end of input inside an array at byte 4"),
        ("tru", "invalid literal, expected 'true' at byte 0"),
    ]))
    func rejectsMalformedDocuments(_ input: String, _ expected: String) {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(input) }
        #expect(error?.description == expected)
    }

    @Test func rejectsInvalidUTF8() {
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse([0x22, 0x61, 0xFF, 0xFE, 0x22]) }
        #expect(error?.description == "invalid UTF-8 inside the string starting at byte 0")
    }

    /// Strings without escapes are read straight from the input: ASCII ones without a UTF-8
    /// check, the others with it (a lone continuation byte, a truncated sequence, an overlong form).
    @Test func readsRawStringsAsciiOrNot() throws {
        #expect(try JSONParser.parse(Array(#"{"prompt":"otter","size":"1024x1024"}"#.utf8))
            == .object(JSONObject([("prompt", "otter"), ("size", "1024x1024")])))
        #expect(try JSONParser.parse(Array(#"["été 🦦", "x"]"#.utf8)) == .array(["été 🦦", "x"]))
        for bad: [UInt8] in [[0x22, 0x80, 0x22], [0x22, 0x61, 0xC3, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(bad) }
            #expect(error?.description == "invalid UTF-8 inside the string starting at byte 0")
        }
    }

    @Test func boundsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(deep) }
        #expect(error?.reason == "nesting deeper than 128 levels")
    }

    @Test func boundsTheNumberOfValuesWhenAsked() throws {
        let many = "[" + Array(repeating: "0", count: 1_000).joined(separator: ",") + "]"
        func count(_ value: JSONValue) -> Int? {
            if case .array(let elements) = value { return elements.count }
            return nil
        }
        #expect(count(try JSONParser.parse(many)) == 1_000, "no bound by default")
        #expect(count(try JSONParser.parse(Array(many.utf8), maximumValues: 1_001)) == 1_000)
        let error = #expect(throws: JSONParser.SyntaxError.self) { try JSONParser.parse(Array(many.utf8), maximumValues: 1_000) }
        #expect(error?.reason == "more than 1000 values")

        // A request body is read with the bound: 62 MB of zeros once grew a 900 MB tree.
        let engine = MockEngine(configuration: MockConfiguration())
        let headers = HTTPHeaders([("Authorization", "Bearer k"), ("Content-Type", "application/json")])
        let zeros = #"{"model":"gpt-image-1","prompt":"x","user":["# + Array(repeating: "0", count: 1_000_001).joined(separator: ",") + "]}"
        let answer = engine.respond(to: HTTPRequest(method: "POST", path: "/v1/images/generations", headers: headers, body: Array(zeros.utf8))).response
        #expect(answer.status == 400)
        #expect(answer.headers["x-images-mock-diagnosis"]?.hasPrefix("The body holds more than 1000000 JSON values") == true)
        let gzip = engine.respond(to: HTTPRequest(method: "POST", path: "/v1/images/generations", headers: headers, body: [0x1F, 0x8B, 0x08, 0x00])).response
        #expect(gzip.headers["x-images-mock-diagnosis"]?.contains("gzip-compressed") == true)
    }

    @Test func rendersLikePythonJSONDumpsWithIndent2() {
        let value: JSONValue = ["error": ["message": "Bad \"x\" é", "type": "invalid_request_error", "param": nil, "code": nil, "list": [], "obj": [:]]]
        let text = String(decoding: JSONWriter.render(value, trailingNewline: true), as: UTF8.self)
        #expect(text == """
            {
              "error": {
                "message": "Bad \\"x\\" \\u00e9",
                "type": "invalid_request_error",
                "param": null,
                "code": null,
                "list": [],
                "obj": {}
              }
            }

            """)
    }

    @Test func compactLayoutHasNoSpaces() {
        let value: JSONValue = ["a": [1, true], "b": .verbatimString(Array("QUJD".utf8))]
        #expect(JSONWriter.renderString(value, layout: .compact) == #"{"a":[1,true],"b":"QUJD"}"#)
    }

    @Test func deleteIsEscapedAsPythonDoes() {
        // json.dumps escapes everything outside space...tilde; DEL went out raw.
        #expect(JSONWriter.renderString("a\u{7F}b", layout: .compact) == #""a\u007fb""#)
    }

    @Test func astralCharactersBecomeSurrogatePairs() {
        #expect(JSONWriter.renderString("🦦", layout: .compact) == #""\ud83e\udda6""#)
    }

    @Test func billingErrorRendersToTheCapturedContentLength() {
        // Contract §7.1: the real billing-limit error had content-length 172.
        let error = APIError(status: 400, message: "Billing hard limit has been reached", code: "billing_hard_limit_reached")
        #expect(error.body(style: .current).count == 172)
    }

    @Test func legacyStyleSortsKeysAlphabetically() {
        let error = APIError(status: 404, message: "Invalid URL (POST /v1/images/foo)")
        #expect(String(decoding: error.body(style: .legacy), as: UTF8.self) == """
            {
              "error": {
                "code": null,
                "message": "Invalid URL (POST /v1/images/foo)",
                "param": null,
                "type": "invalid_request_error"
              }
            }

            """)
    }
}
