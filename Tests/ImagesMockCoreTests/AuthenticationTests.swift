import Foundation
import Testing

@testable import ImagesMockCore

@Suite("Authentication: reading and masking keys")
struct AuthenticationTests {
    @Test(arguments: [
        ("Bearer sk-test", "sk-test"),
        ("bearer sk-test", "sk-test"),
        ("BEARER sk-test", "sk-test"),
        ("  Bearer sk-test  ", "sk-test"),
        ("Bearer   sk-test", "sk-test"),
        ("Bearer sk test", "sk test"),
        ("Bearer sk-\u{e9}t\u{e9}", "sk-\u{e9}t\u{e9}"),
        ("Basic " + Data(":sk-basic".utf8).base64EncodedString(), "sk-basic"),
    ])
    func keysAreReadFromTheAuthorizationHeader(header: String, key: String) {
        #expect(Authenticator.key(from: header) == key)
    }

    @Test(arguments: ["Bearer", "Bearer ", "Bearer\tsk-test", "Token sk-test", "sk-test", "Basic " + Data("user:sk".utf8).base64EncodedString()])
    func headersWithoutAKeyAreRefused(header: String) {
        let key = Authenticator.key(from: header)
        #expect(key == nil || key == "")
    }

    @Test func missingHeaderHasNoKey() {
        #expect(Authenticator.key(from: nil) == nil)
    }

    @Test(arguments: [
        ("sk-proj-abcdefghijklmnop", "sk-proj-************mnop"),
        ("sk-abcdefghi", "sk**********"),
        ("sk-abcde", "sk******"),
        ("sk-ab", "*****"),
        ("sk-pröj-abcdefghijklmnop", "sk-pröj-************mnop"),
        // Characters, not bytes: 13 characters (ten emoji) show 8, hide 1, show 4.
        (
            "sk-" + String(repeating: "\u{1F600}", count: 10),
            "sk-" + String(repeating: "\u{1F600}", count: 5) + "*" + String(repeating: "\u{1F600}", count: 4)
        ),
    ])
    func keysAreMaskedAsTheRealAPIEchoesThem(key: String, masked: String) {
        #expect(APIKeyMask.mask(key) == masked)
    }
}
