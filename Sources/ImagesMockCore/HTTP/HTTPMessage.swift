/// HTTP header fields in arrival order, looked up case-insensitively.
public struct HTTPHeaders: Sendable, Equatable, Sequence {
    public private(set) var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) { self.fields = fields }

    /// The first value of a header, whatever the case of its name.
    public subscript(name: String) -> String? {
        fields.first(where: { Self.sameName($0.name, name) })?.value
    }

    public func values(for name: String) -> [String] {
        fields.filter { Self.sameName($0.name, name) }.map(\.value)
    }

    /// Header names are ASCII tokens compared without regard to case (RFC 9110 §5.1); comparing
    /// bytes avoids lower-casing copies of every name on every lookup.
    static func sameName(_ lhs: String, _ rhs: String) -> Bool {
        // Read through spans: iterating two UTF8Views in step cost more than the rest of a look-up.
        let left = lhs.utf8.span, right = rhs.utf8.span
        guard left.count == right.count else { return false }
        for index in left.indices {
            let one = left[index], other = right[index]
            if one != other && !(one | 0x20 == other | 0x20 && (one | 0x20) >= 0x61 && (one | 0x20) <= 0x7A) { return false }
        }
        return true
    }

    public mutating func add(_ name: String, _ value: String) { fields.append((name, value)) }

    /// Room for `count` fields in all, so that adding up to that many allocates at most once.
    public mutating func reserveCapacity(_ count: Int) { fields.reserveCapacity(count) }

    /// Replaces every field of that name with one field.
    public mutating func set(_ name: String, _ value: String) {
        remove(name)
        fields.append((name, value))
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.sameName($0.name, name) }
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> { fields.makeIterator() }

    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }
}

/// A request as the engine sees it: everything the adapter received, no sockets.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string, e.g. `/v1/images/generations`.
    public var path: String
    public var query: String?
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(method: String, path: String, query: String? = nil, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Splits a request target such as `/v1/images/generations?x=1` into path and query.
    ///
    /// An absolute-form target (`http://host:port/v1/...`, as a client sends it to a proxy, and
    /// so as a proxy's capture holds it) names the path after its authority, and its authority
    /// replaces the Host header (RFC 9112 §3.2.2).
    public init(method: String, target: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        var target = target
        var headers = headers
        if let absolute = Self.absoluteForm(target) {
            target = absolute.originForm
            headers.set("Host", absolute.authority)
        }
        // Searched as bytes: a Character search would break the target into grapheme clusters.
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            self.init(method: method, path: String(target[..<mark]), query: String(target[target.utf8.index(after: mark)...]), headers: headers, body: body)
        } else {
            self.init(method: method, path: target, headers: headers, body: body)
        }
    }

    /// `http://AUTHORITY/PATH?QUERY` (or https) as its authority and `/PATH?QUERY`; `nil` for
    /// any other target.
    static func absoluteForm(_ target: String) -> (authority: String, originForm: String)? {
        let bytes = target.utf8
        // Nearly every target is origin-form ("/v1/..."): no scan for it.
        guard bytes.first != UInt8(ascii: "/"), let separator = bytes.firstIndex(of: UInt8(ascii: ":")),
              ["http", "https"].contains(target[..<separator].lowercased()),
              target[separator...].hasPrefix("://")
        else { return nil }
        let authorityStart = target.utf8.index(separator, offsetBy: 3)
        let rest = target[authorityStart...]
        let authorityEnd = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        let authority = String(rest[..<authorityEnd])
        guard !authority.isEmpty else { return nil }
        let remainder = String(rest[authorityEnd...])
        return (authority, remainder.hasPrefix("/") ? remainder : "/" + remainder)
    }
}

/// A complete response, ready for any transport.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    /// The whole body (for a streamed answer: all its chunks, concatenated).
    public var body: [UInt8]
    /// A streamed answer (Server-Sent Events): the body in pieces, each sent after its pause.
    /// `nil` for an ordinary answer sent at once.
    public var chunks: [ResponseChunk]?

    public init(status: Int, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A streamed answer; `body` is the chunks concatenated.
    public init(status: Int, headers: HTTPHeaders, chunks: [ResponseChunk]) {
        self.init(status: status, headers: headers, body: chunks.flatMap(\.bytes))
        self.chunks = chunks
    }

    /// Spreads `total` evenly before the chunks (simulated latency of a stream: the headers go
    /// out at once, the events trickle in).
    public mutating func spreadOverChunks(_ total: Duration) {
        guard var chunks, !chunks.isEmpty, total > .zero else { return }
        let share = total / chunks.count
        for index in chunks.indices { chunks[index].pauseBefore += share }
        self.chunks = chunks
    }

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The era-C answer to retired and unknown routes: 404, nothing else (contract row 30a).
    public var isBareNotFound: Bool { status == 404 && body.isEmpty && headers["content-type"] == nil }
}

/// One piece of a streamed body.
public struct ResponseChunk: Sendable, Equatable {
    public var bytes: [UInt8]
    /// How long to wait before sending it.
    public var pauseBefore: Duration

    public init(bytes: [UInt8], pauseBefore: Duration = .zero) {
        self.bytes = bytes
        self.pauseBefore = pauseBefore
    }
}

/// What the engine decided for one request; the adapter carries it out.
public struct ResponsePlan: Sendable {
    public var response: HTTPResponse
    /// How long to hold the response back (simulated latency). The adapter suspends the connection
    /// rather than sleeping a thread.
    public var delay: Duration
    /// Work that must run before the response exists: placeholders not rendered yet. The adapter
    /// runs it away from the threads that serve connections; `response` is meaningless until then.
    public var pendingRender: PendingRender?
    /// A transport fault to act out instead of (or while) sending `response`.
    public var fault: FaultSpec.Kind?
    /// The images the answer carries, as `<id>.<ext>` names in the engine's gallery store, for the journal.
    var imageNames: [String] = []
    /// A scenario rule's `headers`: set last, over the common headers of the same name, and on
    /// the rendered response too when the images are made later.
    var scriptedHeaders: [(name: String, value: String)] = []

    public init(response: HTTPResponse, delay: Duration = .zero, pendingRender: PendingRender? = nil, fault: FaultSpec.Kind? = nil) {
        self.response = response
        self.delay = delay
        self.pendingRender = pendingRender
        self.fault = fault
    }

    /// The plan with any pending work done here and now (for callers without threads to spare).
    public func completed() -> ResponsePlan {
        guard let pendingRender else { return self }
        return ResponsePlan(response: pendingRender.run(), delay: delay, fault: fault)
    }
}

/// Deferred production of a response (CPU-bound, seconds at most).
public struct PendingRender: Sendable {
    private let work: @Sendable () -> HTTPResponse

    public init(_ work: @escaping @Sendable () -> HTTPResponse) { self.work = work }

    public func run() -> HTTPResponse { work() }
}

/// Size limits the adapter enforces while the body arrives.
public struct BodyLimits: Sendable, Equatable {
    /// Larger bodies get a 413 as soon as the limit is crossed (design: 64 MiB).
    public var maximumBodyBytes: Int
    /// Request bodies held in memory while they arrive, summed over all connections: whole JSON
    /// (and other non-multipart) bodies; of multipart ones, text fields and the parts of files an
    /// inspector reads (file content is otherwise only counted). A body that takes the sum past
    /// this gets a 503 (`overloaded`, which clients retry). Without it, memory was bounded only by
    /// connections × ``maximumBodyBytes`` (16,384 × 64 MiB). Never below ``maximumBodyBytes``, so
    /// one body of any allowed size always fits on its own. (The server leaves bodies of at most
    /// 64 KiB out of the sum.)
    public var maximumBufferedBytes: Int

    /// The budget of buffered bodies defaults to 512 MiB: eight bodies of the default limit at once.
    public static let defaultMaximumBufferedBytes = 512 * 1024 * 1024

    public init(maximumBodyBytes: Int = 64 * 1024 * 1024, maximumBufferedBytes: Int = BodyLimits.defaultMaximumBufferedBytes) {
        self.maximumBodyBytes = maximumBodyBytes
        self.maximumBufferedBytes = max(maximumBufferedBytes, maximumBodyBytes)
    }


    /// Whether a `Content-Length` value declares more than the limit; a length of digits too
    /// large for an `Int` does too (it once slipped past the check and the body was awaited).
    public func isExceeded(byDeclaredLength value: String?) -> Bool {
        guard let value, !value.isEmpty, value.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return false }
        return Int(value).map { $0 > maximumBodyBytes } ?? true
    }
}
