import Foundation
import ImagesMockCore
import Logging
import Synchronization
internal import CMicroHTTPD

/// One request's state between libmicrohttpd's calls. Only the thread serving its connection
/// touches it (timers only resume the connection), hence unchecked.
final class RequestContext: @unchecked Sendable {
    enum Phase {
        case receiving
        /// An early answer (413) was queued; the rest of the body is discarded.
        case rejected
        /// A chunked body crossed the limit: nothing more is stored, and the 413 goes out when the
        /// upload ends (libmicrohttpd 0.9.75 drops a response queued in the middle of a chunked upload).
        case discarding(ResponsePlan, discardedBytes: Int)
        /// The answer must wait (a render or a delay), and waits one more turn of the event loop
        /// before the connection is suspended. libmicrohttpd 0.9.75 leaves a suspended
        /// connection's event state as it was: suspended in the call that ends the body, the
        /// connection still counts as reading, and on resume it reads a client's half-close
        /// (`shutdown(SHUT_WR)`) as an error and drops the answer. One call later the state says
        /// the request is complete, and a resumed connection goes straight to its answer.
        case settling(ResponsePlan)
        /// Suspended while a worker renders the answer's images.
        case rendering
        /// Suspended until the plan's delay has passed.
        case delayed(ResponsePlan)
        case answered
    }

    var intake: RequestIntake
    var phase = Phase.receiving
    /// This request's share of ``ServerCore/bufferedBodyBytes``, given back when it completes.
    var bufferedBytes = 0
    /// Whether its declared length was reserved at admission: such a body is never cut for want of budget.
    var reservedAtAdmission = false
    let started = ContinuousClock.now

    init(intake: RequestIntake) {
        self.intake = intake
    }

    var head: HTTPRequest { intake.head }
}

/// What the C callbacks reach through their context pointer.
final class ServerCore: Sendable {
    let engine: MockEngine
    let configuration: ServerConfiguration
    let logger: Logger
    let inFlight = Atomic<Int>(0)
    /// Bytes of request bodies held in memory over all connections (``BodyLimits/maximumBufferedBytes``).
    let bufferedBodyBytes = Atomic<Int>(0)
    /// Bodies holding no more than this are left out of the budget: as much as libmicrohttpd's own
    /// buffer of each connection (`connectionMemoryLimit`), so memory stays within twice what the
    /// connections take anyway, and a small JSON request costs no shared counter.
    static let uncountedBodyBytes = 64 * 1024
    /// How much of an over-limit chunked body is read and thrown away before the connection is closed.
    static let maximumDiscardedBytes = 1 << 30
    let shuttingDown = Atomic<Bool>(false)
    /// Set once shutdown's drain timeout has passed: renders not yet begun answer at once.
    let abandoningRenders = Atomic<Bool>(false)
    private let suspended = Mutex<[ObjectIdentifier: ConnectionHandle]>([:])
    /// Connections suspended while their images render; only the worker resumes them, so
    /// shutdown waits for this to empty (rendering always ends) instead of resuming them.
    private let rendering = Atomic<Int>(0)
    /// Rendering is CPU-bound: at most as many at once as there are cores, so bursts wait in this
    /// queue (not on blocked threads) and the polling threads keep serving.
    private let renderQueue: OperationQueue
    /// Resumes connections suspended for a delay or a paced body when their time comes.
    private let resumeTimer = ResumeTimer()

    init(engine: MockEngine, configuration: ServerConfiguration, logger: Logger) {
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        let queue = OperationQueue()
        queue.name = "images-mock.render"
        queue.maxConcurrentOperationCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
        self.renderQueue = queue
        resumeTimer.start { [self] keys in
            for key in keys { resume(key) }
        }
    }

    /// Ends the resume timer's thread (the server resumes what is still suspended itself).
    func stopTimers() { resumeTimer.stop() }

    var renderingCount: Int { rendering.load(ordering: .sequentiallyConsistent) }

    // MARK: - The access handler's three phases

    /// `method` and `target` are read (as Swift strings) on the first call only: libmicrohttpd
    /// repeats them on every call of the request, one per body chunk.
    func handle(
        connection: OpaquePointer, method methodPointer: UnsafePointer<CChar>?, target targetPointer: UnsafePointer<CChar>?, upload: UnsafeRawBufferPointer?,
        uploadSize: UnsafeMutablePointer<Int>, slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let existing = slot.pointee else {
            let method = methodPointer.map { String(cString: $0) } ?? "GET"
            let target = targetPointer.map { String(cString: $0) } ?? "/"
            let query = readQuery(connection)
            let fullTarget = query.isEmpty ? target : "\(target)?\(query)"
            let context = RequestContext(intake: engine.makeIntake(method: method, target: fullTarget, headers: readHeaders(connection)))
            slot.pointee = Unmanaged.passRetained(context).toOpaque()
            inFlight.add(1, ordering: .relaxed)
            // A body whose end cannot be told is refused before any of it is read.
            if let defect = engine.framingDefect(context.head) {
                context.phase = .rejected
                return queue(defect.response, on: connection, context: context)
            }
            // A declared length over the limit is refused before any body byte (and before 100-continue).
            if configuration.bodyLimits.isExceeded(byDeclaredLength: context.head.headers["content-length"]) {
                context.phase = .rejected
                return queue(engine.payloadTooLarge(context.head, limit: configuration.bodyLimits.maximumBodyBytes).response, on: connection, context: context)
            }
            // A body held whole reserves its declared length now: one that does not fit is refused
            // before any of it is read, and one admitted is never cut off half-way for others.
            let limits = configuration.bodyLimits
            if context.intake.buffersBody, let declared = context.intake.declaredLength, declared > Self.uncountedBodyBytes {
                guard bufferedBodyBytes.add(declared, ordering: .relaxed).newValue <= limits.maximumBufferedBytes else {
                    bufferedBodyBytes.subtract(declared, ordering: .relaxed)
                    context.phase = .rejected
                    return queue(engine.bufferedBodiesOverBudget(context.head, budget: limits.maximumBufferedBytes).response, on: connection, context: context)
                }
                context.bufferedBytes = declared
                context.reservedAtAdmission = true
            }
            return .YES
        }
        // The slot holds a reference until `completed`, which libmicrohttpd never calls during
        // this call: the context is borrowed without a retain.
        return Unmanaged<RequestContext>.fromOpaque(existing)._withUnsafeGuaranteedRef { context in
            proceed(context: context, connection: connection, upload: upload, uploadSize: uploadSize)
        }
    }

    /// Every call after the first: a body chunk, or the end of the body.
    private func proceed(
        context: RequestContext, connection: OpaquePointer, upload: UnsafeRawBufferPointer?, uploadSize: UnsafeMutablePointer<Int>
    ) -> MHD_Result {
        if uploadSize.pointee > 0 {
            let size = uploadSize.pointee
            uploadSize.pointee = 0
            switch context.phase {
            case .receiving:
                let limits = configuration.bodyLimits
                if context.intake.receivedBytes + size > limits.maximumBodyBytes {
                    return refuseBody(engine.payloadTooLarge(context.head, limit: limits.maximumBodyBytes), context: context, connection: connection, chunkSize: size)
                }
                if let upload {
                    // Parsed in place: libmicrohttpd's buffer is valid until this call returns.
                    let bytes = UnsafeBufferPointer(start: upload.baseAddress?.assumingMemoryBound(to: UInt8.self), count: min(size, upload.count))
                    context.intake.receive(bytes.span)
                }
                // What the body holds in memory counts against one budget for all connections.
                let held = context.intake.heldBytes
                let grown = held - context.bufferedBytes
                if grown > 0 && (held > Self.uncountedBodyBytes || context.bufferedBytes > 0) {
                    context.bufferedBytes += grown
                    if bufferedBodyBytes.add(grown, ordering: .relaxed).newValue > limits.maximumBufferedBytes && !context.reservedAtAdmission {
                        return refuseBody(engine.bufferedBodiesOverBudget(context.head, budget: limits.maximumBufferedBytes), context: context, connection: connection, chunkSize: size)
                    }
                }
            case .discarding(let plan, let discarded):
                // Reading on is bounded too: a client that never stops sending is cut off.
                guard discarded + size <= Self.maximumDiscardedBytes else { return .NO }
                context.phase = .discarding(plan, discardedBytes: discarded + size)
            default:
                break  // discarding what follows an early answer
            }
            return .YES
        }

        switch context.phase {
        case .receiving:
            let plan = engine.respond(to: &context.intake)
            if plan.pendingRender != nil || (plan.delay > .zero && !shuttingDown.load(ordering: .relaxed)) {
                // libmicrohttpd calls again on its next turn (the request is complete and has no answer yet).
                context.phase = .settling(plan)
                return .YES
            }
            return carryOut(plan, on: connection, context: context)
        case .settling(let plan):
            if let pending = plan.pendingRender {
                render(pending, plan: plan, connection: connection, context: context)
                return .YES
            }
            if plan.delay > .zero && !shuttingDown.load(ordering: .relaxed) {
                context.phase = .delayed(plan)
                suspend(connection, context: context, for: plan.delay)
                return .YES
            }
            return carryOut(plan, on: connection, context: context)
        case .delayed(let plan), .discarding(let plan, _):
            return carryOut(plan, on: connection, context: context)
        case .rejected, .answered, .rendering:
            return .YES
        }
    }

    /// Stops taking a body mid-way: what was received is dropped (only the head is kept, for the
    /// log line), the rest is read and thrown away, and the answer goes out when the upload ends:
    /// libmicrohttpd 0.9.75 closes the connection without sending a response queued mid-upload.
    private func refuseBody(_ plan: ResponsePlan, context: RequestContext, connection: OpaquePointer, chunkSize: Int) -> MHD_Result {
        releaseBufferedBody(of: context)
        context.intake = engine.makeIntake(method: context.head.method, target: context.head.path, headers: HTTPHeaders())
        context.phase = .discarding(plan, discardedBytes: chunkSize)
        return .YES
    }

    private func releaseBufferedBody(of context: RequestContext) {
        guard context.bufferedBytes > 0 else { return }
        bufferedBodyBytes.subtract(context.bufferedBytes, ordering: .relaxed)
        context.bufferedBytes = 0
    }

    func completed(slot: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let slot, let pointer = slot.pointee else { return }
        slot.pointee = nil
        let context = Unmanaged<RequestContext>.fromOpaque(pointer).takeRetainedValue()
        releaseBufferedBody(of: context)
        suspended.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(context)) }
        inFlight.subtract(1, ordering: .relaxed)
    }

    // MARK: - Rendering off the polling threads

    /// Suspends the connection, renders on a worker, then answers (after what remains of the delay).
    private func render(_ pending: PendingRender, plan: ResponsePlan, connection: OpaquePointer, context: RequestContext) {
        context.phase = .rendering
        let handle = ConnectionHandle(pointer: connection)
        let key = ObjectIdentifier(context)
        let deadline = ContinuousClock.now + plan.delay
        rendering.add(1, ordering: .sequentiallyConsistent)
        MHD_suspend_connection(connection)
        renderQueue.addOperation { [self] in
            var ready = plan
            // A queue of large renders once held shutdown for 45 s past its drain timeout.
            ready.response = abandoningRenders.load(ordering: .relaxed) ? engine.shuttingDownAnswer(context.head) : pending.run()
            ready.pendingRender = nil
            // The connection is suspended: libmicrohttpd will not touch the context until resumed.
            context.phase = .delayed(ready)
            // A stream carries its latency in its chunks' pauses: its headers go out at once.
            let remaining = ready.response.chunks == nil ? deadline - ContinuousClock.now : .zero
            if remaining > .zero && !shuttingDown.load(ordering: .relaxed) {
                // Registered before leaving the rendering count, so shutdown always sees it somewhere.
                suspended.withLock { $0[key] = handle }
                rendering.subtract(1, ordering: .sequentiallyConsistent)
                scheduleResume(key, after: remaining)
            } else {
                MHD_resume_connection(handle.pointer)
                rendering.subtract(1, ordering: .sequentiallyConsistent)
            }
        }
    }

    // MARK: - Delays

    private func suspend(_ connection: OpaquePointer, context: RequestContext, for delay: Duration) {
        let key = ObjectIdentifier(context)
        let handle = ConnectionHandle(pointer: connection)
        suspended.withLock { $0[key] = handle }
        MHD_suspend_connection(connection)
        scheduleResume(key, after: delay)
    }

    private func scheduleResume(_ key: ObjectIdentifier, after delay: Duration) {
        resumeTimer.schedule(key, after: delay)
    }

    /// Resumes once: the timer and shutdown may race, the registry decides who wins.
    private func resume(_ key: ObjectIdentifier) {
        guard let handle = suspended.withLock({ $0.removeValue(forKey: key) }) else { return }
        MHD_resume_connection(handle.pointer)
    }

    func resumeAllSuspended() {
        let handles = suspended.withLock { registry -> [ConnectionHandle] in
            defer { registry.removeAll() }
            return Array(registry.values)
        }
        for handle in handles { MHD_resume_connection(handle.pointer) }
    }

    // MARK: - Faults

    /// Sends the plan's response, or acts out its fault (other connections are never touched).
    private func carryOut(_ plan: ResponsePlan, on connection: OpaquePointer, context: RequestContext) -> MHD_Result {
        let response = plan.response
        if plan.fault == nil && response.chunks == nil { return queue(response, on: connection, context: context) }
        // Streams and faults go through the content reader; an ordinary answer is sent from its array.
        let chunks = response.chunks ?? [ResponseChunk(bytes: response.body)]
        let pacing = Pacing(core: self, connection: ConnectionHandle(pointer: connection), key: ObjectIdentifier(context))
        switch plan.fault {
        case nil:
            return queue(response, on: connection, context: context, body: PacedBody(chunks: chunks, pacing: pacing))
        case .connectionReset?:
            // Refusing the request makes libmicrohttpd close the socket without a byte of answer.
            context.phase = .answered
            return .NO
        case .emptyResponse?:
            return queue(response, on: connection, context: context, body: PacedBody(chunks: chunks, stopAt: 0, pacing: pacing))
        case .truncatedBody?:
            // A stream is cut after its first event; an ordinary body in its middle.
            let cut = response.chunks != nil ? chunks[0].bytes.count : response.body.count / 2
            return queue(response, on: connection, context: context, body: PacedBody(chunks: chunks, stopAt: cut, pacing: pacing))
        case .slowBody(let bytes, let interval)?:
            return queue(response, on: connection, context: context,
                         body: PacedBody(chunks: chunks, slice: max(1, bytes), interval: .milliseconds(max(1, interval)), pacing: pacing))
        case .streamError?:
            return queue(response, on: connection, context: context)  // already turned into an error event by the engine
        }
    }

    /// Called by the content reader between pieces of a paced body: waits without a thread.
    /// Returns false when shutting down (the rest is then sent at once).
    func pause(_ pacing: Pacing, for interval: Duration) -> Bool {
        guard !shuttingDown.load(ordering: .relaxed) else { return false }
        suspended.withLock { $0[pacing.key] = pacing.connection }
        MHD_suspend_connection(pacing.connection.pointer)
        scheduleResume(pacing.key, after: interval)
        return true
    }

    // MARK: - libmicrohttpd calls

    /// libmicrohttpd passes the path alone and has already split and decoded the query; it is
    /// rebuilt here, re-encoded, so the engine sees the target as the client sent it.
    private func readQuery(_ connection: OpaquePointer) -> String {
        let collector = HeaderCollector()
        _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, Trampolines.headerIterator, Unmanaged.passUnretained(collector).toOpaque())
        // API calls have no query: the character set (costly to build) is only made for admin filters.
        guard !collector.headers.fields.isEmpty else { return "" }
        let allowed = Self.queryValueCharacters
        return collector.headers.map { field in
            let name = field.name.addingPercentEncoding(withAllowedCharacters: allowed) ?? field.name
            let value = field.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? field.value
            return "\(name)=\(value)"
        }.joined(separator: "&")
    }

    /// What may stay unescaped in a query name or value: the query characters less its separators.
    private static let queryValueCharacters: CharacterSet = {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+")
        return allowed
    }()

    private func readHeaders(_ connection: OpaquePointer) -> HTTPHeaders {
        let collector = HeaderCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, Trampolines.headerIterator, context)
        return collector.headers
    }

    private func queue(_ response: HTTPResponse, on connection: OpaquePointer, context: RequestContext, body: PacedBody? = nil) -> MHD_Result {
        if case .rejected = context.phase {} else { context.phase = .answered }
        let mhdResponse: OpaquePointer?
        if let body {
            // The body is produced by a callback, which is where it can pause, stop short or dribble.
            // A stream has no length: libmicrohttpd then uses chunked transfer encoding.
            let size = response.chunks != nil ? UInt64.max : UInt64(response.body.count)
            mhdResponse = MHD_create_response_from_callback(
                size, 32 * 1024, Trampolines.pacedBodyReader,
                Unmanaged.passRetained(body).toOpaque(), Trampolines.pacedBodyFree)
        } else {
            mhdResponse = Self.makeResponse(sending: response.body)
        }
        guard let mhdResponse else { return .NO }
        defer { MHD_destroy_response(mhdResponse) }
        for field in response.headers {
            // Explicit C strings: passing a Swift string where C wants a pointer copies it to the
            // heap when it is small (most header names), 1 µs per answer of seven headers.
            _ = field.name.withCString { name in
                field.value.withCString { value in MHD_add_response_header(mhdResponse, name, value) }
            }
        }
        if shuttingDown.load(ordering: .relaxed) {
            _ = MHD_add_response_header(mhdResponse, "connection", "close")
        }
        if logger.logLevel <= .debug {
            let elapsed = ContinuousClock.now - context.started
            logger.debug("\(context.head.method) \(context.head.path) -> \(response.status) in \(elapsed)")
        }
        return MHD_queue_response(connection, UInt32(response.status), mhdResponse)
    }
}

extension ServerCore {
    /// Bodies up to this size are copied into libmicrohttpd (cheaper than keeping their storage alive).
    static let copiedBodyLimit = 16 * 1024

    /// Small bodies are copied; larger ones (base64 images, image files) are sent from the
    /// array's own storage, kept alive by a ``SharedBody`` that libmicrohttpd releases when it is
    /// done with the response. (Sending the cached base64 through an I/O vector would spare
    /// building the body, but libmicrohttpd 0.9.75 then sends the header in a packet of its own,
    /// which measured slower than the copy.)
    static func makeResponse(sending body: [UInt8]) -> OpaquePointer? {
        guard body.count > copiedBodyLimit else {
            return body.withUnsafeBytes { bytes in
                MHD_create_response_from_buffer(bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), .RESPMEM_MUST_COPY)
            }
        }
        let shared = SharedBody(bytes: body)
        let context = Unmanaged.passRetained(shared).toOpaque()
        let response = shared.bytes.withUnsafeBytes { bytes in
            MHD_create_response_from_buffer_with_free_callback_cls(
                bytes.count, UnsafeMutableRawPointer(mutating: bytes.baseAddress), Trampolines.sharedBodyFree, context)
        }
        if response == nil { Unmanaged<SharedBody>.fromOpaque(context).release() }
        return response
    }
}

/// The storage of a response body that libmicrohttpd sends without copying. The array is never
/// mutated and this object keeps it alive until libmicrohttpd releases it, so the address handed
/// over stays valid for as long as the response exists.
final class SharedBody: Sendable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }
}

/// Where a slow body pauses: the connection and its key in the suspension registry.
struct Pacing: Sendable {
    let core: ServerCore
    let connection: ConnectionHandle
    let key: ObjectIdentifier
}

/// A response body served through libmicrohttpd's content-reader callback, for streams and the
/// faults that need control over the bytes: a pause before each chunk, at most `slice` bytes per
/// call with `interval` between them, or a cut after `stopAt` bytes (the connection then closes).
/// Only the connection's thread reads it.
final class PacedBody: @unchecked Sendable {
    private let chunks: [ResponseChunk]
    private let stopAt: Int?
    private let slice: Int?
    private let interval: Duration
    private let pacing: Pacing
    private var chunkIndex = 0
    private var offsetInChunk = 0
    private var pausedBeforeChunk = -1

    init(chunks: [ResponseChunk], stopAt: Int? = nil, slice: Int? = nil, interval: Duration = .zero, pacing: Pacing) {
        self.chunks = chunks
        self.stopAt = stopAt
        self.slice = slice
        self.interval = interval
        self.pacing = pacing
    }

    /// Bytes for `buffer` at `position`: -1 at the end, -2 to cut the connection, 0 while paused.
    func read(at position: Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        if let stopAt, position >= stopAt { return -2 }
        while chunkIndex < chunks.count, offsetInChunk >= chunks[chunkIndex].bytes.count {
            chunkIndex += 1
            offsetInChunk = 0
        }
        guard chunkIndex < chunks.count else { return -1 }
        let chunk = chunks[chunkIndex]
        if offsetInChunk == 0, pausedBeforeChunk != chunkIndex, chunk.pauseBefore > .zero {
            pausedBeforeChunk = chunkIndex
            // Suspended: libmicrohttpd calls again once resumed, so returning 0 costs no spinning.
            if pacing.core.pause(pacing, for: chunk.pauseBefore) { return 0 }
        }
        var count = min(buffer.count, chunk.bytes.count - offsetInChunk)
        if let stopAt { count = min(count, stopAt - position) }
        if let slice { count = min(count, slice) }
        chunk.bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offsetInChunk, byteCount: count)
        }
        offsetInChunk += count
        let more = offsetInChunk < chunk.bytes.count || chunkIndex + 1 < chunks.count
        if slice != nil, more { _ = pacing.core.pause(pacing, for: interval) }
        return count
    }
}

/// Collects request headers through libmicrohttpd's iterator callback.
final class HeaderCollector {
    var headers = HTTPHeaders()
}
