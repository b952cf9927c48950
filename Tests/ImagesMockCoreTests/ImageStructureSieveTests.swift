import ImagesMockCodecs
@testable import ImagesMockCore
import Testing

// The multipart parser may keep only the structure of an uploaded image
// (`FileContentRetention.imageStructure`). Whatever it leaves out, inspecting what it kept must
// give exactly what inspecting the whole file gives: the same ImageInfo or the same error.

/// The outcome of inspecting a file, comparable.
private enum Inspection: Equatable {
    case info(ImageInfo)
    case error(ImageInspectionError)

    init(_ bytes: ImageBytes) {
        do { self = .info(try ImageInspector.inspect(bytes)) } catch { self = .error(error) }
    }
}

/// Runs the sieve over `file` split at `cuts`, as the parser does: the kept bytes and the
/// omitted ranges.
private func sieve(_ file: [UInt8], cuts: [Int]) -> (kept: [UInt8], omitted: [Range<Int>]) {
    var sieve = ImageStructureSieve()
    var kept: [UInt8] = []
    var omitted: [Range<Int>] = []
    let bounds = [0] + cuts.filter { $0 > 0 && $0 < file.count }.sorted() + [file.count]
    for (start, end) in zip(bounds, bounds.dropFirst()) where start < end {
        let chunk = Array(file[start..<end])
        var index = 0
        while index < chunk.count {
            let run = sieve.next(chunk.span, from: index, to: chunk.count)
            #expect(run.count > 0 && run.count <= chunk.count - index)
            if run.keep {
                kept += chunk[index..<index + run.count]
            } else if let last = omitted.last, last.upperBound == start + index {
                omitted[omitted.count - 1] = last.lowerBound..<start + index + run.count
            } else {
                omitted.append(start + index..<start + index + run.count)
            }
            index += run.count
        }
    }
    return (kept, omitted)
}

/// Checks that the sparse view reads the same as the file wherever it kept bytes, and that
/// inspecting it agrees with inspecting the whole file. Returns how many bytes were kept.
@discardableResult
private func expectSameInspection(
    _ file: [UInt8], cuts: [Int] = [], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
) -> Int {
    let (kept, omitted) = sieve(file, cuts: cuts)
    let sparse = ImageBytes(kept: kept, omitted: omitted)
    #expect(sparse.count == file.count, comment, sourceLocation: sourceLocation)
    var omittedOffsets = Set<Int>()
    for range in omitted { omittedOffsets.formUnion(range) }
    for offset in 0..<file.count where !omittedOffsets.contains(offset) && sparse[offset] != file[offset] {
        Issue.record("byte \(offset) reads \(sparse[offset]), the file has \(file[offset]) \(comment.map { "(\($0))" } ?? "")",
                     sourceLocation: sourceLocation)
        break
    }
    #expect(Inspection(sparse) == Inspection(ImageBytes(file)), comment, sourceLocation: sourceLocation)
    return kept.count
}

/// RGB noise: compresses badly, so the PNG is mostly image data in many IDAT chunks.
private func noise(width: Int, height: Int, seed: UInt64) -> RGBAImage {
    var generator = SeededGenerator(seed: seed)
    var pixels = [UInt8](repeating: 255, count: width * height * 4)
    for index in pixels.indices where index % 4 != 3 { pixels[index] = UInt8.random(in: 0...255, using: &generator) }
    return RGBAImage(width: width, height: height, pixels: pixels)
}

private func samples() throws -> [(String, [UInt8])] {
    [
        ("noise PNG", try ImageEncoder.encode(noise(width: 160, height: 120, seed: 7), as: .png, preserveAlpha: false)),
        ("RGBA PNG", try ImageEncoder.encode(gradient(width: 37, height: 23, alpha: true), as: .png, preserveAlpha: true)),
        ("JPEG", try ImageEncoder.encode(gradient(width: 64, height: 17, alpha: false), as: .jpeg, quality: 80, preserveAlpha: false)),
        ("WebP", try ImageEncoder.encode(gradient(width: 33, height: 21, alpha: true), as: .webp, quality: 80, preserveAlpha: true)),
        ("palette PNG with tRNS", makePNG(colourType: 3, extra: [pngChunk("PLTE", [1, 2, 3, 4, 5, 6]), pngChunk("tRNS", [0])])),
        ("PNG with two IDATs and text", makePNG(extra: [pngChunk("tEXt", Array("Comment\u{0}hi".utf8)), pngChunk("IDAT", [1, 2, 3])])),
        ("hand-made JPEG", makeJPEG()),
        ("JPEG with fill bytes and RST", makeJPEG(beforeFrame: [0xFF, 0xFF, 0xFF, 0xD0, 0xFF, 0xFE, 0x00, 0x04, 0x41, 0x42])),
        ("VP8L WebP", makeWebP(webpChunk("VP8L", vp8lHeader(width: 9, height: 4, alpha: true)))),
        ("VP8X WebP", makeWebP(webpChunk("VP8X", vp8xData(flags: 0x10, width: 20, height: 10)) + webpChunk("ALPH", [0, 1])
            + webpChunk("VP8 ", vp8Frame(width: 20, height: 10)))),
        ("text", Array("not an image at all, just some words in a file".utf8)),
        ("GIF", Array("GIF89a".utf8) + [UInt8](repeating: 0, count: 40)),
        ("empty", []),
    ]
}

@Suite("Image structure sieve: sparse inspection equals whole inspection")
struct ImageStructureSieveTests {
    @Test func validFilesWholeAndSplit() throws {
        for (name, file) in try samples() {
            expectSameInspection(file, "\(name), one push")
            expectSameInspection(file, cuts: Array(stride(from: 1, to: file.count, by: 1)), "\(name), byte by byte")
            expectSameInspection(file, cuts: Array(stride(from: 7, to: file.count, by: 13)), "\(name), 13-byte pushes")
        }
    }

    @Test func truncatedAtEveryLength() throws {
        for (name, file) in try samples() where file.count <= 4096 {
            for length in 0..<file.count {
                expectSameInspection(Array(file.prefix(length)), cuts: [length / 2], "\(name) cut to \(length)")
            }
        }
    }

    @Test func mutatedFiles() throws {
        var generator = SeededGenerator(seed: 2026_12_06)
        for (name, file) in try samples() where !file.isEmpty {
            for trial in 0..<300 {
                var mutated = file
                // Mostly in the structure at the front, sometimes anywhere.
                let span = trial % 3 == 0 ? mutated.count : min(mutated.count, 160)
                for _ in 0..<Int.random(in: 1...3, using: &generator) {
                    let offset = Int.random(in: 0..<span, using: &generator)
                    mutated[offset] = trial % 2 == 0 ? UInt8.random(in: 0...255, using: &generator) : [0x00, 0xFF, 0x49, 0xDA][trial % 4]
                }
                if trial % 5 == 0 { mutated += [UInt8](repeating: 0xAB, count: trial % 37) }
                let cut = Int.random(in: 0...mutated.count, using: &generator)
                expectSameInspection(mutated, cuts: [cut], "\(name), mutation \(trial)")
            }
        }
    }

    @Test func imageDataIsNotKept() throws {
        let png = try ImageEncoder.encode(noise(width: 400, height: 300, seed: 3), as: .png, preserveAlpha: false)
        #expect(png.count > 300_000)
        let kept = expectSameInspection(png, cuts: Array(stride(from: 65_536, to: png.count, by: 65_536)))
        #expect(kept < 2_048, "a \(png.count)-byte PNG kept \(kept) bytes")

        let jpeg = try ImageEncoder.encode(noise(width: 400, height: 300, seed: 4), as: .jpeg, quality: 95, preserveAlpha: false)
        let keptOfJPEG = expectSameInspection(jpeg, cuts: [1_000, 50_000])
        #expect(keptOfJPEG < 2_048, "a \(jpeg.count)-byte JPEG kept \(keptOfJPEG) bytes")

        let webp = try ImageEncoder.encode(noise(width: 64, height: 64, seed: 5), as: .webp, quality: 80, preserveAlpha: false)
        #expect(expectSameInspection(webp) == webp.count, "WebP files are kept whole")

        let other = [UInt8](repeating: 0x41, count: 10_000)
        #expect(expectSameInspection(other) == 16)
    }

    @Test func imageBytesReadsAcrossGaps() {
        // File 0..<20 with 3..<8 and 12..<15 left out.
        let file = (0..<20).map { UInt8($0 + 100) }
        let kept = file.enumerated().filter { !(3..<8).contains($0.offset) && !(12..<15).contains($0.offset) }.map(\.element)
        let sparse = ImageBytes(kept: kept, omitted: [3..<8, 12..<15])
        #expect(sparse.count == 20)
        #expect(!sparse.isWhole)
        for offset in 0..<20 {
            let expected: UInt8 = (3..<8).contains(offset) || (12..<15).contains(offset) ? 0 : file[offset]
            #expect(sparse[offset] == expected, "offset \(offset)")
        }
        #expect(Array(sparse[8..<12]) == Array(file[8..<12]))
        #expect(Array(sparse[15..<20]) == Array(file[15..<20]))
        #expect(Array(sparse[0..<3]) == Array(file[0..<3]))
        #expect(Array(sparse[2..<4]) == [file[2], 0])
        #expect(Array(sparse.prefix(2)) == Array(file[0..<2]))
    }
}

@Suite("Multipart parser: image structure retention")
struct MultipartImageRetentionTests {
    private static let boundary = "sieve-boundary-1234"

    private func body(file: [UInt8]) -> [UInt8] {
        Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhello\r\n".utf8)
            + Array("--\(Self.boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n".utf8)
            + file + Array("\r\n--\(Self.boundary)--\r\n".utf8)
    }

    private func parse(_ body: [UInt8], retention: FileContentRetention, chunk: Int) throws -> [MultipartPart] {
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=\(Self.boundary)")
        parser.fileRetention = retention
        var parts: [MultipartPart] = []
        var start = 0
        while start < body.count {
            try parser.push(body[start..<min(body.count, start + chunk)])
            while let part = parser.nextPart() { parts.append(part) }
            start += chunk
        }
        try parser.finish()
        while let part = parser.nextPart() { parts.append(part) }
        return parts
    }

    @Test func filePartsKeepTheirStructureTextPartsEverything() throws {
        let png = try ImageEncoder.encode(noise(width: 300, height: 200, seed: 11), as: .png, preserveAlpha: false)
        for chunk in [1_000, 16_384, 65_536, png.count * 2] {
            let whole = try parse(body(file: png), retention: .whole, chunk: chunk)
            let sparse = try parse(body(file: png), retention: .imageStructure, chunk: chunk)
            #expect(whole.count == 2 && sparse.count == 2)
            #expect(sparse[0] == whole[0], "the text field is kept whole")
            #expect(whole[1].body == png && whole[1].omitted.isEmpty)
            #expect(sparse[1].contentLength == png.count)
            #expect(sparse[1].body.count < 2_048)
            #expect(sparse[1].bodyOffset == whole[1].bodyOffset)
            let inspected = try ImageInspector.inspect(ImageBytes(kept: sparse[1].body, omitted: sparse[1].omitted))
            #expect(inspected == (try ImageInspector.inspect(png)))
        }
    }

    @Test func fileLimitCountsOmittedBytes() throws {
        let png = try ImageEncoder.encode(noise(width: 300, height: 200, seed: 12), as: .png, preserveAlpha: false)
        var parser = try MultipartParser(contentType: "multipart/form-data; boundary=\(Self.boundary)",
                                         limits: MultipartLimits(maxFileBytes: png.count - 1))
        parser.fileRetention = .imageStructure
        #expect(throws: MultipartError.self) { try parser.push(body(file: png)) }
    }
}
