/// Category labels under a vertical bar chart.
///
/// Level when every label fits its slot; otherwise turned 45°, and when even
/// that would crowd them, only every n-th label is shown. Long labels are
/// shortened with "…"; each bar's tooltip and the description keep the full
/// text.
struct CategoryLabels {
    private static let fontSize = ChartStyle.smallFontSize
    /// sin 45° = cos 45°.
    private static let diagonal = 0.7071

    /// The text under each category, `nil` where thinned out.
    private let texts: [String?]
    private let rotated: Bool
    /// The height the labels need under the plot.
    let areaHeight: Double

    init(_ labels: [String], slot: Double, plotLeft: Double, chartHeight: Double) {
        let widest = labels.map { TextMetrics.width(of: $0, fontSize: Self.fontSize) }.max() ?? 0
        if widest <= slot - 4 {
            rotated = false
            texts = labels
            areaHeight = Self.fontSize + 10
            return
        }
        rotated = true
        let longest = min(widest, chartHeight * 0.28 / Self.diagonal)
        // Neighbouring rotated labels sit slot × sin 45° apart; keep them 1.3 lines of text apart.
        let every = max(1, Int((Self.fontSize * 1.3 / (slot * Self.diagonal)).rounded(.up)))
        texts = labels.enumerated().map { index, label in
            guard index % every == 0 else { return nil }
            // A label runs down and to the left from its bar; stop it at the chart's left edge.
            let center = plotLeft + slot * (Double(index) + 0.5)
            let room = min(longest, (center - ChartStyle.margin) / Self.diagonal)
            return TextMetrics.truncated(label, toWidth: room, fontSize: Self.fontSize)
        }
        areaHeight = longest * Self.diagonal + 20
    }

    func draw(into svg: inout SVGWriter, plot: PlotArea) {
        let slot = plot.width / Double(texts.count)
        svg.group("g", ["class": "chart-axis chart-categories"]) { svg in
            for (index, text) in texts.enumerated() {
                guard let text else { continue }
                let center = plot.left + slot * (Double(index) + 0.5)
                if rotated {
                    let x = center + 4
                    let y = plot.bottom + 12
                    svg.label(
                        text, className: "chart-label chart-category", x: x, y: y, anchor: "end",
                        transform: "rotate(-45 \(NumberText.coordinate(x)) \(NumberText.coordinate(y)))")
                } else {
                    svg.label(
                        text, className: "chart-label chart-category",
                        x: center, y: plot.bottom + Self.fontSize + 4, anchor: "middle")
                }
            }
        }
    }
}
