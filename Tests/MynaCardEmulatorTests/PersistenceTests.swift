import Crypto
import Foundation
import Testing
import MynaCard
@testable import MynaCardEmulator

/// The encrypted card file: AES-256-GCM under the device key, atomic, 0600, and every
/// PIN attempt on disk before its result is reported.
@Suite struct PersistenceTests {
    let directory: URL
    let url: URL
    let key = SymmetricKey(size: .bits256)
    let counters: CardCounterStore

    init() throws {
        directory = try Fixture.temporaryDirectory()
        url = directory.appendingPathComponent("card.myna")
        counters = try Fixture.counters()
    }

    @Test func saveAndReloadGivesTheSameCard() throws {
        let file = try VirtualCardFile(url: url, deviceKey: key, counters: counters)
        var card = Fixture.card
        _ = try card.verify(pin: "0000", for: .authentication)
        try file.save(card)
        let loaded = try file.load()
        #expect(loaded == card)
        #expect(loaded.id == card.id)
        #expect(loaded.triesLeft(.authentication) == 2)
        #expect(loaded.certificate(for: .signature) == Fixture.signatureCertificate)
        #expect(loaded.caCertificate(for: .authentication) == Fixture.authenticationCA)
        #expect(loaded.publicKey(for: .signature) == card.publicKey(for: .signature))
        #expect(loaded.textInput == Fixture.textInput)
        // The reloaded keys still sign, and the PINs still match.
        var reloaded = loaded
        #expect(try reloaded.verify(pin: Fixture.authenticationPIN, for: .authentication) == .verified)
        #expect(try reloaded.sign(digestInfo: APDU.sha256DigestInfo([1]), with: .signature, pin: Fixture.signaturePIN) != .refused(.blocked))
    }

    @Test func fileIsPrivateAndReplacedAtomically() throws {
        let file = try VirtualCardFile(url: url, deviceKey: key, counters: counters)
        try file.save(Fixture.card)
        try file.update { _ = try $0.verify(pin: "0000", for: .authentication) }
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["card.myna"])
    }

    @Test func wrongKeyFailsToOpen() throws {
        try VirtualCardFile(url: url, deviceKey: key, counters: counters).save(Fixture.card)
        let other = try VirtualCardFile(url: url, deviceKey: SymmetricKey(size: .bits256), counters: counters)
        #expect(throws: VirtualCardFileError.cannotDecrypt) { try other.load() }
        #expect(throws: VirtualCardFileError.deviceKeySize(16)) {
            try VirtualCardFile(url: url, deviceKey: SymmetricKey(size: .bits128), counters: counters)
        }
    }

    @Test func anyFlippedByteFailsToOpen() throws {
        let file = try VirtualCardFile(url: url, deviceKey: key, counters: counters)
        try file.save(Fixture.childCard)
        let original = try Data(contentsOf: url)
        let positions = [0, 7, 8, 19, 20, original.count / 2, original.count - 17, original.count - 1]
        for position in positions {
            var tampered = original
            tampered[position] ^= 0x01
            try tampered.write(to: url)
            #expect(throws: VirtualCardFileError.self, "byte \(position)") { try file.load() }
        }
        try original.prefix(original.count - 1).write(to: url)
        #expect(throws: VirtualCardFileError.cannotDecrypt) { try file.load() }
        try Data("not a card".utf8).write(to: url)
        #expect(throws: VirtualCardFileError.notACardFile) { try file.load() }
        try original.write(to: url)
        #expect(try file.load() == Fixture.childCard)
    }

    @Test func wrongPINAttemptsSurviveReload() throws {
        let file = try VirtualCardFile(url: url, deviceKey: key, counters: counters)
        try file.save(Fixture.card)

        // Through the reader: each attempt is on disk before its status word comes back.
        let reader = try CardReader(file: file)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.verify("0000")).status == StatusWord(0x63, 0xC2))
        #expect(try file.load().triesLeft(.authentication) == 2)
        #expect(reader.send(APDU.verify("0001")).status == StatusWord(0x63, 0xC1))
        #expect(try file.load().triesLeft(.authentication) == 1)

        // "Kill the process": a fresh reader from the file still has one try left.
        let restarted = try CardReader(file: file)
        _ = restarted.send(APDU.selectDF(JPKIApplication.aid))
        _ = restarted.send(APDU.selectEF(0x0018))
        #expect(restarted.send(APDU.verifyStatus).status == StatusWord(0x63, 0xC1))
        #expect(restarted.send(APDU.verify("0002")).status == .pinBlocked)
        #expect(try file.load().triesLeft(.authentication) == 0)

        // Through the value API: update saves before returning.
        let result = try file.update { try $0.verify(pin: "WRONG1", for: .signature) }
        #expect(result == .wrong(triesLeft: 4))
        #expect(try file.load().triesLeft(.signature) == 4)
    }

    @Test func unsavableAttemptIsNotReported() throws {
        let file = try VirtualCardFile(url: directory.appendingPathComponent("missing/dir/card.myna"), deviceKey: key, counters: counters)
        let reader = CardReader(card: Fixture.card, file: file)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == .memoryFailure)
        // Not verified: reading still works only for free files, signing is refused.
        _ = reader.send(APDU.selectEF(0x0017))
        #expect(reader.send(APDU.computeSignature(APDU.sha256DigestInfo([1]))).status == .securityStatusNotSatisfied)
    }
}
