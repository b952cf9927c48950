import ArgumentParser
import Foundation
import ImagesMockCore
import ImagesMockServer
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The process entry. A `serve` command line (`images-mock serve ...`, or flags alone: serve is
/// the default subcommand) is parsed by `Serve` alone: ArgumentParser's reflection of the whole
/// command tree cost ~0.3 ms of a ~10 ms start (Benchmarks/README.md, benchmark 1). Anything `Serve`
/// does not accept (help, version, another subcommand, a usage mistake) is parsed again by
/// `ImagesMockCommand.main()`, which answers exactly as it always did: the same help text, the
/// same usage errors naming `images-mock serve`, the same exit codes.
@main
enum ImagesMockMain {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let serveArguments = Serve.ownArguments(of: arguments) else {
            ImagesMockCommand.main()
            return
        }
        let serve: Serve
        do {
            serve = try Serve.parse(serveArguments)
        } catch {
            ImagesMockCommand.main()
            return
        }
        do {
            try serve.run()
        } catch {
            ImagesMockCommand.exit(withError: error)
        }
    }
}

// Every command names itself: otherwise ArgumentParser derives the name from the type with
// `String(describing:)`, a runtime conformance scan that cost ~2 ms of every start.
struct ImagesMockCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "images-mock",
        abstract: "A scripted fake of the OpenAI Images API, for tests and demos.",
        version: version,
        subcommands: [Serve.self, Explain.self, Models.self, Validate.self, Errors.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the Images API on HTTP.",
        discussion: "Prints 'images-mock listening on http://HOST:PORT' when ready. SIGINT or SIGTERM drain in-flight requests and exit 0."
    )

    @Option(help: "Address to listen on (numeric, or localhost).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: ArgumentHelp("Scenario file, YAML or JSON (repeatable: rules in order, later settings win). Flags given on the command line override the file.", valueName: "file"))
    var scenario: [String] = []

    @Flag(help: "Reload the scenario files when they change; an invalid edit keeps the previous scenario.")
    var watch = false

    @Option(help: "Seed for every random choice (request ids, image ids, placeholders, latency, fault odds).")
    var seed: UInt64?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Reproduce the API as it was on this day (YYYY-MM-DD): retired models, required model, bare 404s.", valueName: "date"))
    var asOf: String?

    @Option(name: .customLong("error-style"), help: "Error wording: current (platform, 2025-) or legacy (DALL·E era, 2022-2024).")
    var errorStyle: ErrorStyle?

    @Flag(name: .customLong("require-model"), help: "Reject requests without 'model' even before 2026-05-12.")
    var requireModel = false

    @Option(name: .customLong("api-key"), help: ArgumentHelp("Accept only this API key (repeatable). Default: any non-empty key.", valueName: "key"))
    var apiKeys: [String] = []

    @Option(name: .customLong("image-url-ttl"), help: ArgumentHelp("Seconds a returned image URL stays fetchable (default 3600).", valueName: "seconds"))
    var imageURLTTL: Double?

    @Option(name: .customLong("admin-token"), help: ArgumentHelp("Bearer token for /__admin/ (default: $IMAGES_MOCK_ADMIN_TOKEN). Required beyond loopback.", valueName: "token"))
    var adminToken: String?

    @Option(name: .customLong("journal-size"), help: "Requests kept in the journal (default 1000).")
    var journalSize: Int?

    @Option(name: .customLong("public-url"), help: ArgumentHelp("Base of returned image URLs, e.g. http://mock:8080 (default: the request's Host).", valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("latency-ms"), help: "Fixed delay before every API answer, in milliseconds (overrides the scenario's latency).")
    var latencyMilliseconds: Int?

    @Option(name: .customLong("max-body-bytes"), help: "Requests with a larger body get 413 as soon as the limit is crossed.")
    var maxBodyBytes = 64 * 1024 * 1024

    @Option(help: "libmicrohttpd polling threads.")
    var threads = 2

    @Option(name: .customLong("connection-limit"), help: "Maximum concurrent connections.")
    var connectionLimit = 16_384

    @Option(name: .customLong("connection-timeout"), help: ArgumentHelp("Seconds before an idle or stalled connection is closed.", valueName: "seconds"))
    var connectionTimeout = 60

    @Option(name: .customLong("drain-timeout"), help: ArgumentHelp("Seconds shutdown waits for in-flight requests.", valueName: "seconds"))
    var drainTimeout = 10.0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    /// The arguments of `Serve` itself when `arguments` (without the program name) is a serve
    /// command line: `serve` and what follows it, or flags with no subcommand; `nil` otherwise.
    static func ownArguments(of arguments: [String]) -> [String]? {
        guard let first = arguments.first else { return [] }
        if first == configuration.commandName { return Array(arguments.dropFirst()) }
        return first.hasPrefix("-") ? arguments : nil
    }

    /// `http(s)://host[:port][/path]`: what image URLs are built on.
    static func isBaseURL(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty,
              components.query == nil, components.fragment == nil
        else { return false }
        return true
    }

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
        // Every number has a range the server can keep: an infinite or huge value trapped later
        // (converting to whole seconds or sizing the journal), long after the flag was read.
        if let latencyMilliseconds, !(0...Int(LatencySpec.maximumMilliseconds)).contains(latencyMilliseconds) { throw ValidationError("--latency-ms must be 0 to 3600000 (one hour)") }
        if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be >= 1") }
        if let publicURL, !Self.isBaseURL(publicURL) {
            throw ValidationError("--public-url must be an http:// or https:// URL with a host, e.g. http://mock:8080, got '\(publicURL)'")
        }
        if let imageURLTTL, !(imageURLTTL > 0 && imageURLTTL <= Scenario.maximumImageURLLifetime) {
            throw ValidationError("--image-url-ttl must be a number of seconds above 0 and at most 315360000 (ten years)")
        }
        if let journalSize, !Scenario.journalSizeRange.contains(journalSize) { throw ValidationError("--journal-size must be 0 to 100000 (0 keeps none)") }
        if !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535 (0 picks a free port)") }
        if !ServerConfiguration(host: host).hostIsListenable {
            throw ValidationError("--host must be a numeric address (127.0.0.1, ::1, 0.0.0.0) or localhost, got '\(host)'")
        }
        if !(1...256).contains(threads) { throw ValidationError("--threads must be 1 to 256") }
        if !(1...1_000_000).contains(connectionLimit) { throw ValidationError("--connection-limit must be 1 to 1000000") }
        if !(1...86_400).contains(connectionTimeout) { throw ValidationError("--connection-timeout must be 1 to 86400 seconds") }
        if !(drainTimeout >= 0 && drainTimeout <= 86_400) { throw ValidationError("--drain-timeout must be 0 to 86400 seconds") }
        if watch && scenario.isEmpty { throw ValidationError("--watch needs at least one --scenario file") }
    }

    /// The settings given as flags, which win over every scenario (files, reloads, admin posts).
    var overrides: ScenarioOverrides {
        var result = ScenarioOverrides()
        result.asOf = asOf.flatMap(CalendarDate.init)
        result.errorStyle = errorStyle
        result.requireModel = requireModel
        result.apiKeys = apiKeys.isEmpty ? nil : .only(Set(apiKeys))
        result.seed = seed
        result.imageURLLifetimeSeconds = imageURLTTL
        result.journalSize = journalSize
        result.latency = latencyMilliseconds.map { .fixed(milliseconds: Double($0)) }
        return result
    }

    /// The scenario files merged, with the flags given on the command line on top.
    func effectiveScenario() throws(ScenarioLoadError) -> Scenario {
        var loaded: [Scenario] = []
        for path in scenario { loaded.append(try ScenarioLoader.load(path: path)) }
        let clashes = Scenario.duplicateRuleNames(loaded, paths: scenario)
        guard clashes.isEmpty else { throw ScenarioLoadError(problems: clashes) }
        return overrides.applied(to: loaded.isEmpty ? Scenario.builtInDefault : Scenario.merged(loaded))
    }

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        var logger = Logger(label: "images-mock")
        logger.logLevel = logLevel

        let initial: Scenario
        do {
            initial = try effectiveScenario()
        } catch {
            for problem in error.problems { FileHandle.standardError.write(Data((problem.rendered + "\n").utf8)) }
            throw ExitCode(1)
        }
        let token = adminToken ?? ProcessInfo.processInfo.environment["IMAGES_MOCK_ADMIN_TOKEN"]
        let serverConfiguration = ServerConfiguration(
            host: host, port: port, threadCount: threads, connectionLimit: connectionLimit,
            connectionTimeoutSeconds: connectionTimeout, bodyLimits: BodyLimits(maximumBodyBytes: maxBodyBytes),
            drainTimeout: .milliseconds(Int(drainTimeout * 1000)))
        var configuration = MockConfiguration(
            // `http://mock:8080/` and `http://mock:8080` name the same base: URLs get one slash.
            publicBaseURL: publicURL.map { url in String(url.reversed().drop(while: { $0 == "/" }).reversed()) },
            adminToken: token?.isEmpty == false ? token : nil,
            adminRequiresToken: !serverConfiguration.isLoopback,
            scenarioDirectory: scenario.first.map { ($0 as NSString).deletingLastPathComponent } ?? FileManager.default.currentDirectoryPath)
        configuration.overrides = overrides
        let engine = MockEngine(configuration: configuration, scenario: initial)

        // Block the stop signals before any thread starts, so every thread inherits the mask and
        // the main thread alone receives them through sigwait (notes, trap 2).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server: ImagesMockServer
        do {
            server = try ImagesMockServer.start(engine: engine, configuration: serverConfiguration, logger: logger)
        } catch {
            // A run-time failure, not a usage mistake: the reason alone, exit status 1.
            FileHandle.standardError.write(Data("Error: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
        print("images-mock listening on \(server.baseURL)")
        fflush(nil)
        logger.info("serving the Images API", metadata: [
            "scenario": "\(initial.name ?? "default")", "rules": "\(initial.rules.count)",
            "as-of": "\(initial.asOf?.description ?? "live")", "error-style": "\((initial.errorStyle ?? .current).rawValue)",
        ])
        let watcher = watch ? ScenarioWatcher(paths: scenario, logger: logger) { [self] () throws(ScenarioLoadError) -> Scenario in
            let replacement = try effectiveScenario()
            engine.load(replacement)
            return replacement
        } : nil
        watcher?.start()

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("stopping: draining in-flight requests", metadata: ["signal": "\(received)", "in-flight": "\(server.inFlightRequests)"])
        watcher?.stop()
        server.stop()
        logger.info("stopped")
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "models", abstract: "List the models the mock knows, with their lifetimes.")

    @Option(name: .customLong("as-of"), help: "Mark which models exist on this day (YYYY-MM-DD): live, soon (not yet released) or gone (retired).")
    var asOf: String?

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
    }

    func run() throws {
        let date = asOf.flatMap(CalendarDate.init)
        for model in ModelCatalog.builtIn.sortedModels {
            let endpoints = Endpoint.allCases.filter { model.parameters(for: $0) != nil }.map(\.rawValue).joined(separator: ",")
            let life = "\(model.released?.description ?? "?") .. \(model.retired?.description ?? "")"
            // "soon" for a model not yet released on that day: "gone" read as retired.
            let live = model.isAvailable(asOf: date) ? "live" : (date.flatMap { day in model.released.map { day < $0 } } == true ? "soon" : "gone")
            print("\(model.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(live)  \(life.padding(toLength: 24, withPad: " ", startingAt: 0)) \(endpoints)")
        }
    }
}

extension ErrorStyle: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
