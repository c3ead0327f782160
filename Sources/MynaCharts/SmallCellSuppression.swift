/// Small-cell suppression for published counts.
///
/// **Primary rule:** a count of 1…9 is published as "fewer than 10"; 0 and
/// counts of 10 or more are published as they are.
///
/// Why: a cell of 1…9 people in a small municipality or a rare category can
/// point at an identifiable person ("the one person in village X who returned
/// a card for reason Y"). Zero is shown because it names nobody, and hiding it
/// would make empty categories look like sensitive ones. (Zero does say
/// something about a whole group — "nobody in X did Y" — which is accepted for
/// these operational statistics.)
///
/// **Secondary (complementary) rule:** when a row of cells is shown together
/// with its total, a single suppressed cell can be recovered by subtraction.
/// ``suppressComplementary(_:)`` therefore also hides one more cell of such a
/// row. See there for the details and the limits.
public enum SmallCellSuppression {
    /// Counts below this (and above zero) are withheld.
    public static let threshold = 10

    /// Applies the primary rule to one count.
    public static func apply(_ count: Int) -> ChartValue {
        (1..<threshold).contains(count) ? .suppressed : .count(count)
    }

    /// Applies the primary rule to every count, keeping the order.
    public static func apply(_ counts: [Int]) -> [ChartValue] {
        counts.map(apply)
    }

    /// Applies the primary rule to every count of a dictionary.
    public static func apply<Key: Hashable>(_ counts: [Key: Int]) -> [Key: ChartValue] {
        counts.mapValues(apply)
    }

    /// Applies the primary rule to labelled counts, giving chart points.
    public static func points(_ labelledCounts: [(label: String, count: Int)]) -> [ChartPoint] {
        labelledCounts.map { ChartPoint($0.label, apply($0.count)) }
    }

    /// A figure derived from a count — a yen total of fixed fees, an amount per person, a
    /// percentage of a budget taken seat by seat — published only when that count would be.
    ///
    /// Dividing ¥1,800 of ¥200 kiosk fees by the fee gives back the 9 that the count's
    /// "<10" hid: a figure that follows a count is the count in other units, so it takes
    /// the count's suppression (the attribute disclosure rule of official statistics).
    /// `nil` means withheld.
    public static func derived<Figure>(_ figure: Figure, from count: Int) -> Figure? {
        apply(count).isSuppressed ? nil : figure
    }

    /// Applies the primary rule, then protects a lone suppressed cell from
    /// recovery by subtraction.
    ///
    /// Use this for a row (a group of cells) whose total is published too.
    /// If exactly one cell is suppressed, anyone could compute it as
    /// `total − (sum of the others)`. So the smallest other non-zero cell is
    /// suppressed as well (the first one on ties, so the result is stable);
    /// the reader then only learns the sum of two hidden cells. A zero cell is
    /// never chosen: hiding a known zero would protect nothing.
    ///
    /// If no other non-zero cell exists, the total equals the suppressed cell
    /// and is itself under the threshold — publish the total through
    /// ``apply(_:)-(Int)`` and it is suppressed too.
    ///
    /// Limits: this protects one group at a time. A table that shows both row
    /// and column totals needs the cross-check done over both dimensions.
    public static func suppressComplementary(_ counts: [Int]) -> [ChartValue] {
        var values = apply(counts)
        let suppressedCount = values.count(where: \.isSuppressed)
        guard suppressedCount == 1 else { return values }

        let partner = counts.indices
            .filter { !values[$0].isSuppressed && counts[$0] > 0 }
            .min { counts[$0] < counts[$1] }
        if let partner {
            values[partner] = .suppressed
        }
        return values
    }
}
