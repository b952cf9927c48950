import Synchronization

/// One served request as the journal keeps it: what came in, what went out, which rule decided.
/// Never file bytes, never a whole API key.
public struct JournalEntry: Sendable {
    public struct FileSummary: Sendable, Equatable {
        public var field: String
        public var filename: String?
        public var contentType: String?
        public var bytes: Int
        public var format: String?
        public var width: Int?
        public var height: Int?
    }

    public var sequence: Int = 0
    public var requestID: String
    /// Unix seconds.
    public var time: Double
    public var method: String
    public var path: String
    public var endpoint: Endpoint?
    public var status: Int
    /// The rule that answered, if any.
    public var rule: String?
    /// For an unmatched request: the rule that came nearest and what differed (its words are built
    /// when the entry is rendered, not while the request is answered).
    public var nearMiss: RuleMatcher.Miss?
    /// Parameters as parsed, in arrival order: a JSON body's values with their JSON types, a
    /// multipart field's text. Bounded (names and values cut, ``journalValue(_:text:)``, at most
    /// ``maximumParameters``), so no request can make the ring hold megabytes per entry.
    public var parameters: [(name: String, value: JSONValue)]
    public var files: [FileSummary]
    public var maskedKey: String?
    public var latencyMilliseconds: Int
    public var fault: String?
    public var errorCode: String?
    public var errorMessage: String?
    /// The images the answer carried, as `<id>.<ext>` (the id keys the engine's gallery store);
    /// served under `/__admin/images/` while the store keeps them.
    public var images: [String] = []

    public init(requestID: String, time: Double, method: String, path: String, endpoint: Endpoint?, status: Int) {
        self.requestID = requestID
        self.time = time
        self.method = method
        self.path = path
        self.endpoint = endpoint
        self.status = status
        self.parameters = []
        self.files = []
        self.latencyMilliseconds = 0
    }

    static let maximumValueLength = 300
    /// Values (array elements, object members, scalars) a structured parameter may keep before it
    /// is recorded as its cut text instead.
    static let maximumValueNodes = 64

    /// `text` cut at ``maximumValueLength`` characters, with an ellipsis when cut.
    static func cut(_ text: String, at limit: Int = maximumValueLength) -> String {
        // Counting characters walks the text; its byte count bounds it from above for free.
        guard text.utf8.count > limit, text.count > limit else { return text }
        return String(text.prefix(limit)) + "…"
    }

    /// Parameters an entry keeps; the rest are counted under the name "…".
    static let maximumParameters = 64
    /// An error message is cut here (a rejected 8 MiB parameter name was kept whole in it).
    static let maximumMessageLength = 2000

    /// A parameter's value as the journal keeps it: with its JSON type, long strings cut; a value
    /// with more than ``maximumValueNodes`` values inside becomes `text` (its matcher text), cut.
    static func journalValue(_ value: JSONValue, text: @autoclosure () -> String) -> JSONValue {
        var budget = maximumValueNodes
        return bounded(value, budget: &budget) ?? .string(cut(text()))
    }

    private static func bounded(_ value: JSONValue, budget: inout Int) -> JSONValue? {
        budget -= 1
        guard budget >= 0 else { return nil }
        switch value {
        case .null, .bool, .number: return value
        case .string(let text): return .string(cut(text))
        case .verbatimString(let bytes): return .string(cut(String(decoding: bytes, as: UTF8.self)))
        case .array(let elements):
            var kept: [JSONValue] = []
            kept.reserveCapacity(elements.count)
            for element in elements {
                guard let element = bounded(element, budget: &budget) else { return nil }
                kept.append(element)
            }
            return .array(kept)
        case .object(let object):
            var kept: [(key: String, value: JSONValue)] = []
            for member in object.members {
                guard let member = bounded(member.value, budget: &budget).map({ (cut(member.key), $0) }) else { return nil }
                kept.append(member)
            }
            return .object(JSONObject(kept))
        }
    }

    /// The entry as the admin API shows it.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("sequence", .number(JSONNumber(sequence))),
            ("request_id", .string(requestID)),
            ("time", .number(JSONNumber(Int(time)))),
            ("method", .string(method)),
            ("path", .string(path)),
            ("endpoint", endpoint.map { .string($0.rawValue) } ?? .null),
            ("status", .number(JSONNumber(status))),
            ("rule", rule.map(JSONValue.string) ?? .null),
        ]
        if let nearMiss {
            members.append(("near_miss", .object(JSONObject([
                ("rule", .string(nearMiss.rule)),
                ("matched_criteria", .number(JSONNumber(nearMiss.matchedCriteria))),
                ("total_criteria", .number(JSONNumber(nearMiss.totalCriteria))),
                ("differences", .array(nearMiss.differences.map(JSONValue.string))),
            ]))))
        }
        members.append(("parameters", .object(JSONObject(parameters.map { ($0.name, $0.value) }))))
        members.append(("files", .array(files.map { file in
            .object(JSONObject([
                ("field", .string(file.field)),
                ("filename", file.filename.map(JSONValue.string) ?? .null),
                ("content_type", file.contentType.map(JSONValue.string) ?? .null),
                ("bytes", .number(JSONNumber(file.bytes))),
                ("format", file.format.map(JSONValue.string) ?? .null),
                ("width", file.width.map { .number(JSONNumber($0)) } ?? .null),
                ("height", file.height.map { .number(JSONNumber($0)) } ?? .null),
            ]))
        })))
        members.append(("api_key", maskedKey.map(JSONValue.string) ?? .null))
        members.append(("latency_ms", .number(JSONNumber(latencyMilliseconds))))
        members.append(("fault", fault.map(JSONValue.string) ?? .null))
        members.append(("error", errorMessage == nil && errorCode == nil ? .null : .object(JSONObject([
            ("code", errorCode.map(JSONValue.string) ?? .null), ("message", errorMessage.map(JSONValue.string) ?? .null),
        ]))))
        members.append(("images", .array(images.map { .string(AdminAPI.prefix + "images/" + $0) })))
        return .object(JSONObject(members))
    }
}

/// A bounded ring buffer of served requests: the oldest entries make room for new ones, so a
/// long-running mock never grows without limit.
public final class Journal: Sendable {
    private struct Ring {
        var entries: [JournalEntry?]
        var next = 0
        var count = 0
        var sequence = 0
    }

    private let ring: Mutex<Ring>

    /// - Parameter capacity: 0 keeps no entry (sequence numbers still count every request).
    public init(capacity: Int = 1000) {
        ring = Mutex(Ring(entries: Array(repeating: nil, count: max(0, capacity))))
    }

    /// Entries kept at most.
    public var capacity: Int { ring.withLock { $0.entries.count } }

    /// Keeps at most `capacity` entries from now on, the newest ones when it shrinks (a scenario
    /// loaded at run time may set its own `journal_size`). Sequence numbers go on.
    public func resize(capacity: Int) {
        let capacity = max(0, capacity)
        ring.withLock { ring in
            guard capacity != ring.entries.count else { return }
            let kept = ring.entries.isEmpty ? [] : (max(0, ring.count - capacity)..<ring.count).map { ring.entries[(ring.next - ring.count + $0 + ring.entries.count) % ring.entries.count] }
            ring.entries = kept + Array(repeating: nil, count: capacity - kept.count)
            ring.count = kept.count
            ring.next = capacity == 0 ? 0 : kept.count % capacity
        }
    }

    public func record(_ entry: consuming JournalEntry) {
        // Swapped in and out rather than copied: the entry moves into its slot, and the one it
        // replaces is released after the lock, not while other requests wait for it.
        var slot: JournalEntry? = entry
        ring.withLock { ring in
            ring.sequence += 1
            guard !ring.entries.isEmpty else { return }
            slot?.sequence = ring.sequence
            swap(&slot, &ring.entries[ring.next])
            ring.next = (ring.next + 1) % ring.entries.count
            ring.count = min(ring.count + 1, ring.entries.count)
        }
    }

    /// Oldest first, filtered.
    public func entries(endpoint: Endpoint? = nil, rule: String? = nil, status: Int? = nil, limit: Int? = nil) -> [JournalEntry] {
        let all: [JournalEntry] = ring.withLock { ring in
            guard !ring.entries.isEmpty else { return [] }
            let start = (ring.next - ring.count + ring.entries.count) % ring.entries.count
            return (0..<ring.count).compactMap { ring.entries[(start + $0) % ring.entries.count] }
        }
        let filtered = all.filter { entry in
            (endpoint == nil || entry.endpoint == endpoint) && (rule == nil || entry.rule == rule) && (status == nil || entry.status == status)
        }
        if let limit, filtered.count > limit { return Array(filtered.suffix(max(0, limit))) }
        return filtered
    }

    public var count: Int { ring.withLock { $0.count } }

    public func clear() {
        ring.withLock { ring in
            ring.entries = Array(repeating: nil, count: ring.entries.count)
            ring.next = 0
            ring.count = 0
        }
    }
}
