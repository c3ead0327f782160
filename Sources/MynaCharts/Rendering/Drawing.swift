/// Small drawing helpers shared by the charts.
extension SVGWriter {
    mutating func horizontalLine(y: Double, from left: Double, to right: Double, color: String) {
        let y = NumberText.coordinate(y)
        element(
            "line",
            [
                "x1": NumberText.coordinate(left), "y1": y,
                "x2": NumberText.coordinate(right), "y2": y,
                "stroke": color, "stroke-width": "1",
            ])
    }

    mutating func verticalLine(x: Double, from top: Double, to bottom: Double, color: String) {
        let x = NumberText.coordinate(x)
        element(
            "line",
            [
                "x1": x, "y1": NumberText.coordinate(top),
                "x2": x, "y2": NumberText.coordinate(bottom),
                "stroke": color, "stroke-width": "1",
            ])
    }

    /// A filled rectangle.
    mutating func rect(_ className: String, x: Double, y: Double, width: Double, height: Double, fill: String) {
        element(
            "rect",
            [
                "class": className,
                "x": NumberText.coordinate(x),
                "y": NumberText.coordinate(y),
                "width": NumberText.coordinate(width),
                "height": NumberText.coordinate(height),
                "fill": fill,
            ])
    }

    /// A text label in the small font.
    mutating func label(
        _ text: String, className: String, x: Double, y: Double, anchor: String,
        fontSize: Double = ChartStyle.smallFontSize, color: String = ChartStyle.textColor,
        bold: Bool = false, transform: String = ""
    ) {
        element(
            "text",
            [
                "class": className,
                "x": NumberText.coordinate(x),
                "y": NumberText.coordinate(y),
                "text-anchor": anchor,
                "font-size": NumberText.coordinate(fontSize),
                "font-weight": bold ? "bold" : "",
                "fill": color,
                "transform": transform,
            ], text: text)
    }
}

/// The rectangle data is plotted in.
struct PlotArea {
    var left: Double
    var right: Double
    var top: Double
    var bottom: Double

    var width: Double { right - left }
    var height: Double { bottom - top }
}

extension SVGWriter {
    /// The hatched, outlined placeholder that stands in for a suppressed cell.
    mutating func suppressedPlaceholder(
        x: Double, y: Double, width: Double, height: Double, ids: ChartIDs, className: String = "chart-bar chart-suppressed"
    ) {
        element(
            "rect",
            [
                "class": className,
                "x": NumberText.coordinate(x),
                "y": NumberText.coordinate(y),
                "width": NumberText.coordinate(width),
                "height": NumberText.coordinate(height),
                "fill": "url(#\(ids.hatch))",
                "stroke": ChartStyle.suppressedColor,
                "stroke-width": "1",
                "stroke-dasharray": "2 1",
            ])
    }
}
