import Foundation
public import ImagesMockCodecs
import Synchronization

/// An encoded image ready to send: the file bytes and their base64 text (for `b64_json`).
public struct EncodedImage: Sendable {
    public let bytes: [UInt8]
    /// `bytes` in base64 as ASCII bytes: standard alphabet, padded, no line breaks.
    public let base64: [UInt8]
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    /// What the image holds in memory: its bytes and their base64 text.
    public var memoryCost: Int { bytes.count + base64.count }

    /// Shared by every copy of this value: tells stores that hold many references to one image
    /// (say, a cached placeholder handed out as many URLs) that it costs its bytes once.
    public let identity: Identity

    public init(bytes: [UInt8], format: ImageFormat, width: Int, height: Int) {
        self.bytes = bytes
        self.base64 = Array(Data(bytes).base64EncodedData())
        self.format = format
        self.width = width
        self.height = height
        self.identity = Identity()
    }

    /// The identity of one encoded image (compared by reference).
    public final class Identity: Sendable {
        init() {}
    }
}

/// What an encoded variant shows: a placeholder, or a scenario's canned file fitted to a size.
public enum ImageVariantSource: Hashable, Sendable {
    case placeholder(PlaceholderRequest)
    /// The file scaled to cover `width`×`height` (centred, cropped to the aspect ratio), keeping
    /// its transparency when `transparentBackground`, else laid on white.
    case canned(CannedImage.Token, width: Int, height: Int, transparentBackground: Bool)

    var transparentBackground: Bool {
        switch self {
        case .placeholder(let request): request.transparentBackground
        case .canned(_, _, _, let transparent): transparent
        }
    }
}

/// One encoded variant of a placeholder or of a canned file.
public struct ImageVariantKey: Hashable, Sendable {
    public var source: ImageVariantSource
    public var format: ImageFormat
    /// 0...100: JPEG/WebP quality (`output_compression`); 100 by default. PNG ignores it.
    public var compression: Int

    public init(source: ImageVariantSource, format: ImageFormat, compression: Int = 100) {
        self.source = source
        self.format = format
        self.compression = compression
    }

    public init(placeholder: PlaceholderRequest, format: ImageFormat, compression: Int = 100) {
        self.init(source: .placeholder(placeholder), format: format, compression: compression)
    }

    /// Keys that encode to the same bytes compare equal: compression clamped to 0...100, and
    /// ignored (set to 100) for PNG.
    var normalized: ImageVariantKey {
        var key = self
        key.compression = format == .png ? 100 : min(max(compression, 0), 100)
        return key
    }
}

public struct ImageCacheStatistics: Sendable, Equatable {
    public var hits: Int
    public var misses: Int
    public var evictions: Int
    /// Bytes held: file bytes plus base64 bytes of every entry.
    public var bytes: Int
    public var entries: Int
    /// Variants rendered and encoded (misses that waited for another thread's render are not).
    public var renders: Int

    public init(hits: Int = 0, misses: Int = 0, evictions: Int = 0, bytes: Int = 0, entries: Int = 0, renders: Int = 0) {
        self.hits = hits
        self.misses = misses
        self.evictions = evictions
        self.bytes = bytes
        self.entries = entries
        self.renders = renders
    }
}

/// Thread-safe (use `Synchronization.Mutex`), byte-bounded LRU of encoded images (placeholders and
/// fitted canned files); renders and encodes on a miss.
///
/// Rendering and encoding happen outside the lock, so a slow WebP encode never blocks hits on
/// other keys; two threads missing the same key at once may both render it (the first result
/// inserted wins). An image larger than `maxBytes` is returned but not kept.
public final class ImageCache: Sendable {
    private let maxBytes: Int
    private let state: Mutex<LRUState>
    /// Keys being rendered now, each with the render others wait for.
    private let rendering = Mutex<[ImageVariantKey: RenderInProgress]>([:])

    public init(maxBytes: Int) {
        self.maxBytes = max(0, maxBytes)
        self.state = Mutex(LRUState())
    }

    /// - Parameter picture: the file a `.canned` key names (its bytes are not in the key).
    ///
    /// One render per key at a time: a thread that misses a key another thread is rendering
    /// waits for that render instead of making its own. Fifty first requests for one variant of
    /// an 8000×8000 canned file otherwise decoded it (256 MB) on every render worker at once.
    public func image(for key: ImageVariantKey, picture: CannedImage.Picture? = nil) throws(ImageCodecError) -> EncodedImage {
        let key = key.normalized
        if let cached = state.withLock({ $0.lookup(key) }) {
            return cached
        }
        let (render, owned) = rendering.withLock { renders -> (RenderInProgress, Bool) in
            if let render = renders[key] { return (render, false) }
            let render = RenderInProgress()
            renders[key] = render
            return (render, true)
        }
        guard owned else { return try render.result().get() }
        let result: Result<EncodedImage, ImageCodecError>
        do {
            let encoded = try Self.make(key, picture: picture)
            let maxBytes = self.maxBytes
            result = .success(state.withLock { state in
                state.statistics.renders += 1
                return state.insert(encoded, for: key, maxBytes: maxBytes)
            })
        } catch {
            result = .failure(error)
        }
        rendering.withLock { $0[key] = nil }
        render.finish(result)
        return try result.get()
    }

    /// The image if it is cached, without rendering on a miss (a miss is not counted: the caller
    /// is expected to ask ``image(for:)`` next, off the hot path).
    public func cachedImage(for key: ImageVariantKey) -> EncodedImage? {
        let key = key.normalized
        return state.withLock { $0.lookup(key, countingMiss: false) }
    }

    public var statistics: ImageCacheStatistics {
        state.withLock { $0.statistics }
    }

    /// Renders (or decodes and fits) and encodes one variant, without caching.
    public static func make(_ key: ImageVariantKey, picture: CannedImage.Picture? = nil) throws(ImageCodecError) -> EncodedImage {
        let key = key.normalized
        let image: RGBAImage
        switch key.source {
        case .placeholder(let request):
            image = PlaceholderRenderer.render(request)
        case .canned(let token, let width, let height, let transparent):
            guard let picture, picture.token == token else { throw ImageCodecError(message: "the canned file of this variant was not given") }
            let fitted = ImageResampler.cover(try ImageDecoder.decode(picture.bytes).image, width: width, height: height)
            image = transparent ? fitted : ImageResampler.flattenedOnWhite(fitted)
        }
        let bytes = try ImageEncoder.encode(
            image, as: key.format, quality: key.compression,
            preserveAlpha: key.source.transparentBackground
        )
        return EncodedImage(bytes: bytes, format: key.format, width: image.width, height: image.height)
    }
}

/// A least-recently-used map from key to encoded image, bounded by total bytes: a dictionary of
/// slots in an array-backed doubly linked list (head = most recent).
private struct LRUState: ~Copyable {
    struct Node {
        var key: ImageVariantKey
        var image: EncodedImage?
        var cost: Int
        var newer: Int
        var older: Int
    }

    var nodes: [Node] = []
    var freeSlots: [Int] = []
    var slots: [ImageVariantKey: Int] = [:]
    var newest = -1
    var oldest = -1
    var statistics = ImageCacheStatistics()

    mutating func lookup(_ key: ImageVariantKey, countingMiss: Bool = true) -> EncodedImage? {
        guard let slot = slots[key], let image = nodes[slot].image else {
            if countingMiss { statistics.misses += 1 }
            return nil
        }
        statistics.hits += 1
        unlink(slot)
        pushNewest(slot)
        return image
    }

    /// Stores `image` unless another thread stored the same key first; returns the stored one.
    mutating func insert(_ image: EncodedImage, for key: ImageVariantKey, maxBytes: Int) -> EncodedImage {
        if let slot = slots[key], let existing = nodes[slot].image {
            return existing
        }
        let cost = image.memoryCost
        guard cost <= maxBytes else { return image }
        while statistics.bytes + cost > maxBytes, oldest >= 0 {
            evict(oldest)
        }
        let node = Node(key: key, image: image, cost: cost, newer: -1, older: -1)
        let slot: Int
        if let free = freeSlots.popLast() {
            nodes[free] = node
            slot = free
        } else {
            nodes.append(node)
            slot = nodes.count - 1
        }
        slots[key] = slot
        pushNewest(slot)
        statistics.bytes += cost
        statistics.entries += 1
        return image
    }

    private mutating func evict(_ slot: Int) {
        unlink(slot)
        slots[nodes[slot].key] = nil
        statistics.bytes -= nodes[slot].cost
        statistics.entries -= 1
        statistics.evictions += 1
        nodes[slot].image = nil
        freeSlots.append(slot)
    }

    private mutating func unlink(_ slot: Int) {
        let newer = nodes[slot].newer
        let older = nodes[slot].older
        if newer >= 0 { nodes[newer].older = older } else { newest = older }
        if older >= 0 { nodes[older].newer = newer } else { oldest = newer }
        nodes[slot].newer = -1
        nodes[slot].older = -1
    }

    private mutating func pushNewest(_ slot: Int) {
        nodes[slot].older = newest
        nodes[slot].newer = -1
        if newest >= 0 { nodes[newest].newer = slot }
        newest = slot
        if oldest < 0 { oldest = slot }
    }
}

/// One render others may wait for.
private final class RenderInProgress: Sendable {
    private struct State: Sendable {
        var outcome: Result<EncodedImage, ImageCodecError>?
        var waiters = 0
    }

    private let state = Mutex(State())
    /// Signalled once per waiter when the render ends.
    private let ended = DispatchSemaphore(value: 0)

    func finish(_ result: Result<EncodedImage, ImageCodecError>) {
        let waiters = state.withLock { state in
            state.outcome = result
            defer { state.waiters = 0 }
            return state.waiters
        }
        for _ in 0..<waiters { ended.signal() }
    }

    /// Blocks until ``finish(_:)``.
    func result() -> Result<EncodedImage, ImageCodecError> {
        let early = state.withLock { state -> Result<EncodedImage, ImageCodecError>? in
            if let outcome = state.outcome { return outcome }
            state.waiters += 1
            return nil
        }
        if let early { return early }
        ended.wait()
        return state.withLock { $0.outcome! }
    }
}
