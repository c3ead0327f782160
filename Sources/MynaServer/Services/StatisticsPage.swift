import Foundation
import MynaCharts
import MynaServices

/// The operators' statistics page (`/stats`): the same report as `GET /v1/stats`, drawn
/// as server-side SVG — no script, styles from this origin (the portal's stylesheet), so
/// it goes out under the portal's Content-Security-Policy. Counts of 1 to 9 show as
/// "<10" in the charts and the tables alike.
enum StatisticsPage {
    static func html(_ report: StatisticsReport) -> String {
        var sections: [String] = []
        sections.append(section("カード交付 / Cards issued", [
            chart(BarChart(id: "issued", title: "月別交付枚数 / Cards issued by month", unit: "枚", points: points(report.cardsIssuedByMonth))),
            municipalityTable(report.municipalities),
        ]))
        sections.append(section("自主返納 / Voluntary returns", [
            chart(BarChart(id: "returns", title: "月別返納 / Returns by month", unit: "枚", points: points(report.returnsByMonth))),
            chart(HorizontalBarChart(id: "return-reasons", title: "返納理由 / Reasons", unit: "枚", points: points(report.returnsByReason))),
        ]))
        sections.append(section("マイキーID / Mykey IDs", [
            "<p>合計 / total: \(count(report.mykeyIDs))</p>",
            chart(BarChart(id: "mykey", title: "月別マイキーID作成 / Mykey IDs created by month", unit: "件", points: points(report.mykeyIDsByMonth))),
        ]))
        sections.append(section("マイナポイント / Mynapoint", report.campaigns.map { campaign in
            let gauge = campaign.budgetUsedPercent.map { percent in
                chart(ProgressGauge(
                    id: "budget-\(campaign.id)", title: "\(campaign.name) — 予算 / budget",
                    used: Int(min(Double(Int.max), Double(campaign.budgetYen) * percent / 100)), total: Int(campaign.budgetYen), unit: "円"))
            } ?? "<p>\(XMLText.escaped(campaign.name)) — 予算 / budget: \(withheld)</p>"
            return gauge + "<p>申込 / sign-ups: \(count(campaign.signUps)) ・ 付与済み / granted: \(yen(campaign.grantedYen))</p>"
        }))
        sections.append(section("一時利用停止の電話 / Suspension calls", [
            chart(BarChart(id: "calls", title: "月別 / By month", unit: "件", points: points(report.suspensionCallsByMonth))),
            chart(HorizontalBarChart(id: "call-outcomes", title: "結果 / Outcomes", unit: "件", points: points(report.suspensionCallsByOutcome))),
        ]))
        sections.append(section("更新の見込み / Renewal queue (next 12 months)", [
            chart(BarChart(id: "certificates-expiring", title: "電子証明書の有効期限 / Certificates expiring", unit: "件", points: points(report.certificatesExpiringByMonth))),
            chart(BarChart(id: "cards-expiring", title: "カードの有効期限 / Cards expiring", unit: "枚", points: points(report.cardsExpiringByMonth))),
        ]))
        sections.append(section("コンビニ交付・オンライン資格確認 / Kiosk certificates and eligibility checks", [
            chart(BarChart(id: "kiosk", title: "月別交付 / Certificates printed by month", unit: "通", points: points(report.kioskCertificatesByMonth))),
            "<p>手数料 / fees: \(yen(report.kioskFeesYen))</p>",
            chart(HorizontalBarChart(id: "eligibility", title: "資格確認の方法 / Eligibility checks by method", unit: "件", points: points(report.eligibilityChecksByMethod))),
        ]))
        return """
            <!DOCTYPE html>
            <html lang="ja">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Myna 統計 / Statistics</title>
            <link rel="stylesheet" href="/portal/static/portal.css">
            </head>
            <body>
            <main class="stats">
            <h1>Myna 統計 / Statistics</h1>
            <p>件数のみ。1〜9 の件数は「&lt;10」と表示します（個人が特定されないように）。その件数が割り出せる金額（手数料・付与額）も公表しません。Counts only; counts of 1 to 9 show as "&lt;10" so that nobody can be singled out, and amounts that would give such a count back (fees, points granted) are withheld. \
            Generated \(XMLText.escaped(ISO8601DateFormatter().string(from: report.generatedAt))). JSON: <a href="/v1/stats">/v1/stats</a></p>
            \(sections.joined(separator: "\n"))
            </main>
            </body>
            </html>
            """
    }

    private static func section(_ title: String, _ parts: [String]) -> String {
        "<section>\n<h2>\(XMLText.escaped(title))</h2>\n\(parts.joined(separator: "\n"))\n</section>"
    }

    private static func chart(_ chart: some SVGChart) -> String { "<figure>\(chart.svg())</figure>" }

    private static func points(_ series: StatisticSeries) -> [ChartPoint] {
        series.cells.map { ChartPoint($0.label, $0.count.value) }
    }

    private static func count(_ count: PublishedCount) -> String {
        count.count.map(NumberText.grouped) ?? "&lt;10"
    }

    /// What stands in for a figure that would give away a count under 10.
    private static let withheld = "非公表（10人未満）/ withheld (fewer than 10 people)"

    private static func yen(_ amount: Int64?) -> String {
        amount.map { "¥" + NumberText.grouped(Int($0)) } ?? withheld
    }

    private static func municipalityTable(_ municipalities: [StatisticsReport.Municipality]) -> String {
        let rows = municipalities.map { place in
            "<tr><td>\(XMLText.escaped(place.name))</td><td>\(count(place.residents))</td><td>\(count(place.cardsHeld))</td><td>\(place.holdingRatePercent.map { String(format: "%.1f%%", $0) } ?? "—")</td></tr>"
        }
        return """
            <table><caption>市区町村別保有率 / Cards held by municipality</caption>
            <thead><tr><th>市区町村</th><th>住民 / residents</th><th>保有 / cards held</th><th>保有率 / rate</th></tr></thead>
            <tbody>\(rows.joined())</tbody></table>
            """
    }
}

/// The charts the page draws, each able to write its SVG.
protocol SVGChart { func svg() -> String }
extension BarChart: SVGChart {}
extension HorizontalBarChart: SVGChart {}
extension ProgressGauge: SVGChart {}
