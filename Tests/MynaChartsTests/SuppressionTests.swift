import MynaCharts
import Testing

@Suite struct SuppressionTests {
    @Test func oneToNineAreSuppressedZeroAndTenUpAreShown() {
        #expect(SmallCellSuppression.threshold == 10)
        #expect(SmallCellSuppression.apply(0) == .count(0))
        for count in 1...9 {
            #expect(SmallCellSuppression.apply(count) == .suppressed)
        }
        #expect(SmallCellSuppression.apply(10) == .count(10))
        #expect(SmallCellSuppression.apply(12_345) == .count(12_345))
    }

    @Test func collectionsKeepTheirShape() {
        #expect(SmallCellSuppression.apply([0, 5, 10]) == [.count(0), .suppressed, .count(10)])
        #expect(SmallCellSuppression.apply(["札幌市": 120, "音威子府村": 3]) == ["札幌市": .count(120), "音威子府村": .suppressed])
        #expect(
            SmallCellSuppression.points([("a", 9), ("b", 11)]) == [ChartPoint("a", .suppressed), ChartPoint("b", .count(11))])
    }

    @Test func aLoneSuppressedCellTakesTheSmallestOtherNonZeroCellWithIt() {
        #expect(
            SmallCellSuppression.suppressComplementary([50, 3, 20, 0])
                == [.count(50), .suppressed, .suppressed, .count(0)])
    }

    @Test func zerosAreNeverTheComplement() {
        #expect(SmallCellSuppression.suppressComplementary([0, 4, 100]) == [.count(0), .suppressed, .suppressed])
    }

    @Test func tiesPickTheFirstCell() {
        #expect(
            SmallCellSuppression.suppressComplementary([30, 2, 30])
                == [.suppressed, .suppressed, .count(30)])
    }

    @Test func rowsWithNoneOrSeveralSuppressedCellsAreLeftAlone() {
        #expect(SmallCellSuppression.suppressComplementary([10, 20]) == [.count(10), .count(20)])
        #expect(
            SmallCellSuppression.suppressComplementary([1, 2, 300])
                == [.suppressed, .suppressed, .count(300)])
        #expect(SmallCellSuppression.suppressComplementary([]) == [])
    }

    @Test func aLoneCellWithNoPartnerLeavesATotalThatIsSuppressedItself() {
        let row = [0, 5, 0]
        #expect(SmallCellSuppression.suppressComplementary(row) == [.count(0), .suppressed, .count(0)])
        #expect(SmallCellSuppression.apply(row.reduce(0, +)) == .suppressed)
    }

    /// The strongest check that a hidden count cannot leak: whatever it was,
    /// the chart is the same, byte for byte.
    @Test(arguments: ["bar", "grouped", "horizontal"])
    func outputDoesNotDependOnTheHiddenCount(kind: String) {
        let renderings = Set(
            (1...9).map { hidden in
                let value = SmallCellSuppression.apply(hidden)
                switch kind {
                case "bar":
                    return BarChart(id: "c", title: "t", points: [ChartPoint("a", .count(40)), ChartPoint("b", value)]).svg()
                case "grouped":
                    return BarChart(
                        id: "c", title: "t", categories: ["a", "b"],
                        series: [ChartSeries("x", [.count(40), value]), ChartSeries("y", [value, .count(12)])]
                    ).svg()
                default:
                    return HorizontalBarChart(id: "c", title: "t", points: [ChartPoint("a", .count(40)), ChartPoint("b", value)]).svg()
                }
            })
        #expect(renderings.count == 1)
    }

    @Test func theLeakCheckSeesLoneSmallNumbers() {
        #expect(Inspection.mentionsSmallCount("残り 7 件"))
        #expect(Inspection.mentionsSmallCount("a: 3, b: 1,234"))
        #expect(!Inspection.mentionsSmallCount("2026-07: 1,234; <10; 0"))
    }

    @Test func noTextStatesASmallCount() throws {
        // Shown counts and ticks are all 0 or ≥ 10 here, so any lone digit 1–9 in
        // the text would be a leak.
        let raw = [1_200, 7, 3_400, 0, 2, 15]
        let charts = [
            BarChart(
                id: "a", title: "月別", unit: "件",
                points: zip(["一月", "二月", "三月", "四月", "五月", "六月"], raw).map {
                    ChartPoint($0, SmallCellSuppression.apply($1))
                }
            ).svg(),
            BarChart(
                id: "b", title: "発行と返納", categories: ["一月", "二月", "三月"],
                series: [
                    ChartSeries("発行", SmallCellSuppression.apply([1_200, 7, 3_400])),
                    ChartSeries("返納", SmallCellSuppression.apply([0, 2, 15])),
                ]
            ).svg(),
            HorizontalBarChart(
                id: "c", title: "理由",
                points: zip(["転出", "死亡", "紛失", "その他", "再交付", "更新"], raw).map {
                    ChartPoint($0, SmallCellSuppression.apply($1))
                }
            ).svg(),
        ]
        for svg in charts {
            let parsed = try ParsedSVG(svg)
            for text in parsed.texts {
                #expect(!Inspection.mentionsSmallCount(text), "\(text)")
            }
            #expect(parsed.all(withClass: "chart-suppressed").count >= 2)
            #expect(parsed.accessibleName?.description.contains("10未満 (fewer than 10)") == true)
        }
    }

    @Test func suppressedCellsAreAFixedSmallPlaceholderNeverZero() throws {
        let chart = BarChart(
            id: "p", title: "t",
            points: [ChartPoint("big", .count(1_000_000)), ChartPoint("hidden", .suppressed), ChartPoint("none", .count(0))])
        let parsed = try ParsedSVG(chart.svg())
        let placeholders = parsed.all("rect").filter { $0.attributes["class"] == "chart-bar chart-suppressed" }
        #expect(placeholders.count == 1)
        #expect(placeholders.first?.attributes["height"] == "6")
        #expect(placeholders.first?.attributes["fill"] == "url(#p-hatch)")
        #expect(parsed.all(withClass: "chart-suppressed").contains { $0.name == "text" && $0.text == "<10" })
        #expect(parsed.all("title").contains { $0.text == "hidden: 10未満 (fewer than 10)" })
        #expect(parsed.all("title").contains { $0.text == "none: 0" })
    }
}
