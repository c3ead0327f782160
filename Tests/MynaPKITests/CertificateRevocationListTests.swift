import Foundation
import MynaTestSupport
import MynaPKI
import SwiftASN1
import Testing
import X509

/// RFC 5280 §5 CRLs, judged by OpenSSL: every list here is signed by a CA key made in the
/// test, and `openssl crl` / `openssl verify -crl_check` decide whether it is right.
@Suite("Certificate revocation list")
struct CertificateRevocationListTests {
    @Test("OpenSSL reads every field: v2, issuer, CRL number, AKI, serials and their reason codes; the signature verifies")
    func openSSLReadsTheList() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        let now = Date()
        let reasons: [(RevocationReason, String)] = [
            (.keyCompromise, "Key Compromise"), (.cACompromise, "CA Compromise"),
            (.affiliationChanged, "Affiliation Changed"), (.superseded, "Superseded"),
            (.cessationOfOperation, "Cessation Of Operation"), (.certificateHold, "Certificate Hold"),
            (.privilegeWithdrawn, "Privilege Withdrawn"), (.aACompromise, "AA Compromise"),
        ]
        var entries = reasons.map { RevokedCertificate(serialNumber: SerialNumbers.random(), revocationDate: now - 600, reason: $0.0) }
        // No reason, and a serial whose top bit is set (DER needs a leading zero octet).
        let plain = RevokedCertificate(serialNumber: SerialNumbers.random(), revocationDate: now - 60, reason: nil)
        let highBit = RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0x80, 0x00, 0x01]), revocationDate: now, reason: .superseded)
        entries += [plain, highBit]
        let crl = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: 42,
            thisUpdate: now - 3_600, nextUpdate: now + 86_400, revoked: entries)
        let file = try ca.write(crl.signed(by: ca.signer), as: "crl.pem")

        let text = try OpenSSL.run(["crl", "-in", file.path, "-noout", "-text"])
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("Version 2 (0x1)"))
        #expect(text.output.contains("Signature Algorithm: sha256WithRSAEncryption"))
        #expect(text.output.contains("Issuer: C = JP, O = Myna Test, CN = Myna Test CA"))
        #expect(text.output.range(of: #"X509v3 CRL Number: *\n *42\n"#, options: .regularExpression) != nil, "\(text.output)")
        // The AKI is the CA certificate's subject key identifier, as OpenSSL itself prints it.
        let ski = try OpenSSL.run(["x509", "-in", ca.certificateFile.path, "-noout", "-ext", "subjectKeyIdentifier"])
        let skiHex = colonHex(ca.keyIdentifier)
        #expect(ski.output.contains(skiHex), "\(ski.output)")
        #expect(text.output.range(of: #"X509v3 Authority Key Identifier: *\n *"# + skiHex, options: .regularExpression) != nil, "\(text.output)")

        // Each serial once, with its own reason (or none).
        let blocks = text.output.components(separatedBy: "Serial Number: ").dropFirst()
        #expect(blocks.count == entries.count)
        for (entry, (_, name)) in zip(entries, reasons) {
            let block = blocks.first { $0.hasPrefix(hex(entry.serialNumber) + "\n") }
            #expect(block?.contains("X509v3 CRL Reason Code: \n                \(name)\n") == true, "\(name): \(block ?? "missing")")
        }
        let plainBlock = blocks.first { $0.hasPrefix(hex(plain.serialNumber) + "\n") }
        #expect(plainBlock != nil && plainBlock?.contains("CRL entry extensions") == false, "\(plainBlock ?? "missing")")
        #expect(blocks.contains { $0.hasPrefix("800001\n") && $0.contains("Superseded") })

        let verify = try OpenSSL.run(["crl", "-in", file.path, "-CAfile", ca.certificateFile.path, "-noout"])
        #expect(verify.status == 0 && verify.output.contains("verify OK"), "\(verify.output)")
    }

    @Test("openssl verify -crl_check: OK for a certificate not on the list, 'certificate revoked' once it is")
    func crlCheck() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        let leaf = try ca.issueLeaf()
        let leafFile = try ca.write(serialize(leaf), label: "CERTIFICATE", as: "leaf.pem")
        let now = Date()
        let other = RevokedCertificate(serialNumber: SerialNumbers.random(), revocationDate: now - 60, reason: .keyCompromise)

        let clean = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: 1,
            thisUpdate: now - 3_600, nextUpdate: now + 86_400, revoked: [other])
        let cleanFile = try ca.write(clean.signed(by: ca.signer), as: "crl-1.pem")
        let ok = try OpenSSL.run(["verify", "-crl_check", "-CAfile", ca.certificateFile.path, "-CRLfile", cleanFile.path, leafFile.path])
        #expect(ok.status == 0 && ok.output.contains("\(leafFile.path): OK"), "\(ok.output)")

        let revoked = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: 2,
            thisUpdate: now - 60, nextUpdate: now + 86_400,
            revoked: [other, RevokedCertificate(serialNumber: leaf.serialNumber, revocationDate: now - 60, reason: .affiliationChanged)])
        let revokedFile = try ca.write(revoked.signed(by: ca.signer), as: "crl-2.pem")
        let refused = try OpenSSL.run(["verify", "-crl_check", "-CAfile", ca.certificateFile.path, "-CRLfile", revokedFile.path, leafFile.path])
        #expect(refused.status != 0 && refused.output.contains("certificate revoked"), "\(refused.output)")

        // A list past its nextUpdate is stale: OpenSSL refuses to decide with it.
        let stale = try OpenSSL.run(["verify", "-crl_check", "-attime", String(Int(now.timeIntervalSince1970) + 2 * 86_400),
                                     "-CAfile", ca.certificateFile.path, "-CRLfile", cleanFile.path, leafFile.path])
        #expect(stale.status != 0 && stale.output.contains("CRL has expired"), "\(stale.output)")
    }

    @Test("an empty list has no revokedCertificates field at all, and still verifies")
    func emptyList() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        let now = Date()
        let crl = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: 7,
            thisUpdate: now - 60, nextUpdate: now + 86_400, revoked: [])
        // TBSCertList: version, signature, issuer, thisUpdate, nextUpdate, [0] — nothing between.
        let tbs = try DER.parse(crl.tbsBytes)
        guard case .constructed(let children) = tbs.content else { Issue.record("TBSCertList is not constructed"); return }
        let identifiers = children.map(\.identifier)
        #expect(identifiers == [.integer, .sequence, .sequence, .utcTime, .utcTime,
                                ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)])

        let der = try crl.signed(by: ca.signer)
        #expect(try CertificateRevocationList(derEncoded: der).revoked.isEmpty)
        let file = try ca.write(der, as: "empty.pem")
        let text = try OpenSSL.run(["crl", "-in", file.path, "-noout", "-text"])
        #expect(text.output.contains("No Revoked Certificates."), "\(text.output)")
        let verify = try OpenSSL.run(["crl", "-in", file.path, "-CAfile", ca.certificateFile.path, "-noout"])
        #expect(verify.status == 0 && verify.output.contains("verify OK"), "\(verify.output)")
        let leaf = try ca.write(serialize(try ca.issueLeaf()), label: "CERTIFICATE", as: "leaf.pem")
        let check = try OpenSSL.run(["verify", "-crl_check", "-CAfile", ca.certificateFile.path, "-CRLfile", file.path, leaf.path])
        #expect(check.status == 0 && check.output.contains("\(leaf.path): OK"), "\(check.output)")
    }

    @Test("DER round trip: the same fields back, a valid signature for the CA key only, and any changed byte is caught")
    func roundTrip() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        let now = Date()
        let crl = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: UInt64.max,
            thisUpdate: now, nextUpdate: now + 86_400,
            revoked: [
                RevokedCertificate(serialNumber: SerialNumbers.random(), revocationDate: now - 1.75, reason: .cessationOfOperation),
                RevokedCertificate(serialNumber: SerialNumbers.random(), revocationDate: now - 3, reason: .unspecified),
                RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0xFF]), revocationDate: now, reason: nil),
            ])
        let der = try crl.signed(by: ca.signer)
        let read = try CertificateRevocationList(derEncoded: der)
        #expect(read.issuer == ca.name)
        #expect(read.authorityKeyIdentifier == ca.keyIdentifier)
        #expect(read.number == UInt64.max)
        #expect(read.thisUpdate == crl.thisUpdate && read.nextUpdate == crl.nextUpdate)
        #expect(read.thisUpdate.timeIntervalSince1970 == now.timeIntervalSince1970.rounded(.down))
        #expect(read.revoked == crl.revoked)
        #expect(read.revoked[1].reason == nil, "unspecified is written as no reasonCode (RFC 5280 §5.3.1)")
        #expect(read.signatureAlgorithm == .sha256WithRSAEncryption)
        #expect(read.tbsBytes == crl.tbsBytes)
        #expect(read.signature?.count == 256)
        #expect(crl.signature == nil && !crl.isSignatureValid(for: ca.signer.publicKey))
        // The signature is over exactly tbsBytes: OpenSSL agrees on the bytes alone.
        let tbsFile = ca.directory.appendingPathComponent("tbs.der")
        let signatureFile = ca.directory.appendingPathComponent("signature")
        try Data(read.tbsBytes).write(to: tbsFile)
        try Data(read.signature ?? []).write(to: signatureFile)
        let publicKey = try OpenSSL.run(["x509", "-in", ca.certificateFile.path, "-noout", "-pubkey"])
        let publicKeyFile = ca.directory.appendingPathComponent("ca.pub.pem")
        try Data(publicKey.output.utf8).write(to: publicKeyFile)
        let dgst = try OpenSSL.run(["dgst", "-sha256", "-verify", publicKeyFile.path, "-signature", signatureFile.path, tbsFile.path])
        #expect(dgst.output.contains("Verified OK"), "\(dgst.output)")

        #expect(read.isSignatureValid(for: ca.signer.publicKey))
        let stranger = try FileSigner.create(at: ca.directory.appendingPathComponent("other.key"))
        #expect(!read.isSignatureValid(for: stranger.publicKey))

        // Change each byte in turn: either the DER no longer parses or the signature fails.
        for index in der.indices {
            var tampered = der
            tampered[index] ^= 0x01
            let accepted = (try? CertificateRevocationList(derEncoded: tampered))?.isSignatureValid(for: ca.signer.publicKey) ?? false
            #expect(!accepted, "byte \(index) changed and still accepted")
        }
        #expect(throws: (any Error).self, "trailing bytes") { try CertificateRevocationList(derEncoded: der + [0]) }
        var tampered = der
        tampered[der.count - 1] ^= 0x01
        let file = try ca.write(tampered, as: "tampered.pem", raw: true)
        let verify = try OpenSSL.run(["crl", "-in", file.path, "-CAfile", ca.certificateFile.path, "-noout"])
        #expect(verify.output.contains("verify failure"), "\(verify.output)")

        // A list whose authority key identifier names the CA but is signed by another key.
        let forged = try ca.write(crl.signed(by: stranger), as: "forged.pem")
        let forgedCheck = try OpenSSL.run(["crl", "-in", forged.path, "-CAfile", ca.certificateFile.path, "-noout"])
        #expect(forgedCheck.output.contains("verify failure"), "\(forgedCheck.output)")
        #expect(!(try CertificateRevocationList(derEncoded: crl.signed(by: stranger))).isSignatureValid(for: ca.signer.publicKey))
    }

    /// TBSCertList for fixed inputs, produced independently by pyca/cryptography 48.0.0
    /// (`CertificateRevocationListBuilder`, `tbs_certlist_bytes`) with the same issuer,
    /// dates, AKI, number and entries in the same order. Pins Myna's encoding byte for byte.
    static let tbsVector =
        "30820172020101300d06092a864886f70d01010b05003059310b3009060355040613024a5031333031060355040a0c2ae59cb0e696b9"
        + "e585ace585b1e59ba3e4bd93e68385e5a0b1e382b7e382b9e38386e383a0e6a99fe6a78b3115301306035504030c0c4d796e612054"
        + "657374204341170d3236303430313030303030305a170d3236303430323030303030305a3081b23020020101170d32363033333130"
        + "39333031355a300c300a0603551d1504030a01013023020400800001170d3236303333313130303030305a300c300a0603551d1504"
        + "030a0103303302147feeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee170d3236303333313233353935395a300c300a0603551d1504"
        + "030a0105301202010a170d3236303333303030303030305a302002010b170d3236303332393132303030305a300c300a0603551d15"
        + "04030a0104a030302e301f0603551d230418301680140102030405060708090a0b0c0d0e0f1011121314300b0603551d1404040202"
        + "0102"

    @Test("the TBSCertList of a fixed list is byte for byte the committed vector")
    func testVector() throws {
        let issuer = try DistinguishedName {
            CountryName("JP")
            OrganizationName("地方公共団体情報システム機構")
            CommonName("Myna Test CA")
        }
        let crl = try CertificateRevocationList(
            issuer: issuer, authorityKeyIdentifier: Array(1...20), number: 258,
            thisUpdate: utc(2026, 4, 1, 0, 0, 0), nextUpdate: utc(2026, 4, 2, 0, 0, 0),
            revoked: [
                RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0x01]), revocationDate: utc(2026, 3, 31, 9, 30, 15), reason: .keyCompromise),
                RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0x80, 0x00, 0x01]), revocationDate: utc(2026, 3, 31, 10, 0, 0), reason: .affiliationChanged),
                RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0x7F] + Array(repeating: 0xEE, count: 19)), revocationDate: utc(2026, 3, 31, 23, 59, 59), reason: .cessationOfOperation),
                RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0x0A]), revocationDate: utc(2026, 3, 30, 0, 0, 0), reason: nil),
                RevokedCertificate(serialNumber: Certificate.SerialNumber(bytes: [0x0B]), revocationDate: utc(2026, 3, 29, 12, 0, 0), reason: .superseded),
            ])
        #expect(hexString(crl.tbsBytes) == Self.tbsVector)
    }

    @Test("dates through 2049 are UTCTime, from 2050 GeneralizedTime, and OpenSSL reads both")
    func generalizedTimeFrom2050() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        let lastUTC = utc(2049, 12, 31, 23, 59, 59)
        let firstGeneralized = utc(2050, 1, 1, 0, 0, 0)
        let crl = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: 3,
            thisUpdate: lastUTC, nextUpdate: firstGeneralized,
            revoked: [RevokedCertificate(serialNumber: SerialNumbers.random(), revocationDate: utc(2050, 6, 15, 12, 34, 56), reason: .superseded)])
        guard case .constructed(let children) = try DER.parse(crl.tbsBytes).content else { Issue.record("not constructed"); return }
        let fields = Array(children)
        #expect(fields[3].identifier == .utcTime && fields[4].identifier == .generalizedTime)
        #expect(Array(fields[3].encodedBytes) == [0x17, 0x0D] + Array("491231235959Z".utf8))
        #expect(Array(fields[4].encodedBytes) == [0x18, 0x0F] + Array("20500101000000Z".utf8))

        let der = try crl.signed(by: ca.signer)
        let read = try CertificateRevocationList(derEncoded: der)
        #expect(read.thisUpdate == lastUTC && read.nextUpdate == firstGeneralized)
        #expect(read.revoked.first?.revocationDate == utc(2050, 6, 15, 12, 34, 56))
        let file = try ca.write(der, as: "crl.pem")
        let text = try OpenSSL.run(["crl", "-in", file.path, "-noout", "-text"])
        #expect(text.status == 0, "\(text.output)")
        #expect(text.output.contains("Last Update: Dec 31 23:59:59 2049 GMT"), "\(text.output)")
        #expect(text.output.contains("Next Update: Jan  1 00:00:00 2050 GMT"), "\(text.output)")
        #expect(text.output.contains("Revocation Date: Jun 15 12:34:56 2050 GMT"), "\(text.output)")
        let asn1 = try OpenSSL.run(["asn1parse", "-in", file.path])
        #expect(asn1.output.contains("UTCTIME           :491231235959Z"), "\(asn1.output)")
        #expect(asn1.output.contains("GENERALIZEDTIME   :20500101000000Z"), "\(asn1.output)")
        let verify = try OpenSSL.run(["crl", "-in", file.path, "-CAfile", ca.certificateFile.path, "-noout"])
        #expect(verify.status == 0 && verify.output.contains("verify OK"), "\(verify.output)")
    }

    @Test("lists RFC 5280 forbids are refused before anything is signed")
    func refusals() throws {
        let now = Date()
        let name = try DistinguishedName { CommonName("Myna Test CA") }
        let serial = SerialNumbers.random()
        func make(issuer: DistinguishedName? = nil, aki: [UInt8] = [1], next: Date = now + 60, revoked: [RevokedCertificate] = []) throws {
            _ = try CertificateRevocationList(
                issuer: issuer ?? name, authorityKeyIdentifier: aki, number: 1, thisUpdate: now, nextUpdate: next, revoked: revoked)
        }
        #expect(throws: CertificateRevocationListError.emptyIssuer) { try make(issuer: DistinguishedName()) }
        #expect(throws: CertificateRevocationListError.nextUpdateNotAfterThisUpdate) { try make(next: now) }
        #expect(throws: CertificateRevocationListError.emptyAuthorityKeyIdentifier) { try make(aki: []) }
        #expect(throws: CertificateRevocationListError.duplicateSerialNumber(serial)) {
            try make(revoked: [RevokedCertificate(serialNumber: serial, revocationDate: now, reason: nil),
                               RevokedCertificate(serialNumber: serial, revocationDate: now, reason: .keyCompromise)])
        }
        #expect(throws: CertificateRevocationListError.removeFromCRLInFullCRL(serial)) {
            try make(revoked: [RevokedCertificate(serialNumber: serial, revocationDate: now, reason: .removeFromCRL)])
        }
        let unsigned = try CertificateRevocationList(
            issuer: name, authorityKeyIdentifier: [1], number: 1, thisUpdate: now, nextUpdate: now + 60, revoked: [])
        #expect(throws: CertificateRevocationListError.notSigned) { try unsigned.pemRepresentation }
        #expect(throws: (any Error).self) { try CertificateRevocationList(derEncoded: unsigned.tbsBytes) }
        #expect(throws: (any Error).self) { try CertificateRevocationList(derEncoded: []) }

        // Lists Myna does not issue are not read either. The fields of a good list, rearranged:
        guard case .constructed(let fields) = try DER.parse(unsigned.tbsBytes).content else { Issue.record("not constructed"); return }
        let version = Array(fields)[0].encodedBytes, rest = Array(fields).dropFirst().map(\.encodedBytes)
        // A v1 list: no version field.
        #expect(throws: CertificateRevocationListError.malformed("version is not v2")) {
            try CertificateRevocationList(derEncoded: certificateList(tbsFields: rest))
        }
        // RFC 5280 §5.2: a critical extension the reader cannot process (here deltaCRLIndicator)
        // makes the list unusable.
        var extensions = DER.Serializer()
        try extensions.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
            try coder.serializeSequenceOf([
                try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: [1]), critical: false),
                Certificate.Extension(oid: [2, 5, 29, 20], critical: false, value: [0x02, 0x01, 0x01]),
                Certificate.Extension(oid: [2, 5, 29, 27], critical: true, value: [0x02, 0x01, 0x00]),
            ])
        }
        #expect(throws: CertificateRevocationListError.malformed("unknown critical CRL extension 2.5.29.27")) {
            try CertificateRevocationList(derEncoded: certificateList(tbsFields: [version] + rest.dropLast() + [extensions.serializedBytes[...]]))
        }
        // Without the mandatory cRLNumber (RFC 5280 §5.2.3).
        var noNumber = DER.Serializer()
        try noNumber.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
            try coder.serializeSequenceOf([try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: [1]), critical: false)])
        }
        #expect(throws: CertificateRevocationListError.malformed("no cRLNumber extension")) {
            try CertificateRevocationList(derEncoded: certificateList(tbsFields: [version] + rest.dropLast() + [noNumber.serializedBytes[...]]))
        }
        // The unchanged fields do parse: the three failures above are the changes, not the helper.
        #expect(try CertificateRevocationList(derEncoded: certificateList(tbsFields: [version] + rest)).tbsBytes == unsigned.tbsBytes)
    }

    @Test("a signer that is not RSA-SHA256, or whose signature does not verify, signs nothing")
    func badSigners() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        let crl = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: ca.keyIdentifier, number: 1,
            thisUpdate: Date(), nextUpdate: Date() + 60, revoked: [])
        #expect(throws: CertificateRevocationListError.self) {
            try crl.signed(by: StubSigner(base: ca.signer, algorithm: .ecdsaWithSHA256, corrupt: false))
        }
        #expect(throws: CertificateRevocationListError.signatureDidNotVerify) {
            try crl.signed(by: StubSigner(base: ca.signer, algorithm: .sha256WithRSAEncryption, corrupt: true))
        }
    }

    @Test("the key identifier is SHA-1 of the subjectPublicKey bits, as in the CA's SubjectKeyIdentifier")
    func keyIdentifier() throws {
        let ca = try CRLTestCA()
        defer { ca.remove() }
        #expect(ca.keyIdentifier.count == 20)
        #expect(try ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier == ca.keyIdentifier[...])
        // OpenSSL computes the same hash over the BIT STRING contents.
        let bits = ca.directory.appendingPathComponent("bits")
        try Data(ca.signer.publicKey.subjectPublicKeyInfoBytes).write(to: bits)
        let sha1 = try OpenSSL.run(["dgst", "-sha1", "-r", bits.path])
        #expect(sha1.output.hasPrefix(hexString(ca.keyIdentifier)), "\(sha1.output)")
    }
}

// MARK: - A CA made in the test

/// An RSA-2048 CA key (FileSigner in a temp directory) and its self-signed certificate.
private struct CRLTestCA {
    let directory: URL
    let signer: FileSigner
    let name: DistinguishedName
    let certificate: Certificate
    let certificateFile: URL
    var keyIdentifier: [UInt8] { CertificateRevocationList.keyIdentifier(of: signer.publicKey) }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-crl-\(UUID().uuidString)")
        let signer = try FileSigner.create(at: directory.appendingPathComponent("ca.key"))
        self.signer = signer
        let name = try DistinguishedName {
            CountryName("JP")
            OrganizationName("Myna Test")
            CommonName("Myna Test CA")
        }
        self.name = name
        let now = Date()
        certificate = try Certificate(
            version: .v3, serialNumber: SerialNumbers.random(), publicKey: signer.publicKey,
            notValidBefore: now - 86_400, notValidAfter: now + 10 * 365 * 86_400,
            issuer: name, subject: name, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: signer.publicKey)
            },
            issuerPrivateKey: signer.certificateKey)
        certificateFile = directory.appendingPathComponent("ca.pem")
        try Data(PEM.encode(serialize(certificate), label: "CERTIFICATE").utf8).write(to: certificateFile)
    }

    /// An end-entity certificate for a resident, issued by this CA.
    func issueLeaf() throws -> Certificate {
        let key = try FileSigner.create(at: directory.appendingPathComponent("leaf-\(UUID().uuidString).key"))
        let now = Date()
        return try Certificate(
            version: .v3, serialNumber: SerialNumbers.random(), publicKey: key.publicKey,
            notValidBefore: now - 3_600, notValidAfter: now + 365 * 86_400,
            issuer: name, subject: try DistinguishedName { CountryName("JP"); CommonName("Myna Resident") },
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                AuthorityKeyIdentifier(keyIdentifier: keyIdentifier[...])
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: signer.certificateKey)
    }

    /// Writes DER as PEM (a CRL read back through `pemRepresentation`, so parsing is
    /// exercised too) or, with `raw`, PEM-armours bytes Myna would refuse to parse.
    func write(_ der: [UInt8], as file: String, raw: Bool = false) throws -> URL {
        let pem = raw ? PEM.encode(der, label: "X509 CRL") : try CertificateRevocationList(derEncoded: der).pemRepresentation
        let url = directory.appendingPathComponent(file)
        try Data(pem.utf8).write(to: url)
        return url
    }

    func write(_ der: [UInt8], label: String, as file: String) throws -> URL {
        let url = directory.appendingPathComponent(file)
        try Data(PEM.encode(der, label: label).utf8).write(to: url)
        return url
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Wraps a real signer to misbehave: another algorithm, or a corrupted signature.
private struct StubSigner: Signer {
    let base: FileSigner
    let algorithm: Certificate.SignatureAlgorithm
    let corrupt: Bool
    var publicKey: Certificate.PublicKey { base.publicKey }
    var signatureAlgorithm: Certificate.SignatureAlgorithm { algorithm }
    func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        var signature = try base.sign(bytes)
        if corrupt { signature[0] ^= 0xFF }
        return signature
    }
}

/// A CertificateList around the given TBSCertList fields, with a dummy signature: for
/// lists the public initialiser refuses to build.
private func certificateList(tbsFields: [ArraySlice<UInt8>]) throws -> [UInt8] {
    var coder = DER.Serializer()
    try coder.appendConstructedNode(identifier: .sequence) { coder in
        coder.appendConstructedNode(identifier: .sequence) { tbs in
            for field in tbsFields { tbs.serializeRawBytes(field) }
        }
        try coder.serialize(SignatureAlgorithmIdentifier.sha256WithRSAEncryption)
        try coder.serialize(ASN1BitString(bytes: [0x00, 0x01]))
    }
    return coder.serializedBytes
}

private func serialize(_ certificate: Certificate) throws -> [UInt8] {
    var coder = DER.Serializer()
    try coder.serialize(certificate)
    return coder.serializedBytes
}

private func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
}

private func hexString(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

/// A serial number as `openssl crl -text` prints it: upper-case hex, no leading zero octet.
private func hex(_ serial: Certificate.SerialNumber) -> String {
    hexString(Array(serial.bytes.drop { $0 == 0 })).uppercased()
}

/// Upper-case hex octets joined by colons, as OpenSSL prints key identifiers.
private func colonHex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02X", $0) }.joined(separator: ":")
}
