/// A grid of cells with borders, drawn by `PDFPage.drawTable(_:topLeft:)`.
///
/// Rows grow to fit their tallest cell; text wraps within the cell's width less padding.
public struct PDFTable: Sendable, Hashable {
    public struct Cell: Sendable, Hashable {
        public var text: String
        public var alignment: PDFTextAlignment
        /// How many columns the cell covers.
        public var columnSpan: Int
        /// nil takes the table's font.
        public var font: PDFFont?
        /// nil takes the table's font size.
        public var fontSize: Double?
        /// Filled behind the text; nil leaves the page (and its background pattern) visible.
        public var background: PDFColor?

        public init(
            _ text: String, alignment: PDFTextAlignment = .left, columnSpan: Int = 1,
            font: PDFFont? = nil, fontSize: Double? = nil, background: PDFColor? = nil
        ) {
            self.text = text
            self.alignment = alignment
            self.columnSpan = columnSpan
            self.font = font
            self.fontSize = fontSize
            self.background = background
        }
    }

    public var columnWidths: [Double]
    public var rows: [[Cell]]
    public var font: PDFFont = .gothic
    public var fontSize: Double = 10.5
    /// Space between the border and the text, on every side.
    public var padding: Double = 4
    /// Baseline-to-baseline distance as a multiple of the font size.
    public var lineHeight: Double = 1.4
    public var minimumRowHeight: Double = 0
    public var borderWidth: Double = 0.75
    public var borderColor: PDFColor = .black

    public init(columnWidths: [Double], rows: [[Cell]]) {
        self.columnWidths = columnWidths
        self.rows = rows
    }

    public var width: Double { columnWidths.reduce(0, +) }

    /// Row heights; throws as `drawTable` does.
    public func rowHeights() throws(PDFError) -> [Double] {
        try validate()
        var heights: [Double] = []
        for row in rows {
            var height = minimumRowHeight
            var column = 0
            for cell in row {
                let size = cell.fontSize ?? fontSize
                let lines = try TextWrapping.lines(
                    of: cell.text, fontSize: size,
                    maxWidth: cellWidth(from: column, span: cell.columnSpan) - 2 * padding)
                height = max(height, Double(lines.count) * size * lineHeight + 2 * padding)
                column += cell.columnSpan
            }
            heights.append(height)
        }
        return heights
    }

    /// The total height.
    public func height() throws(PDFError) -> Double { try rowHeights().reduce(0, +) }

    func cellWidth(from column: Int, span: Int) -> Double {
        columnWidths[column..<(column + span)].reduce(0, +)
    }

    func validate() throws(PDFError) {
        guard !columnWidths.isEmpty,
            columnWidths.allSatisfy({ $0.isFinite && $0 > 2 * padding }),
            padding.isFinite, padding >= 0, fontSize.isFinite, fontSize > 0,
            lineHeight.isFinite, lineHeight > 0, minimumRowHeight.isFinite
        else { throw .invalidArgument("table dimensions must be positive and wider than padding") }
        for row in rows {
            guard row.allSatisfy({ $0.columnSpan >= 1 }),
                row.reduce(0, { $0 + $1.columnSpan }) == columnWidths.count
            else { throw .invalidArgument("each row's spans must add up to the column count") }
        }
    }
}

extension PDFPage {
    /// Draws `table` hanging from `topLeft` and returns its height. Nothing is drawn when a
    /// cell's text cannot be printed.
    @discardableResult
    public mutating func drawTable(_ table: PDFTable, topLeft: PDFPoint) throws(PDFError) -> Double {
        let heights = try table.rowHeights()
        var staged = self  // draw into a copy so that a failure leaves the page unchanged
        var borders = PDFPath()
        var top = topLeft.y
        borders.addLine(from: topLeft, to: PDFPoint(x: topLeft.x + table.width, y: top))
        for (row, height) in zip(table.rows, heights) {
            var left = topLeft.x
            var column = 0
            borders.addLine(from: PDFPoint(x: left, y: top), to: PDFPoint(x: left, y: top - height))
            for cell in row {
                let width = table.cellWidth(from: column, span: cell.columnSpan)
                let size = cell.fontSize ?? table.fontSize
                if let background = cell.background {
                    staged.drawRectangle(
                        PDFRect(x: left, y: top - height, width: width, height: height),
                        style: .fill(background))
                }
                // Centre the text block vertically in the row.
                let lines = try TextWrapping.lines(
                    of: cell.text, fontSize: size, maxWidth: width - 2 * table.padding)
                let blockHeight = Double(lines.count) * size * table.lineHeight
                try staged.drawParagraph(
                    cell.text,
                    topLeft: PDFPoint(x: left + table.padding, y: top - (height - blockHeight) / 2),
                    width: width - 2 * table.padding, font: cell.font ?? table.font, size: size,
                    lineHeight: table.lineHeight, alignment: cell.alignment)
                left += width
                column += cell.columnSpan
                borders.addLine(from: PDFPoint(x: left, y: top), to: PDFPoint(x: left, y: top - height))
            }
            top -= height
            borders.addLine(
                from: PDFPoint(x: topLeft.x, y: top), to: PDFPoint(x: topLeft.x + table.width, y: top))
        }
        if table.borderWidth > 0 {
            staged.drawPath(borders, style: .stroke(table.borderColor, lineWidth: table.borderWidth))
        }
        self = staged
        return topLeft.y - top
    }
}
