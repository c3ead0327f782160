/// A gauge of how much of a total is used — for example how much of a
/// campaign's budget has been spent: a filled bar, the amounts, and the share
/// in percent.
///
/// The gauge draws the amounts it is given. An amount that follows a count of
/// people (seats taken × a fixed amount) is that count in yen: the caller
/// withholds it with ``SmallCellSuppression/derived(_:from:)`` and draws no gauge.
public struct ProgressGauge: Sendable, Hashable {
    /// Prefix for every ID inside the SVG. Give each chart on a page its own.
    public var id: String
    public var title: String
    /// The part used so far; a negative value is drawn as 0.
    public var used: Int
    /// The whole; with 0 or less there is nothing to measure against, and the
    /// gauge says "no data".
    public var total: Int
    /// The unit of the amounts, such as "円".
    public var unit: String?
    /// Width in SVG user units; raised to at least 240.
    public var width: Int

    public init(id: String, title: String, used: Int, total: Int, unit: String? = nil, width: Int = 480) {
        self.id = id
        self.title = title
        self.used = used
        self.total = total
        self.unit = unit
        self.width = width
    }

    /// The gauge's height, which does not depend on the data.
    public var height: Int { 80 }

    /// The share used in tenths of a percent (`625` is 62.5%), or `nil` when
    /// there is no total.
    ///
    /// Rounded down, so that 100.0% appears only when the budget is really
    /// exhausted and never for 99.96%.
    public var usedPermille: Int? {
        guard total > 0 else { return nil }
        let used = max(0, self.used)
        let (scaled, overflow) = used.multipliedReportingOverflow(by: 1000)
        if !overflow { return scaled / total }
        return Int(exactly: (Double(used) / Double(total) * 1000).rounded(.down)) ?? .max
    }

    /// The chart as a standalone SVG document. The same gauge always gives
    /// the same bytes.
    public func svg() -> String {
        let frame = ChartFrame(
            ids: ChartIDs(id), kind: "chart-gauge", width: max(width, 240), height: height,
            title: title, spokenDescription: spokenDescription)
        guard let permille = usedPermille else { return frame.renderNoData() }
        return frame.render { svg in draw(permille: permille, width: Double(frame.width), into: &svg) }
    }

    private var isOver: Bool { used > total }

    private var amounts: String {
        Wording.withUnit("\(NumberText.grouped(max(0, used))) / \(NumberText.grouped(total))", unit)
    }

    /// The `<desc>` text.
    var spokenDescription: String {
        guard let permille = usedPermille else { return Wording.noData }
        let used = Wording.withUnit(NumberText.grouped(max(0, self.used)), unit)
        let total = Wording.withUnit(NumberText.grouped(self.total), unit)
        let share = NumberText.percent(tenths: permille)
        let over = isOver ? " 超過 / over budget." : ""
        return "進捗ゲージ / progress gauge. 使用 / used: \(used); 総額 / total: \(total); 割合 / share: \(share).\(over)"
    }

    private func draw(permille: Int, width: Double, into svg: inout SVGWriter) {
        let left = ChartStyle.margin
        let trackWidth = width - 2 * ChartStyle.margin
        let filled = trackWidth * Double(min(permille, 1000)) / 1000
        let top = 32.0
        let thickness = 18.0

        svg.group("g", ["class": "chart-gauge-bar"]) { svg in
            svg.rect("chart-gauge-track", x: left, y: top, width: trackWidth, height: thickness, fill: ChartStyle.trackColor)
            if filled > 0 {
                svg.rect(
                    isOver ? "chart-gauge-fill chart-gauge-over" : "chart-gauge-fill", x: left, y: top, width: filled,
                    height: thickness, fill: isOver ? ChartStyle.overColor : ChartStyle.color(ofSeries: 0))
            }
        }

        let baseline = top + thickness + 18
        let over = isOver ? " 超過 / over budget" : ""
        svg.label(
            amounts + over, className: "chart-label chart-gauge-amount", x: left, y: baseline, anchor: "start",
            fontSize: ChartStyle.labelFontSize)
        svg.label(
            NumberText.percent(tenths: permille), className: "chart-label chart-gauge-percent",
            x: width - ChartStyle.margin, y: baseline, anchor: "end",
            fontSize: ChartStyle.titleFontSize, bold: true)
    }
}
