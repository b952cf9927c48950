import Foundation
import ImagesMockCodecs
@testable import ImagesMockCore
import Testing

private func request(
    _ prompt: String = "A red fox in a misty forest",
    width: Int = 256, height: Int = 256, index: Int = 0, seed: UInt64 = 42, transparent: Bool = false
) -> PlaceholderRequest {
    PlaceholderRequest(prompt: prompt, width: width, height: height, index: index, seed: seed, transparentBackground: transparent)
}

private func pixel(_ image: RGBAImage, _ x: Int, _ y: Int) -> [Int] {
    let i = (y * image.width + x) * 4
    return image.pixels[i..<i + 4].map { Int($0) }
}

/// Sum of absolute RGB differences of two pixels.
private func colourDistance(_ a: [Int], _ b: [Int]) -> Int {
    abs(a[0] - b[0]) + abs(a[1] - b[1]) + abs(a[2] - b[2])
}

@Suite("Placeholder renderer")
struct PlaceholderRendererTests {
    @Test func sameRequestGivesIdenticalPixels() {
        let a = PlaceholderRenderer.render(request())
        let b = PlaceholderRenderer.render(request())
        #expect(a == b)
    }

    /// Colours come from FNV-1a, whose published test vectors pin it; Swift's `Hasher` would
    /// give different values in every process.
    @Test func hashIsStableAcrossProcesses() {
        #expect(StableHash.fnv1a([UInt8]()) == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.fnv1a(Array("a".utf8)) == 0xAF63_DC4C_8601_EC8C)
        #expect(StableHash.fnv1a(Array("foobar".utf8)) == 0x8594_4171_F739_67E8)
    }

    @Test func eachIndexOfOneResponseGetsADistinctHue() {
        let corners = (0..<10).map { pixel(PlaceholderRenderer.render(request(width: 64, height: 64, index: $0)), 0, 0) }
        for i in corners.indices {
            for j in corners.indices where j > i {
                #expect(colourDistance(corners[i], corners[j]) > 30, "images #\(i + 1) and #\(j + 1) look alike")
            }
        }
    }

    @Test func promptAndSeedChangeTheColours() {
        let base = pixel(PlaceholderRenderer.render(request(width: 64, height: 64)), 0, 0)
        let otherPrompt = pixel(PlaceholderRenderer.render(request("A blue whale", width: 64, height: 64)), 0, 0)
        let otherSeed = pixel(PlaceholderRenderer.render(request(width: 64, height: 64, seed: 43)), 0, 0)
        #expect(colourDistance(base, otherPrompt) > 30)
        #expect(colourDistance(base, otherSeed) > 30)
    }

    @Test func differentPromptsDrawDifferentImages() {
        #expect(PlaceholderRenderer.render(request("cat")) != PlaceholderRenderer.render(request("dog")))
    }

    @Test(arguments: [
        (1, 1), (2, 1), (1, 2), (16, 16), (64, 64), (255, 257), (256, 256), (1024, 1024),
        (1536, 1024), (1024, 1536), (1536, 864), (1792, 1024), (1024, 1792), (4000, 20), (20, 4000),
    ])
    func rendersExactlyTheRequestedSize(size: (Int, Int)) {
        let image = PlaceholderRenderer.render(request(width: size.0, height: size.1))
        #expect(image.width == size.0)
        #expect(image.height == size.1)
        #expect(image.pixels.count == size.0 * size.1 * 4)
        #expect(stride(from: 3, to: image.pixels.count, by: 4).allSatisfy { image.pixels[$0] == 255 })
    }

    @Test func rendersTheLargestSize() {
        let image = PlaceholderRenderer.render(request(width: 3840, height: 2160, transparent: true))
        #expect(image.width == 3840 && image.height == 2160)
        #expect(pixel(image, 3839, 2159)[3] == 0)
    }

    @Test func emptySizesGiveEmptyImages() {
        #expect(PlaceholderRenderer.render(request(width: 0, height: 0)).pixels.isEmpty)
        #expect(PlaceholderRenderer.render(request(width: -5, height: 10)).width == 0)
    }

    @Test(arguments: [(1024, 1024), (1536, 864), (256, 256), (16, 16)])
    func transparentBackgroundIsReallyTransparent(size: (Int, Int)) {
        let image = PlaceholderRenderer.render(request(width: size.0, height: size.1, transparent: true))
        let (w, h) = size
        for (x, y) in [(0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1), (w / 2, 0), (0, h / 2)] {
            #expect(pixel(image, x, y)[3] == 0, "(\(x), \(y)) should be transparent")
        }
        let alphas = stride(from: 3, to: image.pixels.count, by: 4).map { image.pixels[$0] }
        let translucent = alphas.filter { $0 > 0 && $0 < 255 }.count
        #expect(translucent > alphas.count / 20, "the card should be semi-opaque")
    }

    @Test func transparentCardIsSemiOpaqueAndTextOpaque() throws {
        let req = request(width: 1024, height: 1024, transparent: true)
        let image = PlaceholderRenderer.render(req)
        let layout = PlaceholderLayout(request: req, width: 1024, height: 1024)
        let card = try #require(layout.card)
        let inside = pixel(image, card.x0 + 4, (card.y0 + card.y1) / 2)[3]
        #expect(inside > 150 && inside < 255)
        let title = try #require(layout.lines.first)
        #expect(title.text == Array("1024 x 1024".utf8))
        // The '1' of the title has a solid stem in its third column.
        #expect(pixel(image, title.x + 2 * title.scale, title.y + 3 * title.scale)[3] == 255)
    }

    @Test func layoutShowsSizePromptAndFooter() throws {
        let layout = PlaceholderLayout(request: request(index: 4), width: 1024, height: 1024)
        let texts = layout.lines.map { String(decoding: $0.text, as: UTF8.self) }
        #expect(texts == ["1024 x 1024", "A red fox in a misty forest", "images-mock  #5"])
        let card = try #require(layout.card)
        for line in layout.lines {
            #expect(line.x >= card.x0 && line.x + BitmapFont.width(ofCount: line.text.count) * line.scale <= card.x1)
            #expect(line.y >= card.y0 && line.y + BitmapFont.glyphHeight * line.scale <= card.y1)
        }
    }

    @Test func tinyImagesSkipText() {
        #expect(PlaceholderLayout(request: request(), width: 16, height: 16).lines.isEmpty)
        #expect(PlaceholderLayout(request: request(), width: 1, height: 1).card == nil)
    }

    @Test(arguments: [(256, 256), (1024, 1024), (1536, 864), (3840, 2160), (300, 120), (4000, 20), (20, 4000)])
    func textStaysInsideTheImage(size: (Int, Int)) {
        let long = String(repeating: "supercalifragilistic expialidocious ", count: 40)
        let layout = PlaceholderLayout(request: request(long), width: size.0, height: size.1)
        for line in layout.lines {
            #expect(line.x >= 0 && line.x + BitmapFont.width(ofCount: line.text.count) * line.scale <= size.0)
            #expect(line.y >= 0 && line.y + BitmapFont.glyphHeight * line.scale <= size.1)
        }
        #expect(layout.lines.count <= 5)
    }
}

@Suite("Placeholder prompt text")
struct PromptTextTests {
    private func wrap(_ prompt: String, _ perLine: Int, _ lines: Int = 3) -> [String] {
        PromptWords(prompt, limit: 1000).wrapped(charactersPerLine: perLine, maximumLines: lines)
            .map { String(decoding: $0, as: UTF8.self) }
    }

    @Test func wrapsOnWords() {
        #expect(wrap("the quick brown fox jumps", 10) == ["the quick", "brown fox", "jumps"])
    }

    @Test func collapsesWhitespace() {
        #expect(wrap("  a\t\tb\n\nc  ", 20) == ["a b c"])
    }

    @Test func cutsWithAnEllipsis() {
        #expect(wrap("one two three four five six seven", 9, 2) == ["one two", "three..."])
        #expect(wrap("aaaa bbbb cccc dddd", 9, 1) == ["aaaa b..."])
    }

    @Test func breaksWordsLongerThanALine() {
        #expect(wrap("abcdefghijkl xy", 5) == ["abcde", "fghij", "kl xy"])
        #expect(wrap("abcdefghijklmnopqrstuvwxyz", 5) == ["abcde", "fghij", "kl..."])
    }

    @Test func drawsOtherCharactersAsQuestionMarks() {
        #expect(wrap("café 日本 naïve", 30) == ["caf? ?? na?ve"])
        #expect(wrap("e\u{301}", 30) == ["?"])
    }

    @Test func emptyPromptHasNoLines() {
        #expect(wrap("", 10).isEmpty)
        #expect(wrap("   ", 10).isEmpty)
    }

    @Test func veryLongPromptsAreReadOnlyAsFarAsNeeded() {
        let words = PromptWords(String(repeating: "word ", count: 10_000), limit: 100)
        #expect(words.isCut)
        #expect(words.words.count == 20)
        #expect(words.wrapped(charactersPerLine: 30, maximumLines: 3).last.map { Array($0.suffix(3)) } == Array("...".utf8))
    }

    @Test func fontCoversPrintableASCII() {
        #expect(BitmapFont.rows.count == 95 * BitmapFont.glyphHeight)
        #expect(BitmapFont.rows[0..<BitmapFont.glyphHeight].allSatisfy { $0 == 0 }, "space is blank")
        for code in 0x21...0x7E {
            let rows = BitmapFont.rows[(code - 0x20) * BitmapFont.glyphHeight..<(code - 0x1F) * BitmapFont.glyphHeight]
            #expect(rows.contains { $0 != 0 }, "glyph \(code) is blank")
        }
        #expect(BitmapFont.code(for: "A") == UInt8(ascii: "A"))
        #expect(BitmapFont.code(for: "é") == UInt8(ascii: "?"))
        #expect(BitmapFont.code(for: "\u{7F}") == UInt8(ascii: "?"))
    }
}

@Suite("Image cache")
struct ImageCacheTests {
    private func key(_ index: Int, format: ImageFormat = .png, compression: Int = 100, transparent: Bool = false) -> ImageVariantKey {
        ImageVariantKey(
            placeholder: request(width: 64, height: 48, index: index, transparent: transparent),
            format: format, compression: compression
        )
    }

    @Test func missThenHit() throws {
        let cache = ImageCache(maxBytes: 10_000_000)
        let first = try cache.image(for: key(0))
        let second = try cache.image(for: key(0))
        #expect(first.bytes == second.bytes)
        let stats = cache.statistics
        #expect(stats.misses == 1 && stats.hits == 1 && stats.evictions == 0 && stats.entries == 1)
        #expect(stats.bytes == first.bytes.count + first.base64.count)
    }

    @Test func pngIgnoresCompressionInTheKey() throws {
        let cache = ImageCache(maxBytes: 10_000_000)
        _ = try cache.image(for: key(0, compression: 100))
        _ = try cache.image(for: key(0, compression: 30))
        #expect(cache.statistics.hits == 1)
        _ = try cache.image(for: key(0, format: .jpeg, compression: 100))
        _ = try cache.image(for: key(0, format: .jpeg, compression: 30))
        #expect(cache.statistics.misses == 3)
    }

    @Test func evictsTheLeastRecentlyUsedByBytes() throws {
        let costs = try (0..<3).map { i in
            let image = try ImageCache.make(key(i))
            return image.bytes.count + image.base64.count
        }
        // Room for #0 with either other entry, never all three.
        let budget = max(costs[0] + costs[1], costs[0] + costs[2])
        let cache = ImageCache(maxBytes: budget)
        _ = try cache.image(for: key(0))
        _ = try cache.image(for: key(1))
        _ = try cache.image(for: key(0))  // hit: #1 becomes the oldest
        _ = try cache.image(for: key(2))  // evicts #1
        var stats = cache.statistics
        #expect(stats.evictions == 1)
        #expect(stats.entries == 2)
        #expect(stats.bytes == costs[0] + costs[2])
        _ = try cache.image(for: key(0))
        #expect(cache.statistics.hits == stats.hits + 1, "#0 was used recently and must still be cached")
        stats = cache.statistics
        _ = try cache.image(for: key(1))
        #expect(cache.statistics.misses == stats.misses + 1, "#1 was the oldest and must have been evicted")
    }

    @Test func imagesLargerThanTheCacheAreReturnedButNotKept() throws {
        let cache = ImageCache(maxBytes: 100)
        let image = try cache.image(for: key(0))
        #expect(!image.bytes.isEmpty)
        #expect(cache.statistics.entries == 0 && cache.statistics.bytes == 0)
    }

    @Test(arguments: ImageFormat.allCases)
    func encodedImagesDecodeAtTheirSize(format: ImageFormat) throws {
        for transparent in [false, true] {
            let encoded = try ImageCache.make(key(3, format: format, compression: 80, transparent: transparent))
            #expect(encoded.format == format && encoded.width == 64 && encoded.height == 48)
            let decoded = try ImageDecoder.decode(encoded.bytes)
            #expect(decoded.format == format)
            #expect(decoded.image.width == 64 && decoded.image.height == 48)
            #expect(decoded.hasAlpha == (transparent && format != .jpeg))
        }
    }

    @Test func base64DecodesToTheBytes() throws {
        let encoded = try ImageCache(maxBytes: 1_000_000).image(for: key(0, format: .webp))
        #expect(encoded.base64.count % 4 == 0)
        #expect(!encoded.base64.contains(UInt8(ascii: "\n")) && !encoded.base64.contains(UInt8(ascii: "\r")))
        let decoded = try #require(Data(base64Encoded: Data(encoded.base64)))
        #expect(Array(decoded) == encoded.bytes)
        #expect(EncodedImage(bytes: [0xFF, 0xD8], format: .jpeg, width: 1, height: 1).base64 == Array("/9g=".utf8))
    }

    @Test func concurrentUseKeepsConsistentCounts() async throws {
        let cache = ImageCache(maxBytes: 200_000)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for i in 0..<20 {
                        _ = try cache.image(for: key((task + i) % 6))
                    }
                }
            }
            try await group.waitForAll()
        }
        let stats = cache.statistics
        #expect(stats.hits + stats.misses == 160)
        #expect(stats.bytes <= 200_000)
        #expect(stats.entries <= 6)
    }
}
