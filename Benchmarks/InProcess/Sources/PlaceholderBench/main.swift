// Placeholder generation, cold and cached, per image.
//
// cold:   ImageCache.image(for:) on a key never seen before (distinct prompt) = render + encode +
//         base64 + insert: what the first request for an image pays.
// warm:   ImageCache.image(for:) on a key already cached: what every later request pays.
// Breakdown of cold: PlaceholderRenderer.render alone, ImageEncoder.encode alone (one rendered
// image encoded repeatedly), EncodedImage(bytes:...) alone (the base64 step).
//
// Usage: PlaceholderBench [--cold N] [--warm-batches N] [--batch N] [--json]
// Medians of N samples; warm calls are timed in batches (a hit is far below the clock's resolution
// for one call) and reported per call.

import ImagesMockCodecs
import ImagesMockCore

#if canImport(Glibc)
import Glibc
import BenchSupport
#endif

struct Variant {
    let name: String
    let format: ImageFormat
    let width: Int
    let height: Int
}

struct Figures {
    let variant: Variant
    let coldMs: Double
    let renderMs: Double
    let encodeMs: Double
    let base64Ms: Double
    let warmMs: Double
    let fileBytes: Int
    let base64Bytes: Int
}

let variants = [
    Variant(name: "png-1024x1024", format: .png, width: 1024, height: 1024),
    Variant(name: "jpeg-1024x1024", format: .jpeg, width: 1024, height: 1024),
    Variant(name: "webp-1024x1024", format: .webp, width: 1024, height: 1024),
    Variant(name: "png-1536x1024", format: .png, width: 1536, height: 1024),
]

var coldSamples = 7
var warmBatches = 200
var batchSize = 100
var json = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--cold": coldSamples = max(1, Int(arguments.next() ?? "") ?? coldSamples)
    case "--warm-batches": warmBatches = max(1, Int(arguments.next() ?? "") ?? warmBatches)
    case "--batch": batchSize = max(1, Int(arguments.next() ?? "") ?? batchSize)
    case "--json": json = true
    default:
        print("usage: PlaceholderBench [--cold N] [--warm-batches N] [--batch N] [--json]")
        exit(2)
    }
}




/// Keeps results observable so the optimiser cannot drop the measured work.
var sink = 0

@MainActor
func measure(_ variant: Variant) throws -> Figures {
    // A cache large enough never to evict during the run; every cold key is new to it.
    let cache = ImageCache(maxBytes: 1 << 30)
    func request(_ prompt: String) -> PlaceholderRequest {
        PlaceholderRequest(prompt: prompt, width: variant.width, height: variant.height, index: 0, seed: 0, transparentBackground: false)
    }
    func key(_ prompt: String) -> ImageVariantKey {
        ImageVariantKey(placeholder: request(prompt), format: variant.format, compression: 100)
    }

    // One untimed cold call first: loads the codec libraries and faults in the allocator's pages.
    sink &+= try cache.image(for: key("warm-up \(variant.name)")).bytes.count

    var cold: [Double] = []
    for sample in 0..<coldSamples {
        let unique = key("bench cold \(variant.name) #\(sample)")
        let started = clock.now
        let image = try cache.image(for: unique)
        cold.append(milliseconds(clock.now - started))
        sink &+= image.bytes.count
    }

    var render: [Double] = []
    var lastImage: RGBAImage?
    for sample in 0..<coldSamples {
        let placeholder = request("bench render \(variant.name) #\(sample)")
        let started = clock.now
        let image = PlaceholderRenderer.render(placeholder)
        render.append(milliseconds(clock.now - started))
        sink &+= image.pixels.count
        lastImage = image
    }

    var encode: [Double] = []
    var encoded: [UInt8] = []
    for _ in 0..<coldSamples {
        let started = clock.now
        encoded = try ImageEncoder.encode(lastImage!, as: variant.format, quality: 100, preserveAlpha: false)
        encode.append(milliseconds(clock.now - started))
        sink &+= encoded.count
    }

    var base64: [Double] = []
    var base64Bytes = 0
    for _ in 0..<coldSamples {
        let started = clock.now
        let image = EncodedImage(bytes: encoded, format: variant.format, width: variant.width, height: variant.height)
        base64.append(milliseconds(clock.now - started))
        base64Bytes = image.base64.count
        sink &+= base64Bytes
    }

    let warmKey = key("bench warm \(variant.name)")
    sink &+= try cache.image(for: warmKey).bytes.count
    var warm: [Double] = []
    for _ in 0..<warmBatches {
        let started = clock.now
        for _ in 0..<batchSize {
            sink &+= try cache.image(for: warmKey).base64.count
        }
        warm.append(milliseconds(clock.now - started) / Double(batchSize))
    }

    return Figures(
        variant: variant, coldMs: median(cold), renderMs: median(render), encodeMs: median(encode),
        base64Ms: median(base64), warmMs: median(warm), fileBytes: encoded.count, base64Bytes: base64Bytes)
}

var results: [Figures] = []
for variant in variants {
    results.append(try measure(variant))
}


if json {
    let items = results.map { figures in
        "{\"variant\": \"\(figures.variant.name)\", \"cold_ms\": \(figures.coldMs), \"render_ms\": \(figures.renderMs), "
            + "\"encode_ms\": \(figures.encodeMs), \"base64_ms\": \(figures.base64Ms), \"warm_ms\": \(figures.warmMs), "
            + "\"file_bytes\": \(figures.fileBytes), \"base64_bytes\": \(figures.base64Bytes), "
            + "\"cold_samples\": \(coldSamples), \"warm_calls\": \(warmBatches * batchSize)}"
    }
    print("[\n  " + items.joined(separator: ",\n  ") + "\n]")
} else {
    print("variant          cold ms   render ms  encode ms  base64 ms   warm ms     file bytes")
    for figures in results {
        let columns = [
            figures.variant.name.padding(16),
            fixed(figures.coldMs, 2).leftPadding(8), fixed(figures.renderMs, 2).leftPadding(11),
            fixed(figures.encodeMs, 2).leftPadding(10), fixed(figures.base64Ms, 2).leftPadding(10),
            fixed(figures.warmMs, 5).leftPadding(10), String(figures.fileBytes).leftPadding(14),
        ]
        print(columns.joined(separator: " "))
    }
    print("(medians: \(coldSamples) cold samples; warm = \(warmBatches) batches of \(batchSize) hits, per hit)")
}
if sink == 42 { print("") }

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
    func leftPadding(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
