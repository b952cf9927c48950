import Synchronization

/// Images handed out as `url` (DALL·E models), served by the mock until their lifetime ends.
///
/// Bounded so that a long demo or a load test cannot grow memory without end: by the bytes of
/// the distinct images it holds (many URLs of one cached image cost its bytes once) and by the
/// number of URLs. Past either bound the oldest URLs go first, before their lifetime ends.
public final class ImageURLStore: Sendable {
    public struct Entry: Sendable {
        public let image: EncodedImage
        public let expiresAt: Double
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Ids in insertion order from `oldest` on; the dropped front is compacted away in bulk,
        /// not shifted out on every store (a full gallery drops one id per answer).
        var insertionOrder: [String] = []
        var oldest = 0
        /// Per distinct image: how many entries hold it.
        var holders: [ObjectIdentifier: Int] = [:]
        /// The bytes of the distinct images held.
        var heldBytes = 0

        mutating func hold(_ image: EncodedImage) {
            let key = ObjectIdentifier(image.identity)
            let count = holders[key, default: 0]
            if count == 0 { heldBytes += image.memoryCost }
            holders[key] = count + 1
        }

        mutating func remove(_ id: String) {
            guard let entry = entries.removeValue(forKey: id) else { return }
            let key = ObjectIdentifier(entry.image.identity)
            let count = holders[key, default: 1] - 1
            if count == 0 {
                holders[key] = nil
                heldBytes -= entry.image.memoryCost
            } else {
                holders[key] = count
            }
        }
    }

    private let state = Mutex(State())
    private let clock: any MockClock
    public let lifetimeSeconds: Double
    /// URLs kept at most.
    public let maximumEntries: Int
    /// Bytes of distinct images kept at most, base64 copies included (one image larger than this
    /// is still kept, alone).
    public let maximumBytes: Int

    public init(clock: any MockClock, lifetimeSeconds: Double, maximumEntries: Int = 100_000, maximumBytes: Int = 512 * 1024 * 1024) {
        self.clock = clock
        self.lifetimeSeconds = lifetimeSeconds
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
    }

    /// Keeps `image` under `id` for `lifetimeSeconds` (default: the store's lifetime).
    public func store(_ image: EncodedImage, id: String, lifetimeSeconds: Double? = nil) {
        let now = clock.now()
        let lifetime = lifetimeSeconds ?? self.lifetimeSeconds
        state.withLock { state in
            state.remove(id)
            state.entries[id] = Entry(image: image, expiresAt: now + lifetime)
            state.hold(image)
            state.insertionOrder.append(id)
            // Entries (mostly) expire in insertion order, so expired and overflowing ones gather
            // at the front; the entry just stored always stays.
            while state.oldest < state.insertionOrder.count - 1 {
                let oldest = state.insertionOrder[state.oldest]
                let expired = (state.entries[oldest]?.expiresAt ?? 0) <= now
                let over = state.entries.count > maximumEntries || state.heldBytes > maximumBytes
                guard expired || over || state.entries[oldest] == nil else { break }
                state.remove(oldest)
                state.oldest += 1
            }
            if state.oldest > 64 && state.oldest * 2 > state.insertionOrder.count {
                state.insertionOrder.removeFirst(state.oldest)
                state.oldest = 0
            }
        }
    }

    /// The image, or `nil` when unknown or expired.
    public func image(id: String) -> EncodedImage? {
        let now = clock.now()
        return state.withLock { state in
            guard let entry = state.entries[id], entry.expiresAt > now else { return nil }
            return entry.image
        }
    }

    public var count: Int { state.withLock { $0.entries.count } }

    public func removeAll() { state.withLock { $0 = State() } }
}
