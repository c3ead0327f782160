import Foundation
import MynaCore
import MynaPKI
import MynaDatabase
import MynaTestSupport
import SwiftASN1
import Testing
import X509

@Suite("Verification service for relying parties")
struct CertificateVerifierTests {
    func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    @Test("a good certificate and its signature are accepted; revocation and tampering are reported", arguments: DatabaseKind.available)
    func goodRevokedTampered(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let ca = try TestCA()
            defer { ca.remove() }
            let ledger = SQLCertificateLedger(database: environment.database)
            let card = try ca.cardKey("card")
            let certificate = try await CertificateIssuer(authorities: ca.authorities).issue(request(.signature, key: card), ledger: ledger)
            let verifier = CertificateVerifier(authorities: ca.authorities, ledger: ledger)
            let document = Array("婚姻届 2026-11-22".utf8)
            let signature = try card.sign(document)

            let good = try await verifier.verify(certificateDER: try der(certificate), data: document, signature: signature)
            #expect(good.acceptable && good.chainValid && good.kind == .signature && good.revocation == "good" && good.signatureValid == true)
            #expect(good.problems.isEmpty)

            let tampered = try await verifier.verify(certificateDER: try der(certificate), data: document + [0x20], signature: signature)
            #expect(!tampered.acceptable && tampered.signatureValid == false && tampered.problems == ["signature-invalid"])

            #expect(try await ledger.revoke(serial: Array(certificate.serialNumber.bytes), reason: .affiliationChanged))
            let revoked = try await verifier.verify(certificateDER: try der(certificate))
            #expect(!revoked.acceptable && revoked.revocation == "revoked" && revoked.revocationReason == RevocationReason.affiliationChanged.rawValue)
        }
    }

    @Test("certificates from elsewhere, garbage, and expired certificates are not accepted", arguments: DatabaseKind.available)
    func foreignGarbageExpired(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let ca = try TestCA()
            let other = try TestCA()
            defer { ca.remove(); other.remove() }
            let ledger = SQLCertificateLedger(database: environment.database)
            let foreign = try await CertificateIssuer(authorities: other.authorities).issue(
                request(.authentication, key: try ca.cardKey("card")), ledger: ledger)
            let verifier = CertificateVerifier(authorities: ca.authorities, ledger: ledger)
            let report = try await verifier.verify(certificateDER: try der(foreign))
            #expect(!report.acceptable && !report.chainValid && report.problems.contains("chain-invalid"))
            #expect(try await verifier.verify(certificateDER: [0x30, 0x03, 0x02, 0x01, 0x00]).problems == ["malformed-certificate"])

            let mine = try await CertificateIssuer(authorities: ca.authorities).issue(request(.authentication, key: try ca.cardKey("card2")), ledger: ledger)
            let later = CertificateVerifier(
                authorities: ca.authorities, ledger: ledger, clock: WallClock { Date().addingTimeInterval(6 * 365 * 86_400) })
            let expired = try await later.verify(certificateDER: try der(mine))
            #expect(!expired.acceptable && expired.problems.contains("outside-validity"))
        }
    }
}
