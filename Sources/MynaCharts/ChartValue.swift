/// One cell of published statistics: a count, or the fact that it was suppressed.
///
/// The operators' statistics page shows counts only, and counts of 1…9 are
/// withheld so that nobody can be singled out (see ``SmallCellSuppression``).
/// A suppressed cell carries no number at all — what a chart never holds, it
/// cannot leak into its SVG, its description or its tooltips.
public enum ChartValue: Sendable, Hashable {
    case count(Int)
    case suppressed

    /// Whether the count was withheld.
    public var isSuppressed: Bool { self == .suppressed }

    /// The count as drawn, or `nil` when suppressed.
    ///
    /// A count is never negative; a negative input is a bug upstream, and
    /// drawing it as 0 keeps bars from growing below the axis.
    var drawnCount: Int? {
        switch self {
        case .count(let count): max(0, count)
        case .suppressed: nil
        }
    }
}

/// A labelled value: one bar of a single-series chart.
public struct ChartPoint: Sendable, Hashable {
    public var label: String
    public var value: ChartValue

    public init(_ label: String, _ value: ChartValue) {
        self.label = label
        self.value = value
    }
}

/// A named run of values, one per category, for grouped bar charts
/// (for example "issued" and "returned" per month).
public struct ChartSeries: Sendable, Hashable {
    public var name: String
    /// One value per category. Values past the last category are ignored;
    /// a category with no value here simply gets no bar from this series.
    public var values: [ChartValue]

    public init(_ name: String, _ values: [ChartValue]) {
        self.name = name
        self.values = values
    }

    func value(at category: Int) -> ChartValue? {
        values.indices.contains(category) ? values[category] : nil
    }
}
