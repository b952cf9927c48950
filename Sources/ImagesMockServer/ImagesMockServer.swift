import Dispatch
import ImagesMockCore
import Logging
import Synchronization
internal import CMicroHTTPD

#if canImport(Glibc)
import Glibc
#endif

/// The mock's HTTP server: libmicrohttpd in front of a ``MockEngine``.
///
/// Thin by design: it accumulates each request (enforcing the body limit as bytes arrive), asks the
/// engine for a ``ResponsePlan``, and carries it out — suspending the connection for a delay so no
/// thread ever sleeps.
public final class ImagesMockServer: Sendable {
    /// The port actually bound (what `--port 0` picked).
    public let port: Int
    public let host: String
    /// The receive buffer set for accepted connections (``ServerConfiguration/receiveBufferBytes``),
    /// or 0 when the kernel's default (autotuning) was kept.
    public let receiveBufferBytes: Int
    private let core: ServerCore
    private let daemon: DaemonHandle
    private let lifecycle = Mutex(Lifecycle.running)

    private enum Lifecycle { case running, stopping, stopped }

    private init(port: Int, host: String, receiveBufferBytes: Int, core: ServerCore, daemon: DaemonHandle) {
        self.port = port
        self.host = host
        self.receiveBufferBytes = receiveBufferBytes
        self.core = core
        self.daemon = daemon
    }

    /// Starts listening. Throws when the address is not numeric or the port cannot be bound.
    public static func start(engine: MockEngine, configuration: ServerConfiguration, logger: Logger = Logger(label: "images-mock")) throws(ServerError) -> ImagesMockServer {
        FileDescriptorLimit.raiseToHardLimit()
        MemoryTuning.keepLargeBuffersInTheHeap()
        let host = configuration.host == "localhost" ? "127.0.0.1" : configuration.host
        guard (0...65535).contains(configuration.port) else { throw ServerError(message: "port \(configuration.port) is out of range 0-65535") }
        let core = ServerCore(engine: engine, configuration: configuration, logger: logger)
        let context = Unmanaged.passRetained(core).toOpaque()
        let pointer = host.withCString { hostPointer in
            images_mock_start_daemon(
                hostPointer, UInt16(configuration.port),
                Trampolines.accessHandler, context,
                Trampolines.requestCompleted, context,
                UInt32(max(1, configuration.threadCount)), UInt32(max(1, configuration.connectionLimit)),
                max(16 * 1024, configuration.connectionMemoryLimit), UInt32(max(0, configuration.connectionTimeoutSeconds)),
                logger.logLevel <= .debug ? 1 : 0)
        }
        guard let pointer else {
            Unmanaged<ServerCore>.fromOpaque(context).release()
            throw ServerError(message: configuration.hostIsListenable
                ? "could not listen on \(host):\(configuration.port): the port is in use or the address is not one of this machine's (is another server running on that port?)"
                : "could not listen on \(host):\(configuration.port): the host must be a numeric address (127.0.0.1, ::1, 0.0.0.0) or localhost")
        }
        let daemon = DaemonHandle(pointer: pointer)
        let port = Int(images_mock_bound_port(pointer))
        let receiveBuffer = Int(images_mock_widen_receive_buffer(pointer, Int32(clamping: max(0, configuration.receiveBufferBytes))))
        if receiveBuffer == 0 && configuration.receiveBufferBytes > 0 {
            logger.debug("kept the kernel's receive buffer: net.core.rmem_max is below \(configuration.receiveBufferBytes) bytes")
        }
        engine.setListeningAddress(host: host, port: port)
        return ImagesMockServer(port: port, host: host, receiveBufferBytes: receiveBuffer, core: core, daemon: daemon)
    }

    /// `http://HOST:PORT`, with IPv6 hosts in brackets.
    public var baseURL: String {
        host.contains(":") ? "http://[\(host)]:\(port)" : "http://\(host):\(port)"
    }

    /// Requests received and not yet completed.
    public var inFlightRequests: Int { core.inFlight.load(ordering: .relaxed) }

    /// Bytes of request bodies held in memory right now, over all connections (what
    /// ``ImagesMockCore/BodyLimits/maximumBufferedBytes`` bounds).
    public var bufferedBodyBytes: Int { core.bufferedBodyBytes.load(ordering: .relaxed) }

    /// Stops accepting, lets in-flight requests finish (delayed ones are answered at once after the
    /// drain timeout), then closes every connection. Safe to call more than once.
    public func stop() {
        let proceed = lifecycle.withLock { state -> Bool in
            guard state == .running else { return false }
            state = .stopping
            return true
        }
        guard proceed else { return }
        core.shuttingDown.store(true, ordering: .sequentiallyConsistent)
        // The listening socket stops taking connections now (new clients are refused), but its
        // descriptor stays open until the daemon has stopped: each polling thread removes it from
        // its epoll set on its next turn, and libmicrohttpd aborts the process when that removal
        // fails because the descriptor was already closed ("Failed to remove listen FD").
        let listener = MHD_quiesce_daemon(daemon.pointer)
        if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }

        let clock = ContinuousClock()
        let drainDeadline = clock.now + core.configuration.drainTimeout
        while core.inFlight.load(ordering: .relaxed) > 0 && clock.now < drainDeadline {
            usleep(2_000)
        }
        // Renders under way finish on their own (CPU-bound); those still queued answer 503 at
        // once. A connection suspended for one must never be left suspended when the daemon stops.
        core.abandoningRenders.store(true, ordering: .sequentiallyConsistent)
        while core.renderingCount > 0 { usleep(2_000) }
        // Whatever is still delayed is answered now rather than cut off.
        core.resumeAllSuspended()
        let finalDeadline = clock.now + .seconds(2)
        while core.inFlight.load(ordering: .relaxed) > 0 && clock.now < finalDeadline {
            usleep(2_000)
        }
        // A paced body that checked for shutdown just before it began may have suspended since the
        // first sweep; stopping with a suspended connection is undefined behaviour.
        core.resumeAllSuspended()
        usleep(10_000)
        core.stopTimers()
        MHD_stop_daemon(daemon.pointer)
        if listener >= 0 { close(listener) }
        Unmanaged.passUnretained(core).release()
        lifecycle.withLock { $0 = .stopped }
    }
}

/// The daemon pointer; libmicrohttpd's daemon calls are thread-safe.
private struct DaemonHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// A suspended connection; `MHD_resume_connection` may be called from any thread.
struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

private enum MemoryTuning {
    /// Upload parts of a few MB are allocated and freed on every request. By default glibc gives
    /// each its own mapping and returns it at once, so every request pays page faults on fresh
    /// memory (a third of a 4 MB edit in profiles). Serving them from the heap, and trimming the
    /// heap only past 128 MiB of free memory, reuses the pages instead.
    static func keepLargeBuffersInTheHeap() {
        images_mock_tune_malloc(32 << 20, 128 << 20)
    }
}

private enum FileDescriptorLimit {
    /// Thousands of concurrent (delayed) connections need more than the usual 1024 descriptors.
    static func raiseToHardLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
