import Foundation
import MynaCore
import MynaServices
import MynaTestSupport
import Testing

/// Issue 14: a figure that follows a count (a total of fixed fees, a percentage of a budget
/// taken seat by seat, points granted at a fixed amount) gives the count back by division.
/// Each test reads the published report as anyone can and tries the division.
@Suite("Statistics: derived amounts")
struct StatisticsDisclosureTests {
    @Test("kiosk fees and campaign amounts do not give back a count under 10", arguments: DatabaseKind.available)
    func derivedAmounts(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            // Three certificates printed (¥200 each): the count is "<10"…
            let kiosk = try await fixture.register("まちかどストア", .certificateKiosk)
            var holder = try await TestCardHolder.issue(by: fixture.office)
            for index in 0..<3 {
                let answer = try await fixture.answer(&holder, at: kiosk)
                _ = try await fixture.services.kiosks.issue(
                    try .init(
                        requestID: "req-\(index)", storeCode: "1234", kind: .residence, challengeID: answer.challenge, certificateDER: answer.certificate,
                        signature: answer.signature), by: kiosk, source: "kiosk")
            }
            // …and three residents signed up, two of them granted points.
            let campaign = try fixture.campaign("round-1")
            try await fixture.load(campaign)
            let pay = try await fixture.register("みらいペイ", .cashlessProvider)
            func signUp(_ people: Range<Int>) async throws {
                for index in people {
                    _ = try await fixture.services.mynapoint.signUp(try await fixture.resident(index), to: "round-1", provider: pay.id, account: "a\(index)", via: .card)
                }
            }
            func spend(_ people: Range<Int>) async throws {  // ¥4,000 each: ¥1,000 of points
                for index in people {
                    _ = try await fixture.services.mynapoint.report(
                        try SpendingReport(campaignID: "round-1", reportID: "r\(index)", account: "a\(index)", kind: .purchase, amountYen: 4_000, occurredAt: fixture.clock.now, cancels: nil),
                        by: pay)
                }
            }
            try await signUp(0..<3)
            try await spend(0..<2)

            let report = try await fixture.services.statistics.report()
            #expect(report.kioskCertificatesByMonth.total.value == .suppressed)
            let use = try #require(report.campaigns.first)
            #expect(use.signUps.value == .suppressed)
            // The attack: divide by the known fee, the per-person maximum, the reward. Nothing to divide.
            let printed = report.kioskFeesYen.map { $0 / Int64(CertificateIssuingCentre.feeYen) }
            let signedUp = use.budgetUsedPercent.map { Int(($0 / 100 * Double(campaign.budgetYen) / Double(campaign.maximumPerPersonYen)).rounded()) }
            let granted = use.grantedYen.map { $0 / 1_000 }  // ¥1,000 each: 25 % of ¥4,000
            #expect(printed == nil && signedUp == nil && granted == nil, "recovered \(String(describing: printed)), \(String(describing: signedUp)), \(String(describing: granted))")
            // Nor from the JSON anyone downloads, nor from the public budget.
            let json = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(report)) as? [String: Any])
            #expect(json["kioskFeesYen"] == nil)
            let campaigns = try #require(json["campaigns"] as? [[String: Any]])
            #expect(campaigns.first?["grantedYen"] == nil && campaigns.first?["budgetUsedPercent"] == nil)
            let budget = try await fixture.services.mynapoint.budget(of: "round-1")
            #expect(budget.taken == 3 && budget.fewestGrantees == 2 && budget.grantedYen == 2_000)

            // Ten people and more: the amounts are published again.
            try await signUp(3..<12)
            try await spend(2..<12)
            let later = try #require(try await fixture.services.statistics.report().campaigns.first)
            #expect(later.grantedYen == 12_000 && later.budgetUsedPercent == StatisticsReportTests.percent(12 * 5000, 1_000_000))
        }
    }
}
