import Foundation
import Testing

/// No Docker engine runs here, so the Dockerfile is checked against the setup script's package list.
@Suite("Packaging")
struct PackagingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// Package names of the `apt-get install` in the Dockerfile stage that starts with `FROM ... AS stage`.
    static func aptPackages(inStage stage: String, of dockerfile: String) -> Set<String> {
        let stages = dockerfile.components(separatedBy: "\nFROM ")
        guard let body = stages.first(where: { $0.contains(" AS \(stage)") }) else { return [] }
        let joined = body.replacingOccurrences(of: "\\\n", with: " ")
        var packages: Set<String> = []
        for line in joined.split(separator: "\n") where line.contains("apt-get install") {
            let afterInstall = line.components(separatedBy: "apt-get install").last ?? ""
            let command = afterInstall.components(separatedBy: "&&").first ?? ""
            for word in command.split(separator: " ") where !word.hasPrefix("-") {
                packages.insert(String(word))
            }
        }
        return packages
    }

    static func setupPackages() throws -> Set<String> {
        Set(try text("scripts/apt-packages.txt").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") })
    }

    @Test func buildStageInstallsExactlyTheSetupPackages() throws {
        let dockerfile = try Self.text("Dockerfile")
        let build = Self.aptPackages(inStage: "build", of: dockerfile)
        #expect(!build.isEmpty)
        #expect(build == (try Self.setupPackages()))
    }

    @Test func runtimeStageHasTheLibraryOfEveryDevelopmentPackage() throws {
        let runtime = Self.aptPackages(inStage: "runtime", of: try Self.text("Dockerfile"))
        let runtimeOf = [
            "libmicrohttpd-dev": "libmicrohttpd12", "libpng-dev": "libpng16-16", "libturbojpeg0-dev": "libturbojpeg0",
            "libwebp-dev": "libwebp7", "zlib1g-dev": "zlib1g",
        ]
        for package in try Self.setupPackages() where package.hasSuffix("-dev") {
            let library = try #require(runtimeOf[package], "no runtime library known for \(package); extend this table")
            #expect(runtime.contains(library), "the runtime stage lacks \(library) (for \(package))")
        }
        #expect(!runtime.contains { $0.hasSuffix("-dev") }, "the runtime stage must not carry development packages")
    }

    @Test func ciRunsTheReadmeTestCommand() throws {
        let readme = try Self.text("README.md")
        let ci = try Self.text(".ci/run")
        #expect(readme.contains("scripts/test.sh"))
        #expect(ci.contains("scripts/test.sh"))
        #expect(readme.contains("scripts/run.sh"))
    }
}
