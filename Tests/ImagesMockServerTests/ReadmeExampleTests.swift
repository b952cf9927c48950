// The region between the two marker comments is the README's Swift example, character for
// character; `readmeShowsThisFilesExample` below fails when the two drift apart.
// readme-example:begin
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking  // URLSession on Linux
#endif
import ImagesMockCore  // Endpoint, Scenario, MockConfiguration
import ImagesMockTesting
import Testing

@Test func generatesAnOtter() async throws {
    try await withImagesMock { mock in
        var request = URLRequest(url: URL(string: mock.apiBaseURL + "/images/generations")!)
        request.httpMethod = "POST"
        request.setValue("Bearer sk-test", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"model":"gpt-image-2","prompt":"an otter"}"#.utf8)
        let (_, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(mock.requests(endpoint: .generations).count == 1)
    }
}
// readme-example:end

@Suite("README example")
struct ReadmeExampleTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The lines strictly between the line `begin` and the next line `end`.
    static func lines(of text: String, between begin: (String) -> Bool, and end: (String) -> Bool) -> [String]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: begin),
              let stop = lines[(start + 1)...].firstIndex(where: end) else { return nil }
        return Array(lines[(start + 1)..<stop])
    }

    /// The fenced code block that follows the line `<!-- readme-example -->` in README.md.
    static func readmeExample() throws -> [String] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let marker = try #require(lines.firstIndex(of: "<!-- readme-example -->"), "README.md has no `<!-- readme-example -->` line")
        let after = Array(lines[(marker + 1)...])
        #expect(after.first == "```swift", "the marker line must be followed by a ```swift block")
        let block: [String]? = Self.lines(of: after.joined(separator: "\n"), between: { $0 == "```swift" }, and: { $0 == "```" })
        return try #require(block, "the ```swift block after the marker is not closed")
    }

    /// Runs the example under this suite's name too (`swift test --filter ReadmeExample`).
    @Test func theExampleRuns() async throws {
        try await generatesAnOtter()
    }

    @Test func readmeShowsThisFilesExample() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let marked = try #require(
            Self.lines(of: source, between: { $0 == "// readme-example:begin" }, and: { $0 == "// readme-example:end" }),
            "this file lost its readme-example markers")
        let readme = try Self.readmeExample()
        #expect(!marked.isEmpty)
        #expect(readme == marked, """
            README.md's Swift example differs from the code compiled in \(URL(fileURLWithPath: #filePath).lastPathComponent); \
            copy the marked region into the README (or back).
            """)
    }
}
