import MynaCharts

/// Charts covering every kind and every layout branch, for the tests that
/// must hold for all output.
enum Samples {
    static let months = (1...12).map { "2026-\($0 < 10 ? "0" : "")\($0)" }

    static var monthly: BarChart {
        BarChart(
            id: "issued-monthly", title: "月別発行件数", unit: "件",
            points: zip(months, [1_234, 2_045, 7, 0, 15_000, 3, 980, 1_100, 1_250, 640, 12, 9_999])
                .map { ChartPoint($0, SmallCellSuppression.apply($1)) })
    }

    static var grouped: BarChart {
        BarChart(
            id: "issued-returned", title: "発行と返納 / issued and returned", unit: "枚",
            categories: Array(months.prefix(6)),
            series: [
                ChartSeries("発行 / issued", SmallCellSuppression.apply([5_200, 4_800, 6_100, 5_900, 7_300, 6_800])),
                ChartSeries("返納 / returned", SmallCellSuppression.apply([120, 4, 98, 0, 143, 7])),
            ])
    }

    /// Three years of months: rotated and thinned labels.
    static var manyMonths: BarChart {
        let labels = (2024...2026).flatMap { year in months.map { "\(year)\($0.dropFirst(4))" } }
        return BarChart(
            id: "issued-3y", title: "3年間の発行件数", unit: "件",
            points: labels.enumerated().map { ChartPoint($1, SmallCellSuppression.apply(($0 * 7_919) % 20_000)) })
    }

    static var reasons: HorizontalBarChart {
        HorizontalBarChart(
            id: "return-reasons", title: "返納理由 / return reasons", unit: "件",
            points: SmallCellSuppression.points([
                ("転出（国外への転出を含む）による返納", 4_321),
                ("死亡", 2_100),
                ("カードの紛失・盗難による一時停止後の返納", 8),
                ("氏名・住所の変更に伴う再交付", 15),
                ("その他", 0),
            ]))
    }

    static var budget: ProgressGauge {
        ProgressGauge(id: "campaign-budget", title: "キャンペーン予算 / campaign budget", used: 61_750_000, total: 100_000_000, unit: "円")
    }

    static var overBudget: ProgressGauge {
        ProgressGauge(id: "campaign-over", title: "予算超過", used: 120, total: 100, unit: "円")
    }

    static var empties: [String] {
        [
            BarChart(id: "empty-bar", title: "空", points: []).svg(),
            BarChart(id: "empty-grouped", title: "空", categories: ["a"], series: [ChartSeries("x", [])]).svg(),
            HorizontalBarChart(id: "empty-h", title: "空", points: []).svg(),
            ProgressGauge(id: "empty-gauge", title: "空", used: 5, total: 0).svg(),
        ]
    }

    /// Every sample, rendered.
    static var all: [(name: String, svg: String)] {
        [
            ("monthly", monthly.svg()),
            ("grouped", grouped.svg()),
            ("many-months", manyMonths.svg()),
            ("reasons", reasons.svg()),
            ("budget", budget.svg()),
            ("over-budget", overBudget.svg()),
        ] + empties.enumerated().map { ("empty-\($0.offset)", $0.element) }
    }
}
