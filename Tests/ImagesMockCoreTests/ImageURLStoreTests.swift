import Testing
@testable import ImagesMockCore

@Suite("Image URL store")
struct ImageURLStoreTests {
    private func image(_ bytes: Int) -> EncodedImage {
        EncodedImage(bytes: [UInt8](repeating: 1, count: bytes), format: .png, width: 1, height: 1)
    }

    @Test func manyURLsOfOneImageCostItsBytesOnce() {
        // A load test asking for the same picture over and over: once, 4,096 URLs were the
        // limit, and the first URL died 0.4 s after it was handed out.
        let store = ImageURLStore(clock: ManualClock(), lifetimeSeconds: 3600, maximumBytes: 20_000)
        let shared = image(5_000)
        for index in 0..<20_000 { store.store(shared, id: "img-\(index)") }
        #expect(store.count == 20_000)
        #expect(store.image(id: "img-0") != nil)
    }

    @Test func distinctImagesPastTheByteBoundGoOldestFirst() {
        let store = ImageURLStore(clock: ManualClock(), lifetimeSeconds: 3600, maximumBytes: 21_000)
        for index in 0..<5 { store.store(image(3_000), id: "img-\(index)") }
        // Each holds 3,000 bytes and 4,000 of base64: three fit under 21,000; the two oldest made room.
        #expect((0..<5).map { store.image(id: "img-\($0)") != nil } == [false, false, true, true, true])
        // An image larger than the bound alone is still kept, alone.
        store.store(image(50_000), id: "huge")
        #expect(store.image(id: "huge") != nil && store.count == 1)
    }

    @Test func theURLCountIsBoundedToo() {
        let store = ImageURLStore(clock: ManualClock(), lifetimeSeconds: 3600, maximumEntries: 3)
        let shared = image(10)
        for index in 0..<5 { store.store(shared, id: "img-\(index)") }
        #expect((0..<5).map { store.image(id: "img-\($0)") != nil } == [false, false, true, true, true])
    }

    @Test func urlsExpireAfterTheirLifetime() {
        let clock = ManualClock()
        let store = ImageURLStore(clock: clock, lifetimeSeconds: 60)
        store.store(image(10), id: "img-a")
        clock.advance(by: 59)
        #expect(store.image(id: "img-a") != nil)
        clock.advance(by: 1)
        #expect(store.image(id: "img-a") == nil)
        store.store(image(10), id: "img-b")
        #expect(store.count == 1)
    }
}
