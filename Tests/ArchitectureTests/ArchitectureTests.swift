import Foundation
import Testing

/// Design §2 as executable rules: who may import what, and where unsafe code may live.
@Suite("Architecture")
struct ArchitectureTests {
    static let sourcesRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources")

    /// Modules each target may import (beyond the standard library).
    static let allowedImports: [String: Set<String>] = [
        "ImagesMockCodecs": ["CImageCodecs", "Foundation"],
        "ImagesMockCore": ["ImagesMockCodecs", "Foundation", "Synchronization", "Yams"],
        "ImagesMockServer": ["ImagesMockCore", "CMicroHTTPD", "Logging", "Dispatch", "Synchronization", "Glibc", "Foundation"],
        "ImagesMockTesting": ["ImagesMockCore", "ImagesMockServer", "Logging", "Foundation"],
        "images-mock": ["ImagesMockCore", "ImagesMockServer", "ArgumentParser", "Logging", "Glibc", "Foundation", "Synchronization"],
    ]

    /// The only modules allowed to touch raw memory: they own the C libraries.
    static let unsafeAllowed: Set<String> = ["ImagesMockServer", "ImagesMockCodecs"]
    static let unsafeMarkers = ["Unsafe", "Unmanaged", "OpaquePointer", "@unchecked Sendable", "unsafeBitCast"]

    struct SourceFile: Sendable, CustomTestStringConvertible {
        let module: String
        let path: String
        let text: String
        var testDescription: String { path }
    }

    static func sourceFiles() -> [SourceFile] {
        guard let enumerator = FileManager.default.enumerator(at: sourcesRoot, includingPropertiesForKeys: nil) else { return [] }
        var files: [SourceFile] = []
        for case let url as URL in enumerator where url.pathExtension == "swift" {
            let relative = url.path.replacingOccurrences(of: sourcesRoot.path + "/", with: "")
            let module = String(relative.split(separator: "/").first ?? "")
            files.append(SourceFile(module: module, path: relative, text: (try? String(contentsOf: url, encoding: .utf8)) ?? ""))
        }
        return files.sorted { $0.path < $1.path }
    }

    static func imports(in text: String) -> [(module: String, line: String)] {
        text.split(separator: "\n").compactMap { rawLine in
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            let words = line.split(separator: " ").map(String.init)
            guard let index = words.firstIndex(of: "import"), index <= 2, index + 1 < words.count else { return nil }
            guard words[..<index].allSatisfy({ ["private", "internal", "fileprivate", "public", "package", "@testable", "@_exported"].contains($0) }) else { return nil }
            return (words[index + 1].split(separator: ".").first.map(String.init) ?? words[index + 1], line)
        }
    }

    @Test func sourcesAreFound() {
        let modules = Set(Self.sourceFiles().map(\.module))
        #expect(modules.isSuperset(of: ["ImagesMockCore", "ImagesMockServer", "ImagesMockCodecs", "images-mock", "ImagesMockTesting"]))
    }

    @Test(arguments: sourceFiles())
    func importsStayWithinTheLayering(_ file: SourceFile) {
        guard let allowed = Self.allowedImports[file.module] else { return }
        for found in Self.imports(in: file.text) {
            #expect(allowed.contains(found.module), "\(file.path) imports \(found.module), which \(file.module) must not use")
            if found.module.hasPrefix("C") && found.module != "Combine" {
                #expect(found.line.hasPrefix("internal import") || found.line.hasPrefix("private import"),
                    "\(file.path): a C module is imported without 'internal'/'private' (\(found.line))")
            }
        }
    }

    @Test(arguments: sourceFiles())
    func unsafeCodeStaysInTheAdapters(_ file: SourceFile) {
        guard !Self.unsafeAllowed.contains(file.module) else { return }
        for marker in Self.unsafeMarkers {
            #expect(!file.text.contains(marker), "\(file.path) uses \(marker); raw memory belongs in ImagesMockServer or ImagesMockCodecs")
        }
    }

    @Test func cTypesNeverAppearInPublicSignatures() {
        for file in Self.sourceFiles() where Self.unsafeAllowed.contains(file.module) {
            for line in file.text.split(separator: "\n") where line.contains("public ") || line.contains("open ") {
                for cType in ["MHD_", "png_", "tjhandle", "WebPConfig", "OpaquePointer"] where line.contains(cType) && !line.contains("\"") {
                    Issue.record("\(file.path): public declaration mentions \(cType): \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
    }

    @Test func callbacksAreNotInMainSwift() {
        // Notes, trap 1: C callbacks in main.swift are inferred @MainActor and trap on libmicrohttpd's threads.
        for file in Self.sourceFiles() where file.path.hasSuffix("/main.swift") {
            #expect(!file.text.contains("@convention(c)") && !file.text.contains("MHD_"), "\(file.path) defines C callbacks")
        }
    }

    @Test func theRuleDetectsAViolation() {
        // The checks above must be able to fail: a Core file importing the C shim is caught.
        let offending = "import Foundation\ninternal import CMicroHTTPD\n"
        let found = Self.imports(in: offending).map(\.module)
        #expect(found == ["Foundation", "CMicroHTTPD"])
        #expect(!(Self.allowedImports["ImagesMockCore"]!.contains("CMicroHTTPD")))
    }
}
