import Synchronization

/// The last images answers carried (url or b64), for the dashboard's gallery: references to
/// already-encoded images in a ring of fixed capacity, each kept for `lifetimeSeconds` at most.
///
/// Every successful answer stores its images here, so storing is one slot write under a lock:
/// no hashing and nothing to evict by key (a dictionary keyed by id cost three string hashes
/// per answer). Look-ups come only from the dashboard and walk the ring, newest first.
public final class ImageGallery: Sendable {
    private struct Slot {
        let id: String
        let image: EncodedImage
        let expiresAt: Double
    }

    private struct State {
        var slots: [Slot?]
        /// Where the next image goes; the slots after it (cyclically) hold the oldest.
        var next = 0
    }

    private let state: Mutex<State>
    private let clock: any MockClock
    public let lifetimeSeconds: Double
    public let maximumEntries: Int

    public init(clock: any MockClock, lifetimeSeconds: Double, maximumEntries: Int) {
        precondition(maximumEntries > 0, "a gallery needs room for one image")
        self.clock = clock
        self.lifetimeSeconds = lifetimeSeconds
        self.maximumEntries = maximumEntries
        self.state = Mutex(State(slots: Array(repeating: nil, count: maximumEntries)))
    }

    /// Keeps `image` under `id`, in place of the oldest image once the gallery is full.
    public func store(_ image: EncodedImage, id: String) {
        let slot = Slot(id: id, image: image, expiresAt: clock.now() + lifetimeSeconds)
        // The replaced slot is handed out of the lock and released there, not under it.
        _ = state.withLock { state -> Slot? in
            var slot: Slot? = slot
            swap(&slot, &state.slots[state.next])
            state.next = (state.next + 1) % state.slots.count
            return slot
        }
    }

    /// The image stored under `id`, or `nil` when unknown, replaced or expired.
    public func image(id: String) -> EncodedImage? {
        let now = clock.now()
        return state.withLock { state in
            let count = state.slots.count
            for step in 1...count {
                guard let slot = state.slots[(state.next - step + count) % count] else { return nil }
                if slot.id == id { return slot.expiresAt > now ? slot.image : nil }
            }
            return nil
        }
    }

    /// Images held and not expired.
    public var count: Int {
        let now = clock.now()
        return state.withLock { state in
            var held = 0
            for case let slot? in state.slots where slot.expiresAt > now { held += 1 }
            return held
        }
    }

    /// Forgets every image (a journal reset clears the gallery with it).
    public func removeAll() {
        let empty = [Slot?](repeating: nil, count: maximumEntries)
        _ = state.withLock { state -> [Slot?] in
            defer { state = State(slots: empty) }
            return state.slots
        }
    }
}
