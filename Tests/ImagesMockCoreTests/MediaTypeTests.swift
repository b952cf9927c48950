@testable import ImagesMockCore
import Testing

@Suite("MediaType")
struct MediaTypeTests {
    @Test func readsTheUsualHeaders() throws {
        let multipart = try #require(MediaType("Multipart/Form-Data; boundary=\"abc 123\" ;charset=UTF-8"))
        #expect(multipart.essence == "multipart/form-data")
        #expect(multipart.parameter("boundary") == "abc 123")
        #expect(multipart.parameter("CHARSET") == "UTF-8")
        #expect(MediaType("image/png")?.essence == "image/png")
        #expect(MediaType("application/json")?.parameters.isEmpty == true)
        #expect(MediaType(" \t ") == nil)
        #expect(MediaType("") == nil)
        #expect(MediaType(nil) == nil)
    }

    /// The byte reading used for ASCII headers must agree with the Character reading it replaces.
    @Test func asciiReadingAgreesWithTheCharacterReading() {
        let alphabet: [String] = ["a", "B", "/", ";", "=", "\"", " ", "\t", "-", "x", "Z", "1", ";;", "==", "\"\""]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...12, using: &generator)
            let header = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }.joined()
            #expect(MediaType(header) == MediaType(characters: header), "\(header.debugDescription)")
        }
    }

    @Test func nonASCIIAndCRUseTheCharacterReading() {
        #expect(MediaType("image/pñg; a=b")?.essence == "image/pñg")
        #expect(MediaType("text/plain; a=\"x\"\r\n")?.parameter("a") == "\"x\"\r\n")
    }
}

@Suite("Trimming spaces and tabs")
struct TrimmingTests {
    @Test(arguments: ["", " ", "\t \t", "a", " a ", "\ta b\t", "  Bearer sk-1  ", " é ", " \u{0301}a ", "a \u{0301}", "\r\n x \r\n"])
    func trimsLikeTheCharacterDefinition(_ text: String) {
        let expected: Substring = {
            guard let first = text.firstIndex(where: { $0 != " " && $0 != "\t" }),
                let last = text.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return text.prefix(0) }
            return text[first...last]
        }()
        #expect(text.trimmedSpacesAndTabs() == expected)
    }
}
