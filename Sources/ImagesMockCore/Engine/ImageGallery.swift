import Synchronization

/// The last images answers carried (url or b64), for the dashboard's gallery: references to
/// already-encoded images in a ring of fixed capacity, each kept for `lifetimeSeconds` at most,
/// and no more than `maximumBytes` of distinct images (256 answers of 3840x2160 JPEGs held
/// ~1 GB): the oldest go first.
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
        /// Slots holding each distinct image, and the bytes of those images: an image shown by
        /// many answers (a cached placeholder) costs its bytes once.
        var references: [ObjectIdentifier: Int] = [:]
        var heldBytes = 0

        mutating func retain(_ image: EncodedImage) {
            let key = ObjectIdentifier(image.identity)
            if references[key, default: 0] == 0 { heldBytes += image.memoryCost }
            references[key, default: 0] += 1
        }

        mutating func release(_ image: EncodedImage) {
            let key = ObjectIdentifier(image.identity)
            guard let count = references[key] else { return }
            if count == 1 {
                references[key] = nil
                heldBytes -= image.memoryCost
            } else {
                references[key] = count - 1
            }
        }
    }

    private let state: Mutex<State>
    private let clock: any MockClock
    public let lifetimeSeconds: Double
    public let maximumEntries: Int
    public let maximumBytes: Int

    public init(clock: any MockClock, lifetimeSeconds: Double, maximumEntries: Int, maximumBytes: Int = 64 * 1024 * 1024) {
        precondition(maximumEntries > 0, "a gallery needs room for one image")
        self.clock = clock
        self.lifetimeSeconds = lifetimeSeconds
        self.maximumEntries = maximumEntries
        self.maximumBytes = maximumBytes
        self.state = Mutex(State(slots: Array(repeating: nil, count: maximumEntries)))
    }

    /// Keeps `image` under `id`, in place of the oldest image once the gallery is full; then
    /// forgets the oldest others while the images held weigh more than `maximumBytes`. The
    /// newest image stays, whatever its size.
    public func store(_ image: EncodedImage, id: String) {
        let slot = Slot(id: id, image: image, expiresAt: clock.now() + lifetimeSeconds)
        // Replaced slots are handed out of the lock and released there, not under it.
        _ = state.withLock { state -> [Slot] in
            var dropped: [Slot] = []
            var slot: Slot? = slot
            state.retain(image)
            swap(&slot, &state.slots[state.next])
            if let slot {
                state.release(slot.image)
                dropped.append(slot)
            }
            let count = state.slots.count
            state.next = (state.next + 1) % count
            // The oldest are at `next` onwards; evicted slots stay nil, so look-ups (newest
            // first, stopping at the first empty slot) never see past them.
            var oldest = state.next
            while state.heldBytes > maximumBytes && oldest != (state.next - 1 + count) % count {
                if let evicted = state.slots[oldest] {
                    state.slots[oldest] = nil
                    state.release(evicted.image)
                    dropped.append(evicted)
                }
                oldest = (oldest + 1) % count
            }
            return dropped
        }
    }

    /// The bytes of the distinct images held (expired ones included until replaced).
    var heldBytes: Int { state.withLock { $0.heldBytes } }

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
        _ = state.withLock { state -> State in
            defer { state = State(slots: empty) }
            return state
        }
    }
}
