/// A horizontal bar chart for categories with long labels — return reasons,
/// municipality names — where vertical bars would leave no room for the text.
///
/// Rows have a fixed height, so the chart grows with the number of
/// categories; ``height`` tells the page how tall it comes out. Labels longer
/// than 40% of the width are shortened with "…" and keep their full text in
/// the row's tooltip and in the description. Suppressed cells are drawn as a
/// small hatched placeholder with a "<10" mark, never as 0.
public struct HorizontalBarChart: Sendable, Hashable {
    /// Prefix for every ID inside the SVG. Give each chart on a page its own
    /// (ASCII letters, digits, `-`, `_`).
    public var id: String
    public var title: String
    /// The unit of the counts, such as "件", shown in the legend row and in
    /// the description.
    public var unit: String?
    public var points: [ChartPoint]
    /// Width in SVG user units; raised to at least 240.
    public var width: Int
    /// Height of one category's row; raised to at least 16.
    public var rowHeight: Int

    public init(id: String, title: String, unit: String? = nil, points: [ChartPoint], width: Int = 640, rowHeight: Int = 28) {
        self.id = id
        self.title = title
        self.unit = unit
        self.points = points
        self.width = width
        self.rowHeight = rowHeight
    }

    /// The height of the rendered chart: header, one row per point, axis.
    public var height: Int {
        points.isEmpty ? Self.emptyHeight : HorizontalBarLayout(self).height
    }

    /// The chart as a standalone SVG document. The same chart always gives
    /// the same bytes.
    public func svg() -> String {
        let frame = ChartFrame(
            ids: ChartIDs(id), kind: "chart-horizontal-bar-chart",
            width: max(width, 240), height: height,
            title: title, spokenDescription: spokenDescription)
        guard !points.isEmpty else { return frame.renderNoData() }
        let layout = HorizontalBarLayout(self)
        return frame.render(withHatch: true) { layout.draw(into: &$0) }
    }

    private static let emptyHeight = 120

    /// The `<desc>` text: every value, in order.
    var spokenDescription: String {
        guard !points.isEmpty else { return Wording.noData }
        let items = points.map { "\($0.label): \(Wording.value($0.value, unit: unit))" }
        return Wording.horizontalBarChart + ". " + items.joined(separator: "; ") + "."
    }
}

/// Where everything of a horizontal bar chart goes: computed once, then drawn.
private struct HorizontalBarLayout {
    private static let labelFontSize = ChartStyle.labelFontSize
    private static let axisHeight = 24.0

    let chart: HorizontalBarChart
    let ids: ChartIDs
    let legend: Legend
    let scale: NiceScale
    let plot: PlotArea
    let rowHeight: Double
    /// The category labels as shown, shortened where needed.
    let labels: [String]

    init(_ chart: HorizontalBarChart) {
        let width = Double(max(chart.width, 240))
        let values = chart.points.map(\.value)
        self.chart = chart
        ids = ChartIDs(chart.id)
        rowHeight = Double(max(chart.rowHeight, 16))
        legend = Legend(
            Legend.entries(unit: chart.unit, seriesNames: [], hasSuppressed: values.contains(.suppressed)),
            left: ChartStyle.margin, right: width - ChartStyle.margin, top: ChartStyle.legendTop)

        let widestLabel = chart.points.map { TextMetrics.width(of: $0.label, fontSize: Self.labelFontSize) }.max() ?? 0
        let labelRoom = min(widestLabel, width * 0.4)
        labels = chart.points.map { TextMetrics.truncated($0.label, toWidth: labelRoom, fontSize: Self.labelFontSize) }

        let valueRoom = values.map { TextMetrics.width(of: Wording.mark($0), fontSize: ChartStyle.smallFontSize) }.max() ?? 0
        let left = ChartStyle.margin + labelRoom + 8
        let right = max(left + 40, width - ChartStyle.margin - valueRoom - 6)

        // As many ticks as fit side by side, judged by the widest possible tick label.
        let roughScale = NiceScale(covering: values)
        let tickLabelWidth = TextMetrics.width(of: NumberText.grouped(roughScale.upperBound), fontSize: ChartStyle.smallFontSize) + 16
        scale = NiceScale(covering: values, targetTickCount: max(1, min(5, Int((right - left) / tickLabelWidth))))

        let top = legend.bottom + 8
        plot = PlotArea(left: left, right: right, top: top, bottom: top + rowHeight * Double(chart.points.count))
    }

    var height: Int {
        Int((plot.bottom + Self.axisHeight).rounded(.up))
    }

    /// The x coordinate of a count.
    private func x(_ count: Int) -> Double {
        plot.left + Double(count) / Double(scale.upperBound) * plot.width
    }

    func draw(into svg: inout SVGWriter) {
        legend.draw(into: &svg, ids: ids)
        svg.group("g", ["class": "chart-grid"]) { svg in
            for tick in scale.ticks where tick > 0 {
                svg.verticalLine(x: x(tick), from: plot.top, to: plot.bottom, color: ChartStyle.gridColor)
            }
        }
        svg.group("g", ["class": "chart-bars"]) { svg in
            for (index, point) in chart.points.enumerated() {
                svg.group("g", ["class": "chart-point"]) { svg in
                    svg.element("title", text: "\(point.label): \(Wording.value(point.value, unit: chart.unit))")
                    drawRow(point.value, label: labels[index], center: plot.top + rowHeight * (Double(index) + 0.5), into: &svg)
                }
            }
        }
        drawAxes(into: &svg)
    }

    private func drawRow(_ value: ChartValue, label: String, center: Double, into svg: inout SVGWriter) {
        svg.label(
            label, className: "chart-label chart-category", x: plot.left - 8, y: center + 4, anchor: "end",
            fontSize: Self.labelFontSize)

        let thickness = rowHeight * 0.6
        let end: Double
        if let count = value.drawnCount {
            end = x(count)
            if count > 0 {
                svg.rect(
                    "chart-bar chart-series-0", x: plot.left, y: center - thickness / 2, width: end - plot.left,
                    height: thickness, fill: ChartStyle.color(ofSeries: 0))
            }
        } else {
            end = plot.left + ChartStyle.placeholderSize
            svg.suppressedPlaceholder(
                x: plot.left, y: center - thickness / 2, width: ChartStyle.placeholderSize, height: thickness, ids: ids)
        }
        svg.label(
            Wording.mark(value), className: value.isSuppressed ? "chart-label chart-suppressed" : "chart-label chart-value",
            x: end + 4, y: center + 4, anchor: "start",
            color: value.isSuppressed ? ChartStyle.suppressedColor : ChartStyle.textColor)
    }

    private func drawAxes(into svg: inout SVGWriter) {
        svg.group("g", ["class": "chart-axis"]) { svg in
            svg.verticalLine(x: plot.left, from: plot.top, to: plot.bottom, color: ChartStyle.axisColor)
            svg.horizontalLine(y: plot.bottom, from: plot.left, to: plot.right, color: ChartStyle.axisColor)
            for tick in scale.ticks {
                svg.label(
                    NumberText.grouped(tick), className: "chart-label chart-tick",
                    x: x(tick), y: plot.bottom + 14, anchor: "middle")
            }
        }
    }
}
