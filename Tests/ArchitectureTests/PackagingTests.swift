import Foundation
import Testing

/// No Docker engine runs here, so the Dockerfile is checked against the setup script's package list,
/// against the shared libraries the built binary actually links (`ldd`), and its entrypoint is run.
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

    /// The codec libraries a release build links from their static archives (Package.swift's
    /// `codecLinkerSettings`), by development package, with their shared library's name and its
    /// runtime package. Debug builds link them as shared libraries.
    static let staticInRelease: [(development: String, archive: String, soname: String, runtime: String)] = [
        ("libpng-dev", "png16", "libpng16.so", "libpng16-16"),
        ("libturbojpeg0-dev", "turbojpeg", "libturbojpeg.so", "libturbojpeg0"),
        ("libwebp-dev", "webp", "libwebp.so", "libwebp7"),
    ]

    @Test func releaseBuildsLinkTheCodecArchives() throws {
        let manifest = try Self.text("Package.swift")
        let names = Self.staticInRelease.map { "\"\($0.archive)\"" }.joined(separator: ", ")
        #expect(manifest.contains("[\(names)].flatMap"), "Package.swift's codec list changed; update staticInRelease")
        #expect(manifest.contains(#".linkedLibrary(":lib\(name).a", .when(platforms: [.linux], configuration: .release))"#))
    }

    @Test func runtimeStageHasTheLibraryOfEveryDevelopmentPackage() throws {
        let runtime = Self.aptPackages(inStage: "runtime", of: try Self.text("Dockerfile"))
        let runtimeOf = ["libmicrohttpd-dev": "libmicrohttpd12", "zlib1g-dev": "zlib1g"]
        for package in try Self.setupPackages() where package.hasSuffix("-dev") {
            if let linkedStatically = Self.staticInRelease.first(where: { $0.development == package }) {
                #expect(!runtime.contains(linkedStatically.runtime),
                        "the image's binary links \(linkedStatically.archive) statically: the runtime stage needs no \(linkedStatically.runtime)")
                continue
            }
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

    // MARK: - The runtime image carries every shared library the binary needs

    /// The binary SwiftPM builds before running the tests: `IMAGES_MOCK_BIN` when set, else the
    /// one next to the test runner (so `--scratch-path` works), else `.build/debug/images-mock`.
    static let binary: String = {
        if let configured = ProcessInfo.processInfo.environment["IMAGES_MOCK_BIN"], !configured.isEmpty { return configured }
        let sibling = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("images-mock").path
        if FileManager.default.isExecutableFile(atPath: sibling) { return sibling }
        return root.appendingPathComponent(".build/debug/images-mock").path
    }()

    static func requireBinary() throws -> String {
        try #require(FileManager.default.isExecutableFile(atPath: binary),
                     "\(binary) is missing: build it first (`swift build`; `swift test` builds it too)")
        return binary
    }

    /// Runs `executable` with `arguments`; returns the exit status, stdout and stderr.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        // stderr goes to a file and stdout to a pipe read to its end: no second reader, no stall.
        let errorFile = FileManager.default.temporaryDirectory.appendingPathComponent("packaging-\(UUID().uuidString).stderr")
        _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errorFile) }
        let errorHandle = try FileHandle(forWritingTo: errorFile)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = errorHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorHandle.close()
        let stderr = String(decoding: (try? Data(contentsOf: errorFile)) ?? Data(), as: UTF8.self)
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), stderr)
    }

    /// One resolved `ldd` line: the soname and the file it resolved to.
    struct LinkedLibrary: Equatable {
        var soname: String
        var path: String
    }

    /// Parses `ldd` output; a library that is "not found" fails the test.
    static func linkedLibraries(_ lddOutput: String) -> [LinkedLibrary] {
        var libraries: [LinkedLibrary] = []
        for rawLine in lddOutput.split(separator: "\n") {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            #expect(!line.contains("not found"), "ldd cannot resolve: \(line)")
            let beforeAddress = line.components(separatedBy: " (0x").first ?? line
            if let arrow = beforeAddress.range(of: " => ") {
                libraries.append(LinkedLibrary(soname: String(beforeAddress[..<arrow.lowerBound]), path: String(beforeAddress[arrow.upperBound...])))
            } else if !beforeAddress.isEmpty {
                // The vDSO (no file) and the dynamic loader (a path only).
                libraries.append(LinkedLibrary(soname: (beforeAddress as NSString).lastPathComponent, path: beforeAddress))
            }
        }
        return libraries
    }

    /// glibc: present in every Debian image (package `libc6`, Essential), so never listed.
    static func isLibc(_ soname: String) -> Bool {
        ["linux-vdso.so", "ld-linux", "libc.so", "libm.so", "libpthread.so", "libdl.so", "librt.so", "libutil.so", "libresolv.so"]
            .contains { soname.hasPrefix($0) }
    }

    /// The Swift runtime (standard library, Concurrency, Foundation, Dispatch, ICU) as found in the
    /// toolchain. The debug binary links it dynamically, but the image's release binary is built with
    /// `--static-swift-stdlib` (checked below), which links all of it into the executable; so these
    /// libraries are not needed at run time, and the system libraries *they* need (libstdc++, libgcc_s,
    /// libm) are still checked because they appear in ldd's transitive list.
    static func isSwiftRuntime(_ library: LinkedLibrary) -> Bool {
        library.path.contains("/lib/swift/") || library.soname.hasPrefix("libswift")
            || ["libFoundation", "lib_Foundation", "libdispatch", "libBlocksRuntime"].contains { library.soname.hasPrefix($0) }
    }

    /// Installed packages and what each depends on (`Depends` and `Pre-Depends`, every alternative
    /// that is installed), from dpkg's database.
    static func installedDependencies() throws -> [String: Set<String>] {
        let result = try run("/usr/bin/dpkg-query", ["-W", "-f", "${Package}\t${Depends}, ${Pre-Depends}\n"])
        #expect(result.status == 0, "dpkg-query failed: \(result.stderr)")
        var dependencies: [String: Set<String>] = [:]
        for line in result.stdout.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = fields.first.map(String.init), !name.isEmpty else { continue }
            var depends: Set<String> = []
            for alternative in (fields.count > 1 ? fields[1] : "").split(whereSeparator: { $0 == "," || $0 == "|" }) {
                let package = alternative.trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init) ?? ""
                let bare = package.split(separator: ":").first.map(String.init) ?? ""
                if !bare.isEmpty { depends.insert(bare) }
            }
            dependencies[name, default: []].formUnion(depends)
        }
        return dependencies
    }

    /// `packages` and everything they depend on, recursively, as installed on this machine.
    static func closure(of packages: Set<String>, in dependencies: [String: Set<String>]) -> Set<String> {
        var seen = packages
        var pending = Array(packages)
        while let next = pending.popLast() {
            for dependency in dependencies[next] ?? [] where seen.insert(dependency).inserted {
                pending.append(dependency)
            }
        }
        return seen
    }

    /// The Debian package that owns each library file (`dpkg -S`), by soname.
    static func owningPackages(of libraries: [LinkedLibrary]) throws -> [String: String] {
        // dpkg records /usr/lib/... or /lib/... (merged /usr); a pattern on the last folder and the
        // soname matches either.
        let patterns = libraries.map { "*/" + (($0.path as NSString).deletingLastPathComponent as NSString).lastPathComponent + "/" + $0.soname }
        let result = try run("/usr/bin/dpkg", ["-S"] + patterns)
        var owners: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            // "libpng16-16:amd64: /usr/lib/x86_64-linux-gnu/libpng16.so.16"
            guard let separator = line.range(of: ": ") else { continue }
            let package = line[..<separator.lowerBound].split(separator: ",").first.map { String($0.split(separator: ":").first ?? $0) } ?? ""
            let soname = (String(line[separator.upperBound...]) as NSString).lastPathComponent
            owners[soname] = package.trimmingCharacters(in: .whitespaces)
        }
        return owners
    }

    @Test func theImageBuildsTheStaticSwiftRuntime() throws {
        let dockerfile = try Self.text("Dockerfile")
        #expect(dockerfile.contains("--static-swift-stdlib"), "the runtime stage has no Swift runtime; the build must link it statically")
    }

    @Test func runtimeStageProvidesEverySharedLibraryTheBinaryLinks() throws {
        let binary = try Self.requireBinary()
        let ldd = try Self.run("/usr/bin/ldd", [binary])
        #expect(ldd.status == 0, "ldd failed: \(ldd.stderr)")
        let linked = Self.linkedLibraries(ldd.stdout)
        #expect(linked.contains { $0.soname.hasPrefix("libmicrohttpd") }, "unexpected ldd output:\n\(ldd.stdout)")

        // The binary tested here is a debug build, which links the codecs as shared libraries;
        // the image's release build links their archives instead.
        let system = linked.filter { library in
            !Self.isLibc(library.soname) && !Self.isSwiftRuntime(library)
                && !Self.staticInRelease.contains { library.soname.hasPrefix($0.soname) }
        }
        #expect(!system.isEmpty)
        let owners = try Self.owningPackages(of: system)
        let runtime = Self.aptPackages(inStage: "runtime", of: try Self.text("Dockerfile"))
        let provided = Self.closure(of: runtime, in: try Self.installedDependencies())
        for library in system {
            guard let package = owners[library.soname] else {
                Issue.record("no Debian package owns \(library.path) (\(library.soname)); the runtime image cannot provide it")
                continue
            }
            let isProvided = provided.contains(package)
            #expect(isProvided,
                    "\(library.soname) comes from \(package), which the Dockerfile's runtime stage neither installs nor pulls in; add it to its apt-get install")
        }
        // The libraries named in the Dockerfile's promise are among those checked.
        for soname in ["libmicrohttpd.so", "libz.so", "libstdc++.so", "libgcc_s.so"] {
            #expect(system.contains { $0.soname.hasPrefix(soname) }, "\(soname) was not in ldd's output")
        }
    }

    @Test func parsesLddLines() {
        let output = """
            \tlinux-vdso.so.1 (0x00007ffd)
            \tlibpng16.so.16 => /lib/x86_64-linux-gnu/libpng16.so.16 (0x00007f49)
            \t/lib64/ld-linux-x86-64.so.2 (0x00007f49)
            """
        #expect(Self.linkedLibraries(output) == [
            LinkedLibrary(soname: "linux-vdso.so.1", path: "linux-vdso.so.1"),
            LinkedLibrary(soname: "libpng16.so.16", path: "/lib/x86_64-linux-gnu/libpng16.so.16"),
            LinkedLibrary(soname: "ld-linux-x86-64.so.2", path: "/lib64/ld-linux-x86-64.so.2"),
        ])
    }

    // MARK: - Entrypoint and scenarios

    @Test func dockerfileDocumentsTheScenarioVolumeAndTheEntrypoint() throws {
        let dockerfile = try Self.text("Dockerfile")
        for line in ["VOLUME /scenarios", "USER images-mock", "COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh",
                     #"ENTRYPOINT ["docker-entrypoint.sh"]"#, #"CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]"#] {
            #expect(dockerfile.contains(line), "the Dockerfile lacks `\(line)`")
        }
        #expect(dockerfile.contains("HEALTHCHECK") && dockerfile.contains("/__admin/health"))
    }

    @Test func theEntrypointPassesIMAGES_MOCK_SCENARIOToServe() throws {
        let binary = try Self.requireBinary()
        let entrypoint = Self.root.appendingPathComponent("scripts/docker-entrypoint.sh").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("entrypoint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.yaml").path
        try Data("version: 1\nname: good\n".utf8).write(to: URL(fileURLWithPath: good))
        let missing = folder.appendingPathComponent("missing.yaml").path
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = (binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"
        environment["IMAGES_MOCK_SCENARIO"] = "\(good) \(missing)"

        // `serve` gets one --scenario per file: the missing one stops it before it listens.
        let served = try Self.run("/bin/sh", [entrypoint, "serve", "--host", "127.0.0.1", "--port", "0"], environment: environment)
        #expect(served.status != 0)
        #expect(served.stderr.contains(missing), "stderr: \(served.stderr)")
        #expect(!served.stderr.contains(good), "stderr: \(served.stderr)")

        // Other subcommands are left alone.
        let validated = try Self.run("/bin/sh", [entrypoint, "validate", good], environment: environment)
        #expect(validated.status == 0, "stderr: \(validated.stderr)")
    }

    @Test func theGitHubActionsSnippetRunsTheImageAsAHealthCheckedService() throws {
        let snippet = try Self.text("examples/github-actions.yml")
        for needle in ["services:", "- 8080:8080", "--health-cmd", "/__admin/health", "IMAGES_MOCK_ADMIN_TOKEN:",
                       "OPENAI_BASE_URL: http://localhost:8080/v1"] {
            #expect(snippet.contains(needle), "examples/github-actions.yml lacks `\(needle)`")
        }
    }
}
