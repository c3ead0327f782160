import Crypto
import Foundation
import Testing
import MynaCard
@testable import MynaCardEmulator

/// Private keys never leave the card: not through the API, not in the clear on disk.
@Suite struct PrivateKeyTests {
    @Test func savedFileNeverContainsPrivateKeyInTheClear() throws {
        let directory = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("card.myna")
        try VirtualCardFile(url: url, deviceKey: SymmetricKey(size: .bits256), counters: Fixture.counters()).save(Fixture.card)
        let stored = try Data(contentsOf: url)

        for kind in KeyKind.allCases {
            let pkcs1 = try #require(Fixture.card.privateKeyPKCS1DERForTesting(kind))
            let pkcs8 = try #require(Fixture.card.privateKeyPKCS8DERForTesting(kind))
            #expect(pkcs1.count > 1000)
            for secret in [pkcs1, pkcs8] {
                #expect(stored.range(of: Data(secret)) == nil)
                // Nor any 32-byte window of it (e.g. the private exponent on its own).
                #expect(stored.range(of: Data(secret[600..<632])) == nil)
                #expect(stored.range(of: Data(Data(secret).base64EncodedString().utf8)) == nil)
                // Nor as the decimal or hex text a serialiser might write.
                let window = secret[600..<616]
                #expect(stored.range(of: Data(window.map(String.init).joined(separator: ",").utf8)) == nil)
                #expect(stored.range(of: Data(window.map { String($0, radix: 16).leftPadded(to: 2) }.joined().utf8)) == nil)
            }
        }
        // Nothing of the card is readable without the key: not even its id.
        #expect(stored.range(of: Data(Fixture.card.id.utf8)) == nil)
        // The PINs are not stored either, in the file or in the card's own state.
        for pin in [Fixture.signaturePIN, Fixture.authenticationPIN] {
            #expect(stored.range(of: Data(pin.utf8)) == nil)
        }
        let snapshot = try JSONEncoder().encode(VirtualCardSnapshot(Fixture.card))
        #expect(snapshot.range(of: Data("\"\(Fixture.signaturePIN)\"".utf8)) == nil)
    }

    @Test func publicKeyIsTheOnlyKeyMaterialExposed() throws {
        let publicKey = try #require(Fixture.card.publicKey(for: .authentication))
        let pkcs1 = try #require(Fixture.card.privateKeyPKCS1DERForTesting(.authentication))
        #expect(publicKey.pem.hasPrefix("-----BEGIN PUBLIC KEY-----"))
        #expect(!publicKey.pem.contains("PRIVATE"))
        #expect(publicKey.pkcs1DER.count < 300)
        #expect(publicKey.subjectPublicKeyInfoDER.count < 300)
        #expect(pkcs1.count > publicKey.pkcs1DER.count * 4)
        // The two keys are distinct.
        #expect(Fixture.card.publicKey(for: .signature) != publicKey)
    }
}

@Suite struct CardDescriptionTests {
    @Test func describingACardRevealsNoSecrets() {
        let card = Fixture.card
        for text in [String(describing: card), String(reflecting: card), "\(card)"] {
            #expect(text.contains(card.id))
            #expect(!text.contains("salt"))
            #expect(text.count < 200)
        }
        var dumped = ""
        dump(card, to: &dumped)
        #expect(!dumped.contains("Key"))
        #expect(!dumped.contains("pins"))
    }
}
