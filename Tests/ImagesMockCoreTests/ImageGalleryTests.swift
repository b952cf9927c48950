@testable import ImagesMockCore
import Testing

@Suite("Image gallery (dashboard)")
struct ImageGalleryTests {
    static func image(_ fill: UInt8) -> EncodedImage {
        EncodedImage(bytes: [UInt8](repeating: fill, count: 8), format: .png, width: 1, height: 1)
    }

    @Test func findsWhatItStoredAndNothingElse() {
        let gallery = ImageGallery(clock: ManualClock(), lifetimeSeconds: 60, maximumEntries: 4)
        #expect(gallery.count == 0)
        #expect(gallery.image(id: "img-a") == nil)
        gallery.store(Self.image(1), id: "img-a")
        gallery.store(Self.image(2), id: "img-b")
        #expect(gallery.count == 2)
        #expect(gallery.image(id: "img-a")?.bytes.first == 1)
        #expect(gallery.image(id: "img-b")?.bytes.first == 2)
        #expect(gallery.image(id: "img-c") == nil)
    }

    /// Once full, each new image takes the place of the oldest; the ring wraps around any number of times.
    @Test func keepsTheNewestWhenFull() {
        let gallery = ImageGallery(clock: ManualClock(), lifetimeSeconds: 60, maximumEntries: 3)
        for index in 0..<10 {
            gallery.store(Self.image(UInt8(index)), id: "img-\(index)")
            #expect(gallery.count == min(index + 1, 3))
            for earlier in 0...index {
                let kept = gallery.image(id: "img-\(earlier)")
                #expect((kept != nil) == (earlier > index - 3), "after \(index): img-\(earlier)")
                #expect(kept.map { $0.bytes.first == UInt8(earlier) } ?? true)
            }
        }
    }

    /// 256 answers of 3840x2160 JPEGs held ~1 GB: the oldest go once the bytes pass the budget,
    /// and an image shown by many answers counts once.
    @Test func keepsNoMoreThanItsByteBudget() {
        func image(_ size: Int) -> EncodedImage {
            EncodedImage(bytes: [UInt8](repeating: 1, count: size), format: .png, width: 1, height: 1)
        }
        let big = image(300)  // 300 bytes + 400 of base64
        let gallery = ImageGallery(clock: ManualClock(), lifetimeSeconds: 60, maximumEntries: 8, maximumBytes: 2_000)
        for index in 0..<4 { gallery.store(image(300), id: "img-\(index)") }
        #expect(gallery.heldBytes <= 2_000)
        #expect(gallery.image(id: "img-3") != nil && gallery.image(id: "img-2") != nil)
        #expect(gallery.image(id: "img-1") == nil && gallery.image(id: "img-0") == nil, "the oldest went first")
        for index in 4..<8 { gallery.store(big, id: "img-\(index)") }
        #expect(gallery.heldBytes == 700 + 700, "one shared image, counted once, beside img-3")
        #expect((4..<8).allSatisfy { gallery.image(id: "img-\($0)") != nil })
        gallery.store(image(5_000), id: "huge")
        #expect(gallery.image(id: "huge") != nil, "the newest stays, whatever its size")
        #expect(gallery.count == 1 && gallery.heldBytes == 5_000 + 6_668)
        gallery.removeAll()
        #expect(gallery.heldBytes == 0)
    }

    @Test func imagesExpire() {
        let clock = ManualClock()
        let gallery = ImageGallery(clock: clock, lifetimeSeconds: 10, maximumEntries: 4)
        gallery.store(Self.image(1), id: "img-old")
        clock.advance(by: 6)
        gallery.store(Self.image(2), id: "img-new")
        clock.advance(by: 5)
        #expect(gallery.image(id: "img-old") == nil)
        #expect(gallery.image(id: "img-new") != nil)
        #expect(gallery.count == 1)
        clock.advance(by: 10)
        #expect(gallery.count == 0)
    }

    @Test func removeAllEmptiesItForGood() {
        let gallery = ImageGallery(clock: ManualClock(), lifetimeSeconds: 60, maximumEntries: 2)
        for index in 0..<3 { gallery.store(Self.image(UInt8(index)), id: "img-\(index)") }
        gallery.removeAll()
        #expect(gallery.count == 0)
        #expect(gallery.image(id: "img-2") == nil)
        gallery.store(Self.image(9), id: "img-9")
        #expect(gallery.count == 1)
        #expect(gallery.image(id: "img-9")?.bytes.first == 9)
        #expect(gallery.image(id: "img-1") == nil)
    }
}
