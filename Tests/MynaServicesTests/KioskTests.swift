import Crypto
import Foundation
import MynaCore
import MynaLinkage
import MynaPDF
import MynaPortal
import MynaServices
import MynaDatabase
import MynaTestSupport
import Testing

@Suite("Convenience-store certificates")
struct KioskTests {
    @Test("a kiosk prints the card holder's certificate of residence, sealed, verifiable online and offline; a retry gets the same one", arguments: DatabaseKind.available)
    func print(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let centre = fixture.services.kiosks
            let kiosk = try await fixture.register("まちかどストア", .certificateKiosk)
            var holder = try await TestCardHolder.issue(by: fixture.office, name: "鈴木 一郎", nameKana: "スズキ イチロウ", born: "1975-03-15")
            let answer = try await fixture.answer(&holder, at: kiosk)
            let request = try CertificateIssuingCentre.Request(
                requestID: "req-1", storeCode: "1234", kind: .residence, challengeID: answer.challenge, certificateDER: answer.certificate,
                signature: answer.signature)
            let issued = try await centre.issue(request, by: kiosk, source: "kiosk")
            #expect(!issued.replayed && issued.feeYen == 200 && issued.municipalityCode == "131016")
            #expect(issued.verificationCode.hasPrefix("MYNA-") && issued.pdf.starts(with: Array("%PDF-1.7".utf8)))

            // Issue 14: the very same bytes again — a replay by whoever recorded them — printed
            // the certificate without the card. The answer in them is used: no PDF.
            await #expect(throws: PortalError.self) { _ = try await centre.issue(request, by: kiosk, source: "kiosk") }
            // A retry (the kiosk lost the answer) asks the card again, and gets the same
            // certificate, not a second.
            func retry(_ holder: inout TestCardHolder, store: String = "1234") async throws -> CertificateIssuingCentre.Request {
                let fresh = try await fixture.answer(&holder, at: kiosk)
                return try .init(
                    requestID: "req-1", storeCode: store, kind: .residence, challengeID: fresh.challenge, certificateDER: fresh.certificate, signature: fresh.signature)
            }
            let again = try await centre.issue(try await retry(&holder), by: kiosk, source: "kiosk")
            #expect(again.replayed && again.id == issued.id && again.pdf == issued.pdf)
            // The id reused for another store, or another person's card: refused, never the first person's paper.
            let elsewhere = try await retry(&holder, store: "9999")
            await expectServiceError(.requestIDReused) { _ = try await centre.issue(elsewhere, by: kiosk, source: "kiosk") }
            var stranger = try await TestCardHolder.issue(by: fixture.office, name: "他人 三郎", nameKana: "タニン サブロウ", born: "1999-09-09")
            let theirs = try await retry(&stranger)
            await expectServiceError(.requestIDReused) { _ = try await centre.issue(theirs, by: kiosk, source: "kiosk") }

            // Online, by code and by file; offline, with the key alone.
            let byCode = try await centre.verification(code: issued.verificationCode)
            #expect(byCode.municipalityName == "東京都千代田区" && !byCode.sealVerified)
            #expect(try await centre.verify(pdf: issued.pdf).sealVerified)
            let claims = try CertificateIssuingCentre.verifyOffline(pdf: issued.pdf, publicKey: centre.publicKey)
            #expect(claims.code == issued.verificationCode && claims.num == issued.issueNumber && claims.mun == "131016")
            #expect(throws: ServiceError.self) { try CertificateIssuingCentre.verifyOffline(pdf: issued.pdf, publicKey: P256.Signing.PrivateKey().publicKey) }
            // One byte changed anywhere outside the seal, and the seal no longer covers the file.
            var forged = issued.pdf
            let name = Array("/Title".utf8)
            let at = try #require(forged.indices.first { forged[$0...].starts(with: name) })
            forged[at + 8] ^= 0x01
            #expect(throws: ServiceError.self) { try CertificateIssuingCentre.verifyOffline(pdf: forged, publicKey: centre.publicKey) }
            await expectServiceError(.unknownVerificationCode) { _ = try await centre.verification(code: "MYNA-0000-0000-0000") }

            // poppler reads the holder's own facts and no individual number.
            if let text = try PopplerText.extract(issued.pdf) {
                #expect(text.contains("鈴木 一郎") || text.contains("鈴木　一郎"))
                #expect(text.contains("住民票の写し") && text.contains(issued.verificationCode))
                #expect(!text.contains(holder.number.unmaskedDigits))
            }
        }
    }

    @Test("the card decides the person; a wrong PIN prints nothing; two requests at once never mix; a timeout aborts the whole request", arguments: DatabaseKind.available)
    func incidents(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let centre = fixture.services.kiosks
            let kiosk = try await fixture.register("まちかどストア", .certificateKiosk)
            let provider = try await fixture.register("みらいペイ", .cashlessProvider)
            var alice = try await TestCardHolder.issue(by: fixture.office, name: "佐藤 花子", nameKana: "サトウ ハナコ", born: "1988-08-08")
            var bob = try await TestCardHolder.issue(by: fixture.office, name: "高橋 健", nameKana: "タカハシ ケン", born: "1960-01-20")

            // A wrong PIN: the card refuses to sign, its counter counts, and nothing is printed.
            let challenge = try await fixture.portal.signIn.challenge()
            #expect(try alice.authenticate(challenge.signingInput, pin: "9999") == nil)
            // Another card's certificate with this card's signature: refused.
            let aliceAnswer = try await fixture.answer(&alice, at: kiosk)
            let mixed = try CertificateIssuingCentre.Request(
                requestID: "mixed", storeCode: "1", kind: .residence, challengeID: aliceAnswer.challenge, certificateDER: try #require(bob.issued.authentication),
                signature: aliceAnswer.signature)
            await #expect(throws: PortalError.self) { _ = try await centre.issue(mixed, by: kiosk, source: "kiosk") }
            // Only a kiosk prints.
            let bobAnswer = try await fixture.answer(&bob, at: kiosk)
            let byProvider = try CertificateIssuingCentre.Request(
                requestID: "p", storeCode: "1", kind: .residence, challengeID: bobAnswer.challenge, certificateDER: bobAnswer.certificate,
                signature: bobAnswer.signature)
            await expectServiceError(.invalidCertificateRequest) { _ = try await centre.issue(byProvider, by: provider, source: "kiosk") }

            // Two requests in the same instant (the clock stands still): each gets its own holder.
            let first = try await fixture.answer(&alice, at: kiosk)
            let second = try await fixture.answer(&bob, at: kiosk)
            async let a = centre.issue(
                try .init(requestID: "a", storeCode: "1", kind: .residence, challengeID: first.challenge, certificateDER: first.certificate, signature: first.signature),
                by: kiosk, source: "kiosk")
            async let b = centre.issue(
                try .init(requestID: "b", storeCode: "1", kind: .residence, challengeID: second.challenge, certificateDER: second.certificate, signature: second.signature),
                by: kiosk, source: "kiosk")
            let (forAlice, forBob) = try await (a, b)
            #expect(forAlice.verificationCode != forBob.verificationCode)
            if let aliceText = try PopplerText.extract(forAlice.pdf), let bobText = try PopplerText.extract(forBob.pdf) {
                #expect(aliceText.contains("佐藤") && !aliceText.contains("高橋"))
                #expect(bobText.contains("高橋") && !bobText.contains("佐藤"))
            }
            let issuedCount = try await fixture.environment.database.read { try await $0.first("SELECT count(*) AS n, SUM(fee_yen) AS fees FROM kiosk_certificates") }
            #expect(try issuedCount?.int("n") == 2 && issuedCount?.int("fees") == 400)
        }
        // A slow line: past the deadline, the request is aborted whole — nothing issued, no fee.
        try await withServices(kind, kioskDeadline: .milliseconds(200), kioskPause: .milliseconds(150)) { fixture in
            let kiosk = try await fixture.register("まちかどストア", .certificateKiosk)
            var holder = try await TestCardHolder.issue(by: fixture.office)
            let answer = try await fixture.answer(&holder, at: kiosk)
            await expectServiceError(.kioskTimeout) {
                _ = try await fixture.services.kiosks.issue(
                    try .init(requestID: "slow", storeCode: "1", kind: .residence, challengeID: answer.challenge, certificateDER: answer.certificate,
                        signature: answer.signature),
                    by: kiosk, source: "kiosk")
            }
            #expect(try await fixture.environment.database.read { try await $0.first("SELECT count(*) AS n FROM kiosk_certificates")?.int("n") } == 0)
        }
    }

    @Test("kiosks keep store hours: 06:30–23:00 Japan time, closed 29 December to 3 January")
    func hours() throws {
        func at(_ iso: String) -> Date { ISO8601DateFormatter().date(from: iso)! }
        let hours = CertificateIssuingCentre.ServiceHours.convenienceStore
        #expect(hours.isOpen(at: at("2026-11-23T06:30:00+09:00")))
        #expect(!hours.isOpen(at: at("2026-11-23T06:29:59+09:00")))
        #expect(hours.isOpen(at: at("2026-11-23T22:59:59+09:00")))
        #expect(!hours.isOpen(at: at("2026-11-23T23:00:00+09:00")))
        #expect(!hours.isOpen(at: at("2026-12-29T12:00:00+09:00")))
        #expect(!hours.isOpen(at: at("2027-01-03T12:00:00+09:00")))
        #expect(hours.isOpen(at: at("2027-01-04T12:00:00+09:00")))
        #expect(CertificateIssuingCentre.ServiceHours.always.isOpen(at: at("2026-12-31T03:00:00+09:00")))
    }
}

/// `pdftotext -layout` when poppler is installed (scripts/test installs it); nil otherwise.
enum PopplerText {
    static func extract(_ pdf: [UInt8]) throws -> String? {
        guard let tool = ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first(where: FileManager.default.isExecutableFile(atPath:)) else {
            if ProcessInfo.processInfo.environment["MYNA_REQUIRE_POPPLER"] == "1" { Issue.record("pdftotext is required") }
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-kiosk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("certificate.pdf")
        try Data(pdf).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = ["-layout", "-enc", "UTF-8", file.path, "-"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
