import Foundation
import MynaTestSupport
import MynaCore
import MynaPKI
import SwiftASN1
import Testing
import X509

/// A temporary directory with an initialised CA hierarchy.
struct TestCA {
    let directory: URL
    let authorities: CertificateAuthorities
    static let urls = RevocationURLs(base: "http://127.0.0.1:8080/v1/pki")

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-ca-\(UUID().uuidString)")
        authorities = try CertificateAuthorities.initialize(in: directory.appendingPathComponent("ca"), urls: Self.urls)
    }

    func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
    func ca(_ role: CertificateAuthority.Role) -> String { directory.appendingPathComponent("ca/\(role.rawValue).pem").path }

    func write(_ certificate: Certificate, as name: String) throws -> String {
        try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: file(name)))
        return file(name)
    }

    /// A card's key pair (in a real card it never leaves the chip).
    func cardKey(_ name: String) throws -> FileSigner { try FileSigner.create(at: directory.appendingPathComponent("\(name).key")) }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Records the ledger calls in order.
actor RecordingLedger: CertificateLedger {
    private(set) var events: [String] = []
    private(set) var intents: [[UInt8]: [UInt8]] = [:]

    func recordIntent(serial: [UInt8], kind: CertificateKind, tbsCertificate: [UInt8], notAfter: Date) {
        events.append("intent")
        intents[serial] = tbsCertificate
    }

    func recordIssued(serial: [UInt8], certificate: [UInt8]) {
        events.append("issued")
    }
}

let holder = SubscriberFacts(
    name: "山田　花子", address: "東京都千代田区麹町1-2-3", birthDate: try! CalendarDate(iso: "1985-02-28"), sex: .female,
    prefecture: "東京都", city: "千代田区")

func request(_ kind: CertificateKind, key: FileSigner, facts: SubscriberFacts? = holder) -> CertificateRequest {
    let now = Date()
    return CertificateRequest(
        kind: kind, subjectPublicKey: key.publicKey, facts: kind == .signature ? facts : nil, notBefore: now.addingTimeInterval(-60),
        notAfter: now.addingTimeInterval(5 * 365 * 86_400),
        commonName: EndEntityProfile.opaqueCommonName(issuedAt: now, sequence: 1, office: "131016"))
}

@Suite("JPKI certificate authority")
struct CertificateAuthorityTests {
    @Test("the ceremony creates a root and two issuing CAs that OpenSSL accepts, and never runs twice")
    func ceremony() throws {
        let ca = try TestCA()
        defer { ca.remove() }
        #expect(throws: CAError.self) { try CertificateAuthorities.initialize(in: ca.directory.appendingPathComponent("ca"), urls: TestCA.urls) }
        let loaded = try CertificateAuthorities.load(from: ca.directory.appendingPathComponent("ca"), urls: TestCA.urls)
        #expect(loaded.signature.certificate == ca.authorities.signature.certificate)
        for role in [CertificateAuthority.Role.signature, .authentication] {
            let result = try OpenSSL.run(["verify", "-x509_strict", "-CAfile", ca.ca(.root), ca.ca(role)])
            #expect(result.status == 0, "\(result.output)")
        }
        let text = try OpenSSL.run(["x509", "-in", ca.ca(.signature), "-noout", "-text"]).output
        #expect(text.contains("OU = JPKI for digital signature, OU = Japan Agency for Local Authority Information Systems"))
        #expect(text.contains("CA:TRUE, pathlen:0"))
        #expect(text.contains("1.2.392.200149.8.5.1.1.20"))
    }

    @Test("a signature certificate carries the four facts and verifies; OpenSSL reads the JPKI profile")
    func signatureCertificate() async throws {
        let ca = try TestCA()
        let ledger = RecordingLedger()
        let certificate = try await CertificateIssuer(authorities: ca.authorities).issue(request(.signature, key: try ca.cardKey("card")), ledger: ledger)
        let leaf = try ca.write(certificate, as: "signature-leaf.pem")
        let verify = try OpenSSL.run(["verify", "-x509_strict", "-CAfile", ca.ca(.root), "-untrusted", ca.ca(.signature), leaf])
        #expect(verify.status == 0 && verify.output.contains("OK"), "\(verify.output)")
        let text = try OpenSSL.run(["x509", "-in", leaf, "-noout", "-text"]).output
        for expected in [
            "Digital Signature, Non Repudiation", "1.2.392.200149.8.5.1.1.20", "OCSP - URI:http://127.0.0.1:8080/v1/pki/ocsp/signature",
            "URI:http://127.0.0.1:8080/v1/pki/crl/signature.crl", "Subject Key Identifier", "Authority Key Identifier",
            "sha256WithRSAEncryption", "Public-Key: (2048 bit)",
        ] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        // The four facts sit in otherNames under 1.2.392.200149.8.5.5, as OpenSSL decodes them;
        // the subject names no one.
        let names = try OpenSSL.run(["x509", "-in", leaf, "-noout", "-ext", "subjectAltName"]).output
        for expected in [
            "othername: 1.2.392.200149.8.5.5.1::山田　花子", "othername: 1.2.392.200149.8.5.5.2::山田　花子",
            "othername: 1.2.392.200149.8.5.5.3::2", "othername: 1.2.392.200149.8.5.5.4::319850228",
            "othername: 1.2.392.200149.8.5.5.5::東京都千代田区麹町1-2-3", "othername: 1.2.392.200149.8.5.5.6::東京都千代田区麹町1-2-3",
        ] {
            #expect(names.contains(expected), "missing \(expected)")
        }
        let subject = try OpenSSL.run(["x509", "-in", leaf, "-noout", "-subject", "-nameopt", "RFC2253"]).output
        #expect(subject.hasPrefix("subject=CN=") && !subject.contains("山田"))
        #expect(await ledger.events == ["intent", "issued"])
        #expect(await ledger.intents[Array(certificate.serialNumber.bytes)] == Array(certificate.tbsCertificateBytes))
        #expect(certificate.serialNumber.bytes.count == 20)
    }

    @Test("an authentication certificate carries no personal data and verifies")
    func authenticationCertificate() async throws {
        let ca = try TestCA()
        defer { ca.remove() }
        let certificate = try await CertificateIssuer(authorities: ca.authorities).issue(
            request(.authentication, key: try ca.cardKey("card")), ledger: RecordingLedger())
        let leaf = try ca.write(certificate, as: "auth-leaf.pem")
        let verify = try OpenSSL.run(["verify", "-x509_strict", "-CAfile", ca.ca(.root), "-untrusted", ca.ca(.authentication), leaf])
        #expect(verify.status == 0, "\(verify.output)")
        let text = try OpenSSL.run(["x509", "-in", leaf, "-noout", "-text"]).output
        #expect(text.contains("Digital Signature") && !text.contains("Non Repudiation"))
        #expect(!text.contains("Subject Alternative Name"))
        #expect(text.contains("1.2.392.200149.8.5.1.3.30"))
        // Issued by the authentication CA, it does not chain to the signature CA.
        let wrong = try OpenSSL.run(["verify", "-partial_chain", "-CAfile", ca.ca(.signature), leaf])
        #expect(wrong.status != 0)
    }

    @Test("personal data never reaches an authentication certificate, and a signature certificate needs it")
    func profileRules() async throws {
        let ca = try TestCA()
        defer { ca.remove() }
        let issuer = CertificateIssuer(authorities: ca.authorities)
        let key = try ca.cardKey("card")
        var auth = request(.authentication, key: key)
        auth.facts = holder
        await #expect(throws: ProfileError.self) { try await issuer.issue(auth, ledger: RecordingLedger()) }
        var signature = request(.signature, key: key)
        signature.facts = nil
        await #expect(throws: ProfileError.self) { try await issuer.issue(signature, ledger: RecordingLedger()) }
    }

    @Test("the linter refuses what the profile forbids, and nothing is recorded or signed")
    func lints() async throws {
        let ca = try TestCA()
        defer { ca.remove() }
        let issuer = CertificateIssuer(authorities: ca.authorities)
        var tooLong = request(.authentication, key: try ca.cardKey("card"))
        tooLong.notAfter = ca.authorities.authentication.certificate.notValidAfter.addingTimeInterval(86_400)
        let ledger = RecordingLedger()
        await #expect(throws: IssuanceError.self) { try await issuer.issue(tooLong, ledger: ledger) }
        #expect(await ledger.events.isEmpty)
        var named = request(.signature, key: try ca.cardKey("card2"))
        named.commonName = "山田花子"
        await #expect(throws: IssuanceError.self) { try await issuer.issue(named, ledger: ledger) }
        // A certificate from another CA fails the issuer rules when linted against this one.
        let other = try TestCA()
        defer { other.remove() }
        let foreign = try await CertificateIssuer(authorities: other.authorities).issue(request(.authentication, key: try ca.cardKey("card3")), ledger: ledger)
        let rules = Set(CertificateLinter.lint(foreign, kind: .authentication, issuer: ca.authorities.authentication).map(\.rule))
        #expect(rules.isSuperset(of: ["rfc5280.aki"]))
        #expect(CertificateLinter.lint(foreign, kind: .signature, issuer: other.authorities.authentication).map(\.rule).contains("jpki.signature.basicfour"))
    }
}

@Suite("Batch issuance")
struct BatchIssuanceTests {
    @Test("a batch is signed only if every certificate passes its lints; intents come first, in one go")
    func allOrNothing() async throws {
        let ca = try TestCA()
        defer { ca.remove() }
        let issuer = CertificateIssuer(authorities: ca.authorities)
        let key = try ca.cardKey("card")
        var bad = request(.authentication, key: key)
        bad.commonName = "not digits"
        let ledger = RecordingLedger()
        await #expect(throws: IssuanceError.self) { try await issuer.issueMany([request(.authentication, key: key), bad], ledger: ledger) }
        #expect(await ledger.events.isEmpty)
        let issued = try await issuer.issueMany((0..<3).map { _ in request(.authentication, key: key) }, ledger: ledger)
        #expect(issued.count == 3 && Set(issued.map(\.serialNumber)).count == 3)
        #expect(await ledger.events == ["intent", "intent", "intent", "issued", "issued", "issued"])
    }
}

@Suite("Certificate validity")
struct CertificateValidityTests {
    @Test("certificates run to the 5th birthday after issue, capped at the card's expiry")
    func fifthBirthday() throws {
        let born = try CalendarDate(iso: "1985-04-01")
        #expect(CertificateValidity.birthday(5, after: try CalendarDate(iso: "2026-11-22"), bornOn: born) == (try CalendarDate(iso: "2031-04-01")))
        #expect(CertificateValidity.birthday(5, after: try CalendarDate(iso: "2026-03-31"), bornOn: born) == (try CalendarDate(iso: "2030-04-01")))
        // Issued on the birthday itself: that birthday does not count.
        #expect(CertificateValidity.birthday(5, after: try CalendarDate(iso: "2026-04-01"), bornOn: born) == (try CalendarDate(iso: "2031-04-01")))
        #expect(CertificateValidity.birthday(6, after: try CalendarDate(iso: "2026-11-22"), bornOn: born) == (try CalendarDate(iso: "2032-04-01")))
        let leapling = try CalendarDate(iso: "2000-02-29")
        #expect(CertificateValidity.birthday(5, after: try CalendarDate(iso: "2026-11-22"), bornOn: leapling) == (try CalendarDate(iso: "2031-02-28")))
        #expect(CertificateValidity.birthday(6, after: try CalendarDate(iso: "2026-11-22"), bornOn: leapling) == (try CalendarDate(iso: "2032-02-29")))
        let capped = CertificateValidity.notAfter(
            issued: try CalendarDate(iso: "2026-11-22"), bornOn: born, cardExpiry: try CalendarDate(iso: "2029-12-31"))
        #expect(capped == CertificateValidity.endOfDayInJapan(try CalendarDate(iso: "2029-12-31")))
        // 23:59:59 in Japan is 14:59:59 UTC.
        #expect(CertificateValidity.endOfDayInJapan(try CalendarDate(iso: "1970-01-01")).timeIntervalSince1970 == 53_999)
    }

    @Test("the opaque common name is digits: time in Japan, sequence, office")
    func opaqueName() {
        let name = EndEntityProfile.opaqueCommonName(issuedAt: Date(timeIntervalSince1970: 1_795_000_000), sequence: 42, office: "131016")
        // 1,795,000,000 s is 2026-11-18 11:06:40 UTC, 20:06:40 in Japan.
        #expect(name == "20261118" + "200640" + "00042" + "131016")
    }

    @Test("birth dates carry the era digit", arguments: [("1925-01-01", "2"), ("1926-12-25", "3"), ("1989-01-07", "3"), ("1989-01-08", "4"), ("2019-05-01", "5")])
    func eraDigit(date: String, era: String) throws {
        var facts = holder
        facts.birthDate = try CalendarDate(iso: date)
        #expect(facts.jpkiBirthDate == era + date.replacingOccurrences(of: "-", with: ""))
    }
}
