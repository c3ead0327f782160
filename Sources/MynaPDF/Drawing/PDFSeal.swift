/// 印影 — the imprint of an official seal: a red ring or square with characters inside,
/// read in vertical columns from right to left as seals are.
public struct PDFSeal: Sendable, Hashable {
    public enum Shape: Sendable, Hashable {
        case circle
        case square
    }

    /// Columns from right to left, each read top to bottom.
    public var columns: [String]
    public var shape: Shape
    /// Outer diameter or side, in points.
    public var size: Double
    public var color: PDFColor = .sealRed
    public var font: PDFFont = .mincho

    public init(columns: [String], shape: Shape = .square, size: Double) {
        self.columns = columns
        self.shape = shape
        self.size = size
    }

    /// Spreads `text` over `columnCount` columns (by default the smallest square grid),
    /// the longer columns first: 千代田区長之印 in three columns is 千代田 / 区長 / 之印.
    public init(text: String, shape: Shape = .square, size: Double, columnCount: Int? = nil) {
        let scalars = Array(text.unicodeScalars)
        var count = columnCount ?? 1
        if columnCount == nil {
            while count * count < scalars.count { count += 1 }
        }
        count = max(1, min(count, max(1, scalars.count)))
        var columns: [String] = []
        var start = 0
        for index in 0..<count {
            let length = scalars.count / count + (index < scalars.count % count ? 1 : 0)
            columns.append(String(String.UnicodeScalarView(scalars[start..<(start + length)])))
            start += length
        }
        self.init(columns: columns, shape: shape, size: size)
    }
}

extension PDFPage {
    /// Draws `seal` centred on `center`.
    public mutating func drawSeal(_ seal: PDFSeal, center: PDFPoint) throws(PDFError) {
        guard seal.size.isFinite, seal.size > 0, seal.columns.contains(where: { !$0.isEmpty }) else {
            throw .invalidArgument("a seal needs a positive size and some text")
        }
        for column in seal.columns { try AdobeJapan1.validate(column) }
        let border = seal.size * 0.06
        let outerRadius = (seal.size - border) / 2
        // The characters sit in the largest square inside the border, with a margin.
        let inner =
            switch seal.shape {
            case .square: (seal.size - 2 * border) * 0.86
            case .circle: (seal.size - 2 * border) * 0.70
            }
        let rows = seal.columns.map { $0.unicodeScalars.count }.max() ?? 1
        let columnWidth = inner / Double(seal.columns.count)
        let glyphSize = min(columnWidth, inner / Double(max(rows, 1))) * 0.96
        var staged = self
        switch seal.shape {
        case .square:
            staged.drawRectangle(
                PDFRect(
                    x: center.x - outerRadius, y: center.y - outerRadius,
                    width: 2 * outerRadius, height: 2 * outerRadius),
                style: .stroke(seal.color, lineWidth: border))
        case .circle:
            staged.drawCircle(center: center, radius: outerRadius, style: .stroke(seal.color, lineWidth: border))
        }
        let emCentre = (PDFFont.emBoxTop + PDFFont.emBoxBottom) / 2
        // The imprint is a picture: an empty /ActualText keeps its characters out of copied
        // and extracted text, where they would interleave with the lines beside the seal.
        try staged.drawReplacingText("") { (page: inout PDFPage) throws(PDFError) in
        for (index, column) in seal.columns.enumerated() {
            // Rightmost column first.
            let x = center.x + inner / 2 - columnWidth * (Double(index) + 0.5)
            let characters = Array(column.unicodeScalars)
            let cellHeight = inner / Double(max(characters.count, 1))
            for (row, scalar) in characters.enumerated() {
                let y = center.y + inner / 2 - cellHeight * (Double(row) + 0.5)
                try page.drawText(
                    String(scalar), at: PDFPoint(x: x, y: y - emCentre * glyphSize), font: seal.font,
                    size: glyphSize, color: seal.color, alignment: .center)
            }
        }
        }
        self = staged
    }
}
