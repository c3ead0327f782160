import Foundation
import MynaCharts
import MynaPortalPages
import MynaServices

/// The operators' statistics page (`/stats`): the same report as `GET /v1/stats`, on the
/// portal's templates and in its two languages, with the charts drawn as server-side SVG —
/// no script, styles from this origin (the portal's stylesheet), so it goes out under the
/// portal's Content-Security-Policy. Counts of 1 to 9 show as "<10" in the charts and the
/// tables alike.
extension StatisticsPage {
    init(_ report: StatisticsReport, language: PortalLanguage) {
        func bars(_ chart: Chart, _ id: String, _ series: StatisticSeries) -> TrustedMarkup {
            TrustedMarkup(BarChart(id: id, title: chart.title(in: language), unit: chart.unit(in: language), points: Self.points(series)).svg())
        }
        func rows(_ chart: Chart, _ id: String, _ series: StatisticSeries) -> TrustedMarkup {
            TrustedMarkup(
                HorizontalBarChart(id: id, title: chart.title(in: language), unit: chart.unit(in: language), points: Self.points(series)).svg())
        }
        let campaigns = report.campaigns.map { campaign in
            let gauge = campaign.budgetUsedPercent.map { percent in
                TrustedMarkup(ProgressGauge(
                    id: "budget-\(campaign.id)", title: "\(campaign.name) — \(Chart.budget.title(in: language))",
                    used: Int(min(Double(Int.max), Double(campaign.budgetYen) * percent / 100)), total: Int(campaign.budgetYen),
                    unit: Chart.budget.unit(in: language)).svg())
            }
            return Campaign(
                name: campaign.name, budget: gauge, signUps: Self.count(campaign.signUps), granted: campaign.grantedYen.map { PortalFormat.yen(Int($0)) })
        }
        self.init(
            generatedAt: ISO8601DateFormatter().string(from: report.generatedAt),
            cardsIssued: bars(.cardsIssued, "issued", report.cardsIssuedByMonth),
            municipalities: report.municipalities.map { place in
                Municipality(
                    name: place.name, residents: Self.count(place.residents), cardsHeld: Self.count(place.cardsHeld),
                    rate: place.holdingRatePercent.map { String(format: "%.1f%%", $0) } ?? "—")
            },
            returns: bars(.returns, "returns", report.returnsByMonth),
            returnReasons: rows(.returnReasons, "return-reasons", report.returnsByReason),
            mykeyTotal: Self.count(report.mykeyIDs),
            mykeyIDs: bars(.mykeyIDs, "mykey", report.mykeyIDsByMonth),
            campaigns: campaigns,
            suspensionCalls: bars(.suspensionCalls, "calls", report.suspensionCallsByMonth),
            callOutcomes: rows(.callOutcomes, "call-outcomes", report.suspensionCallsByOutcome),
            certificatesExpiring: bars(.certificatesExpiring, "certificates-expiring", report.certificatesExpiringByMonth),
            cardsExpiring: bars(.cardsExpiring, "cards-expiring", report.cardsExpiringByMonth),
            kioskCertificates: bars(.kioskCertificates, "kiosk", report.kioskCertificatesByMonth),
            kioskFees: report.kioskFeesYen.map { PortalFormat.yen(Int($0)) },
            eligibilityChecks: rows(.eligibilityChecks, "eligibility", report.eligibilityChecksByMethod))
    }

    private static func points(_ series: StatisticSeries) -> [ChartPoint] {
        series.cells.map { ChartPoint($0.label, $0.count.value) }
    }

    /// A published count as text: grouped digits, or "<10" (escaped by the template).
    private static func count(_ count: PublishedCount) -> String {
        count.count.map(NumberText.grouped) ?? "<10"
    }
}
