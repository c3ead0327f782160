/// Sizes and default colours shared by all charts.
///
/// Colours are written as presentation attributes, which the page's
/// stylesheet overrides through the classes on each element; the defaults
/// make a chart readable on its own too (for example when opened as a file).
enum ChartStyle {
    static let margin = 8.0
    static let titleFontSize = 14.0
    static let labelFontSize = 12.0
    static let smallFontSize = 11.0
    static let fontFamily = "sans-serif"

    /// Where the title's baseline sits, and where the legend starts below it.
    static let titleBaseline = margin + titleFontSize
    static let legendTop = titleBaseline + 10

    /// Room above the tallest bar for its value label.
    static let valueLabelRoom = 16.0

    /// A suppressed cell is drawn as a placeholder of this fixed size, never
    /// scaled from any value: its size must not hint at the hidden count.
    static let placeholderSize = 6.0

    static let textColor = "#222222"
    static let axisColor = "#555555"
    static let gridColor = "#dddddd"
    static let suppressedColor = "#767676"
    static let trackColor = "#e6e6e6"
    static let overColor = "#D55E00"

    /// The Okabe–Ito palette, distinguishable with the common colour-vision
    /// deficiencies.
    static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]

    static func color(ofSeries index: Int) -> String {
        palette[index % palette.count]
    }
}

/// The IDs inside one chart's SVG, all derived from the caller's prefix so
/// several charts on one HTML page never clash.
///
/// The prefix is reduced to ASCII letters, digits, `-` and `_` (anything else
/// becomes `-`) and starts with a letter, so it is a valid XML name and safe
/// inside `url(#…)` references. Callers should use distinct simple prefixes
/// such as `issued-monthly`; two prefixes that differ only in other
/// characters would clash after this reduction.
struct ChartIDs {
    let prefix: String

    init(_ requested: String) {
        let cleaned = String(
            requested.unicodeScalars.map { scalar -> Character in
                switch scalar {
                case "a"..."z", "A"..."Z", "0"..."9", "-", "_": Character(scalar)
                default: "-"
                }
            })
        let startsWithLetter = cleaned.unicodeScalars.first.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) } ?? false
        prefix = startsWithLetter ? cleaned : "chart-" + cleaned
    }

    var title: String { prefix + "-title" }
    var description: String { prefix + "-desc" }
    var hatch: String { prefix + "-hatch" }
}

/// The words charts write, in Japanese with English alongside: the page
/// serves Japanese operators, and the English half helps screen-reader
/// users and auditors who read English.
enum Wording {
    static let noData = "データなし / no data"
    static let barChart = "棒グラフ / bar chart"
    static let horizontalBarChart = "横棒グラフ / horizontal bar chart"

    /// What a suppressed cell says in descriptions and tooltips.
    static let suppressed = "\(SmallCellSuppression.threshold)未満 (fewer than \(SmallCellSuppression.threshold))"
    /// What a suppressed cell says on the chart itself, where room is short.
    static let suppressedMark = "<\(SmallCellSuppression.threshold)"
    /// The legend entry for the hatched placeholder.
    static let suppressedLegend = "\(SmallCellSuppression.threshold)未満 / fewer than \(SmallCellSuppression.threshold)"

    static func unitCaption(_ unit: String) -> String {
        "単位 / unit: \(unit)"
    }

    /// A value as a sentence part: `1,234 件`, or the suppression wording.
    static func value(_ value: ChartValue, unit: String?) -> String {
        guard let count = value.drawnCount else { return suppressed }
        return withUnit(NumberText.grouped(count), unit)
    }

    /// A value as a label on the chart: `1,234` or `<10`.
    static func mark(_ value: ChartValue) -> String {
        value.drawnCount.map(NumberText.grouped) ?? suppressedMark
    }

    static func withUnit(_ number: String, _ unit: String?) -> String {
        guard let unit, !unit.isEmpty else { return number }
        return "\(number) \(unit)"
    }
}
