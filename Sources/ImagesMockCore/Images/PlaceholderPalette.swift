import Foundation

/// An 8-bit sRGB colour.
struct Colour: Equatable {
    var r: UInt8
    var g: UInt8
    var b: UInt8

    static let white = Colour(r: 255, g: 255, b: 255)
    static let black = Colour(r: 0, g: 0, b: 0)

    /// A colour given in OKLCH (lightness 0...1, chroma, hue in degrees); chroma is reduced until
    /// the colour fits the sRGB gamut, so hues keep their character instead of clipping.
    init(lightness: Double, chroma: Double, hue: Double) {
        let radians = hue * .pi / 180
        var c = chroma
        while true {
            let rgb = OKLab.linearSRGB(l: lightness, a: c * cos(radians), b: c * sin(radians))
            if c <= 0 || (rgb.0 >= 0 && rgb.0 <= 1 && rgb.1 >= 0 && rgb.1 <= 1 && rgb.2 >= 0 && rgb.2 <= 1) {
                self.init(linear: rgb)
                return
            }
            c = max(0, c - 0.005)
        }
    }

    init(r: UInt8, g: UInt8, b: UInt8) {
        self.r = r
        self.g = g
        self.b = b
    }

    init(linear rgb: (Double, Double, Double)) {
        self.init(r: OKLab.encode(rgb.0), g: OKLab.encode(rgb.1), b: OKLab.encode(rgb.2))
    }
}

/// Conversions between Björn Ottosson's OKLab space and sRGB.
enum OKLab {
    static func linearSRGB(l: Double, a: Double, b: Double) -> (Double, Double, Double) {
        let l1 = l + 0.396_337_777_4 * a + 0.215_803_757_3 * b
        let m1 = l - 0.105_561_345_8 * a - 0.063_854_172_8 * b
        let s1 = l - 0.089_484_177_5 * a - 1.291_485_548_0 * b
        let (l3, m3, s3) = (l1 * l1 * l1, m1 * m1 * m1, s1 * s1 * s1)
        return (
            4.076_741_662_1 * l3 - 3.307_711_591_3 * m3 + 0.230_969_929_2 * s3,
            -1.268_438_004_6 * l3 + 2.609_757_401_1 * m3 - 0.341_319_396_5 * s3,
            -0.004_196_086_3 * l3 - 0.703_418_614_7 * m3 + 1.707_614_701_0 * s3
        )
    }

    static func fromLinearSRGB(_ rgb: (Double, Double, Double)) -> (Double, Double, Double) {
        let l = 0.412_221_470_8 * rgb.0 + 0.536_332_536_3 * rgb.1 + 0.051_445_992_9 * rgb.2
        let m = 0.211_903_498_2 * rgb.0 + 0.680_699_545_1 * rgb.1 + 0.107_396_956_6 * rgb.2
        let s = 0.088_302_461_9 * rgb.0 + 0.281_718_837_6 * rgb.1 + 0.629_978_700_5 * rgb.2
        let (l1, m1, s1) = (cbrt(l), cbrt(m), cbrt(s))
        return (
            0.210_454_255_3 * l1 + 0.793_617_785_0 * m1 - 0.004_072_046_8 * s1,
            1.977_998_495_1 * l1 - 2.428_592_205_0 * m1 + 0.450_593_709_9 * s1,
            0.025_904_037_1 * l1 + 0.782_771_766_2 * m1 - 0.808_675_766_0 * s1
        )
    }

    static func decode(_ value: UInt8) -> Double {
        let v = Double(value) / 255
        return v <= 0.040_45 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
    }

    static func encode(_ linear: Double) -> UInt8 {
        let v = min(max(linear, 0), 1)
        let s = v <= 0.003_130_8 ? 12.92 * v : 1.055 * pow(v, 1 / 2.4) - 0.055
        return UInt8((s * 255).rounded())
    }

    /// `steps + 1` colours from `from` to `to`, interpolated in OKLab so the middle stays vivid.
    static func ramp(from: Colour, to: Colour, steps: Int) -> [Colour] {
        let a = fromLinearSRGB((decode(from.r), decode(from.g), decode(from.b)))
        let b = fromLinearSRGB((decode(to.r), decode(to.g), decode(to.b)))
        return (0...steps).map { i in
            let t = Double(i) / Double(steps)
            return Colour(linear: linearSRGB(
                l: a.0 + (b.0 - a.0) * t,
                a: a.1 + (b.1 - a.1) * t,
                b: a.2 + (b.2 - a.2) * t
            ))
        }
    }
}

/// Stable hashing: FNV-1a 64 and the SplitMix64 finaliser. Never Swift's `Hasher`, which is
/// seeded randomly per process: placeholders must be identical across runs and machines.
enum StableHash {
    static func fnv1a(_ bytes: some Sequence<UInt8>, into hash: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64 {
        var h = hash
        for byte in bytes {
            h ^= UInt64(byte)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    /// Hashes the 8 little-endian bytes of `value`.
    static func fnv1a(word value: UInt64, into hash: UInt64) -> UInt64 {
        var h = hash
        var v = value
        for _ in 0..<8 {
            h ^= v & 0xFF
            h &*= 0x0000_0100_0000_01B3
            v >>= 8
        }
        return h
    }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The colours of one placeholder, derived from its prompt, seed and index.
struct PlaceholderPalette {
    /// Top-left gradient colour (lighter).
    var start: Colour
    /// Bottom-right gradient colour (deeper).
    var end: Colour
    var title: Colour
    var body: Colour
    var footer: Colour
    var accent: Colour
    var card: Colour
    /// Offsets of the dot pattern, 0..<1 of a cell.
    var patternPhase: (Double, Double)

    /// The hue pair comes from FNV-1a of prompt and seed; each image index turns it by the golden
    /// angle (137.5°), so the images of one response never share a hue.
    init(prompt: String, seed: UInt64, index: Int) {
        var hash = StableHash.fnv1a(prompt.utf8)
        hash = StableHash.fnv1a([0xFF], into: hash)  // separator: 0xFF never occurs in UTF-8
        hash = StableHash.fnv1a(word: seed, into: hash)
        let base = StableHash.mix(hash)
        let perImage = StableHash.mix(StableHash.fnv1a(word: UInt64(bitPattern: Int64(index)), into: hash))

        let baseHue = Double(base % 36_000) / 100
        let hueA = (baseHue + Double(index) * 137.507_764).truncatingRemainder(dividingBy: 360)
        let spread = 45 + Double(perImage % 40)
        // Always turning the same way keeps the second hues of a response as far apart as the first.
        let hueB = hueA + spread

        start = Colour(lightness: 0.80, chroma: 0.13, hue: hueA)
        end = Colour(lightness: 0.56, chroma: 0.15, hue: hueB)
        title = Colour(lightness: 0.33, chroma: 0.10, hue: hueB)
        body = Colour(lightness: 0.28, chroma: 0.025, hue: hueA)
        footer = Colour(lightness: 0.52, chroma: 0.05, hue: hueB)
        accent = Colour(lightness: 0.66, chroma: 0.15, hue: hueA)
        card = Colour(lightness: 0.985, chroma: 0.008, hue: hueA)
        patternPhase = (Double((perImage >> 16) & 0xFF) / 256, Double((perImage >> 24) & 0xFF) / 256)
    }
}
