import Crypto
import _CryptoExtras
import Foundation
import Testing
import MynaCard
@testable import MynaCardEmulator

/// COMPUTE DIGITAL SIGNATURE: the card pads a host-built DigestInfo and signs it.
@Suite struct SigningTests {
    static let message = Array("この文書に署名します。 — Myna test message".utf8)

    func signThroughAPDUs(key: KeyKind, pinEF: UInt16, pin: String) throws -> [UInt8] {
        let reader = CardReader(card: Fixture.card)
        #expect(reader.send(APDU.selectDF(JPKIApplication.aid)).status == .ok)
        #expect(reader.send(APDU.selectEF(pinEF)).status == .ok)
        #expect(reader.send(APDU.verify(pin)).status == .ok)
        #expect(reader.send(APDU.selectEF(JPKIApplication.keyEF(for: key))).status == .ok)
        let (signature, status) = reader.send(APDU.computeSignature(APDU.sha256DigestInfo(Self.message)))
        #expect(status == .ok)
        #expect(signature.count == 256)
        return signature
    }

    @Test(arguments: [KeyKind.authentication, .signature])
    func signatureVerifiesWithSwiftCrypto(key: KeyKind) throws {
        let pin = key == .signature ? Fixture.signaturePIN : Fixture.authenticationPIN
        let signature = try signThroughAPDUs(key: key, pinEF: JPKIApplication.pinEF(for: key), pin: pin)
        let publicKey = try _RSA.Signing.PublicKey(derRepresentation: try #require(Fixture.card.publicKey(for: key)).subjectPublicKeyInfoDER)
        #expect(publicKey.keySizeInBits == 2048)
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        #expect(publicKey.isValidSignature(rsaSignature, for: Self.message, padding: .insecurePKCS1v1_5))
        #expect(!publicKey.isValidSignature(rsaSignature, for: Self.message + [0], padding: .insecurePKCS1v1_5))
        // The other key did not make it.
        let other = try _RSA.Signing.PublicKey(pemRepresentation: try #require(Fixture.card.publicKey(for: key == .signature ? .authentication : .signature)).pem)
        #expect(!other.isValidSignature(rsaSignature, for: Self.message, padding: .insecurePKCS1v1_5))
    }

    @Test func signatureVerifiesWithOpenSSL() throws {
        let signature = try signThroughAPDUs(key: .signature, pinEF: 0x001B, pin: Fixture.signaturePIN)
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let pem = directory.appendingPathComponent("pub.pem")
        let sig = directory.appendingPathComponent("sig.bin")
        let msg = directory.appendingPathComponent("msg")
        try Data(try #require(Fixture.card.publicKey(for: .signature)).pem.utf8).write(to: pem)
        try Data(signature).write(to: sig)
        try Data(Self.message).write(to: msg)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "dgst", "-sha256", "-verify", pem.path, "-signature", sig.path, msg.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 0)
        #expect(text.contains("Verified OK"))
    }

    @Test func signingWithoutVerifyIsRefused() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        for kind in KeyKind.allCases {
            _ = reader.send(APDU.selectEF(JPKIApplication.keyEF(for: kind)))
            #expect(reader.send(APDU.computeSignature(APDU.sha256DigestInfo(Self.message))) == ([], .securityStatusNotSatisfied))
        }
        // The authentication PIN does not unlock the signature key.
        _ = reader.send(APDU.selectEF(0x0018))
        _ = reader.send(APDU.verify(Fixture.authenticationPIN))
        _ = reader.send(APDU.selectEF(0x001A))
        #expect(reader.send(APDU.computeSignature(APDU.sha256DigestInfo(Self.message))).status == .securityStatusNotSatisfied)
        // Signing needs a key EF selected.
        _ = reader.send(APDU.selectEF(0x000A))
        #expect(reader.send(APDU.computeSignature(APDU.sha256DigestInfo(Self.message))).status == .noCurrentEF)
    }

    @Test func overlongDigestInfoIsWrongLength() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        _ = reader.send(APDU.verify(Fixture.authenticationPIN))
        _ = reader.send(APDU.selectEF(0x0017))
        #expect(reader.send(APDU.computeSignature(Array(repeating: 0x30, count: 246))).status == .wrongLength)
        #expect(reader.send(APDU.computeSignature(Array(repeating: 0x30, count: 245))).status == .ok)
    }

    @Test func highLevelSignChecksThePIN() throws {
        var card = Fixture.card
        let digestInfo = APDU.sha256DigestInfo(Self.message)
        #expect(try card.sign(digestInfo: digestInfo, with: .signature, pin: "NOPE12") == .refused(.wrong(triesLeft: 4)))
        guard case .signed(let signature) = try card.sign(digestInfo: digestInfo, with: .signature, pin: Fixture.signaturePIN) else {
            Issue.record("expected a signature")
            return
        }
        #expect(card.triesLeft(.signature) == 5)
        let publicKey = try _RSA.Signing.PublicKey(derRepresentation: try #require(card.publicKey(for: .signature)).pkcs1DER)
        #expect(publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: Self.message, padding: .insecurePKCS1v1_5))
        var child = Fixture.childCard
        #expect(throws: VirtualCardError.noKey(.signature)) {
            try child.sign(digestInfo: digestInfo, with: .signature, pin: "ABC123")
        }
    }
}
