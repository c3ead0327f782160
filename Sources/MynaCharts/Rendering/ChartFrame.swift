/// What every chart shares: the root `<svg>` with its accessible name and
/// description, the visible title, and the "no data" variant.
struct ChartFrame {
    let ids: ChartIDs
    /// A class naming the kind of chart, such as `chart-bar-chart`.
    let kind: String
    let width: Int
    let height: Int
    let title: String
    /// The data in words, for screen readers (`<desc>`).
    let spokenDescription: String

    /// A complete SVG document around what `body` draws.
    ///
    /// `role="img"` with `aria-labelledby` pointing at `<title>` and `<desc>`
    /// makes screen readers announce the chart as one image with its data in
    /// words, instead of reading out every tick label.
    func render(withHatch: Bool = false, _ body: (inout SVGWriter) -> Void) -> String {
        var svg = SVGWriter()
        svg.open(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg",
                "id": ids.prefix,
                "class": "chart \(kind)",
                "viewBox": "0 0 \(width) \(height)",
                "width": "\(width)",
                "height": "\(height)",
                "role": "img",
                "aria-labelledby": "\(ids.title) \(ids.description)",
                "font-family": ChartStyle.fontFamily,
            ])
        svg.element("title", ["id": ids.title], text: title)
        svg.element("desc", ["id": ids.description], text: spokenDescription)
        if withHatch {
            drawHatchPattern(into: &svg)
        }
        drawTitle(into: &svg)
        body(&svg)
        svg.close("svg")
        return svg.markup
    }

    /// The chart with a "no data" notice instead of a plot. Its description
    /// should say the same.
    func renderNoData() -> String {
        render { svg in
            svg.element(
                "text",
                [
                    "class": "chart-label chart-empty",
                    "x": NumberText.coordinate(Double(width) / 2),
                    "y": NumberText.coordinate((ChartStyle.legendTop + Double(height)) / 2),
                    "text-anchor": "middle",
                    "font-size": NumberText.coordinate(ChartStyle.labelFontSize),
                    "fill": ChartStyle.suppressedColor,
                ], text: Wording.noData)
        }
    }

    /// The visible title, shortened to the chart's width; the full text is
    /// always in `<title>`.
    private func drawTitle(into svg: inout SVGWriter) {
        let room = Double(width) - 2 * ChartStyle.margin
        svg.element(
            "text",
            [
                "class": "chart-title",
                "x": NumberText.coordinate(ChartStyle.margin),
                "y": NumberText.coordinate(ChartStyle.titleBaseline),
                "font-size": NumberText.coordinate(ChartStyle.titleFontSize),
                "font-weight": "bold",
                "fill": ChartStyle.textColor,
            ], text: TextMetrics.truncated(title, toWidth: room, fontSize: ChartStyle.titleFontSize))
    }

    /// Diagonal hatching for suppressed placeholders: visibly "something, but
    /// not a number", and distinct from an empty (zero) bar.
    private func drawHatchPattern(into svg: inout SVGWriter) {
        svg.group("defs") { svg in
            svg.group(
                "pattern",
                [
                    "id": ids.hatch,
                    "class": "chart-suppressed-pattern",
                    "width": "4",
                    "height": "4",
                    "patternUnits": "userSpaceOnUse",
                    "patternTransform": "rotate(45)",
                ]
            ) { svg in
                svg.element("rect", ["width": "4", "height": "4", "fill": "#ffffff"])
                svg.element(
                    "line", ["x1": "0", "y1": "0", "x2": "0", "y2": "4", "stroke": ChartStyle.suppressedColor, "stroke-width": "2"])
            }
        }
    }
}
