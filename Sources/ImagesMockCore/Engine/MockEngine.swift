import Foundation
import ImagesMockCodecs
import Synchronization

/// Decides the answer to every request: routing, authentication, validation, images, headers.
///
/// Synchronous and free of I/O: the adapter hands it a complete request and carries out the
/// returned ``ResponsePlan``. Safe to call from many threads at once.
public final class MockEngine: Sendable {
    public let configuration: MockConfiguration
    public let imageCache: ImageCache
    public let imageURLs: ImageURLStore
    /// Every image an answer carried (url or b64), for the dashboard's gallery: references to
    /// already-encoded images, bounded by count, with a generous lifetime.
    public let galleryImages: ImageGallery
    public let journal: Journal
    let clock: any MockClock
    let random: RandomSource
    let latency: LatencySampler
    let responses: ImagesResponseBuilder
    private let current: Mutex<Behaviour>
    /// Where the server listens, for image URLs of a request without a Host (HTTP/1.0).
    private let listeningBaseURL = Mutex("http://127.0.0.1")

    /// Versions the real API accepts in the `OpenAI-Version` request header (contract §6.1).
    static let supportedAPIVersions = ["2020-10-01", "2020-11-07"]
    static let imagePathPrefix = "/v1/files/images/"
    static let galleryCapacity = 256
    static let galleryLifetimeSeconds = 24 * 3600.0

    public init(configuration: MockConfiguration, scenario: Scenario = .builtInDefault, clock: any MockClock = SystemClock(), imageCache: ImageCache? = nil) {
        self.configuration = configuration
        self.clock = clock
        let seed = scenario.seed ?? configuration.seed
        self.random = RandomSource(seed: seed)
        self.latency = LatencySampler(seed: seed)
        self.imageCache = imageCache ?? ImageCache(maxBytes: configuration.imageCacheBytes)
        self.imageURLs = ImageURLStore(clock: clock, lifetimeSeconds: scenario.imageURLLifetimeSeconds ?? configuration.imageURLLifetimeSeconds)
        self.galleryImages = ImageGallery(clock: clock, lifetimeSeconds: Self.galleryLifetimeSeconds, maximumEntries: Self.galleryCapacity)
        self.journal = Journal(capacity: scenario.journalSize ?? configuration.journalSize)
        self.responses = ImagesResponseBuilder(catalog: configuration.validation.catalog)
        self.current = Mutex(Behaviour(scenario: scenario, configuration: configuration, clock: clock))
    }

    /// The scenario in force.
    public var scenario: Scenario { behaviour.scenario }

    var behaviour: Behaviour { current.withLock { $0 } }

    /// Replaces the scenario; sequences and rate buckets start afresh, the journal is kept (at
    /// the new scenario's `journal_size`). With a seed, the random draws (ids, latency, fault
    /// chances) start again from it, as they did when the server started.
    public func load(_ scenario: Scenario) {
        let replacement = Behaviour(scenario: scenario, configuration: configuration, clock: clock)
        current.withLock { $0 = replacement }
        journal.resize(capacity: scenario.journalSize ?? configuration.journalSize)
        restartRandomDraws(seed: scenario.seed ?? configuration.seed)
    }

    /// Clears what tests accumulate between cases. Resetting the sequences also starts a seeded
    /// scenario's random draws again, so each test case sees the same ids, latencies and fault
    /// chances whatever ran before it.
    public func reset(journal clearJournal: Bool = true, sequences: Bool = true, buckets: Bool = true) {
        let behaviour = self.behaviour
        if clearJournal {
            journal.clear()
            galleryImages.removeAll()
        }
        if sequences {
            behaviour.resetSequences()
            if let seed = behaviour.scenario.seed ?? configuration.seed { restartRandomDraws(seed: seed) }
        }
        if buckets { behaviour.rateLimiter?.reset() }
    }

    private func restartRandomDraws(seed: UInt64?) {
        random.reseed(seed)
        latency.reseed(seed)
    }

    private var timeline: APITimeline { configuration.validation.catalog.timeline }

    /// Limits of multipart bodies: the file limit is the largest any model takes (GPT: 50 MB);
    /// smaller per-model limits are checked by the validator.
    public static let multipartLimits = MultipartLimits(maxParts: 64, maxFileBytes: 50 * 1024 * 1024, maxTotalBytes: Int.max)

    /// Starts receiving a request whose body will arrive in chunks.
    public func makeIntake(method: String, target: String, headers: HTTPHeaders) -> RequestIntake {
        let head = HTTPRequest(method: method, target: target, headers: headers)
        let takesMultipart = method == "POST" && (head.path == Endpoint.edits.path || head.path == Endpoint.variations.path)
            && MediaType(headers["content-type"])?.essence == "multipart/form-data"
        return RequestIntake(head: head, multipartLimits: takesMultipart ? Self.multipartLimits : nil)
    }

    /// The answer to one complete request, reached the way the server reaches it: a body whose
    /// end cannot be told, or over `limits`, is answered without reading it, and the body goes
    /// through the same intake as the server's chunks (its multipart limits included). So a
    /// captured request gets from `images-mock explain` what it got from the server.
    public func respond(to request: HTTPRequest, limits: BodyLimits = BodyLimits()) -> ResponsePlan {
        var intake = makeIntake(method: request.method, target: request.query.map { "\(request.path)?\($0)" } ?? request.path, headers: request.headers)
        if let defect = framingDefect(intake.head) { return defect.completed() }
        if limits.isExceeded(byDeclaredLength: request.headers["content-length"]) || request.body.count > limits.maximumBodyBytes {
            return payloadTooLarge(intake.head, limit: limits.maximumBodyBytes).completed()
        }
        intake.receive(request.body)
        return respond(to: &intake).completed()
    }

    /// The answer once the whole body has arrived.
    public func respond(to intake: inout RequestIntake) -> ResponsePlan {
        let started = ContinuousClock.now
        let received = intake.finish()
        var request = intake.head
        request.body = received.body
        let upload = ReceivedUpload(parts: received.parts, failure: received.failure, isMultipart: intake.isMultipart)
        let requestID = random.hex(32, prefix: "req_")
        let behaviour = self.behaviour
        var decision = decide(request, upload: upload, behaviour: behaviour, requestID: requestID)
        var plan = decision.plan
        // A rule's own headers go last, through the same path as the rate-limit headers.
        for field in plan.scriptedHeaders { decision.extraHeaders.set(field.name, field.value) }
        let requestHeaders = request.headers
        let organization = behaviour.organization
        let streamFault = plan.fault == .streamError
        if streamFault { plan.fault = nil }
        let style = behaviour.errorStyle
        if let pending = plan.pendingRender {
            let delay = plan.delay
            let extra = decision.extraHeaders
            // A stream's latency is spread over its events (the adapter then sends the headers at once).
            plan.pendingRender = PendingRender { [self] in
                var response = pending.run()
                if response.chunks != nil {
                    if streamFault { response = Self.endingWithError(response, style: style) }
                    response.spreadOverChunks(delay)
                }
                addCommonHeaders(to: &response, requestID: requestID, requestHeaders: requestHeaders, organization: organization, processing: ContinuousClock.now - started + delay)
                for field in extra { response.headers.set(field.name, field.value) }
                return response
            }
        } else if plan.response.chunks != nil {
            if streamFault { plan.response = Self.endingWithError(plan.response, style: style) }
            plan.response.spreadOverChunks(plan.delay)
            plan.delay = .zero
            addCommonHeaders(to: &plan.response, requestID: requestID, requestHeaders: requestHeaders, organization: organization, processing: ContinuousClock.now - started)
            for field in decision.extraHeaders { plan.response.headers.set(field.name, field.value) }
        } else if plan.response.isBareNotFound {
            plan.response.headers.set("x-content-type-options", "nosniff")
        } else {
            addCommonHeaders(to: &plan.response, requestID: requestID, requestHeaders: requestHeaders, organization: organization, processing: ContinuousClock.now - started + plan.delay)
            for field in decision.extraHeaders { plan.response.headers.set(field.name, field.value) }
        }
        if var entry = decision.journalEntry.take() {
            entry.status = plan.pendingRender == nil ? plan.response.status : 200
            entry.images = plan.imageNames
            entry.latencyMilliseconds = Int(Double(plan.delay.components.seconds) * 1000 + Double(plan.delay.components.attoseconds) / 1e15)
            // The journal reads the envelope actually sent, whichever layer produced it (errors only).
            if plan.pendingRender == nil, entry.status >= 400, let error = try? JSONParser.parse(plan.response.body).objectValue?["error"]?.objectValue {
                entry.errorCode = error["code"]?.stringValue
                entry.errorMessage = error["message"]?.stringValue.map { JournalEntry.cut($0, at: JournalEntry.maximumMessageLength) }
            }
            journal.record(entry)
        }
        return plan
    }

    /// The answer when the body grew past the server's limit (sent before the body is read).
    public func payloadTooLarge(_ request: HTTPRequest, limit: Int) -> ResponsePlan {
        let declared = request.headers["content-length"].flatMap { Int($0) }
        let diagnosis = declared.map { "Content-Length declares \($0) bytes, over the server's limit of \(limit) (--max-body-bytes); the body was not read." }
            ?? "The body was rejected while it was still arriving, when it crossed \(limit) bytes (--max-body-bytes); the rest was not kept."
        let mebibytes = limit % (1024 * 1024) == 0 ? " (\(limit / (1024 * 1024)) MiB)" : ""
        return framingAnswer(request, status: 413, message: "Request body too large: the limit is \(limit) bytes\(mebibytes).", diagnosis: diagnosis)
    }

    /// The answer to a request whose image was still waiting to be rendered when shutdown's
    /// drain timeout passed.
    public func shuttingDownAnswer(_ request: HTTPRequest) -> HTTPResponse {
        framingAnswer(
            request, status: 503, type: "server_error", message: "The server is shutting down; please retry your request.",
            diagnosis: "images-mock was stopped (SIGTERM or SIGINT) and its drain timeout passed before this request's image was rendered.").response
    }

    /// The answer when buffering this body would take the bodies held across all connections past
    /// the server's budget (``BodyLimits/maximumBufferedBytes``): row 29a's overload, which the
    /// SDKs retry with backoff.
    public func bufferedBodiesOverBudget(_ request: HTTPRequest, budget: Int) -> ResponsePlan {
        let mebibytes = budget % (1024 * 1024) == 0 ? " (\(budget / (1024 * 1024)) MiB)" : ""
        return framingAnswer(
            request, status: 503, type: "server_error", message: "The engine is currently overloaded, please try again later.",
            diagnosis: "Request bodies held in memory while they arrive (whole JSON bodies; of multipart ones, text fields and what the image inspectors read) share a budget of \(budget) bytes\(mebibytes) over all connections, and this one would take them past it. Retry once the others finish.")
    }

    /// A request whose length cannot be trusted, answered as soon as its head is read (RFC 9112
    /// §6): several Content-Length values that disagree (400), or a transfer coding other than
    /// chunked (501). libmicrohttpd would take the first length, or wait for the connection's
    /// timeout, without a word.
    public func framingDefect(_ request: HTTPRequest) -> ResponsePlan? {
        // Nearly every request: at most one length without a list, no coding or plain chunked.
        // Counted in one pass without building anything (this runs once per request).
        var lengthFields = 0, codingFields = 0, plain = true
        for field in request.headers {
            if HTTPHeaders.sameName(field.name, "content-length") {
                lengthFields += 1
                if field.value.utf8.contains(UInt8(ascii: ",")) { plain = false }
            } else if HTTPHeaders.sameName(field.name, "transfer-encoding") {
                codingFields += 1
                if !HTTPHeaders.sameName(field.value, "chunked") { plain = false }
            }
        }
        guard !plain || lengthFields > 1 || codingFields > 1 || (lengthFields > 0 && codingFields > 0) else { return nil }
        let lengths = request.headers.values(for: "content-length")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if Set(lengths).count > 1 {
            return framingAnswer(
                request, status: 400, message: "Invalid request: conflicting Content-Length headers (\(lengths.joined(separator: ", "))).",
                diagnosis: "A request carries one Content-Length (or none, with Transfer-Encoding: chunked); with several values nobody can tell where the body ends.")
        }
        let codings = request.headers.values(for: "transfer-encoding")
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            .filter { !$0.isEmpty }
        // RFC 9112 §6.1: such a request may be refused, and its connection must be closed
        // anyway: the two framings disagree about where the next request starts (smuggling).
        if !lengths.isEmpty && !codings.isEmpty {
            return framingAnswer(
                request, status: 400, message: "Invalid request: both Content-Length and Transfer-Encoding are set.",
                diagnosis: "A request carries either Content-Length or Transfer-Encoding: chunked, never both; HTTP clients choose one themselves, so look for a header set by hand or by a proxy.")
        }
        if !codings.isEmpty && codings != ["chunked"] {
            return framingAnswer(
                request, status: 501, message: "Unsupported Transfer-Encoding: \(codings.joined(separator: ", ")). Only chunked is supported.",
                diagnosis: "Send the body as it is (with Content-Length) or chunked; compressed request bodies are not read.")
        }
        return nil
    }

    /// An answer given without reading the request's body (or rendering its images), closing
    /// the connection.
    private func framingAnswer(_ request: HTTPRequest, status: Int, type: String = "invalid_request_error", message: String, diagnosis: String) -> ResponsePlan {
        var error = APIError(status: status, message: message, type: type, diagnosis: diagnosis)
        error.headers.add("connection", "close")
        var plan = ResponsePlan(response: error.response(style: behaviour.errorStyle))
        addCommonHeaders(to: &plan.response, requestID: random.hex(32, prefix: "req_"), requestHeaders: request.headers, organization: behaviour.organization, processing: .zero)
        return plan
    }

    // MARK: - Routing

    /// What `decide` settled: the plan, headers to add last (rate limits), and the journal entry.
    struct Decision {
        var plan: ResponsePlan
        var extraHeaders = HTTPHeaders()
        var journalEntry: JournalEntry?
    }

    private func decide(_ request: HTTPRequest, upload: ReceivedUpload, behaviour: Behaviour, requestID: String) -> Decision {
        if request.path.hasPrefix(Self.imagePathPrefix) && (request.method == "GET" || request.method == "HEAD") {
            return Decision(plan: ResponsePlan(response: serveImage(request, behaviour: behaviour)))
        }
        if request.path.hasPrefix(AdminAPI.prefix) {
            return Decision(plan: ResponsePlan(response: admin(request, behaviour: behaviour)))
        }
        if request.method == "OPTIONS" && request.path.hasPrefix("/v1/") {
            return Decision(plan: ResponsePlan(response: preflight(request)))
        }
        let style = behaviour.errorStyle
        // Only a POST to an endpoint's path is a call of that endpoint (a GET there is a 404).
        let endpoint = request.method == "POST" ? Endpoint.allCases.first { $0.path == request.path } : nil
        var entry = JournalEntry(requestID: requestID, time: clock.now(), method: request.method, path: request.path, endpoint: endpoint, status: 0)
        func finish(_ plan: ResponsePlan, extra: HTTPHeaders = HTTPHeaders()) -> Decision {
            Decision(plan: plan, extraHeaders: extra, journalEntry: entry)
        }

        let key: String
        do throws(APIError) {
            key = try behaviour.authenticator.authenticate(request.headers)
        } catch {
            return finish(ResponsePlan(response: error.response(style: style)))
        }
        entry.maskedKey = APIKeyMask.mask(key)

        // The contract's verdict first; rules then answer only what the real API would accept,
        // unless they opt out with `validate: false`.
        let parsed: Result<RequestParameters, APIError>
        let verdict: Result<ValidatedImageRequest, APIError>
        do throws(APIError) {
            let (endpoint, parameters) = try contractParameters(request, upload: upload, behaviour: behaviour)
            parsed = .success(parameters)
            do throws(APIError) {
                verdict = .success(try behaviour.validator.validate(parameters, endpoint: endpoint))
            } catch {
                verdict = .failure(error)
            }
        } catch {
            parsed = .failure(error)
            verdict = .failure(error)
        }
        guard let endpoint, case .success(let parameters) = parsed else {
            // Unknown routes and unreadable bodies: no rule can apply.
            if case .failure(let error) = verdict { return finish(ResponsePlan(response: error.response(style: style))) }
            return finish(ResponsePlan(response: HTTPResponse(status: 500)))
        }

        var extra = HTTPHeaders()
        if let limiter = behaviour.rateLimiter {
            let valid = try? verdict.get()
            let admission = limiter.admit(
                key: key, images: valid?.imageCount ?? 0, tokens: valid.map(estimatedTokens) ?? 0,
                model: valid?.model.id, organization: behaviour.organization, style: style)
            extra = admission.headers
            if let refusal = admission.error {
                return finish(ResponsePlan(response: refusal.response(style: style)), extra: extra)
            }
        }

        let input = MatchInput(endpoint: endpoint, parameters: parameters, headers: request.headers, key: key,
                               defaultModel: (try? verdict.get())?.model.id)
        record(parameters, texts: input.params, in: &entry)
        if case .success(let valid) = verdict { record(valid, in: &entry) }
        let rules = behaviour.scenario.rules
        let validRequest = (try? verdict.get()) != nil
        switch behaviour.matcher.match(input, eligible: { validRequest || !rules[$0].validate }) {
        case .matched(let index):
            let rule = rules[index]
            entry.rule = rule.name
            var plan = scripted(rule, verdict: verdict, input: input, request: request, behaviour: behaviour, requestID: requestID, key: key, entry: &entry)
            let spec = rule.latency.map { behaviour.scenario.latencyOverride ?? $0 } ?? generalLatency(verdict, behaviour: behaviour)
            plan.delay = delay(spec, verdict: verdict, endpoint: endpoint)
            return finish(plan, extra: extra)
        case .unmatched(let nearest):
            entry.nearMiss = nearest
            var plan = defaultPlan(verdict, request: request, behaviour: behaviour)
            plan.delay = delay(generalLatency(verdict, behaviour: behaviour), verdict: verdict, endpoint: endpoint)
            return finish(plan, extra: extra)
        }
    }

    /// The request as the contract reads it: route, API version, content type and body, turned
    /// into parameters (or the contract's error).
    private func contractParameters(_ request: HTTPRequest, upload: ReceivedUpload, behaviour: Behaviour) throws(APIError) -> (Endpoint, RequestParameters) {
        let endpoint = Endpoint.allCases.first { $0.path == request.path }
        guard let endpoint, request.method == "POST" else { throw notFound(request, behaviour: behaviour) }
        if endpoint == .variations, let asOf = behaviour.validation.asOf, asOf >= timeline.variationsRetiredFrom {
            throw APIError.bareNotFound
        }
        try checkAPIVersion(request.headers)
        switch endpoint {
        case .generations:
            let contentType = MediaType(request.headers["content-type"])
            if let contentType, contentType.essence != "application/json" {
                throw unsupportedContentType(contentType, style: behaviour.errorStyle)
            }
            return (endpoint, RequestParameters(json: try parseJSONObject(request.body)))
        case .edits, .variations:
            return (endpoint, try uploadParameters(request, upload: upload, endpoint: endpoint, behaviour: behaviour))
        }
    }

    /// The answer without a rule: the contract's error, or generated images.
    func defaultPlan(_ verdict: Result<ValidatedImageRequest, APIError>, request: HTTPRequest, behaviour: Behaviour) -> ResponsePlan {
        switch verdict {
        case .failure(let error):
            return ResponsePlan(response: error.response(style: behaviour.errorStyle))
        case .success(let valid):
            return plan(for: answer(valid, origin: request, behaviour: behaviour))
        }
    }

    /// A successful answer is ready at once when its images are cached; otherwise it is rendered later.
    /// Both carry the `<id>.<ext>` names of the answer's images.
    enum Answer: Sendable {
        case ready(HTTPResponse, [String])
        case rendering(PendingRender, [String])
    }

    func plan(for answer: Answer) -> ResponsePlan {
        var plan: ResponsePlan
        let names: [String]
        switch answer {
        case .ready(let response, let carried):
            plan = ResponsePlan(response: response)
            names = carried
        case .rendering(let pending, let carried):
            plan = ResponsePlan(response: HTTPResponse(status: 500), pendingRender: pending)
            names = carried
        }
        plan.imageNames = names
        return plan
    }

    /// The scenario's latency (or `--latency-ms`), for requests the API would work on: it
    /// simulates generation time, and the real API rejects an invalid request at once (under
    /// `realistic`, validation-error tests took 7–8 s each). A rule's own latency applies to
    /// whatever the rule answers.
    private func generalLatency(_ verdict: Result<ValidatedImageRequest, APIError>, behaviour: Behaviour) -> LatencySpec? {
        guard case .success = verdict else { return nil }
        return behaviour.scenario.latencyOverride ?? behaviour.defaultLatency
    }

    private func delay(_ spec: LatencySpec?, verdict: Result<ValidatedImageRequest, APIError>, endpoint: Endpoint) -> Duration {
        guard let spec else { return .zero }
        let valid = try? verdict.get()
        let output = valid.map { responses.resolve($0) }
        // The quality as asked: `auto` or none is the published reference (1x), whatever the echo
        // resolves it to (`high` for most GPT models would make every default request 1.6x slower).
        let context = LatencyContext(
            endpoint: endpoint, model: valid?.model.id, size: output?.size, quality: valid?.string("quality"), imageCount: valid?.imageCount ?? 1)
        return latency.delay(for: spec, context: context)
    }

    /// Tokens a request costs against `tokens_per_minute`: what its answer's `usage` reports in
    /// total (prompt, input images, output images), so the bucket and the usage agree.
    private func estimatedTokens(_ request: ValidatedImageRequest) -> Int {
        // DALL·E answers report no usage, so they cost no tokens either.
        guard request.model.response.kind == .gpt else { return 0 }
        let inputs = request.images("image") + request.images("images")
        let output = responses.resolve(request, firstInput: inputs.first?.info)
        return responses.usage(for: request, output: output, inputImageTokens: ImagesResponseBuilder.inputImageTokens(inputs)).totalTokens
    }

    private func record(_ parameters: RequestParameters, texts: [String: String], in entry: inout JournalEntry) {
        entry.parameters.reserveCapacity(min(parameters.entries.count, JournalEntry.maximumParameters + 1))
        var kept = 0
        for item in parameters.entries {
            if case .files(let files) = item.value {
                for file in files {
                    entry.files.append(JournalEntry.FileSummary(field: file.fieldName, filename: file.filename, contentType: file.contentType, bytes: file.byteCount))
                }
            } else if kept == JournalEntry.maximumParameters {
                let more = parameters.entries.count - kept - parameters.entries.filter { if case .files = $0.value { true } else { false } }.count
                entry.parameters.append(("…", .string("\(more) more parameters not kept")))
                kept += 1
            } else if kept < JournalEntry.maximumParameters {
                kept += 1
                let name = JournalEntry.cut(item.name)
                if case .json(let value) = item.value {
                    entry.parameters.append((name, JournalEntry.journalValue(value, text: texts[item.name] ?? "")))
                } else {
                    entry.parameters.append((name, .string(JournalEntry.cut(texts[item.name] ?? ""))))
                }
            }
        }
    }

    private func record(_ request: ValidatedImageRequest, in entry: inout JournalEntry) {
        let accepted = request.images("image") + request.images("images") + request.images("mask")
        for index in entry.files.indices {
            guard let match = accepted.first(where: { $0.file.fieldName == entry.files[index].field && $0.file.byteCount == entry.files[index].bytes }) else { continue }
            entry.files[index].format = match.info.format.rawValue
            entry.files[index].width = match.info.width
            entry.files[index].height = match.info.height
        }
    }

    /// Unknown route or wrong method (contract rows 30, 30a, 31; design: envelope by default, bare 404 from 2026-08-29).
    private func notFound(_ request: HTTPRequest, behaviour: Behaviour) -> APIError {
        if let asOf = behaviour.validation.asOf, asOf >= timeline.bareNotFoundFrom { return .bareNotFound }
        var error = APIError(status: 404, message: "Invalid URL (\(request.method) \(request.path))")
        let normalized = request.path.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if Endpoint.allCases.contains(where: { $0.path == request.path }) {
            error.diagnosis = "\(request.path) only answers POST."
        } else if let near = Endpoint.allCases.first(where: { $0.path.dropFirst() == normalized || $0.path.dropFirst("/v1/".count) == normalized }) {
            error.diagnosis = "Did you mean POST \(near.path)? The path must match exactly (lower case, /v1 prefix, no trailing slash)."
        } else {
            error.diagnosis = "No such route. The Images API is POST \(Endpoint.allCases.map(\.path).joined(separator: ", ")); a client's base URL ends in /v1."
        }
        return error
    }

    private func checkAPIVersion(_ headers: HTTPHeaders) throws(APIError) {
        guard let version = headers["openai-version"], !Self.supportedAPIVersions.contains(version) else { return }
        throw APIError(
            status: 400,
            message: "Unsupported OpenAI-Version header provided: \(version). (HINT: you can provide any of the following supported versions: \(Self.supportedAPIVersions.joined(separator: ", ")). Alternatively, you can simply omit this header to use the default version associated with your account.)",
            diagnosis: "The OpenAI SDKs send no OpenAI-Version request header; '\(version)' came from your code or a proxy. Remove it, or send one of \(Self.supportedAPIVersions.joined(separator: ", ")).")
    }

    // MARK: - Edits and variations



    /// The parameters of an edits/variations body: multipart (both), or JSON (edits, from 2026-08).
    private func uploadParameters(_ request: HTTPRequest, upload: ReceivedUpload, endpoint: Endpoint, behaviour: Behaviour) throws(APIError) -> RequestParameters {
        let jsonEditsAvailable = behaviour.validation.asOf.map { $0 >= timeline.jsonEditsFrom } ?? true
        let declared = request.headers["content-type"]
        let contentType = MediaType(declared)
        if upload.isMultipart {
            if let failure = upload.failure {
                if failure.kind == .fileTooLarge, let field = failure.fieldName,
                    let error = behaviour.validator.fileOverStreamingCap(
                        field: field, earlierFiles: upload.parts.filter { $0.isFile && FormParameters.baseName($0.name) == FormParameters.baseName(field) }.count,
                        cap: Self.multipartLimits.maxFileBytes, parameters: FormParameters.parameters(from: upload.parts), endpoint: endpoint)
                {
                    throw error
                }
                throw malformedMultipart(failure, style: behaviour.errorStyle)
            }
            return FormParameters.parameters(from: upload.parts)
        }
        // No Content-Type at all is read as JSON, as on generations (README, decisions).
        if endpoint == .edits && jsonEditsAvailable && (contentType?.essence == "application/json" || declared == nil) {
            return RequestParameters(json: try parseJSONObject(request.body))
        }
        // Contract row 17: the header value is echoed verbatim.
        var error = APIError(
            status: 415,
            message: "Invalid Content-Type header (\(declared ?? "")), expected multipart/form-data. (HINT: If you're using curl, you can pass -H 'Content-Type: multipart/form-data')")
        switch contentType?.essence {
        case "application/json"?:
            error.diagnosis = endpoint == .edits
                ? "Before 2026-08 (as of \(behaviour.validation.asOf?.description ?? "")) edits only took multipart/form-data: send the image as a file part, not inside JSON."
                : "/v1/images/variations only takes multipart/form-data: send the image as a file part named 'image'."
        case nil:
            error.diagnosis = "The request has no Content-Type header; a multipart body needs 'multipart/form-data; boundary=...', which HTTP clients add themselves (curl -F, requests files=, FormData)."
        default:
            error.diagnosis = endpoint == .edits && jsonEditsAvailable
                ? "Edits take multipart/form-data (files as parts) or application/json (images as references), not \(contentType!.essence)."
                : "This endpoint takes multipart/form-data (files as parts), not \(contentType!.essence)."
        }
        throw error
    }

    /// Contract row 20: the real API has no known message for a broken multipart body, so ours names
    /// the defect and its byte offset. Era A read a body without a boundary as having no parts.
    private func malformedMultipart(_ failure: MultipartError, style: ErrorStyle) -> APIError {
        if style == .legacy && failure.kind == .missingBoundary {
            return APIError(status: 400, message: "'image' is a required property", diagnosis: failure.description)
        }
        let status = failure.kind == .bodyTooLarge ? 413 : 400
        return APIError(status: status, message: failure.message, diagnosis: failure.hint ?? failure.message)
    }

    // MARK: - Generations

    /// Contract row 18, naming the media type without its parameters.
    private func unsupportedContentType(_ contentType: MediaType, style: ErrorStyle) -> APIError {
        var error = APIError(
            status: 400,
            message: "Unsupported content type: '\(contentType.essence)'. This API method only accepts 'application/json' requests, but you specified the header 'Content-Type: \(contentType.essence)'. Please try again with a supported content type.",
            code: "unsupported_content_type")
        if contentType.essence == "multipart/form-data" {
            error.diagnosis = "/v1/images/generations takes a JSON body; only /v1/images/edits and /v1/images/variations take multipart/form-data."
        } else {
            error.diagnosis = "Send the body as JSON with 'Content-Type: application/json'."
        }
        if style == .legacy { error.code = nil }
        return error
    }

    private func parseJSONObject(_ body: [UInt8]) throws(APIError) -> JSONObject {
        let message =
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)"
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, maximumValues: JSONParser.maximumRequestValues)
        } catch {
            let diagnosis = if error.reason.hasPrefix("nesting deeper") {
                "The body nests arrays or objects deeper than \(JSONParser.maximumDepth) levels (at byte \(error.offset)); images-mock reads no deeper, and no Images API request needs to."
            } else if error.reason.hasPrefix("more than") {
                "The body holds more than \(JSONParser.maximumRequestValues) JSON values (at byte \(error.offset)); images-mock reads no more, and no Images API request needs that many."
            } else {
                "The body is not valid JSON: \(error.description).\(Self.encodingHint(body))"
            }
            throw APIError(status: 400, message: message, diagnosis: diagnosis)
        }
        guard case .object(let object) = value else {
            throw APIError(status: 400, message: message, diagnosis: "The body is valid JSON but \(value.typeDescription), not an object; send the parameters as one JSON object.")
        }
        return object
    }

    /// A compressed body read as JSON fails on its first byte: say so.
    private static func encodingHint(_ body: [UInt8]) -> String {
        body.starts(with: [0x1F, 0x8B]) ? " The bytes are gzip-compressed: send the JSON uncompressed (the mock reads no Content-Encoding)." : ""
    }

    // MARK: - Success

    /// The bytes a Host value may have to be echoed into a URL, as a table indexed by byte.
    private static let hostCharacters: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]_".utf8 { table[Int(byte)] = true }
        return table
    }()

    /// Where image URLs point: the configured public URL, else the host the client used.
    func baseURL(for request: HTTPRequest) -> String {
        if let configured = configuration.publicBaseURL { return configured }
        if let host = request.headers["host"], !host.isEmpty, host.utf8.count < 256, host.utf8.allSatisfy({ Self.hostCharacters[Int($0)] }) {
            return "http://\(host)"
        }
        return listeningURL
    }

    /// `http://HOST:PORT` of the listener as a client on this machine reaches it (a wildcard
    /// address becomes loopback), once ``setListeningAddress(host:port:)`` has told it.
    public var listeningURL: String { listeningBaseURL.withLock { $0 } }

    /// Tells the engine the address its server listens on (`http://HOST:PORT`), the base of image
    /// URLs for requests that name no Host. A wildcard address becomes loopback.
    public func setListeningAddress(host: String, port: Int) {
        let reachable = switch host {
        case "0.0.0.0", "": "127.0.0.1"
        case "::": "::1"
        default: host
        }
        let base = reachable.contains(":") ? "http://[\(reachable)]:\(port)" : "http://\(reachable):\(port)"
        listeningBaseURL.withLock { $0 = base }
    }

    /// - Parameter origin: the HTTP request, whose Host is the base of returned image URLs.
    func answer(_ request: ValidatedImageRequest, origin: HTTPRequest, behaviour: Behaviour) -> Answer {
        let inputs = request.images("image") + request.images("images")
        let output = responses.resolve(request, firstInput: inputs.first?.info)
        // Variations have no prompt: the placeholder names what it varies.
        let caption = request.prompt ?? "Variation of \(inputs.first?.file.filename ?? "the uploaded image")"
        let keys = (0..<request.imageCount).map { index in
            ImageVariant.variant(ImageVariantKey(
                placeholder: PlaceholderRequest(
                    prompt: caption, width: output.size.width, height: output.size.height, index: index,
                    seed: behaviour.scenario.seed ?? configuration.seed ?? 0, transparentBackground: output.background == "transparent"),
                format: output.outputFormat, compression: output.compression))
        }
        return answer(request, inputs: inputs, output: output, variants: keys, origin: origin, behaviour: behaviour)
    }

    /// An image of an answer: encoded already, or a variant the image cache has or makes.
    enum ImageVariant: Sendable {
        case ready(EncodedImage)
        /// With the canned file it is made from, when it is one.
        case variant(ImageVariantKey, picture: CannedImage.Picture? = nil)
    }

    /// The answer carrying `variants`: at once when every one is encoded or cached, else once the
    /// missing ones are rendered (off the polling thread, see ``PendingRender``).
    func answer(
        _ request: ValidatedImageRequest, inputs: [AcceptedImage], output: ImagesResponseBuilder.ResolvedOutput, variants: [ImageVariant],
        origin: HTTPRequest, behaviour: Behaviour
    ) -> Answer {
        let created = Int(clock.now())
        // Ids are chosen now so the journal can name the images even when they are rendered later.
        let ids = newImageIDs(variants.count)
        let names = zip(ids, variants).map { id, variant in
            switch variant {
            case .ready(let image): "\(id).\(image.format.rawValue)"
            case .variant(let key, _): "\(id).\(key.format.rawValue)"
            }
        }
        let cached = variants.compactMap { variant -> EncodedImage? in
            switch variant {
            case .ready(let image): image
            case .variant(let key, _): imageCache.cachedImage(for: key)
            }
        }
        if cached.count == variants.count {
            return .ready(successResponse(request, inputs: inputs, output: output, images: cached, ids: ids, created: created, origin: origin, behaviour: behaviour), names)
        }
        return .rendering(PendingRender { [self] in
            do throws(ImageCodecError) {
                var images: [EncodedImage] = []
                for variant in variants {
                    switch variant {
                    case .ready(let image): images.append(image)
                    case .variant(let key, let picture): images.append(try imageCache.image(for: key, picture: picture))
                    }
                }
                return successResponse(request, inputs: inputs, output: output, images: images, ids: ids, created: created, origin: origin, behaviour: behaviour)
            } catch {
                return APIError(
                    status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error",
                    diagnosis: "images-mock could not encode the image: \(error.message)"
                ).response(style: behaviour.errorStyle)
            }
        }, names)
    }

    func newImageIDs(_ count: Int) -> [String] {
        (0..<count).map { _ in random.alphanumeric(24, prefix: "img-") }
    }

    func successResponse(
        _ request: ValidatedImageRequest, inputs: [AcceptedImage], output: ImagesResponseBuilder.ResolvedOutput, images: [EncodedImage], ids: [String], created: Int,
        origin: HTTPRequest, behaviour: Behaviour
    ) -> HTTPResponse {
        // References to encoded images, no copies: the gallery keeps them under the ids the journal names.
        for (image, id) in zip(images, ids) { galleryImages.store(image, id: id) }
        let body: [UInt8]
        switch request.model.response.kind {
        case .gpt:
            if request.boolean("stream") == true {
                return streamingAnswer(request, output: output, images: images, created: created)
            }
            let usage = responses.usage(for: request, output: output, inputImageTokens: ImagesResponseBuilder.inputImageTokens(inputs))
            var output = output
            if let asOf = behaviour.validation.asOf, let since = timeline.echoFieldsFrom, asOf < since { output.echoesSettings = false }
            body = responses.gptBody(created: created, images: images, output: output, usage: usage, safetyIdentifier: request.safetyIdentifier)
        case .dalle:
            // Only URL answers need the base, worked out here rather than for every answer.
            let base = request.string("response_format") == "b64_json" ? nil : baseURL(for: origin)
            let items: [ImagesResponseBuilder.DalleItem] = zip(images, ids).map { image, id in
                guard let base else { return .base64(image.base64) }
                return .url(publishURL(for: image, id: id, baseURL: base, lifetime: behaviour.imageURLLifetimeSeconds))
            }
            let revised = request.model.response.revisedPrompt == true
                ? ImagesResponseBuilder.revisedPrompt(for: request.prompt ?? "", style: request.string("style")) : nil
            body = responses.dalleBody(created: created, items: items, revisedPrompt: revised)
        }
        return HTTPResponse(status: 200, headers: HTTPHeaders([("content-type", "application/json")]), body: body)
    }

    /// Server-Sent Events as in contract §5: partial images (if asked), then one completed event per image.
    private func streamingAnswer(_ request: ValidatedImageRequest, output: ImagesResponseBuilder.ResolvedOutput, images: [EncodedImage], created: Int) -> HTTPResponse {
        let prefix = request.endpoint == .edits ? "image_edit" : "image_generation"
        let partials = request.integer("partial_images") ?? 0
        var chunks: [ResponseChunk] = []
        func event(_ type: String, _ members: [(key: String, value: JSONValue)]) {
            chunks.append(ResponseChunk(bytes: Self.serverSentEvent(type, members)))
        }
        let common: [(key: String, value: JSONValue)] = [
            ("created_at", .number(JSONNumber(created))),
            ("size", .string(output.size.description)),
            ("quality", .string(output.quality)),
            ("background", .string(output.background)),
            ("output_format", .string(output.outputFormat.rawValue)),
        ]
        for image in images {
            for index in 0..<partials {
                event("\(prefix).partial_image", [("b64_json", .verbatimString(image.base64))] + common + [("partial_image_index", .number(JSONNumber(index)))])
            }
            let usage = responses.usage(for: request, output: output, inputImageTokens: ImagesResponseBuilder.inputImageTokens(request.images("image") + request.images("images")))
            var completed = [("b64_json", .verbatimString(image.base64))] + common + [("usage", usage.json)]
            if let identifier = request.safetyIdentifier { completed.append(("safety_identifier", .string(identifier))) }
            event("\(prefix).completed", completed)
        }
        return HTTPResponse(status: 200, headers: HTTPHeaders([("content-type", "text/event-stream"), ("cache-control", "no-cache")]), chunks: chunks)
    }

    /// `event: TYPE` and one `data:` line of compact JSON whose `type` repeats the event name (contract §5).
    static func serverSentEvent(_ type: String, _ members: [(key: String, value: JSONValue)]) -> [UInt8] {
        var bytes = Array("event: \(type)\ndata: ".utf8)
        JSONWriter.write(.object(JSONObject([("type", .string(type))] + members)), into: &bytes, layout: .compact, asciiOnly: true, indent: 0)
        bytes.append(contentsOf: "\n\n".utf8)
        return bytes
    }

    /// The stream's last event replaced by an `error` event, as the SDK's stream decoder reports it.
    static func endingWithError(_ response: HTTPResponse, style: ErrorStyle) -> HTTPResponse {
        guard var chunks = response.chunks, !chunks.isEmpty else { return response }
        let error = APIError(status: 500, message: "The server had an error while processing your request. Sorry about that!", type: "server_error")
        guard case .object(let envelope) = error.envelope(style: style), let inner = envelope["error"] else { return response }
        chunks[chunks.count - 1].bytes = serverSentEvent("error", [("error", inner)])
        var result = response
        result.body = chunks.flatMap(\.bytes)
        result.chunks = chunks
        return result
    }

    private func publishURL(for image: EncodedImage, id: String, baseURL: String, lifetime: Double) -> String {
        imageURLs.store(image, id: id, lifetimeSeconds: lifetime)
        return "\(baseURL)\(Self.imagePathPrefix)\(id).\(image.format.rawValue)"
    }

    private func serveImage(_ request: HTTPRequest, behaviour: Behaviour) -> HTTPResponse {
        let file = String(request.path.dropFirst(Self.imagePathPrefix.count))
        let id = file.split(separator: ".", maxSplits: 1).first.map(String.init) ?? file
        // The file name is the one handed out, extension included: `<id>.png.jpg` or
        // `<id>.png%00.jpg` name no image.
        guard let image = imageURLs.image(id: id), file == "\(id).\(image.format.rawValue)" else {
            let error = APIError(status: 404, message: "The image '\(file)' does not exist or its URL has expired.", diagnosis: "Image URLs live \(Int(behaviour.imageURLLifetimeSeconds)) s (--image-url-ttl); past \(imageURLs.maximumBytes / (1024 * 1024)) MiB of distinct images or \(imageURLs.maximumEntries) URLs the oldest go first.")
            return error.response(style: behaviour.errorStyle)
        }
        // HEAD gets the same answer: libmicrohttpd sends its headers (with the GET's
        // Content-Length, as RFC 9110 §9.3.2 wants) and leaves the body out.
        var response = HTTPResponse(status: 200, headers: HTTPHeaders([("content-type", image.format.mimeType)]), body: image.bytes)
        response.headers.add("cache-control", "private, max-age=\(Int(behaviour.imageURLLifetimeSeconds))")
        return response
    }

    /// `access-control-allow-origin` comes with the common headers, as on every answer: a second
    /// copy here made browsers refuse the preflight ("multiple values '*, *'").
    private func preflight(_ request: HTTPRequest) -> HTTPResponse {
        HTTPResponse(status: 204, headers: HTTPHeaders([
            ("access-control-allow-methods", "GET, POST, OPTIONS"),
            ("access-control-allow-headers", request.headers["access-control-request-headers"] ?? "authorization, content-type"),
            ("access-control-max-age", "86400"),
        ]))
    }

    // MARK: - Headers (contract §6.1)

    private func addCommonHeaders(to response: inout HTTPResponse, requestID: String, requestHeaders: HTTPHeaders, organization: String, processing: Duration) {
        let milliseconds = processing.components.seconds * 1000 + processing.components.attoseconds / 1_000_000_000_000_000
        // The six below plus rate-limit headers: one allocation instead of one per doubling.
        response.headers.reserveCapacity(response.headers.fields.count + 12)
        response.headers.add("x-request-id", requestID)
        response.headers.add("openai-processing-ms", String(milliseconds))
        response.headers.add("openai-version", "2020-10-01")
        response.headers.add("openai-organization", requestHeaders["openai-organization"] ?? organization)
        // Newer accounts' answers name their project (contract §6.1); the mock has one only when
        // the client names it, as the SDK does when configured with a project.
        if let project = requestHeaders["openai-project"] { response.headers.add("openai-project", project) }
        response.headers.add("x-content-type-options", "nosniff")
        response.headers.add("access-control-allow-origin", "*")
    }
}

/// A `Content-Type` value split into its essence (`type/subtype`, lower-cased) and parameters.
public struct MediaType: Sendable, Equatable {
    public let essence: String
    public let parameters: [(name: String, value: String)]

    public init?(_ header: String?) {
        guard let header else { return nil }
        // The usual `application/json`: no parameters to split off.
        if header == "application/json" {
            self.init(essence: header, parameters: [])
            return
        }
        // ASCII without CR (every header a client sends in practice) is read as bytes, the same
        // way as the Character-based reading below but without its cost: a multipart upload
        // parses one Content-Type per part and profiles showed it at 15 % of an edit's engine time.
        if header.utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            guard let parsed = Self.parseASCII(Array(header.utf8)) else { return nil }
            self = parsed
            return
        }
        self.init(characters: header)
    }

    /// The same reading over Characters, for headers with non-ASCII bytes or CR (where a CR LF
    /// pair is one Character).
    init?(characters header: String) {
        guard !header.trimmedSpacesAndTabs().isEmpty else { return nil }
        let pieces = header.split(separator: ";", omittingEmptySubsequences: false)
        essence = pieces[0].trimmedSpacesAndTabs().lowercased()
        parameters = pieces.dropFirst().compactMap { piece in
            guard let equals = piece.firstIndex(of: "=") else { return nil }
            let name = piece[..<equals].trimmedSpacesAndTabs().lowercased()
            var value = String(piece[piece.index(after: equals)...].trimmedSpacesAndTabs())
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return (name, value)
        }
    }

    private init(essence: String, parameters: [(name: String, value: String)]) {
        self.essence = essence
        self.parameters = parameters
    }

    private static func parseASCII(_ bytes: [UInt8]) -> MediaType? {
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        func trimmed(_ run: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            guard let first = run.firstIndex(where: { !isBlank($0) }), let last = run.lastIndex(where: { !isBlank($0) }) else {
                return run[run.startIndex..<run.startIndex]
            }
            return run[first...last]
        }
        func lowercased(_ run: ArraySlice<UInt8>) -> String {
            String(decoding: run.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        guard !trimmed(bytes[...]).isEmpty else { return nil }
        let pieces = bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        let essence = lowercased(trimmed(pieces[0]))
        let parameters: [(name: String, value: String)] = pieces.dropFirst().compactMap { piece in
            guard let equals = piece.firstIndex(of: UInt8(ascii: "=")) else { return nil }
            let name = lowercased(trimmed(piece[..<equals]))
            var value = trimmed(piece[(equals + 1)...])
            if value.count >= 2, value.first == UInt8(ascii: "\""), value.last == UInt8(ascii: "\"") {
                value = value.dropFirst().dropLast()
            }
            return (name, String(decoding: value, as: UTF8.self))
        }
        return MediaType(essence: essence, parameters: parameters)
    }

    public func parameter(_ name: String) -> String? { parameters.first(where: { $0.name == name.lowercased() })?.value }

    public static func == (lhs: MediaType, rhs: MediaType) -> Bool {
        lhs.essence == rhs.essence && lhs.parameters.map(\.name) == rhs.parameters.map(\.name) && lhs.parameters.map(\.value) == rhs.parameters.map(\.value)
    }
}
