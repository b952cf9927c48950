import ImagesMockCore
#if canImport(Glibc)
import Glibc
#endif

/// How the HTTP listener runs; independent of what the mock answers.
public struct ServerConfiguration: Sendable {
    /// A numeric address (`127.0.0.1`, `0.0.0.0`, `::1`) or `localhost`.
    public var host: String
    /// `0` picks a free port; read it back from ``ImagesMockServer/port``.
    public var port: Int
    /// libmicrohttpd polling threads; requests never sleep on them (delays suspend the connection).
    public var threadCount: Int
    /// Connections beyond this wait in the listen backlog.
    public var connectionLimit: Int
    /// Per-connection buffer; also bounds the request head and each upload chunk. libmicrohttpd
    /// clears it for every connection, so it sets the memory of many idle or delayed connections:
    /// 64 KiB keeps 10,000 delayed connections near 300 MB where 256 KiB took 715 MB
    /// (Benchmarks/README.md), at some cost to large uploads.
    public var connectionMemoryLimit: Int
    /// The kernel receive buffer each connection gets (`SO_RCVBUF`; 0 keeps the kernel's
    /// autotuning), applied only where `net.core.rmem_max` allows the whole size. 4 MiB (the
    /// kernel doubles it) holds a 4 MB edit: the client sends it in one go, and the mock read
    /// such uploads with about a third less CPU than under autotuning, which grows the buffer of a
    /// reader that parses as it reads only a little (Benchmarks/README.md, benchmark 5).
    public var receiveBufferBytes: Int
    /// An idle or stalled connection (e.g. a body that stops arriving) is closed after this many seconds.
    public var connectionTimeoutSeconds: Int
    public var bodyLimits: BodyLimits
    /// How long shutdown waits for in-flight requests before answering delayed ones at once.
    public var drainTimeout: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        threadCount: Int = 2,
        connectionLimit: Int = 16_384,
        connectionMemoryLimit: Int = 64 * 1024,
        receiveBufferBytes: Int = 4 * 1024 * 1024,
        connectionTimeoutSeconds: Int = 60,
        bodyLimits: BodyLimits = BodyLimits(),
        drainTimeout: Duration = .seconds(10)
    ) {
        self.host = host
        self.port = port
        self.threadCount = threadCount
        self.connectionLimit = connectionLimit
        self.connectionMemoryLimit = connectionMemoryLimit
        self.receiveBufferBytes = receiveBufferBytes
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.bodyLimits = bodyLimits
        self.drainTimeout = drainTimeout
    }

    /// Whether ``host`` is something the listener can bind: a numeric IPv4 or IPv6 address, or
    /// `localhost` (names are not resolved).
    public var hostIsListenable: Bool {
        if host == "localhost" { return true }
        var address4 = in_addr(), address6 = in6_addr()
        return inet_pton(AF_INET, host, &address4) == 1 || inet_pton(AF_INET6, host, &address6) == 1
    }

    /// Whether ``host`` is a loopback address, reachable from this machine only. Beyond loopback
    /// the admin API needs its token (design §1).
    public var isLoopback: Bool {
        ["127.0.0.1", "::1", "localhost"].contains(host) || host.hasPrefix("127.")
    }
}

/// Why the server could not start.
public struct ServerError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
