/// A vertical bar chart of counts per category — months ("2026-01", …) or
/// named categories — with one series, or several side by side (grouped) with
/// a legend, such as cards issued and returned per month.
///
/// Suppressed cells are drawn as a small hatched placeholder with a "<10"
/// mark, never as 0, and the legend explains the hatching.
public struct BarChart: Sendable, Hashable {
    /// Prefix for every ID inside the SVG. Give each chart on a page its own
    /// (ASCII letters, digits, `-`, `_`).
    public var id: String
    public var title: String
    /// The unit of the counts, such as "件" or "枚", shown in the legend row
    /// and in the description.
    public var unit: String?
    public var categories: [String]
    public var series: [ChartSeries]
    /// Size in SVG user units, which is also the default size on the page;
    /// raised to at least 240 × 160 so the layout keeps working.
    public var width: Int
    public var height: Int

    /// A single-series chart.
    public init(id: String, title: String, unit: String? = nil, points: [ChartPoint], width: Int = 640, height: Int = 320) {
        self.init(
            id: id, title: title, unit: unit,
            categories: points.map(\.label), series: [ChartSeries(title, points.map(\.value))],
            width: width, height: height)
    }

    /// A grouped chart: for each category, one bar per series, side by side.
    public init(
        id: String, title: String, unit: String? = nil, categories: [String], series: [ChartSeries],
        width: Int = 640, height: Int = 320
    ) {
        self.id = id
        self.title = title
        self.unit = unit
        self.categories = categories
        self.series = series
        self.width = width
        self.height = height
    }

    /// The chart as a standalone SVG document. The same chart always gives
    /// the same bytes.
    public func svg() -> String {
        let frame = ChartFrame(
            ids: ChartIDs(id), kind: "chart-bar-chart",
            width: max(width, 240), height: max(height, 160),
            title: title, spokenDescription: spokenDescription)
        guard !allValues.isEmpty else { return frame.renderNoData() }
        let layout = BarChartLayout(self, frame: frame)
        return frame.render(withHatch: true) { layout.draw(into: &$0) }
    }
}

// MARK: - Data in words

extension BarChart {
    /// The values of one category, in series order; `nil` where a series has
    /// no value for it.
    func values(at category: Int) -> [ChartValue?] {
        series.map { $0.value(at: category) }
    }

    /// Every value that gets drawn.
    var allValues: [ChartValue] {
        categories.indices.flatMap { values(at: $0).compactMap { $0 } }
    }

    var isGrouped: Bool { series.count > 1 }

    /// The `<desc>` text: every value, in order, so a screen-reader user gets
    /// everything a sighted reader gets.
    var spokenDescription: String {
        guard !allValues.isEmpty else { return Wording.noData }
        let items = categories.indices.compactMap { category -> String? in
            let parts = zip(series, values(at: category)).compactMap { series, value in
                value.map { (isGrouped ? series.name + " " : "") + Wording.value($0, unit: unit) }
            }
            return parts.isEmpty ? nil : "\(categories[category]): " + parts.joined(separator: ", ")
        }
        let heading = isGrouped ? "\(Wording.barChart) (\(series.map(\.name).joined(separator: ", ")))" : Wording.barChart
        return heading + ". " + items.joined(separator: "; ") + "."
    }

    /// The hover text of one bar.
    func tooltip(category: Int, series index: Int, value: ChartValue) -> String {
        let name = isGrouped ? " " + series[index].name : ""
        return "\(categories[category])\(name): \(Wording.value(value, unit: unit))"
    }
}

// MARK: - Layout and drawing

/// Where everything of a vertical bar chart goes: computed once, then drawn.
private struct BarChartLayout {
    let chart: BarChart
    let ids: ChartIDs
    let legend: Legend
    let scale: NiceScale
    let labels: CategoryLabels
    let plot: PlotArea

    init(_ chart: BarChart, frame: ChartFrame) {
        let width = Double(frame.width)
        let height = Double(frame.height)
        self.chart = chart
        ids = frame.ids
        legend = Legend(
            Legend.entries(unit: chart.unit, seriesNames: chart.series.map(\.name), hasSuppressed: chart.allValues.contains(.suppressed)),
            left: ChartStyle.margin, right: width - ChartStyle.margin, top: ChartStyle.legendTop)
        scale = NiceScale(covering: chart.allValues)

        let tickLabelWidth =
            scale.ticks.map { TextMetrics.width(of: NumberText.grouped($0), fontSize: ChartStyle.smallFontSize) }.max() ?? 0
        let left = ChartStyle.margin + tickLabelWidth + 6
        let right = width - ChartStyle.margin
        let slot = (right - left) / Double(chart.categories.count)
        labels = CategoryLabels(chart.categories, slot: slot, plotLeft: left, chartHeight: height)

        let top = legend.bottom + ChartStyle.valueLabelRoom
        plot = PlotArea(left: left, right: right, top: top, bottom: max(top + 20, height - labels.areaHeight))
    }

    private var slot: Double { plot.width / Double(chart.categories.count) }

    func draw(into svg: inout SVGWriter) {
        legend.draw(into: &svg, ids: ids)
        drawGrid(into: &svg)
        drawBars(into: &svg)
        drawAxes(into: &svg)
        labels.draw(into: &svg, plot: plot)
    }

    /// The y coordinate of a count.
    private func y(_ count: Int) -> Double {
        plot.bottom - Double(count) / Double(scale.upperBound) * plot.height
    }

    private func drawGrid(into svg: inout SVGWriter) {
        svg.group("g", ["class": "chart-grid"]) { svg in
            for tick in scale.ticks where tick > 0 {
                svg.horizontalLine(y: y(tick), from: plot.left, to: plot.right, color: ChartStyle.gridColor)
            }
        }
    }

    private func drawAxes(into svg: inout SVGWriter) {
        svg.group("g", ["class": "chart-axis"]) { svg in
            svg.horizontalLine(y: plot.bottom, from: plot.left, to: plot.right, color: ChartStyle.axisColor)
            svg.verticalLine(x: plot.left, from: plot.top, to: plot.bottom, color: ChartStyle.axisColor)
            for tick in scale.ticks {
                svg.label(
                    NumberText.grouped(tick), className: "chart-label chart-tick",
                    x: plot.left - 6, y: y(tick) + 4, anchor: "end")
            }
        }
    }

    private func drawBars(into svg: inout SVGWriter) {
        let seriesCount = Double(chart.series.count)
        let groupWidth = slot * (chart.isGrouped ? 0.8 : 0.6)
        let barWidth = groupWidth / seriesCount
        let gap = chart.isGrouped ? min(1, barWidth * 0.1) : 0
        // A lone bar's value label may use its whole slot; grouped ones only their own bar.
        let marks = ValueMarks(chart.allValues, room: chart.isGrouped ? barWidth : slot - 2)

        svg.group("g", ["class": "chart-bars"]) { svg in
            for category in chart.categories.indices {
                let groupLeft = plot.left + slot * Double(category) + (slot - groupWidth) / 2
                for (index, value) in chart.values(at: category).enumerated() {
                    guard let value else { continue }
                    svg.group("g", ["class": "chart-point"]) { svg in
                        svg.element("title", text: chart.tooltip(category: category, series: index, value: value))
                        drawBar(
                            value, series: index, x: groupLeft + barWidth * Double(index), width: barWidth - gap,
                            marks: marks, into: &svg)
                    }
                }
            }
        }
    }

    /// Which value labels are drawn above the bars: of each kind (counts and
    /// "<10" marks) all or none, so a chart never looks half-labelled.
    private struct ValueMarks {
        var counts: Bool
        var suppressed: Bool

        init(_ values: [ChartValue], room: Double) {
            func allFit(_ values: [ChartValue]) -> Bool {
                values.allSatisfy { TextMetrics.width(of: Wording.mark($0), fontSize: ChartStyle.smallFontSize) <= room }
            }
            counts = allFit(values.filter { !$0.isSuppressed })
            suppressed = allFit(values.filter(\.isSuppressed))
        }
    }

    private func drawBar(_ value: ChartValue, series: Int, x: Double, width: Double, marks: ValueMarks, into svg: inout SVGWriter) {
        let top: Double
        if let count = value.drawnCount {
            top = y(count)
            if count > 0 {
                svg.rect(
                    "chart-bar chart-series-\(series)", x: x, y: top, width: width, height: plot.bottom - top,
                    fill: ChartStyle.color(ofSeries: series))
            }
        } else {
            top = plot.bottom - ChartStyle.placeholderSize
            svg.suppressedPlaceholder(x: x, y: top, width: width, height: ChartStyle.placeholderSize, ids: ids)
        }

        guard value.isSuppressed ? marks.suppressed : marks.counts else { return }
        svg.label(
            Wording.mark(value), className: value.isSuppressed ? "chart-label chart-suppressed" : "chart-label chart-value",
            x: x + width / 2, y: top - 4, anchor: "middle",
            color: value.isSuppressed ? ChartStyle.suppressedColor : ChartStyle.textColor)
    }
}
