import Foundation
import MynaCore
import MynaLinkage
import MynaPortal
import MynaRegistry
import MynaServices
import MynaStore
import MynaTestSupport
import Testing

@Suite("Online eligibility and statistics")
struct EligibilityTests {
    @Test("a clinic checks eligibility with the card: the insurer's record through the hub, a provision record, the method kept", arguments: DatabaseKind.available)
    func eligibility(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let eligibility = fixture.services.eligibility
            let clinic = try await fixture.register("千代田内科クリニック", .medicalInstitution)
            let insurer = try await fixture.register("協会けんぽ", .healthInsurer)
            let kiosk = try await fixture.register("まちかどストア", .certificateKiosk)
            var insured = try await TestCardHolder.issue(by: fixture.office)
            var uninsured = try await TestCardHolder.issue(by: fixture.office, name: "無保険 次郎", nameKana: "ムホケン ジロウ", born: "2000-02-02")
            // The insurer files its record under its own code for the person: no serial anywhere.
            let code = try await fixture.hub.acquireCode(for: insured.number, by: insurer)
            let record: [String: Any] = ["insurerNumber": "01130012", "symbol": "1234", "number": "00042", "eligible": true, "copaymentPercent": 30]
            try await fixture.hub.register(item: .healthInsurance, value: Array(try JSONSerialization.data(withJSONObject: record)), code: code, by: insurer)

            let answer = try await fixture.answer(&insured, at: clinic)
            let result = try await eligibility.check(
                .pin(challengeID: answer.challenge, certificateDER: answer.certificate, signature: answer.signature), by: clinic, source: "clinic")
            #expect(result.eligible && result.insurerName == "協会けんぽ" && result.number == "00042" && result.copaymentPercent == 30 && result.method == "pin")
            // The patient sees the exchange among their provision records.
            let records = try await fixture.hub.records(of: insured.residentID)
            #expect(records.contains { $0.id == result.provisionRecordID && $0.requesterID == clinic.id && $0.task == OnlineEligibility.task })

            // A renewed card finds the same record: eligibility follows the person, not the serial.
            let chiyoda = try MunicipalityCode("131016")
            _ = try await fixture.office.reportLoss(insured.card.id, reason: "紛失", by: .staff(id: "clerk-1", procedureID: "p-1"), within: chiyoda)
            let replacement = try await TestCardHolder.reissue(to: insured, by: fixture.office)
            let visual = try await eligibility.check(
                .visualCheck(certificateDER: try #require(replacement.issued.authentication), staff: "受付 田中"), by: clinic, source: "clinic")
            #expect(visual.eligible && visual.method == "visual-check" && visual.number == "00042")
            // The lost card's certificate is refused.
            await #expect(throws: PortalError.self) {
                _ = try await eligibility.check(.visualCheck(certificateDER: try #require(insured.issued.authentication), staff: "受付 田中"), by: clinic, source: "c")
            }
            await expectServiceError(.invalidEligibilityCheck) {
                _ = try await eligibility.check(.visualCheck(certificateDER: try #require(replacement.issued.authentication), staff: " "), by: clinic, source: "c")
            }
            // No insurer holds a record: said plainly, and still recorded.
            let none = try await fixture.answer(&uninsured, at: clinic)
            await expectServiceError(.noEligibilityRecord) {
                _ = try await eligibility.check(
                    .pin(challengeID: none.challenge, certificateDER: none.certificate, signature: none.signature), by: clinic, source: "clinic")
            }
            // Only medical institutions check.
            await expectServiceError(.invalidEligibilityCheck) {
                _ = try await eligibility.check(.visualCheck(certificateDER: try #require(replacement.issued.authentication), staff: "x"), by: kiosk, source: "c")
            }
            let checks = try await fixture.environment.database.read { connection in
                try await connection.query("SELECT method, staff, outcome FROM eligibility_checks ORDER BY id").map {
                    "\(try $0.string("method"))/\(try $0.optionalString("staff") ?? "-")/\(try $0.string("outcome"))"
                }
            }
            #expect(checks == ["pin/-/eligible", "visual-check/受付 田中/eligible", "pin/-/no-record"])
        }
    }

    @Test("a clinic replaying a card's public certificate for visual checks is stopped at the limit, and the refusal recorded (issue 14)", arguments: DatabaseKind.available)
    func visualCheckReplay(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let eligibility = fixture.services.eligibility
            let clinic = try await fixture.register("千代田内科クリニック", .medicalInstitution)
            let other = try await fixture.register("丸の内歯科", .medicalInstitution)
            let insurer = try await fixture.register("協会けんぽ", .healthInsurer)
            let patient = try await TestCardHolder.issue(by: fixture.office)
            let code = try await fixture.hub.acquireCode(for: patient.number, by: insurer)
            let record: [String: Any] = ["insurerNumber": "01130012", "symbol": "1234", "number": "00042", "eligible": true, "copaymentPercent": 30]
            try await fixture.hub.register(item: .healthInsurance, value: Array(try JSONSerialization.data(withJSONObject: record)), code: code, by: insurer)
            // The certificate the clinic kept from one visit, replayed without the patient.
            let kept = try #require(patient.issued.authentication)
            for _ in 0..<OnlineEligibility.visualChecksPerPatientPerDay {
                #expect(try await eligibility.check(.visualCheck(certificateDER: kept, staff: "受付 田中"), by: clinic, source: "clinic").eligible)
            }
            await expectServiceError(.visualCheckLimitReached) {
                _ = try await eligibility.check(.visualCheck(certificateDER: kept, staff: "受付 田中"), by: clinic, source: "clinic")
            }
            // Another clinic is not affected; a day later the clinic may check again.
            #expect(try await eligibility.check(.visualCheck(certificateDER: kept, staff: "受付 佐藤"), by: other, source: "other").eligible)
            fixture.environment.clock.advance(by: 86_401)
            #expect(try await eligibility.check(.visualCheck(certificateDER: kept, staff: "受付 田中"), by: clinic, source: "clinic").eligible)
            let outcomes = try await fixture.environment.database.read { connection in
                try await connection.query(SQL("SELECT outcome FROM eligibility_checks WHERE institution_id = ? ORDER BY id", [.text(clinic.id)]))
                    .map { try $0.string("outcome") }
            }
            #expect(outcomes == ["eligible", "eligible", "eligible", "refused-visual-check-limit", "eligible"])
        }
    }

    @Test("statistics are counts only, and cells under 10 are suppressed, with a partner where a total would give them away", arguments: DatabaseKind.available)
    func statistics(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            try await fixture.load(try fixture.campaign("round-1"))
            let pay = try await fixture.register("みらいペイ", .cashlessProvider)
            for index in 0..<12 {
                let resident = try await fixture.resident(index)
                if index < 11 { _ = try await fixture.services.mynapoint.signUp(resident, to: "round-1", provider: pay.id, account: "a\(index)", via: .card) }
            }
            _ = try await TestCardHolder.issue(by: fixture.office)
            let report = try await fixture.services.statistics.report()
            #expect(report.mykeyIDs.count == 11)
            #expect(report.campaigns.first?.signUps.count == 11)
            #expect(report.campaigns.first?.budgetUsedPercent == StatisticsReportTests.percent(11 * 5000, 1_000_000))
            // One card issued: suppressed wherever it appears.
            #expect(report.cardsIssuedByMonth.cells.allSatisfy { $0.count.value == .suppressed } && report.cardsIssuedByMonth.total.value == .suppressed)
            let chiyoda = try #require(report.municipalities.first { $0.code == "131016" })
            #expect(chiyoda.residents.count == 13 && chiyoda.cardsHeld.value == .suppressed && chiyoda.holdingRatePercent == nil)
            // The JSON says "<10", never the number.
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            #expect(json.contains("\"<10\""))
        }
    }
}

enum StatisticsReportTests {
    static func percent(_ part: Double, _ whole: Double) -> Double { (part / whole * 1000).rounded() / 10 }
}
