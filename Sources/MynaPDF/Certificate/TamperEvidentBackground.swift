/// 地紋 — the faint background printed under a certificate so that a photocopy or an edit
/// shows: a fine diagonal line grid and the word COPY repeated across the page.
///
/// Both are vector paths, not text, so they stay out of text extraction and search, and
/// they are drawn first so that everything else sits on top of them.
enum TamperEvidentBackground {
    static let gridColor = PDFColor.gray(0.86)
    static let wordColor = PDFColor.gray(0.87)

    static func draw(on page: inout PDFPage) {
        let size = page.size
        var grid = PDFPath()
        let spacing = 9.0
        // Lines at +45° and -45°: x - y = k and x + y = k, clipped to the page box.
        var offset = -size.height
        while offset <= size.width {
            let start = PDFPoint(x: max(0, offset), y: max(0, -offset))
            let endX = min(size.width, offset + size.height)
            grid.addLine(from: start, to: PDFPoint(x: endX, y: endX - offset))
            offset += spacing
        }
        var sum = spacing
        while sum < size.width + size.height {
            let start = PDFPoint(x: max(0, sum - size.height), y: min(size.height, sum))
            let endX = min(size.width, sum)
            grid.addLine(from: start, to: PDFPoint(x: endX, y: sum - endX))
            sum += spacing
        }
        page.drawPath(grid, style: .stroke(gridColor, lineWidth: 0.3))

        var words = PDFPath()
        let letterHeight = 30.0
        let word = copyWord(height: letterHeight)
        let rotation = PDFAffineTransform.rotation(degrees: 30)
        var row = 0
        var y = 40.0
        while y < size.height {
            var x = row % 2 == 0 ? 20.0 : 110.0
            while x < size.width {
                words.append(word.applying(rotation.concatenating(.translation(x: x, y: y))))
                x += 180
            }
            y += 120
            row += 1
        }
        page.drawPath(words, style: .stroke(wordColor, lineWidth: 1.6))
    }

    /// "COPY" as strokes, its baseline at y = 0 and letters `height` tall.
    static func copyWord(height: Double) -> PDFPath {
        let width = height * 0.7
        let advance = width + height * 0.25
        var path = PDFPath()
        // C: an open ellipse.
        path.addArc(
            center: PDFPoint(x: width / 2, y: height / 2), radiusX: width / 2, radiusY: height / 2,
            startDegrees: 50, endDegrees: 310)
        // O
        path.addEllipse(
            center: PDFPoint(x: advance + width / 2, y: height / 2), radiusX: width / 2,
            radiusY: height / 2)
        // P: a stem and a bowl on its upper half.
        let p = 2 * advance
        path.addLine(from: PDFPoint(x: p, y: 0), to: PDFPoint(x: p, y: height))
        path.line(to: PDFPoint(x: p + width * 0.5, y: height))
        path.addArc(
            center: PDFPoint(x: p + width * 0.5, y: height * 0.75), radiusX: width * 0.5,
            radiusY: height * 0.25, startDegrees: 90, endDegrees: -90, connect: true)
        path.line(to: PDFPoint(x: p, y: height * 0.5))
        // Y
        let y = 3 * advance
        path.addLine(from: PDFPoint(x: y, y: height), to: PDFPoint(x: y + width / 2, y: height * 0.5))
        path.line(to: PDFPoint(x: y + width, y: height))
        path.addLine(from: PDFPoint(x: y + width / 2, y: height * 0.5), to: PDFPoint(x: y + width / 2, y: 0))
        return path
    }
}
