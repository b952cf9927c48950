import Synchronization

/// Images handed out as `url` (DALL·E models), served by the mock until their lifetime ends.
///
/// Bounded by count: the oldest entries go first, so a long demo cannot grow memory without end.
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
    }

    private let state = Mutex(State())
    private let clock: any MockClock
    public let lifetimeSeconds: Double
    public let maximumEntries: Int

    public init(clock: any MockClock, lifetimeSeconds: Double, maximumEntries: Int = 4096) {
        self.clock = clock
        self.lifetimeSeconds = lifetimeSeconds
        self.maximumEntries = maximumEntries
    }

    /// Keeps `image` under `id` for `lifetimeSeconds` (default: the store's lifetime).
    public func store(_ image: EncodedImage, id: String, lifetimeSeconds: Double? = nil) {
        let now = clock.now()
        let lifetime = lifetimeSeconds ?? self.lifetimeSeconds
        state.withLock { state in
            state.entries[id] = Entry(image: image, expiresAt: now + lifetime)
            state.insertionOrder.append(id)
            // Entries (mostly) expire in insertion order, so expired and overflowing ones gather at the front.
            while state.oldest < state.insertionOrder.count {
                let oldest = state.insertionOrder[state.oldest]
                let expired = (state.entries[oldest]?.expiresAt ?? 0) <= now
                guard expired || state.insertionOrder.count - state.oldest > maximumEntries else { break }
                state.entries[oldest] = nil
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
