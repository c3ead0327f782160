import Foundation
import MynaCore
import MynaPKI
import MynaDatabase
import MynaTestSupport
import Testing
import X509

@Suite("Certificate ledger")
struct CertificateLedgerTests {
    @Test("intent, issue, revoke: the ledger tracks every serial, on both databases", arguments: DatabaseKind.available)
    func lifecycle(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let ledger = SQLCertificateLedger(database: environment.database, clock: environment.clock.wallClock)
            let serial = Array(SerialNumbers.random().bytes)
            let notAfter = environment.clock.now.addingTimeInterval(86_400 * 365)
            #expect(try await ledger.status(serial: serial, role: .authentication) == .unknown)
            try await ledger.recordIntent(serial: serial, kind: .authentication, tbsCertificate: [1, 2, 3], notAfter: notAfter)
            #expect(try await ledger.status(serial: serial, role: .authentication) == .unknown)  // not handed to anyone yet
            try await ledger.recordIssued(serial: serial, certificate: [4, 5, 6])
            #expect(try await ledger.status(serial: serial, role: .authentication) == .good)
            #expect(try await ledger.status(serial: serial, role: .signature) == .unknown)  // another CA's serial space
            await #expect(throws: LedgerError.self) { try await ledger.recordIssued(serial: serial, certificate: [7]) }

            environment.clock.advance(by: 10)
            #expect(try await ledger.revoke(serial: serial, reason: .keyCompromise))
            environment.clock.advance(by: 10)
            #expect(try await ledger.revoke(serial: serial, reason: .superseded) == false)  // the first revocation stands
            guard case .revoked(_, let reason) = try await ledger.status(serial: serial, role: .authentication) else {
                Issue.record("not revoked")
                return
            }
            #expect(reason == .keyCompromise)
            #expect(try await ledger.revoked(role: .authentication).map { Array($0.serialNumber.bytes) } == [serial])
        }
    }

    @Test("a signed-but-unrecorded certificate can be revoked from its intent; expired ones leave the list", arguments: DatabaseKind.available)
    func intentsAndExpiry(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let ledger = SQLCertificateLedger(database: environment.database, clock: environment.clock.wallClock)
            let orphan = Array(SerialNumbers.random().bytes)
            let shortLived = Array(SerialNumbers.random().bytes)
            try await ledger.recordIntent(serial: orphan, kind: .signature, tbsCertificate: [1], notAfter: environment.clock.now.addingTimeInterval(1000))
            try await ledger.recordIntent(serial: shortLived, kind: .signature, tbsCertificate: [1], notAfter: environment.clock.now.addingTimeInterval(100))
            #expect(try await ledger.revoke(serial: orphan, reason: .unspecified))
            #expect(try await ledger.revoke(serial: shortLived, reason: .affiliationChanged))
            #expect(try await ledger.revoked(role: .signature).count == 2)
            environment.clock.advance(by: 500)
            #expect(try await ledger.revoked(role: .signature).map { Array($0.serialNumber.bytes) } == [orphan])
        }
    }

    @Test("CRL numbers only ever grow, per CA", arguments: DatabaseKind.available)
    func crlNumbers(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { (_, environment) async throws in
            let ledger = SQLCertificateLedger(database: environment.database)
            #expect(try await ledger.nextCRLNumber(role: .signature) == 1)
            #expect(try await ledger.nextCRLNumber(role: .signature) == 2)
            #expect(try await ledger.nextCRLNumber(role: .authentication) == 1)
        }
    }

    @Test("issued through the ledger, revoked, and OpenSSL's CRL check says so", arguments: DatabaseKind.available)
    func revocationSeenByOpenSSL(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let ca = try TestCA()
            defer { ca.remove() }
            let ledger = SQLCertificateLedger(database: environment.database)
            let card = try ca.cardKey("card")
            let certificate = try await CertificateIssuer(authorities: ca.authorities).issue(request(.authentication, key: card), ledger: ledger)
            let leaf = try ca.write(certificate, as: "leaf.pem")

            func crl() async throws -> String {
                let issuer = ca.authorities.authentication
                let list = try CertificateRevocationList(
                    issuer: issuer.name, authorityKeyIdentifier: Array(issuer.keyIdentifier),
                    number: UInt64(try await ledger.nextCRLNumber(role: .authentication)), thisUpdate: Date(),
                    nextUpdate: Date().addingTimeInterval(86_400), revoked: try await ledger.revoked(role: .authentication))
                let pem = try CertificateRevocationList(derEncoded: try list.signed(by: issuer.signer)).pemRepresentation
                let path = ca.file("authentication.crl.pem")
                try Data(pem.utf8).write(to: URL(fileURLWithPath: path))
                return path
            }
            let chain = ["verify", "-crl_check", "-CAfile", ca.ca(.root), "-untrusted", ca.ca(.authentication), "-CRLfile"]
            let before = try OpenSSL.run(chain + [try await crl(), leaf])
            #expect(before.status == 0, "\(before.output)")
            #expect(try await ledger.revoke(serial: Array(certificate.serialNumber.bytes), reason: .keyCompromise))
            let after = try OpenSSL.run(chain + [try await crl(), leaf])
            #expect(after.status != 0 && after.output.contains("certificate revoked"), "\(after.output)")
        }
    }
}
