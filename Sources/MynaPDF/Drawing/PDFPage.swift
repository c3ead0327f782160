/// Where a line of text sits relative to the anchor point given to `drawText`.
public enum PDFTextAlignment: Sendable, Hashable {
    /// The text starts at the anchor.
    case left
    /// The text is centred on the anchor.
    case center
    /// The text ends at the anchor.
    case right
}

/// One page and its content stream (ISO 32000-1 §7.8.2), built by the drawing methods.
///
/// Every operation is wrapped in `q … Q` so that no colour or line width leaks into the next
/// one, and all numbers are written with at most three decimals, so the same calls always
/// give the same bytes. Coordinates must be finite: a NaN or infinity is a programming error
/// and traps when the page is serialised.
public struct PDFPage: Sendable, Hashable {
    public let size: PDFSize
    /// Content stream operators, one per line.
    private(set) var operations: [String] = []
    /// BMP scalars drawn with each font (the key is present for every font used), for the
    /// `/ToUnicode` maps.
    private(set) var usedScalars: [PDFFont: Set<UInt32>] = [:]
    /// Faces that drew characters outside the BMP.
    private(set) var supplementaryFonts: Set<PDFFont> = []

    public init(size: PDFSize = .a4) {
        self.size = size
    }

    var fontsUsed: [PDFFont] { usedScalars.keys.sorted() }

    /// The content stream.
    var content: String { operations.isEmpty ? "" : operations.joined(separator: "\n") + "\n" }

    // MARK: Text

    /// Draws one line of `text` whose baseline passes through `anchor`.
    ///
    /// Throws `unsupportedCharacter` (nothing is drawn) for a character `AdobeJapan1` cannot
    /// print — line breaks included; use `drawParagraph` for several lines — and
    /// `invalidArgument` for a size that is not positive.
    public mutating func drawText(
        _ text: String, at anchor: PDFPoint, font: PDFFont = .gothic, size: Double,
        color: PDFColor = .black, alignment: PDFTextAlignment = .left
    ) throws(PDFError) {
        guard size.isFinite, size > 0 else { throw .invalidArgument("font size must be positive") }
        try AdobeJapan1.validate(text)
        guard !text.isEmpty else { return }
        let width = try AdobeJapan1.advance(of: text, fontSize: size)
        let x =
            switch alignment {
            case .left: anchor.x
            case .center: anchor.x - width / 2
            case .right: anchor.x - width
            }
        operations += [
            "q", color.operation(stroking: false), "BT",
            "1 0 0 1 \(PDFSyntax.number(x)) \(PDFSyntax.number(anchor.y)) Tm",
        ]
        // Characters outside the BMP go through a second font resource without a ToUnicode
        // map (see `PDFFont.supplementaryResourceName`); each run keeps the advance of the
        // previous one, so the line reads as one.
        for run in Self.planeRuns(text) {
            let resource = run.isSupplementary ? font.supplementaryResourceName : font.resourceName
            operations += [
                "/\(resource) \(PDFSyntax.number(size)) Tf",
                "<\(PDFSyntax.hexUTF16(run.text))> Tj",
            ]
            if run.isSupplementary { supplementaryFonts.insert(font) }
        }
        operations += ["ET", "Q"]
        usedScalars[font, default: []].formUnion(text.unicodeScalars.lazy.map(\.value).filter { $0 <= 0xFFFF })
    }

    /// Draws `text` wrapped to `width`, the first line's em box touching `top`, and returns
    /// the height used (lines × `lineHeight` × `size`). `\n` starts a new line.
    @discardableResult
    public mutating func drawParagraph(
        _ text: String, topLeft: PDFPoint, width: Double, font: PDFFont = .gothic, size: Double,
        lineHeight: Double = 1.4, color: PDFColor = .black, alignment: PDFTextAlignment = .left
    ) throws(PDFError) -> Double {
        guard size.isFinite, size > 0 else { throw .invalidArgument("font size must be positive") }
        let lines = try TextWrapping.lines(of: text, fontSize: size, maxWidth: width)
        let leading = size * lineHeight
        for (index, line) in lines.enumerated() {
            let lineTop = topLeft.y - Double(index) * leading
            let baseline = lineTop - (leading - size) / 2 - PDFFont.emBoxTop * size
            let x =
                switch alignment {
                case .left: topLeft.x
                case .center: topLeft.x + width / 2
                case .right: topLeft.x + width
                }
            try drawText(
                line, at: PDFPoint(x: x, y: baseline), font: font, size: size, color: color,
                alignment: alignment)
        }
        return Double(lines.count) * leading
    }

    /// Splits text into runs of BMP and of supplementary-plane characters.
    static func planeRuns(_ text: String) -> [(text: String, isSupplementary: Bool)] {
        var runs: [(text: String, isSupplementary: Bool)] = []
        for scalar in text.unicodeScalars {
            let supplementary = scalar.value > 0xFFFF
            if let last = runs.last, last.isSupplementary == supplementary {
                runs[runs.count - 1].text.unicodeScalars.append(scalar)
            } else {
                runs.append((String(scalar), supplementary))
            }
        }
        return runs
    }

    /// Wraps what `body` draws in a marked-content span whose `/ActualText` (ISO 32000-1
    /// §14.9.4) replaces the drawn glyphs for extraction, copying and search.
    mutating func drawReplacingText(
        _ actualText: String, _ body: (inout PDFPage) throws(PDFError) -> Void
    ) throws(PDFError) {
        var staged = self
        staged.operations.append("/Span << /ActualText \(PDFSyntax.textString(actualText)) >> BDC")
        try body(&staged)
        staged.operations.append("EMC")
        self = staged
    }

    // MARK: Shapes

    /// Strokes a straight line.
    public mutating func drawLine(
        from start: PDFPoint, to end: PDFPoint, lineWidth: Double = 0.5, color: PDFColor = .black
    ) {
        var path = PDFPath()
        path.addLine(from: start, to: end)
        drawPath(path, style: .stroke(color, lineWidth: lineWidth))
    }

    /// Paints a rectangle.
    public mutating func drawRectangle(_ rect: PDFRect, style: PDFShapeStyle) {
        var path = PDFPath()
        path.addRect(rect)
        drawPath(path, style: style)
    }

    /// Paints a circle.
    public mutating func drawCircle(center: PDFPoint, radius: Double, style: PDFShapeStyle) {
        var path = PDFPath()
        path.addCircle(center: center, radius: radius)
        drawPath(path, style: style)
    }

    /// Paints any path. Lines are joined and capped square-on (the defaults), which keeps
    /// table borders crisp.
    public mutating func drawPath(_ path: PDFPath, style: PDFShapeStyle) {
        guard !path.isEmpty else { return }
        operations.append("q")
        let paint: String
        switch style {
        case .stroke(let color, let lineWidth):
            operations += [color.operation(stroking: true), "\(PDFSyntax.number(max(0, lineWidth))) w"]
            paint = "S"
        case .fill(let color):
            operations.append(color.operation(stroking: false))
            paint = "f"
        case .fillAndStroke(let fill, let stroke, let lineWidth):
            operations += [
                fill.operation(stroking: false), stroke.operation(stroking: true),
                "\(PDFSyntax.number(max(0, lineWidth))) w",
            ]
            paint = "B"
        }
        operations += path.operations
        operations += [paint, "Q"]
    }
}
