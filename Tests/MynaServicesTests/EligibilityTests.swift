import Crypto
import Foundation
import MynaCard
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPortal
import MynaRegistry
import MynaServices
import MynaDatabase
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
            var replacement = try await TestCardHolder.reissue(to: insured, by: fixture.office)
            let visual = try await eligibility.check(try await fixture.visualCheck(&replacement, at: clinic), by: clinic, source: "clinic")
            #expect(visual.eligible && visual.method == "visual-check" && visual.number == "00042")
            // The lost card's certificate is refused, even with the lost card in hand.
            let lost = try await fixture.visualCheck(&insured, at: clinic)
            await #expect(throws: PortalError.self) { _ = try await eligibility.check(lost, by: clinic, source: "c") }
            let nobody = try await fixture.visualCheck(&replacement, at: clinic, staff: " ")
            await expectServiceError(.invalidEligibilityCheck) { _ = try await eligibility.check(nobody, by: clinic, source: "c") }
            // No insurer holds a record: said plainly, and still recorded.
            let none = try await fixture.answer(&uninsured, at: clinic)
            await expectServiceError(.noEligibilityRecord) {
                _ = try await eligibility.check(
                    .pin(challengeID: none.challenge, certificateDER: none.certificate, signature: none.signature), by: clinic, source: "clinic")
            }
            // Only medical institutions check.
            let atKiosk = try await fixture.visualCheck(&replacement, at: kiosk)
            await expectServiceError(.invalidEligibilityCheck) { _ = try await eligibility.check(atKiosk, by: kiosk, source: "c") }
            let checks = try await fixture.environment.database.read { connection in
                try await connection.query("SELECT method, staff, outcome FROM eligibility_checks ORDER BY id").map {
                    "\(try $0.string("method"))/\(try $0.optionalString("staff") ?? "-")/\(try $0.string("outcome"))"
                }
            }
            #expect(checks == ["pin/-/eligible", "visual-check/受付 田中/eligible", "pin/-/no-record"])
        }
    }

    /// Two clinics and a patient whose insurer has filed a record under its own code.
    static func twoClinicsAndAnInsuredPatient(_ fixture: ServicesFixture) async throws -> (clinic: Agency, other: Agency, patient: TestCardHolder) {
        let clinic = try await fixture.register("千代田内科クリニック", .medicalInstitution)
        let other = try await fixture.register("丸の内歯科", .medicalInstitution)
        let insurer = try await fixture.register("協会けんぽ", .healthInsurer)
        let patient = try await TestCardHolder.issue(by: fixture.office)
        let code = try await fixture.hub.acquireCode(for: patient.number, by: insurer)
        let record: [String: Any] = ["insurerNumber": "01130012", "symbol": "1234", "number": "00042", "eligible": true, "copaymentPercent": 30]
        try await fixture.hub.register(item: .healthInsurance, value: Array(try JSONSerialization.data(withJSONObject: record)), code: code, by: insurer)
        return (clinic, other, patient)
    }

    @Test("a visual check needs the card at the desk: a kept certificate, an old answer, a forged or PIN-key signature, a wrong 照合番号B and another clinic's challenge all fail (issue 14)", arguments: DatabaseKind.available)
    func visualCheckNeedsTheCard(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let eligibility = fixture.services.eligibility
            let setup = try await Self.twoClinicsAndAnInsuredPatient(fixture)
            let (clinic, other) = (setup.clinic, setup.other)
            var patient = setup.patient
            let kept = try #require(patient.issued.authentication)
            let clinicAudience = ChallengeAudience.party(id: clinic.id, name: clinic.name)

            // With the card at the desk, the check works.
            let visit = try await fixture.visualCheck(&patient, at: clinic)
            #expect(try await eligibility.check(visit, by: clinic, source: "clinic").eligible)
            // Later, without the patient: the answer it kept is spent, and a fresh challenge
            // needs a fresh answer the clinic cannot make — not with the old answer, not with
            // a key of its own, not with the card's PIN-key signature from another visit.
            await expectPortalError(.challengeUsed) { _ = try await eligibility.check(visit, by: clinic, source: "clinic") }
            guard case .visualCheck(_, _, let oldAnswer, _) = visit else { Issue.record("not a visual check"); return }
            let ownKey = P256.Signing.PrivateKey()
            let pinAnswer = try await fixture.answer(&patient, at: clinic)
            for forged in [oldAnswer, Array(try ownKey.signature(for: Array("x".utf8)).derRepresentation), pinAnswer.signature] {
                let fresh = try await fixture.portal.signIn.challenge(for: .eligibilityCheck, audience: clinicAudience)
                await expectPortalError(.signatureInvalid) {
                    _ = try await eligibility.check(
                        .visualCheck(challengeID: fresh.id, certificateDER: kept, cardFaceSignature: forged, staff: "受付 田中"), by: clinic, source: "clinic")
                }
            }
            // Another clinic's challenge answered by the card is refused here.
            let elsewhere = try await fixture.visualCheck(&patient, at: other)
            await expectPortalError(.challengePurposeMismatch) { _ = try await eligibility.check(elsewhere, by: clinic, source: "clinic") }
            // A wrong 照合番号B: the card itself refuses and counts the try.
            await #expect(throws: CardFaceRefused.self) { _ = try await fixture.visualCheck(&patient, at: clinic, numberB: "00000000000000") }
            #expect(patient.chip.triesLeft(.cardFace) == PINKind.cardFace.maximumTries - 1)

            let refusedChecks = try await fixture.environment.database.read { connection in
                try await connection.first(SQL("SELECT COUNT(*) AS n FROM eligibility_checks WHERE institution_id = ?", [.text(clinic.id)]))?.int("n") ?? 0
            }
            #expect(refusedChecks == 1)
        }
    }

    @Test("visual checks are limited per clinic even with the card, and the refusal recorded (issue 14)", arguments: DatabaseKind.available)
    func visualCheckLimits(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let eligibility = fixture.services.eligibility
            let setup = try await Self.twoClinicsAndAnInsuredPatient(fixture)
            let (clinic, other) = (setup.clinic, setup.other)
            var patient = setup.patient
            // A clinic that kept the card (or a finder at a desk) has no PIN; it is held to the limit.
            for _ in 0..<OnlineEligibility.visualChecksPerPatientPerDay {
                #expect(try await eligibility.check(try await fixture.visualCheck(&patient, at: clinic), by: clinic, source: "clinic").eligible)
            }
            let overLimit = try await fixture.visualCheck(&patient, at: clinic)
            await expectServiceError(.visualCheckLimitReached) { _ = try await eligibility.check(overLimit, by: clinic, source: "clinic") }
            // Another clinic is not affected; a day later the clinic may check again.
            #expect(try await eligibility.check(try await fixture.visualCheck(&patient, at: other, staff: "受付 佐藤"), by: other, source: "other").eligible)
            fixture.environment.clock.advance(by: 86_401)
            #expect(try await eligibility.check(try await fixture.visualCheck(&patient, at: clinic), by: clinic, source: "clinic").eligible)
            let outcomes = try await fixture.environment.database.read { connection in
                try await connection.query(SQL("SELECT outcome FROM eligibility_checks WHERE institution_id = ? ORDER BY id", [.text(clinic.id)]))
                    .map { try $0.string("outcome") }
            }
            #expect(outcomes == ["eligible", "eligible", "eligible", "refused-visual-check-limit", "eligible"])

            // A card issued before the card-face application existed cannot take a visual check.
            let cardID = patient.card.id
            try await fixture.environment.database.transaction { connection in
                try await connection.query(SQL("UPDATE cards SET card_face_key = NULL WHERE id = ?", [.text(cardID)]))
            }
            let noFace = try await fixture.visualCheck(&patient, at: other)
            await expectPortalError(.cardFaceUnavailable) { _ = try await eligibility.check(noFace, by: other, source: "other") }
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
