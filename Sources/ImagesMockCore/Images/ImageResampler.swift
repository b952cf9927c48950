import ImagesMockCodecs

/// Fits a canned picture to the size an answer must have (design §1: every image in the exact
/// requested size). Pure pixel arithmetic; quality good enough for a demo, not a photo editor.
enum ImageResampler {
    /// `image` scaled, keeping its aspect ratio, until it covers `width`×`height`, then centred and
    /// cropped to it: nothing is stretched and no border is added. Large reductions first halve the
    /// picture with 2×2 averages, so detail is averaged rather than skipped; the last step is
    /// bilinear.
    static func cover(_ image: RGBAImage, width: Int, height: Int) -> RGBAImage {
        precondition(width > 0 && height > 0, "cover: empty target \(width)x\(height)")
        guard image.width > 0, image.height > 0 else {
            return RGBAImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 4))
        }
        if image.width == width && image.height == height { return image }
        var source = image
        // Halve while the picture stays at least twice the size it is sampled at.
        while true {
            let scale = max(Double(width) / Double(source.width), Double(height) / Double(source.height))
            guard scale <= 0.5, source.width >= 2, source.height >= 2 else { break }
            source = halved(source)
        }
        let scale = max(Double(width) / Double(source.width), Double(height) / Double(source.height))
        // The part of the source that is kept, centred.
        let originX = (Double(source.width) - Double(width) / scale) / 2
        let originY = (Double(source.height) - Double(height) / scale) / 2

        let columns = (0..<width).map { Sample(center: originX + (Double($0) + 0.5) / scale, count: source.width) }
        let input = source.pixels
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            let row = Sample(center: originY + (Double(y) + 0.5) / scale, count: source.height)
            for x in 0..<width {
                let column = columns[x]
                // Colours weighted by alpha, so transparent pixels lend no colour to their neighbours.
                var red = 0.0, green = 0.0, blue = 0.0, alpha = 0.0
                func add(_ sx: Int, _ sy: Int, _ weight: Double) {
                    let offset = (sy * source.width + sx) * 4
                    let weight = weight * Double(input[offset + 3])
                    red += Double(input[offset]) * weight
                    green += Double(input[offset + 1]) * weight
                    blue += Double(input[offset + 2]) * weight
                    alpha += weight
                }
                add(column.low, row.low, (1 - column.fraction) * (1 - row.fraction))
                add(column.high, row.low, column.fraction * (1 - row.fraction))
                add(column.low, row.high, (1 - column.fraction) * row.fraction)
                add(column.high, row.high, column.fraction * row.fraction)
                let offset = (y * width + x) * 4
                if alpha > 0 {
                    pixels[offset] = byte(red / alpha)
                    pixels[offset + 1] = byte(green / alpha)
                    pixels[offset + 2] = byte(blue / alpha)
                }
                pixels[offset + 3] = byte(alpha)
            }
        }
        return RGBAImage(width: width, height: height, pixels: pixels)
    }

    /// Half the size in each direction (an odd last row or column is dropped), each pixel the mean
    /// of a 2×2 block: alpha averaged, colours weighted by alpha. 8 bits per channel throughout,
    /// so a large canned picture costs a quarter of its own memory per step, no more.
    private static func halved(_ image: RGBAImage) -> RGBAImage {
        let halfWidth = image.width / 2, halfHeight = image.height / 2
        let input = image.pixels
        var result = [UInt8](repeating: 0, count: halfWidth * halfHeight * 4)
        for y in 0..<halfHeight {
            for x in 0..<halfWidth {
                let top = ((2 * y) * image.width + 2 * x) * 4
                let bottom = top + image.width * 4
                let a0 = Int(input[top + 3]), a1 = Int(input[top + 7]), a2 = Int(input[bottom + 3]), a3 = Int(input[bottom + 7])
                let alphaSum = a0 + a1 + a2 + a3
                let out = (y * halfWidth + x) * 4
                if alphaSum > 0 {
                    for channel in 0..<3 {
                        let weighted = Int(input[top + channel]) * a0 + Int(input[top + 4 + channel]) * a1
                            + Int(input[bottom + channel]) * a2 + Int(input[bottom + 4 + channel]) * a3
                        result[out + channel] = UInt8((weighted + alphaSum / 2) / alphaSum)
                    }
                }
                result[out + 3] = UInt8((alphaSum + 2) / 4)
            }
        }
        return RGBAImage(width: halfWidth, height: halfHeight, pixels: result)
    }

    /// `image` laid on white: every pixel opaque, its colour blended with white by its alpha (an
    /// opaque answer has no transparency, and dropping alpha alone would show whatever colour
    /// transparent pixels happen to store).
    static func flattenedOnWhite(_ image: RGBAImage) -> RGBAImage {
        var pixels = image.pixels
        for offset in stride(from: 0, to: pixels.count, by: 4) where pixels[offset + 3] != 255 {
            let alpha = Int(pixels[offset + 3])
            for channel in 0..<3 {
                pixels[offset + channel] = UInt8((Int(pixels[offset + channel]) * alpha + 255 * (255 - alpha) + 127) / 255)
            }
            pixels[offset + 3] = 255
        }
        return RGBAImage(width: image.width, height: image.height, pixels: pixels)
    }

    private static func byte(_ value: Double) -> UInt8 {
        UInt8(max(0, min(255, value.rounded())))
    }

    /// Where an output pixel's centre falls between two source pixels along one axis.
    private struct Sample {
        let low: Int
        let high: Int
        /// The weight of `high` (that of `low` is 1 − fraction).
        let fraction: Double

        init(center: Double, count: Int) {
            let position = min(max(center - 0.5, 0), Double(count - 1))
            low = Int(position.rounded(.down))
            high = min(low + 1, count - 1)
            fraction = position - Double(low)
        }
    }
}
