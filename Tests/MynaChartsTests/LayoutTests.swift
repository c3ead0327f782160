import MynaCharts
import Testing

@Suite struct LayoutTests {
    @Test func japaneseTextIsWrittenAsPlainUTF8() throws {
        let svg = Samples.reasons.svg()
        #expect(svg.contains("返納理由 / return reasons"))
        #expect(svg.contains(">死亡<"))
        #expect(!svg.contains("&#"))
        let parsed = try ParsedSVG(svg)
        #expect(parsed.accessibleName?.description.contains("転出（国外への転出を含む）による返納: 4,321 件") == true)
    }

    @Test func longLabelsAreShortenedButKeptWholeInTooltips() throws {
        let long = "北海道札幌市中央区大通西一丁目から十丁目までの特別区域における返納"
        let chart = HorizontalBarChart(
            id: "l", title: "t", points: [ChartPoint(long, .count(20)), ChartPoint("短い", .count(30))], width: 400)
        let parsed = try ParsedSVG(chart.svg())
        let labels = parsed.all(withClass: "chart-category").map(\.text)
        #expect(labels.contains("短い"))
        let shortened = try #require(labels.first { $0.hasSuffix("…") })
        #expect(long.hasPrefix(shortened.dropLast()))
        #expect(parsed.all("title").contains { $0.text == "\(long): 20" })
    }

    @Test func horizontalChartsGrowWithTheirRows() {
        let one = HorizontalBarChart(id: "h", title: "t", points: [ChartPoint("a", .count(10))])
        let five = HorizontalBarChart(id: "h", title: "t", points: Array(repeating: ChartPoint("a", .count(10)), count: 5))
        #expect(five.height - one.height == 4 * 28)
        #expect(five.svg().contains(#"height="\#(five.height)""#))
    }

    @Test func groupedChartsHaveALegendSingleSeriesDoNot() throws {
        let grouped = try ParsedSVG(Samples.grouped.svg())
        let legend = grouped.all(withClass: "chart-legend-label").map(\.text)
        #expect(legend == ["単位 / unit: 枚", "発行 / issued", "返納 / returned", "10未満 / fewer than 10"])
        #expect(grouped.all(withClass: "chart-series-1").contains { $0.name == "rect" })
        #expect(grouped.accessibleName?.description.contains("2026-02: 発行 / issued 4,800 枚, 返納 / returned 10未満 (fewer than 10)") == true)

        let single = try ParsedSVG(BarChart(id: "s", title: "t", points: [ChartPoint("a", .count(10))]).svg())
        #expect(single.all(withClass: "chart-legend").isEmpty)
    }

    @Test func manyCategoriesGetRotatedAndThinnedLabels() throws {
        let parsed = try ParsedSVG(Samples.manyMonths.svg())
        let labels = parsed.all(withClass: "chart-category")
        #expect(labels.allSatisfy { $0.attributes["transform"]?.hasPrefix("rotate(-45 ") == true })
        #expect(labels.count < 36)
        #expect(labels.first?.text == "2024-01")
        // Value labels would not fit over such narrow bars, so there are none at all (not just some).
        #expect(parsed.all(withClass: "chart-value").isEmpty)
        // Every bar still has its full label in its tooltip.
        #expect(parsed.all(withClass: "chart-point").count == 36)
    }

    @Test func fewShortCategoriesGetLevelLabels() throws {
        let parsed = try ParsedSVG(Samples.grouped.svg())
        let labels = parsed.all(withClass: "chart-category")
        #expect(labels.map(\.text) == Array(Samples.months.prefix(6)))
        #expect(labels.allSatisfy { $0.attributes["transform"] == nil })
    }

    @Test func zeroIsAnEmptyBarWithAZeroLabel() throws {
        let parsed = try ParsedSVG(BarChart(id: "z", title: "t", points: [ChartPoint("a", .count(0)), ChartPoint("b", .count(20))]).svg())
        #expect(parsed.all(withClass: "chart-bar").count == 1)
        #expect(parsed.all(withClass: "chart-value").map(\.text) == ["0", "20"])
    }

    @Test func negativeCountsAreDrawnAsZero() throws {
        let parsed = try ParsedSVG(BarChart(id: "n", title: "t", points: [ChartPoint("a", .count(-5)), ChartPoint("b", .count(20))]).svg())
        #expect(parsed.all(withClass: "chart-value").map(\.text) == ["0", "20"])
    }

    @Test func tinySizesAreRaisedToAWorkableMinimum() throws {
        let parsed = try ParsedSVG(BarChart(id: "t", title: "t", points: [ChartPoint("a", .count(10))], width: 10, height: 10).svg())
        #expect(parsed.root.attributes["viewBox"] == "0 0 240 160")
    }

    @Test func emptyDataSaysSo() throws {
        for svg in Samples.empties {
            let parsed = try ParsedSVG(svg)
            #expect(parsed.all(withClass: "chart-empty").map(\.text) == ["データなし / no data"])
            #expect(parsed.accessibleName?.description == "データなし / no data")
            #expect(parsed.all(withClass: "chart-bar").isEmpty)
        }
    }
}

@Suite struct LargeNumberTests {
    @Test func tenMillionIsGroupedEverywhere() throws {
        let chart = BarChart(
            id: "big", title: "累計", unit: "枚",
            points: [ChartPoint("2025", .count(9_500_000)), ChartPoint("2026", .count(10_000_000))])
        let parsed = try ParsedSVG(chart.svg())
        #expect(parsed.all(withClass: "chart-value").map(\.text) == ["9,500,000", "10,000,000"])
        #expect(parsed.all(withClass: "chart-tick").map(\.text) == ["0", "2,000,000", "4,000,000", "6,000,000", "8,000,000", "10,000,000"])
        #expect(parsed.accessibleName?.description == "棒グラフ / bar chart. 2025: 9,500,000 枚; 2026: 10,000,000 枚.")

        let horizontal = try ParsedSVG(
            HorizontalBarChart(id: "h", title: "t", points: chart.series[0].values.map { ChartPoint("x", $0) }).svg())
        #expect(horizontal.all(withClass: "chart-value").map(\.text) == ["9,500,000", "10,000,000"])
    }

    @Test func gaugeShowsAmountsAndARoundedDownShare() throws {
        let parsed = try ParsedSVG(Samples.budget.svg())
        #expect(parsed.all(withClass: "chart-gauge-amount").map(\.text) == ["61,750,000 / 100,000,000 円"])
        #expect(parsed.all(withClass: "chart-gauge-percent").map(\.text) == ["61.7%"])
        #expect(
            parsed.accessibleName?.description
                == "進捗ゲージ / progress gauge. 使用 / used: 61,750,000 円; 総額 / total: 100,000,000 円; 割合 / share: 61.7%.")
        #expect(ProgressGauge(id: "g", title: "t", used: 9_996, total: 10_000).usedPermille == 999)
    }

    @Test func gaugeOverBudgetIsMarkedAndCapped() throws {
        let parsed = try ParsedSVG(Samples.overBudget.svg())
        let fill = try #require(parsed.all(withClass: "chart-gauge-over").first)
        let track = try #require(parsed.all(withClass: "chart-gauge-track").first)
        #expect(fill.attributes["width"] == track.attributes["width"])
        #expect(parsed.all(withClass: "chart-gauge-percent").map(\.text) == ["120.0%"])
        #expect(parsed.accessibleName?.description.hasSuffix("超過 / over budget.") == true)
    }

    @Test func gaugeWithHugeAmountsDoesNotOverflow() {
        let gauge = ProgressGauge(id: "g", title: "t", used: Int.max / 2, total: Int.max)
        #expect(gauge.usedPermille == 500)
        #expect(gauge.svg().contains("50.0%"))
    }
}
