import ArgumentParser
import ImagesMockCore
import ImagesMockServer
import Logging

#if canImport(Glibc)
import Glibc
#endif

@main
struct ImagesMockCommand: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "images-mock",
        abstract: "A scripted fake of the OpenAI Images API, for tests and demos.",
        version: version,
        subcommands: [Serve.self, Explain.self, Models.self, Validate.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the Images API on HTTP.",
        discussion: "Prints 'images-mock listening on http://HOST:PORT' when ready. SIGINT or SIGTERM drain in-flight requests and exit 0."
    )

    @Option(help: "Address to listen on (numeric, or localhost).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 8080

    @Option(help: ArgumentHelp("Scenario file (YAML or JSON). Scenarios are not supported by this build yet.", valueName: "file"))
    var scenario: [String] = []

    @Option(help: "Seed for every random choice (request ids, image ids, placeholders).")
    var seed: UInt64?

    @Option(name: .customLong("as-of"), help: ArgumentHelp("Reproduce the API as it was on this day (YYYY-MM-DD): retired models, required model, bare 404s.", valueName: "date"))
    var asOf: String?

    @Option(name: .customLong("error-style"), help: "Error wording: current (platform, 2025-) or legacy (DALL·E era, 2022-2024).")
    var errorStyle: ErrorStyle = .current

    @Flag(name: .customLong("require-model"), help: "Reject requests without 'model' even before 2026-05-12.")
    var requireModel = false

    @Option(name: .customLong("api-key"), help: ArgumentHelp("Accept only this API key (repeatable). Default: any non-empty key.", valueName: "key"))
    var apiKeys: [String] = []

    @Option(name: .customLong("image-url-ttl"), help: ArgumentHelp("Seconds a returned image URL stays fetchable.", valueName: "seconds"))
    var imageURLTTL: Double = 3600

    @Option(name: .customLong("public-url"), help: ArgumentHelp("Base of returned image URLs, e.g. http://mock:8080 (default: the request's Host).", valueName: "url"))
    var publicURL: String?

    @Option(name: .customLong("latency-ms"), help: "Fixed delay before every API answer, in milliseconds.")
    var latencyMilliseconds = 0

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

    func validate() throws {
        if let asOf, CalendarDate(asOf) == nil { throw ValidationError("--as-of must be a date YYYY-MM-DD, got '\(asOf)'") }
        if !scenario.isEmpty { throw ValidationError("--scenario: scenario files are not supported by this build yet; use the flags instead") }
        if latencyMilliseconds < 0 { throw ValidationError("--latency-ms must be >= 0") }
        if maxBodyBytes < 1 { throw ValidationError("--max-body-bytes must be >= 1") }
        if imageURLTTL <= 0 { throw ValidationError("--image-url-ttl must be > 0") }
    }

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        var logger = Logger(label: "images-mock")
        logger.logLevel = logLevel

        let configuration = MockConfiguration(
            validation: ValidationContext(errorStyle: errorStyle, asOf: asOf.flatMap(CalendarDate.init), requireModel: requireModel),
            apiKeys: apiKeys.isEmpty ? .any : .only(Set(apiKeys)),
            seed: seed,
            imageURLLifetimeSeconds: imageURLTTL,
            fixedLatency: .milliseconds(latencyMilliseconds),
            publicBaseURL: publicURL)
        let serverConfiguration = ServerConfiguration(
            host: host, port: port, threadCount: threads, connectionLimit: connectionLimit,
            connectionTimeoutSeconds: connectionTimeout, bodyLimits: BodyLimits(maximumBodyBytes: maxBodyBytes),
            drainTimeout: .milliseconds(Int(drainTimeout * 1000)))

        // Block the stop signals before any thread starts, so every thread inherits the mask and
        // the main thread alone receives them through sigwait (notes, trap 2).
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let server: ImagesMockServer
        do {
            server = try ImagesMockServer.start(engine: MockEngine(configuration: configuration), configuration: serverConfiguration, logger: logger)
        } catch {
            throw ValidationError(error.description)
        }
        print("images-mock listening on \(server.baseURL)")
        fflush(nil)
        logger.info("serving the Images API", metadata: ["as-of": "\(asOf ?? "live")", "error-style": "\(errorStyle.rawValue)"])

        var received: Int32 = 0
        sigwait(&signals, &received)
        logger.info("stopping: draining in-flight requests", metadata: ["signal": "\(received)", "in-flight": "\(server.inFlightRequests)"])
        server.stop()
        logger.info("stopped")
    }
}

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the models the mock knows, with their lifetimes.")

    @Option(name: .customLong("as-of"), help: "Mark which models exist on this day (YYYY-MM-DD).")
    var asOf: String?

    func run() throws {
        let date = asOf.flatMap(CalendarDate.init)
        for model in ModelCatalog.builtIn.sortedModels {
            let endpoints = Endpoint.allCases.filter { model.parameters(for: $0) != nil }.map(\.rawValue).joined(separator: ",")
            let life = "\(model.released?.description ?? "?") .. \(model.retired?.description ?? "")"
            let live = model.isAvailable(asOf: date) ? "live" : "gone"
            print("\(model.id.padding(toLength: 34, withPad: " ", startingAt: 0)) \(live)  \(life.padding(toLength: 24, withPad: " ", startingAt: 0)) \(endpoints)")
        }
    }
}

extension ErrorStyle: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
