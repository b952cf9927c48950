/// One request while its body arrives: multipart bodies go through the parser chunk by chunk (only
/// completed parts are kept), other bodies are buffered. The adapter enforces the total size limit.
///
/// Used by one thread at a time; create it with ``MockEngine/makeIntake(method:target:headers:)``.
public struct RequestIntake {
    /// The request without its body.
    public let head: HTTPRequest
    private var buffer: [UInt8] = []
    private var parser: MultipartParser?
    private(set) var parts: [MultipartPart] = []
    private(set) var failure: MultipartError?
    public private(set) var receivedBytes = 0
    /// Whether the body is read as multipart (fixed at the start, whatever happens to the parser).
    let isMultipart: Bool
    /// Whether the body is held whole until it ends (every body but a multipart one).
    public var buffersBody: Bool { !isMultipart }
    /// The body's length as its `Content-Length` declares it (a positive number), read once.
    public let declaredLength: Int?
    /// Bytes of the body held in memory so far: of a buffered body, its declared length (what its
    /// buffer is reserved at) or, without one, its buffer's capacity; of a multipart one, its text
    /// fields, the parts of files an inspector reads and the record of what was skipped. What the
    /// server's budget counts (``BodyLimits/maximumBufferedBytes``).
    public private(set) var heldBytes = 0
    /// A declared length is reserved at once (up to this): growing the buffer by doubling held a
    /// copy of the body and twice its memory at the end.
    private static let largestReservation = 1 << 30

    init(head: HTTPRequest, multipartLimits: MultipartLimits?) {
        self.head = head
        isMultipart = multipartLimits != nil
        declaredLength = head.headers["content-length"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        guard let multipartLimits, let contentType = head.headers["content-type"] else { return }
        do {
            parser = try MultipartParser(contentType: contentType, limits: multipartLimits)
            parser?.expectedBodyLength = declaredLength
            // Uploads are only inspected, never echoed: their image data need not be kept.
            parser?.fileRetention = .imageStructure
        } catch {
            failure = error
        }
    }

    /// Takes the next chunk of the body, whatever its size. A multipart body is parsed straight
    /// from `bytes` (a server's receive buffer): only parts' kept content is copied.
    public mutating func receive(_ bytes: Span<UInt8>) {
        receivedBytes += bytes.count
        guard isMultipart else {
            if buffer.capacity == 0, let declaredLength, declaredLength > bytes.count {
                buffer.reserveCapacity(min(declaredLength, Self.largestReservation))
            }
            buffer.append(addingCapacity: bytes.count) { output in
                for index in bytes.indices { output.append(bytes[index]) }
            }
            // Counted as declared (the server reserves that much up front), not as malloc rounded it.
            heldBytes = declaredLength.map { Swift.max($0, buffer.count) } ?? buffer.capacity
            return
        }
        guard failure == nil, parser != nil else { return }
        do {
            try parser!.push(bytes)
            while let part = parser!.nextPart() { parts.append(part) }
        } catch {
            keepCompletedParts()
            failure = error
        }
        heldBytes = parser!.heldBytes
        if failure != nil { parser = nil }
    }

    /// The parts the parser completed before a defect: the answer depends on them (a `model`
    /// field before an over-large file), however the body was cut into chunks.
    private mutating func keepCompletedParts() {
        while let part = parser?.nextPart() { parts.append(part) }
    }

    /// Takes the next chunk of the body, whatever its size.
    public mutating func receive(_ bytes: ArraySlice<UInt8>) { receive(bytes.span) }

    /// Takes the next chunk of the body, whatever its size.
    public mutating func receive(_ bytes: [UInt8]) { receive(bytes.span) }

    /// Ends the body; after this the intake holds either the parts or the first defect.
    mutating func finish() -> (body: [UInt8], parts: [MultipartPart], failure: MultipartError?) {
        if failure == nil, parser != nil {
            do {
                try parser!.finish()
                while let part = parser!.nextPart() { parts.append(part) }
            } catch {
                keepCompletedParts()
                failure = error
            }
            parser = nil
        }
        return (buffer, parts, failure)
    }
}
