import Foundation
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaPKI
import MynaRegistry
import MynaDatabase
import MynaTestSupport
import SwiftASN1
import Testing
import X509

/// A registry with a CA on the test clock, a card office over both, and a clerk of
/// 千代田区 to act as.
struct CardFixture: Sendable {
    let office: CardOffice
    let registry: Registry
    let environment: TestEnvironment
    let clerk = RegistryActor.staff(id: "clerk-1", procedureID: "procedure-1")
    let chiyoda = try! MunicipalityCode("131016")

    var clock: TestClock { environment.clock }

    func resident(born birthDate: String = "1990-05-01", name: String = "山田 太郎") async throws -> String {
        try await registry.residents.register(
            try BasicInfo(
                name: name, nameKana: "ヤマダ タロウ", address: try Address(municipality: chiyoda, text: "東京都千代田区丸の内1-2-3"),
                birthDate: try CalendarDate(iso: birthDate), sex: .male),
            by: .system("test"), reason: "test").resident.id
    }

    /// Moves the test clock to 10:00 JST on `date`.
    func moveClock(to date: String) throws {
        let target = Double(try CalendarDate(iso: date).daysSinceEpoch * 86_400 + 3600)
        clock.advance(by: target - clock.now.timeIntervalSince1970)
    }

    /// A virtual card (keys generated on it) and what the counter reads from it.
    func card(signature: Bool = true) throws -> (VirtualCard, CardKeys) {
        var pins: [PINKind: String] = [.authentication: "1234", .textInput: "1234"]
        if signature { pins[.signature] = "ABC123" }
        let card = try VirtualCard.new(pins: pins)
        return (card, try TestCardHolder.keys(of: card))
    }

    /// Applies for and issues a card to a new resident.
    func issuedCard(born: String = "1990-05-01") async throws -> (resident: String, card: CardRecord, issued: IssuedCertificates, chip: VirtualCard, keys: CardKeys) {
        let resident = try await resident(born: born)
        let applied = try await office.apply(for: resident, by: clerk, within: chiyoda).card
        var (chip, keys) = try card()
        let issued = try await office.issue(applied.id, chip: &chip, identityDocuments: [.driversLicence], by: clerk, within: chiyoda)
        return (resident, issued.card, issued, chip, keys)
    }

    /// An issued card and what its holder tells the hotline: the number and the date of birth.
    func hotlineCaller() async throws -> (card: CardRecord, issued: IssuedCertificates, chip: VirtualCard, number: IndividualNumber, born: CalendarDate) {
        let (resident, card, issued, chip, _) = try await issuedCard()
        let number = try await registry.residents.number(of: resident, by: .system("test"), purpose: "test")
        return (card, issued, chip, number, try CalendarDate(iso: "1990-05-01"))
    }

    func status(_ der: [UInt8]?, _ kind: CertificateKind) async throws -> SQLCertificateLedger.Status {
        let certificate = try Certificate(derEncoded: der!)
        return try await office.publisher.ledger.status(serial: Array(certificate.serialNumber.bytes), role: .init(kind))
    }
}

func withCardOffice(_ kind: DatabaseKind, _ body: @Sendable (CardFixture) async throws -> Void) async throws {
    try await withTestRegistry(kind) { registry, environment in
        try await body(CardFixture(office: try makeTestCardOffice(registry, environment), registry: registry, environment: environment))
    }
}

func expectCardError(_ code: CardOfficeError.Code, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue)", sourceLocation: sourceLocation)
    } catch let error as CardOfficeError {
        #expect(error.code == code, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Card office")
struct CardOfficeTests {
    @Test("a card is applied for, handed over with identity checked, and its certificates verify in OpenSSL", arguments: DatabaseKind.available)
    func issuance(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            let resident = try await fixture.resident()
            let (applied, fee) = try await office.apply(for: resident, by: fixture.clerk, within: fixture.chiyoda)
            #expect(applied.status == .applied && fee == 0)
            #expect(applied.serial.count == 14 && applied.serial.split(separator: "-").count == 3)
            await expectCardError(.cardAlreadyLive) { _ = try await office.apply(for: resident, by: fixture.clerk, within: fixture.chiyoda) }

            var (chip, keys) = try fixture.card()
            await expectCardError(.identityNotVerified) {
                _ = try await office.issue(applied.id, chip: &chip, identityDocuments: [.healthInsuranceCard], by: fixture.clerk, within: fixture.chiyoda)
            }
            await expectCardError(.outsideJurisdiction) {
                _ = try await office.issue(applied.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: try MunicipalityCode("011002"))
            }
            let issued = try await office.issue(
                applied.id, chip: &chip, identityDocuments: [.healthInsuranceCard, .pensionBook], by: fixture.clerk, within: fixture.chiyoda)
            #expect(issued.card.status == .active && issued.card.chipID == chip.id)
            // Issued 2026-11-18 to someone born 1990-05-01: 10 years, to the birthday.
            #expect(issued.card.expiresOn == (try CalendarDate(iso: "2036-05-01")))
            await expectCardError(.wrongCardState) {
                _ = try await office.issue(applied.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }

            // Written to the card, then judged by OpenSSL against the published chain.
            try chip.install(certificate: issued.authentication!, for: .authentication)
            try chip.install(certificate: issued.signature!, for: .signature)
            #expect(chip.certificate(for: .signature) == issued.signature)
            let directory = fixture.environment.directory
            let authorities = office.publisher.authorities
            for (name, der, ca) in [("auth", issued.authentication!, authorities.authentication), ("sign", issued.signature!, authorities.signature)] {
                let leaf = directory.appendingPathComponent("\(name).pem")
                let chain = directory.appendingPathComponent("\(name)-chain.pem")
                try PEM.encode(der, label: "CERTIFICATE").write(to: leaf, atomically: true, encoding: .utf8)
                try (try authorities.root.pemRepresentation + "\n" + ca.pemRepresentation + "\n").write(to: chain, atomically: true, encoding: .utf8)
                let verified = try OpenSSL.run(["verify", "-CAfile", chain.path, leaf.path])
                #expect(verified.status == 0, "\(verified.output)")
            }
            // The signature certificate carries the holder's facts; its key is the card's.
            let signature = try Certificate(derEncoded: issued.signature!)
            #expect(signature.publicKey == keys.signature)
            #expect(try await fixture.status(issued.signature, .signature) == .good)

            let history = try await office.history(of: applied.id)
            #expect(history.map(\.event) == ["apply", "issue"])
            #expect(history[1].identityDocuments == [.healthInsuranceCard, .pensionBook] && history[1].actor == "staff:clerk-1")
            #expect(history[1].procedureID == "procedure-1" && history[1].certificates.count == 2)
            let records = try await fixture.registry.residents.accessRecords(of: resident, by: .system("test"), purpose: "test")
            #expect(Set(records.map(\.action)).isSuperset(of: [.cardApplication, .cardIssue]))
        }
    }

    @Test("a holder under 15 gets no signature certificate", arguments: DatabaseKind.available)
    func underFifteen(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let child = try await fixture.resident(born: "2015-01-10")
            let applied = try await fixture.office.apply(for: child, by: fixture.clerk, within: fixture.chiyoda).card
            var (withSignature, _) = try fixture.card()
            await expectCardError(.signatureKeyNotAllowed) {
                _ = try await fixture.office.issue(applied.id, chip: &withSignature, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            var (chip, _) = try fixture.card(signature: false)
            let issued = try await fixture.office.issue(applied.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(issued.signature == nil)
            // Under 18 at issue: 5 years, to the birthday.
            #expect(issued.card.expiresOn == (try CalendarDate(iso: "2031-01-10")))
        }
    }

    @Test("the hotline suspends on matching facts only, is rate-limited, and revokes at once", arguments: DatabaseKind.available)
    func hotline(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            var (card, issued, chip, number, born) = try await fixture.hotlineCaller()
            await expectCardError(.factsDoNotMatch) {
                _ = try await office.suspendByHotline(number: number, birthDate: try CalendarDate(iso: "1990-05-02"), cardSerial: card.serial, source: "a")
            }
            await expectCardError(.factsDoNotMatch) {
                _ = try await office.suspendByHotline(number: number, birthDate: born, cardSerial: "0000-0000-0000", source: "a")
            }
            #expect(try await fixture.status(issued.authentication, .authentication) == .good)
            // A serial read over the phone: lower case, no hyphens, O for 0.
            let spoken = card.serial.lowercased().replacingOccurrences(of: "-", with: "").replacingOccurrences(of: "0", with: "o")
            #expect(try await office.suspendByHotline(number: number, birthDate: born, cardSerial: spoken, source: "b") == .suspended)
            #expect(try await office.card(card.id).status == .suspended)
            for (der, kind) in [(issued.authentication!, CertificateKind.authentication), (issued.signature!, .signature)] {
                guard case .revoked(_, let reason) = try await fixture.status(der, kind) else { Issue.record("not revoked"); continue }
                #expect(reason == .keyCompromise)
            }
            #expect(try await office.suspendByHotline(number: number, birthDate: born, cardSerial: card.serial, source: "b") == .alreadySuspended)
            #expect(try await office.history(of: card.id).last?.actor == "system:hotline")

            // Wrong guesses: five for one number from one line a day (two were made above),
            // then that line's answers are withheld — a right call's too — while another
            // line is answered as before.
            for _ in 0..<3 {
                await expectCardError(.factsDoNotMatch) {
                    _ = try await office.suspendByHotline(number: number, birthDate: born, cardSerial: "0000-0000-0001", source: "a")
                }
            }
            for serial in ["0000-0000-0001", card.serial] {
                do {
                    _ = try await office.suspendByHotline(number: number, birthDate: born, cardSerial: serial, source: "a")
                    Issue.record("expected a wait")
                } catch let error as CardOfficeError {
                    #expect(error.code == .tooManyAttempts && (error.retryAfter ?? 0) > 0)
                }
            }
            #expect(try await office.suspendByHotline(number: number, birthDate: born, cardSerial: card.serial, source: "d") == .alreadySuspended)
            fixture.clock.advance(by: 86_401)
            #expect(try await office.suspendByHotline(number: number, birthDate: born, cardSerial: card.serial, source: "a") == .alreadySuspended)

            // Lifting the suspension at the counter: identity checked, new certificates.
            let resumed = try await office.resume(card.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(resumed.card.status == .active)
            #expect(try await fixture.status(resumed.authentication, .authentication) == .good)
            if case .good = try await fixture.status(issued.authentication, .authentication) { Issue.record("the old certificate came back") }
        }
    }

    @Test("a stranger's wrong calls for the owner's number, from many lines, do not stop the owner's call (issue 14)", arguments: DatabaseKind.available)
    func strangerCannotSilenceTheHotline(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            let (card, issued, _, number, born) = try await fixture.hotlineCaller()
            // The stranger knows the number and tries, from four lines at once, until each is turned away.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for line in ["stranger-1", "stranger-2", "stranger-3", "stranger-4"] {
                    group.addTask {
                        for guess in 0..<(CardOffice.hotlineFailuresPerNumberAndSourcePerDay + 2) {
                            do {
                                _ = try await office.suspendByHotline(
                                    number: number, birthDate: try CalendarDate(iso: "1990-05-0\(guess + 2)"), cardSerial: "0000-0000-000\(guess)",
                                    source: line)
                                Issue.record("a wrong call suspended the card")
                            } catch let error as CardOfficeError {
                                #expect(error.code == (guess < CardOffice.hotlineFailuresPerNumberAndSourcePerDay ? .factsDoNotMatch : .tooManyAttempts))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await office.card(card.id).status == .active)
            // The owner calls: answered, suspended, both certificates revoked.
            #expect(try await office.suspendByHotline(number: number, birthDate: born, cardSerial: card.serial, source: "owner") == .suspended)
            #expect(try await office.card(card.id).status == .suspended)
            for (der, kind) in [(issued.authentication, CertificateKind.authentication), (issued.signature, .signature)] {
                guard case .revoked = try await fixture.status(der, kind) else { Issue.record("\(kind) not revoked"); continue }
            }
        }
    }

    @Test("matching facts suspend the card even from a line over its limit; the answer is withheld like a wrong call's", arguments: DatabaseKind.available)
    func limitWithholdsTheAnswerNotTheSuspension(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            let (card, issued, _, number, born) = try await fixture.hotlineCaller()
            // The owner mistypes the card number five times from a line shared with others.
            for _ in 0..<CardOffice.hotlineFailuresPerNumberAndSourcePerDay {
                await expectCardError(.factsDoNotMatch) {
                    _ = try await office.suspendByHotline(number: number, birthDate: born, cardSerial: "0000-0000-0000", source: "shared")
                }
            }
            func withheld(_ serial: String) async throws -> (retryAfter: Int?, took: Duration) {
                let start = ContinuousClock.now
                do {
                    _ = try await office.suspendByHotline(number: number, birthDate: born, cardSerial: serial, source: "shared")
                    Issue.record("expected the answer withheld")
                    return (nil, .zero)
                } catch let error as CardOfficeError {
                    #expect(error.code == .tooManyAttempts)
                    return (error.retryAfter, ContinuousClock.now - start)
                }
            }
            let wrong = try await withheld("0000-0000-0001")
            let right = try await withheld(card.serial)
            // The same answer, the same wait, no quicker than the floor either way…
            #expect(wrong.retryAfter == right.retryAfter && wrong.retryAfter != nil)
            #expect(wrong.took >= .seconds(2) && right.took >= .seconds(2))
            // …but the right call did its work.
            #expect(try await office.card(card.id).status == .suspended)
            guard case .revoked = try await fixture.status(issued.authentication, .authentication) else { Issue.record("not revoked"); return }
            let outcomes = try await fixture.registry.database.read { connection in
                try await connection.query("SELECT outcome FROM hotline_calls ORDER BY id").map { try $0.string("outcome") }
            }
            #expect(outcomes == Array(repeating: "mismatch", count: 5) + ["refused-too-many", "suspended"])
        }
    }

    @Test("parallel wrong calls from one line are all counted: no more than the limit are ever answered", arguments: DatabaseKind.available)
    func parallelWrongCallsAreCounted(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            let (card, _, _, number, born) = try await fixture.hotlineCaller()
            // One number, one line, thirty calls at once.
            let forOneNumber = try await Self.codes(of: 30) { index in
                _ = try await office.suspendByHotline(
                    number: number, birthDate: born, cardSerial: "0000-0000-\(1000 + index)", source: "line-1")
            }
            #expect(forOneNumber[.factsDoNotMatch] == CardOffice.hotlineFailuresPerNumberAndSourcePerDay)
            #expect(forOneNumber[.tooManyAttempts] == 30 - CardOffice.hotlineFailuresPerNumberAndSourcePerDay)
            // Many numbers, one line, forty calls at once: the line's hourly limit holds.
            let forManyNumbers = try await Self.codes(of: 40) { index in
                _ = try await office.suspendByHotline(
                    number: IndividualNumber(base: 10_000_000_000 + UInt64(index)), birthDate: born, cardSerial: card.serial, source: "line-2")
            }
            #expect(forManyNumbers[.factsDoNotMatch] == CardOffice.hotlineFailuresPerSourcePerHour)
            #expect(forManyNumbers[.tooManyAttempts] == 40 - CardOffice.hotlineFailuresPerSourcePerHour)
            let recorded = try await fixture.registry.database.read { connection in
                try await connection.first("SELECT count(*) AS n FROM hotline_calls")?.int("n")
            }
            #expect(recorded == 70)
            #expect(try await office.card(card.id).status == .active)
        }
    }

    /// Runs `count` calls at once; how many ended with each card-office error code.
    static func codes(of count: Int, _ call: @escaping @Sendable (Int) async throws -> Void) async throws -> [CardOfficeError.Code: Int] {
        try await withThrowingTaskGroup(of: CardOfficeError.Code?.self) { group in
            for index in 0..<count {
                group.addTask {
                    do {
                        try await call(index)
                        return nil
                    } catch let error as CardOfficeError {
                        return error.code
                    }
                }
            }
            var codes: [CardOfficeError.Code: Int] = [:]
            for try await code in group { if let code { codes[code, default: 0] += 1 } }
            return codes
        }
    }

    @Test("a change of a basic fact revokes the signature certificate only; a new one can be issued", arguments: DatabaseKind.available)
    func factsChange(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            var (resident, card, issued, chip, _) = try await fixture.issuedCard()
            // A change of reading only (not in the certificate) revokes nothing.
            _ = try await fixture.registry.residents.changeFacts(
                of: resident, name: nil, nameKana: "ヤマダ タロ", addressText: nil, by: .system("test"), reason: "correction")
            #expect(try await office.followRecord(of: resident).factsRevoked == 0)
            _ = try await fixture.registry.residents.changeFacts(
                of: resident, name: nil, nameKana: nil, addressText: "東京都千代田区永田町1-7-1", by: .system("test"), reason: "転居")
            #expect(try await office.followRecord(of: resident).factsRevoked == 1)
            guard case .revoked(_, let reason) = try await fixture.status(issued.signature, .signature) else {
                Issue.record("the signature certificate was not revoked"); return
            }
            #expect(reason == .affiliationChanged)
            #expect(try await fixture.status(issued.authentication, .authentication) == .good)
            #expect(try await office.followRecord(of: resident).factsRevoked == 0)  // once

            let history = try await office.history(of: card.id)
            #expect(history.last?.event == "signature-certificate-revoked" && history.last?.actor == "system:card-office")

            // A new signature certificate at any time, with the new address; the
            // authentication certificate is not yet due and stays as it is.
            let renewed = try await office.renew(card.id, chip: &chip, by: fixture.clerk, within: fixture.chiyoda)
            #expect(renewed.authentication == nil && renewed.signature != nil)
            #expect(try await fixture.status(renewed.signature, .signature) == .good)
            #expect(try await fixture.status(issued.authentication, .authentication) == .good)
            await expectCardError(.renewalTooEarly) { _ = try await office.renew(card.id, chip: &chip, by: fixture.clerk, within: fixture.chiyoda) }
        }
    }

    @Test("renewal opens 3 months before expiry; the old certificates are superseded after the new ones are in", arguments: DatabaseKind.available)
    func renewal(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            var (_, card, issued, chip, _) = try await fixture.issuedCard(born: "1990-05-01")
            // Certificates run to the 5th birthday after issue: 2031-05-01.
            let notAfter = try Certificate(derEncoded: issued.authentication!).notValidAfter
            #expect(CalendarDate(inJapanAt: notAfter) == (try CalendarDate(iso: "2031-05-01")))
            await expectCardError(.renewalTooEarly) { _ = try await office.renew(card.id, chip: &chip, by: fixture.clerk, within: fixture.chiyoda) }
            // 2031-02-15: inside the window.
            try fixture.moveClock(to: "2031-02-15")
            let renewed = try await office.renew(card.id, chip: &chip, by: fixture.clerk, within: fixture.chiyoda)
            // A renewal in the window runs to the 6th birthday, capped by the card (2036-05-01).
            #expect(CalendarDate(inJapanAt: try Certificate(derEncoded: renewed.authentication!).notValidAfter) == (try CalendarDate(iso: "2036-05-01")))
            for (old, new, kind) in [(issued.authentication!, renewed.authentication!, CertificateKind.authentication), (issued.signature!, renewed.signature!, .signature)] {
                #expect(try await fixture.status(new, kind) == .good)
                guard case .revoked(_, let reason) = try await fixture.status(old, kind) else { Issue.record("old one still good"); continue }
                #expect(reason == .superseded)
            }
            let certificates = try await office.certificates(of: card.id)
            #expect(certificates.filter { $0.endedAt == nil }.count == 2 && certificates.count == 4)
        }
    }

    @Test("loss, reissue with its fee, voluntary return with its statement, and expiry", arguments: DatabaseKind.available)
    func endings(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            let (resident, card, issued, _, _) = try await fixture.issuedCard()
            await expectCardError(.reasonRequired) {
                _ = try await office.returnCard(card.id, reason: "", by: fixture.clerk, within: fixture.chiyoda)
            }
            let lost = try await office.reportLoss(card.id, reason: "lost on the train", by: fixture.clerk, within: fixture.chiyoda)
            #expect(lost.status == .abolished)
            guard case .revoked(_, let reason) = try await fixture.status(issued.authentication, .authentication) else { Issue.record("not revoked"); return }
            #expect(reason == .keyCompromise)
            await expectCardError(.wrongCardState) { _ = try await office.suspend(card.id, by: fixture.clerk, within: fixture.chiyoda) }

            let (reissue, fee) = try await office.apply(for: resident, by: fixture.clerk, within: fixture.chiyoda)
            #expect(fee == 1000 && reissue.replacesID == card.id)
            #expect(try await office.history(of: reissue.id).first?.feeYen == 1000)
            var (secondChip, _) = try fixture.card()
            let second = try await office.issue(reissue.id, chip: &secondChip, identityDocuments: [.myNumberCard, .passport], by: fixture.clerk, within: fixture.chiyoda)

            let statement = try await office.returnCard(reissue.id, reason: "no longer needed", by: fixture.clerk, within: fixture.chiyoda)
            #expect(statement.card.status == .returned && statement.revokedCertificates.count == 2)
            #expect(statement.remains.contains { $0.contains("公金受取口座") })
            guard case .revoked(_, let returned) = try await fixture.status(second.signature, .signature) else { Issue.record("not revoked"); return }
            #expect(returned == .cessationOfOperation)
            // The person's record is untouched by the return.
            #expect(try await fixture.registry.residents.resident(resident, by: .system("test"), purpose: "test").status == .registered)
            #expect(try await office.history(of: reissue.id).last?.reason == "no longer needed")

            // A third card, left to expire: the sweep marks it, and the next is free.
            let (third, _) = try await office.apply(for: resident, by: fixture.clerk, within: fixture.chiyoda)
            var (thirdChip, _) = try fixture.card()
            _ = try await office.issue(third.id, chip: &thirdChip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            fixture.clock.advance(by: 11 * 366 * 86_400)
            #expect(try await office.sweep().cardsExpired == 1)
            #expect(try await office.card(third.id).status == .expired)
            #expect(try await office.apply(for: resident, by: .system("test"), within: nil).feeYen == 0)
        }
    }

    @Test("a death abolishes the card and revokes both certificates", arguments: DatabaseKind.available)
    func death(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let (resident, card, issued, _, _) = try await fixture.issuedCard()
            _ = try await fixture.registry.residents.recordDeath(of: resident, on: CalendarDate(inJapanAt: fixture.clock.now), by: .system("test"), reason: "死亡届")
            // The sweep finds it without being told.
            let report = try await fixture.office.sweep()
            #expect(report.deceasedRevoked == 2)
            #expect(try await fixture.office.card(card.id).status == .abolished)
            guard case .revoked(_, let reason) = try await fixture.status(issued.signature, .signature) else { Issue.record("not revoked"); return }
            #expect(reason == .cessationOfOperation)
        }
    }

    @Test("the sweep revokes plans a crash left behind and ends records already revoked", arguments: DatabaseKind.available)
    func sweepRepairs(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let (_, card, issued, _, _) = try await fixture.issuedCard()
            // A crash after the ledger revoked but before the card's record followed.
            let serial = Array(try Certificate(derEncoded: issued.authentication!).serialNumber.bytes)
            _ = try await fixture.office.publisher.revoke(serial: serial, role: .authentication, reason: .keyCompromise)
            // A crash after planning, before the CA recorded anything.
            let stray = (0..<16).map { _ in UInt8.random(in: 0...255) }
            _ = try await fixture.environment.database.transaction { connection in
                try await connection.query(SQL(
                    "INSERT INTO card_certificates (serial, card_id, resident_id, kind, not_after, planned_at) VALUES (?, ?, ?, 'authentication', ?, ?)",
                    [.blob(stray), .text(card.id), .text(card.residentID), .integer(4_000_000_000_000), .integer(fixture.clock.wallClock.milliseconds)]))
            }
            let first = try await fixture.office.sweep()
            #expect(first.recordsEnded == 1 && first.abandonedRevoked == 0)  // the plan is not yet abandoned
            fixture.clock.advance(by: 11 * 60)
            #expect(try await fixture.office.sweep().abandonedRevoked == 1)
            let ended = try await fixture.office.certificates(of: card.id).first { $0.kind == .authentication }
            #expect(ended?.endReason == "keyCompromise")
            let again = try await fixture.office.sweep()
            #expect(again.abandonedRevoked == 0 && again.recordsEnded == 0)
        }
    }
}

