import MynaCharts
import Testing

@Suite struct NiceScaleTests {
    @Test(arguments: [
        (max: 0, step: 1, upper: 1),
        (max: -5, step: 1, upper: 1),
        (max: 1, step: 1, upper: 1),
        (max: 3, step: 1, upper: 3),
        (max: 7, step: 2, upper: 8),
        (max: 10, step: 2, upper: 10),
        (max: 11, step: 5, upper: 15),
        (max: 100, step: 20, upper: 100),
        (max: 101, step: 50, upper: 150),
        (max: 1_234, step: 500, upper: 1_500),
        (max: 15_000, step: 5_000, upper: 15_000),
        (max: 9_999, step: 2_000, upper: 10_000),
        (max: 10_000_000, step: 2_000_000, upper: 10_000_000),
    ])
    func knownScales(_ expected: (max: Int, step: Int, upper: Int)) {
        let scale = NiceScale(maxValue: expected.max)
        #expect(scale.step == expected.step)
        #expect(scale.upperBound == expected.upper)
    }

    @Test func ticksRunFromZeroToTheUpperBound() {
        #expect(NiceScale(maxValue: 1_234).ticks == [0, 500, 1_000, 1_500])
        #expect(NiceScale(maxValue: 0).ticks == [0, 1])
        #expect(NiceScale(maxValue: 95, targetTickCount: 10).ticks == Array(stride(from: 0, through: 100, by: 10)))
    }

    @Test func everyStepIsOneTwoOrFiveTimesAPowerOfTen() {
        for maxValue in Array(0...3_000) + [99_999, 123_456_789, 4_000_000_000] {
            let scale = NiceScale(maxValue: maxValue)
            var mantissa = scale.step
            while mantissa % 10 == 0 { mantissa /= 10 }
            #expect([1, 2, 5].contains(mantissa), "step \(scale.step) for \(maxValue)")
            #expect(scale.upperBound >= maxValue)
            #expect(scale.upperBound - scale.step < max(maxValue, 1), "no empty step on top for \(maxValue)")
            #expect((2...6).contains(scale.ticks.count), "\(scale.ticks.count) ticks for \(maxValue)")
        }
    }

    @Test func hugeValuesDoNotOverflow() {
        let scale = NiceScale(maxValue: .max)
        #expect(scale.upperBound >= 0)
        #expect(scale.step > 0)
    }
}
