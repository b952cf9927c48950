import Foundation

/// An RGBA8 drawing surface with the few primitives placeholders need. Straight (not premultiplied)
/// alpha, source-over compositing, everything clipped to the canvas. Plain array indexing only.
struct Canvas {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    init(width: Int, height: Int) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 4)
    }

    /// Fills the canvas with a diagonal gradient: `ramp.first` at the top-left corner,
    /// `ramp.last` at the bottom-right. Every pixel gets `alpha`.
    ///
    /// The colour at (x, y) depends only on u = x + y * (width - 1) / (height - 1), so every row
    /// is a window onto one precomputed strip and is filled with a single slice copy.
    mutating func fillDiagonalGradient(_ ramp: [Colour], alpha: UInt8) {
        guard width > 0, height > 0, !ramp.isEmpty else { return }
        let offsets = (0..<height).map { y in height > 1 ? y * (width - 1) / (height - 1) : 0 }
        let stripLength = width + offsets[height - 1]
        let steps = ramp.count - 1
        var strip = [UInt8](repeating: alpha, count: stripLength * 4)
        for u in 0..<stripLength {
            let colour = ramp[stripLength > 1 ? u * steps / (stripLength - 1) : 0]
            strip[u * 4] = colour.r
            strip[u * 4 + 1] = colour.g
            strip[u * 4 + 2] = colour.b
        }
        let rowBytes = width * 4
        for y in 0..<height {
            let source = offsets[y] * 4
            pixels.replaceSubrange(y * rowBytes..<(y + 1) * rowBytes, with: strip[source..<source + rowBytes])
        }
    }

    /// Composites `colour` at `alpha` (0...255) over the pixel at byte offset `i`.
    @inline(__always)
    mutating func blend(at i: Int, _ colour: Colour, alpha: Int) {
        guard alpha > 0 else { return }
        let dstA = Int(pixels[i + 3])
        if alpha >= 255 || dstA == 0 {
            pixels[i] = colour.r
            pixels[i + 1] = colour.g
            pixels[i + 2] = colour.b
            pixels[i + 3] = UInt8(min(alpha, 255))
            return
        }
        let inverse = 255 - alpha
        if dstA == 255 {
            pixels[i] = UInt8((Int(colour.r) * alpha + Int(pixels[i]) * inverse + 127) / 255)
            pixels[i + 1] = UInt8((Int(colour.g) * alpha + Int(pixels[i + 1]) * inverse + 127) / 255)
            pixels[i + 2] = UInt8((Int(colour.b) * alpha + Int(pixels[i + 2]) * inverse + 127) / 255)
            return
        }
        // General case: weights in units of 1/255².
        let srcWeight = alpha * 255
        let dstWeight = dstA * inverse
        let total = srcWeight + dstWeight
        pixels[i] = UInt8((Int(colour.r) * srcWeight + Int(pixels[i]) * dstWeight + total / 2) / total)
        pixels[i + 1] = UInt8((Int(colour.g) * srcWeight + Int(pixels[i + 1]) * dstWeight + total / 2) / total)
        pixels[i + 2] = UInt8((Int(colour.b) * srcWeight + Int(pixels[i + 2]) * dstWeight + total / 2) / total)
        pixels[i + 3] = UInt8((total + 127) / 255)
    }

    /// Fills the pixel rectangle [x0, x1) x [y0, y1) with `colour` at `alpha`.
    mutating func fillRect(x0: Int, y0: Int, x1: Int, y1: Int, _ colour: Colour, alpha: Int) {
        let left = max(x0, 0)
        let right = min(x1, width)
        let top = max(y0, 0)
        let bottom = min(y1, height)
        guard left < right, top < bottom else { return }
        for y in top..<bottom {
            var i = (y * width + left) * 4
            for _ in left..<right {
                blend(at: i, colour, alpha: alpha)
                i += 4
            }
        }
    }

    /// An anti-aliased disc centred at (`cx`, `cy`) in pixel coordinates.
    mutating func fillDisc(cx: Double, cy: Double, radius: Double, _ colour: Colour, alpha: Int) {
        let x0 = max(Int((cx - radius - 1).rounded(.down)), 0)
        let x1 = min(Int((cx + radius + 1).rounded(.up)), width)
        let y0 = max(Int((cy - radius - 1).rounded(.down)), 0)
        let y1 = min(Int((cy + radius + 1).rounded(.up)), height)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            let dy = Double(y) + 0.5 - cy
            for x in x0..<x1 {
                let dx = Double(x) + 0.5 - cx
                let coverage = min(max(radius + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1)
                if coverage > 0 {
                    blend(at: (y * width + x) * 4, colour, alpha: Int(Double(alpha) * coverage + 0.5))
                }
            }
        }
    }

    /// An anti-aliased rounded rectangle with integer edges, optionally over a soft drop shadow.
    /// The shadow is only drawn outside the card. Rows clear of the corners blend one constant
    /// span; only corner rows and the shadow band need per-pixel distances.
    mutating func fillRoundedRect(
        x0: Int, y0: Int, x1: Int, y1: Int, radius: Double,
        _ colour: Colour, alpha: Int,
        shadow: Shadow? = nil
    ) {
        guard x0 < x1, y0 < y1 else { return }
        let shape = RoundedRect(x0: x0, y0: y0, x1: x1, y1: y1, radius: radius)
        if let shadow {
            drawShadow(of: shape, shadow)
        }
        let cornerRows = Int(shape.radius.rounded(.up))
        for y in max(y0, 0)..<min(y1, height) {
            if y >= y0 + cornerRows && y < y1 - cornerRows {
                fillRect(x0: x0, y0: y, x1: x1, y1: y + 1, colour, alpha: alpha)
                continue
            }
            let qy = shape.qy(Double(y) + 0.5, shift: 0)
            for x in max(x0, 0)..<min(x1, width) {
                let coverage = shape.coverage(qx: shape.qx(Double(x) + 0.5), qy: qy)
                if coverage > 0 {
                    blend(at: (y * width + x) * 4, colour, alpha: Int(Double(alpha) * coverage + 0.5))
                }
            }
        }
    }

    struct Shadow {
        var blur: Double
        var offsetY: Double
        var alpha: Int
    }

    /// Geometry of a rounded rectangle for signed-distance anti-aliasing.
    struct RoundedRect {
        let x0: Int, y0: Int, x1: Int, y1: Int
        let cx: Double, cy: Double
        let straightHalfWidth: Double, straightHalfHeight: Double
        let radius: Double

        init(x0: Int, y0: Int, x1: Int, y1: Int, radius: Double) {
            (self.x0, self.y0, self.x1, self.y1) = (x0, y0, x1, y1)
            cx = Double(x0 + x1) / 2
            cy = Double(y0 + y1) / 2
            self.radius = min(radius, Double(x1 - x0) / 2, Double(y1 - y0) / 2)
            straightHalfWidth = Double(x1 - x0) / 2 - self.radius
            straightHalfHeight = Double(y1 - y0) / 2 - self.radius
        }

        @inline(__always) func qx(_ px: Double) -> Double { abs(px - cx) - straightHalfWidth }
        @inline(__always) func qy(_ py: Double, shift: Double) -> Double { abs(py - cy - shift) - straightHalfHeight }

        /// Signed distance from the outline (negative inside).
        @inline(__always) func distance(qx: Double, qy: Double) -> Double {
            (qx > 0 && qy > 0 ? (qx * qx + qy * qy).squareRoot() : max(qx, qy)) - radius
        }

        @inline(__always) func coverage(qx: Double, qy: Double) -> Double {
            min(max(0.5 - distance(qx: qx, qy: qy), 0), 1)
        }
    }

    /// A soft black shadow of `shape` moved down by `offsetY`, drawn outside `shape` only.
    private mutating func drawShadow(of shape: RoundedRect, _ shadow: Shadow) {
        let reach = Int((shadow.blur + abs(shadow.offsetY)).rounded(.up)) + 1
        let left = max(shape.x0 - reach, 0)
        let right = min(shape.x1 + reach, width)
        guard left < right else { return }
        let cornerRows = Int(shape.radius.rounded(.up))
        for y in max(shape.y0 - reach, 0)..<min(shape.y1 + reach, height) {
            let py = Double(y) + 0.5
            let qy = shape.qy(py, shift: shadow.offsetY)
            let cardQy = shape.qy(py, shift: 0)
            // Rows crossing the card's straight part: only the bands left and right of it.
            let insideRow = y >= shape.y0 + cornerRows && y < shape.y1 - cornerRows
            var x = left
            while x < right {
                if insideRow && x == shape.x0 {
                    x = shape.x1
                    continue
                }
                let qx = shape.qx(Double(x) + 0.5)
                let cardCoverage = insideRow ? 0 : shape.coverage(qx: qx, qy: cardQy)
                if cardCoverage < 1 {
                    let d = shape.distance(qx: qx, qy: qy)
                    let t = min(max((d + shadow.blur * 0.25) / (shadow.blur * 1.25), 0), 1)
                    let strength = (1 - t) * (1 - t) * (1 - cardCoverage)
                    blend(at: (y * width + x) * 4, .black, alpha: Int(Double(shadow.alpha) * strength + 0.5))
                }
                x += 1
            }
        }
    }

    /// Draws `text` (ASCII codes 0x20...0x7E) with its top-left corner at (`x`, `y`), each font
    /// pixel a `scale` x `scale` square. Opaque; glyph pixels outside the canvas are skipped.
    mutating func drawText(_ text: [UInt8], x: Int, y: Int, scale: Int, _ colour: Colour) {
        let rows = BitmapFont.rows
        var penX = x
        for code in text {
            let glyph = Int(code - BitmapFont.firstCode) * BitmapFont.glyphHeight
            for row in 0..<BitmapFont.glyphHeight {
                let mask = rows[glyph + row]
                if mask == 0 { continue }
                for column in 0..<BitmapFont.glyphWidth where mask & (1 << UInt8(BitmapFont.glyphWidth - 1 - column)) != 0 {
                    let px = penX + column * scale
                    let py = y + row * scale
                    fillRect(x0: px, y0: py, x1: px + scale, y1: py + scale, colour, alpha: 255)
                }
            }
            penX += BitmapFont.advance * scale
        }
    }
}
