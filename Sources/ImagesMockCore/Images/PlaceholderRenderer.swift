public import ImagesMockCodecs

/// What a generated placeholder image depends on. Equal requests render identical pixels.
public struct PlaceholderRequest: Hashable, Sendable {
    public var prompt: String
    public var width: Int
    public var height: Int
    /// 0-based image index within one response.
    public var index: Int
    public var seed: UInt64
    /// Background outside the card fully transparent (alpha 0), card semi-opaque.
    public var transparentBackground: Bool

    public init(prompt: String, width: Int, height: Int, index: Int, seed: UInt64, transparentBackground: Bool) {
        self.prompt = prompt
        self.width = width
        self.height = height
        self.index = index
        self.seed = seed
        self.transparentBackground = transparentBackground
    }
}

/// Draws the deterministic placeholder images the mock returns when a scenario names no files:
/// a diagonal two-colour gradient with a dot pattern and a centred card that shows the size, the
/// start of the prompt and "images-mock  #n". Colours come from a stable hash of prompt, seed and
/// index. Text that does not fit (tiny images) is left out; any size from 1x1 up works. Callers
/// bound the size (the RGBA buffer is width x height x 4 bytes); sizes of 0 or less give an empty image.
public enum PlaceholderRenderer {
    public static func render(_ request: PlaceholderRequest) -> RGBAImage {
        let width = max(request.width, 0)
        let height = max(request.height, 0)
        var canvas = Canvas(width: width, height: height)
        guard width > 0, height > 0 else {
            return RGBAImage(width: width, height: height, pixels: canvas.pixels)
        }
        let palette = PlaceholderPalette(prompt: request.prompt, seed: request.seed, index: request.index)
        let transparent = request.transparentBackground
        let shortSide = Double(min(width, height))

        // Background: the gradient's colours are kept under alpha 0 too, so an encoder that drops
        // alpha (JPEG) still shows a sensible picture.
        canvas.fillDiagonalGradient(OKLab.ramp(from: palette.start, to: palette.end, steps: 1024), alpha: transparent ? 0 : 255)
        if !transparent {
            drawDots(on: &canvas, shortSide: shortSide, phase: palette.patternPhase)
        }

        let layout = PlaceholderLayout(request: request, width: width, height: height)
        guard let card = layout.card else {
            return RGBAImage(width: width, height: height, pixels: canvas.pixels)
        }
        let blur = max(1, shortSide * 0.03)
        canvas.fillRoundedRect(
            x0: card.x0, y0: card.y0, x1: card.x1, y1: card.y1, radius: layout.cornerRadius,
            palette.card, alpha: transparent ? 214 : 236,
            shadow: transparent ? nil : Canvas.Shadow(blur: blur, offsetY: blur * 0.45, alpha: 70)
        )
        if let accent = layout.accent {
            canvas.fillRect(x0: accent.x0, y0: accent.y0, x1: accent.x1, y1: accent.y1, palette.accent, alpha: 255)
        }
        for line in layout.lines {
            let colour: Colour
            switch line.role {
            case .title: colour = palette.title
            case .body: colour = palette.body
            case .footer: colour = palette.footer
            }
            canvas.drawText(line.text, x: line.x, y: line.y, scale: line.scale, colour)
        }
        return RGBAImage(width: width, height: height, pixels: canvas.pixels)
    }

    /// A grid of small translucent white dots, shifted by the palette's phase.
    private static func drawDots(on canvas: inout Canvas, shortSide: Double, phase: (Double, Double)) {
        let cell = max(6, (shortSide / 26).rounded())
        let radius = max(0.7, cell * 0.085)
        var y = phase.1 * cell
        while y < Double(canvas.height) + cell {
            var x = phase.0 * cell
            while x < Double(canvas.width) + cell {
                canvas.fillDisc(cx: x, cy: y, radius: radius, .white, alpha: 40)
                x += cell
            }
            y += cell
        }
    }
}

/// Where the card and each line of text go. Pure arithmetic, so it is cheap to try several
/// text scales and keep the largest that fits.
struct PlaceholderLayout {
    struct Rect {
        var x0: Int
        var y0: Int
        var x1: Int
        var y1: Int
    }

    enum Role {
        case title, body, footer
    }

    struct Line {
        var text: [UInt8]
        var x: Int
        var y: Int
        var scale: Int
        var role: Role
    }

    static let maximumPromptLines = 3

    private(set) var card: Rect?
    private(set) var cornerRadius: Double = 0
    private(set) var accent: Rect?
    private(set) var lines: [Line] = []

    init(request: PlaceholderRequest, width: Int, height: Int) {
        let shortSide = min(width, height)
        let cardWidth = min(Int(Double(width) * 0.78), Int(Double(shortSide) * 1.35))
        let padding = max(2, Int(Double(shortSide) * 0.045))
        let innerWidth = cardWidth - 2 * padding
        let maximumCardHeight = height - 2 * max(1, Int(Double(shortSide) * 0.06))
        cornerRadius = max(1.5, Double(shortSide) * 0.03)
        guard cardWidth > 0 else { return }

        let title = Array("\(width) x \(height)".utf8)
        let footer = Array("images-mock  #\(request.index + 1)".utf8)
        let largestScale = max(1, shortSide / 100)
        // The prompt is only read as far as the largest possible text block could show.
        let words = PromptWords(request.prompt, limit: Self.maximumPromptLines * (innerWidth / BitmapFont.advance + 1) + 1)

        // Preference: everything at the largest scale that fits, then fewer prompt lines, then no footer.
        var attempts: [(lines: Int, footer: Bool)] = []
        for lines in stride(from: Self.maximumPromptLines, through: 0, by: -1) { attempts.append((lines, true)) }
        attempts.append((0, false))
        for attempt in attempts {
            for scale in stride(from: largestScale, through: 1, by: -1) {
                if let block = TextBlock(
                    title: title, footer: attempt.footer ? footer : nil, words: words,
                    maximumLines: attempt.lines, titleScale: scale, innerWidth: innerWidth
                ), block.height + 2 * padding <= maximumCardHeight {
                    place(block, cardWidth: cardWidth, padding: padding, width: width, height: height)
                    return
                }
            }
        }
        // No text fits: a plain card keeps the picture recognisable.
        let cardHeight = Int(Double(height) * 0.36)
        guard cardHeight > 0 else { return }
        let x0 = (width - cardWidth) / 2
        let y0 = (height - cardHeight) / 2
        card = Rect(x0: x0, y0: y0, x1: x0 + cardWidth, y1: y0 + cardHeight)
    }

    private mutating func place(_ block: TextBlock, cardWidth maximumCardWidth: Int, padding: Int, width: Int, height: Int) {
        // The card hugs its text (short prompts get a compact card), but never gets narrow.
        let cardWidth = min(
            maximumCardWidth,
            max(block.width + 2 * padding, Int(Double(min(width, height)) * 0.6))
        )
        let cardHeight = block.height + 2 * padding
        let x0 = (width - cardWidth) / 2
        let y0 = (height - cardHeight) / 2
        card = Rect(x0: x0, y0: y0, x1: x0 + cardWidth, y1: y0 + cardHeight)
        cornerRadius = min(cornerRadius, Double(cardHeight) / 4)

        func centred(_ text: [UInt8], scale: Int) -> Int {
            x0 + (cardWidth - BitmapFont.width(ofCount: text.count) * scale) / 2
        }
        var y = y0 + padding
        lines.append(Line(text: block.title, x: centred(block.title, scale: block.titleScale), y: y, scale: block.titleScale, role: .title))
        y += BitmapFont.capHeight * block.titleScale + block.gap
        if !block.body.isEmpty {
            // The accent bar only once the title is big enough for it not to read as an underline.
            let barWidth = max(BitmapFont.width(ofCount: block.title.count) * block.titleScale / 4, 4)
            let barX = x0 + (cardWidth - barWidth) / 2
            if block.titleScale >= 3 {
                accent = Rect(x0: barX, y0: y, x1: barX + barWidth, y1: y + block.barHeight)
            }
            y += block.barHeight + block.gap
            for text in block.body {
                lines.append(Line(text: text, x: centred(text, scale: block.bodyScale), y: y, scale: block.bodyScale, role: .body))
                y += block.bodyLineHeight
            }
            y += block.gap - (block.bodyLineHeight - BitmapFont.glyphHeight * block.bodyScale)
        }
        if let footer = block.footer {
            lines.append(Line(text: footer, x: centred(footer, scale: block.footerScale), y: y, scale: block.footerScale, role: .footer))
        }
    }
}

/// The text of a card at one title scale: title, optional accent bar and prompt lines, optional footer.
struct TextBlock {
    let title: [UInt8]
    let footer: [UInt8]?
    let body: [[UInt8]]
    let titleScale: Int
    let bodyScale: Int
    let footerScale: Int
    let gap: Int
    let barHeight: Int
    let bodyLineHeight: Int
    /// Width of the widest line, in pixels.
    let width: Int
    let height: Int

    /// Nil when the title or footer is wider than `innerWidth`.
    init?(title: [UInt8], footer: [UInt8]?, words: PromptWords, maximumLines: Int, titleScale: Int, innerWidth: Int) {
        let bodyScale = max(1, Int((Double(titleScale) * 0.42).rounded()))
        let footerScale = max(1, Int((Double(titleScale) * 0.3).rounded()))
        guard BitmapFont.width(ofCount: title.count) * titleScale <= innerWidth else { return nil }
        if let footer, BitmapFont.width(ofCount: footer.count) * footerScale > innerWidth { return nil }
        let charactersPerLine = (innerWidth + bodyScale) / (BitmapFont.advance * bodyScale)

        self.title = title
        self.footer = footer
        self.body = words.wrapped(charactersPerLine: charactersPerLine, maximumLines: maximumLines)
        self.titleScale = titleScale
        self.bodyScale = bodyScale
        self.footerScale = footerScale
        gap = max(2, titleScale * 2)
        barHeight = max(1, titleScale / 3)
        bodyLineHeight = (BitmapFont.glyphHeight + 3) * bodyScale

        var width = BitmapFont.width(ofCount: title.count) * titleScale
        for line in body { width = max(width, BitmapFont.width(ofCount: line.count) * bodyScale) }
        if let footer { width = max(width, BitmapFont.width(ofCount: footer.count) * footerScale) }
        self.width = width

        var height = BitmapFont.capHeight * titleScale
        if !body.isEmpty {
            height += gap + barHeight + gap
            height += body.count * bodyLineHeight - 3 * bodyScale
        }
        if footer != nil {
            height += gap + BitmapFont.glyphHeight * footerScale
        }
        self.height = height
    }
}

/// The prompt split into words of drawable codes (non-ASCII characters become '?').
struct PromptWords {
    private(set) var words: [[UInt8]] = []
    /// True when the prompt goes on past the characters read.
    private(set) var isCut = false

    static let ellipsis = Array("...".utf8)

    /// Reads at most `limit` characters of `prompt`.
    init(_ prompt: String, limit: Int) {
        var current: [UInt8] = []
        var read = 0
        for character in prompt {
            if read >= limit {
                isCut = true
                break
            }
            read += 1
            if character.isWhitespace {
                if !current.isEmpty { words.append(current) }
                current = []
            } else {
                current.append(BitmapFont.code(for: character))
            }
        }
        if !current.isEmpty { words.append(current) }
    }

    /// Greedy word wrap into at most `maximumLines` lines; words longer than a line are broken.
    /// When the prompt does not fit, the last line ends with "...".
    func wrapped(charactersPerLine: Int, maximumLines: Int) -> [[UInt8]] {
        guard maximumLines > 0, charactersPerLine >= 4 else { return [] }
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var cut = isCut
        var pending = words[...]
        var remainder: ArraySlice<UInt8>? = nil
        while true {
            guard let word = remainder ?? pending.popFirst().map({ $0[...] }) else { break }
            remainder = nil
            let needed = current.isEmpty ? word.count : current.count + 1 + word.count
            if needed <= charactersPerLine {
                if !current.isEmpty { current.append(UInt8(ascii: " ")) }
                current.append(contentsOf: word)
                continue
            }
            if current.isEmpty {
                // A word longer than a whole line: break it.
                current.append(contentsOf: word.prefix(charactersPerLine))
                remainder = word.dropFirst(charactersPerLine)
            } else {
                remainder = word
            }
            if lines.count + 1 == maximumLines {
                cut = true
                break
            }
            lines.append(current)
            current = []
        }
        if !current.isEmpty { lines.append(current) }
        if cut, var last = lines.popLast() {
            while last.count + Self.ellipsis.count > charactersPerLine || last.last == UInt8(ascii: " ") {
                last.removeLast()
            }
            lines.append(last + Self.ellipsis)
        }
        return lines
    }
}
