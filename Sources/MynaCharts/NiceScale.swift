/// A value axis from 0 with "nice" round ticks: steps of 1, 2 or 5 times a
/// power of ten.
///
/// Readers compare bars against gridlines, so ticks must be numbers people
/// take in at a glance — 0, 500, 1,000, 1,500 rather than 0, 437, 874. Counts
/// are whole numbers, so the step is never below 1 and all arithmetic is on
/// integers (no floating-point rounding can make two runs differ).
public struct NiceScale: Sendable, Hashable {
    /// Distance between ticks.
    public let step: Int
    /// The top of the axis: the first multiple of `step` at or above the
    /// largest value (at least one step, so an all-zero chart still has an axis).
    public let upperBound: Int

    /// - Parameters:
    ///   - maxValue: the largest value to show; negatives count as 0.
    ///   - targetTickCount: about how many steps the axis should have.
    public init(maxValue: Int, targetTickCount: Int = 5) {
        let top = max(0, maxValue)
        let target = max(1, targetTickCount)
        let roughStep = max(1, Self.divideRoundingUp(top, by: target))
        step = Self.niceStep(atLeast: roughStep)

        let steps = max(1, Self.divideRoundingUp(top, by: step))
        let (bound, overflow) = steps.multipliedReportingOverflow(by: step)
        upperBound = overflow ? top : bound
    }

    /// The tick values from 0 to `upperBound`.
    public var ticks: [Int] {
        Array(stride(from: 0, through: upperBound, by: step))
    }

    /// The smallest 1, 2 or 5 × 10ⁿ that is at least `minimum`.
    static func niceStep(atLeast minimum: Int) -> Int {
        var magnitude = 1
        while true {
            for factor in [1, 2, 5] {
                let (candidate, overflow) = factor.multipliedReportingOverflow(by: magnitude)
                if overflow { return minimum }
                if candidate >= minimum { return candidate }
            }
            let (next, overflow) = magnitude.multipliedReportingOverflow(by: 10)
            if overflow { return minimum }
            magnitude = next
        }
    }

    private static func divideRoundingUp(_ value: Int, by divisor: Int) -> Int {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder == 0 ? quotient : quotient + 1
    }
}

extension NiceScale {
    /// A scale for chart values. When anything is suppressed the axis reaches
    /// at least the threshold, so it spans the range a hidden cell lies in
    /// rather than suggesting, say, an axis of 0…1 next to a "<10" mark.
    init(covering values: [ChartValue], targetTickCount: Int = 5) {
        let largest = values.compactMap(\.drawnCount).max() ?? 0
        let floor = values.contains(.suppressed) ? SmallCellSuppression.threshold : 0
        self.init(maxValue: max(largest, floor), targetTickCount: targetTickCount)
    }
}
