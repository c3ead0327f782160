import Crypto
import Foundation
import MynaCard
import MynaCore
import Testing
@testable import MynaCardEmulator

/// The card-face application (券面AP), opened by 照合番号B as printed on the card: what a
/// clinic's visual check reads to show the card is at the desk (issue 14, finding 6).
@Suite struct CardFaceTests {
    static let face = CardFace(
        name: "番号 花子", address: "東京都千代田区千代田1-1", birthDate: try! CalendarDate(year: 1990, month: 4, day: 1), sex: .female,
        expiresOn: try! CalendarDate(year: 2035, month: 4, day: 1), securityCode: "0427")

    /// The fixture card as handed over: face printed, then certificates written.
    static let handedOver: VirtualCard = {
        var card = Fixture.blankCard
        try! card.personalise(face: face)
        try! card.install(certificate: Fixture.authenticationCertificate, for: .authentication)
        return card
    }()

    @Test func numberBIsBirthDateExpiryYearAndSecurityCode() {
        #expect(Self.face.numberB == "90040120350427")
        #expect(Self.face.isWellFormed)
        #expect(!CardFace(name: "x", address: "y", birthDate: Self.face.birthDate, sex: .male, expiresOn: Self.face.expiresOn, securityCode: "12a4").isWellFormed)
        // A fresh face gets a random 4-digit code; its number has the card-face format.
        let printed = CardFace(printing: Fixture.textInput.basicInfo, expiresOn: Self.face.expiresOn)
        #expect(printed.isWellFormed && PINKind.cardFace.validate(printed.numberB) == nil)
    }

    @Test func theFaceKeySignsOnlyAfterNumberB() throws {
        var card = Self.handedOver
        let message = Array("myna-card-challenge-v2\nexample".utf8)
        #expect(try card.signWithCardFace(message, numberB: nil) == .refused(.wrong(triesLeft: 9)))
        #expect(try card.signWithCardFace(message, numberB: "90040120350428") == .refused(.wrong(triesLeft: 8)))
        guard case .signed(let signature) = try card.signWithCardFace(message, numberB: Self.face.numberB) else {
            Issue.record("the card refused its own number"); return
        }
        #expect(card.triesLeft(.cardFace) == PINKind.cardFace.maximumTries)
        let key = try P256.Signing.PublicKey(derRepresentation: try #require(card.cardFacePublicKeyDER))
        #expect(key.isValidSignature(try P256.Signing.ECDSASignature(derRepresentation: signature), for: message))
        // Ten wrong numbers block it; then even the right one is refused.
        for _ in 0..<PINKind.cardFace.maximumTries { _ = try card.signWithCardFace(message, numberB: "00000000000000") }
        #expect(try card.signWithCardFace(message, numberB: Self.face.numberB) == .refused(.blocked))
    }

    @Test func aResetRestoresTheTriesButNotAnotherNumber() throws {
        var card = Fixture.blankCard
        try card.installCardOfficeKey(Array(PINResetTests.office.publicKey.derRepresentation))
        try card.personalise(face: Self.face)
        try card.install(certificate: Fixture.authenticationCertificate, for: .authentication)
        for _ in 0..<PINKind.cardFace.maximumTries { _ = try card.verify(pin: "00000000000000", for: .cardFace) }
        #expect(card.triesLeft(.cardFace) == 0)
        // Even with the office's authorisation, the card takes no number but the printed one.
        let authorisation = try PINResetTests.token(chip: card.id, pin: .cardFace)
        #expect(throws: VirtualCardError.invalidPIN(.cardFace, .characters("the number printed on the card"))) {
            try card.resetPIN(.cardFace, newPIN: "11111111111111", authorisation: authorisation, at: PINResetTests.now)
        }
        #expect(card.triesLeft(.cardFace) == 0)
        try card.resetPIN(.cardFace, newPIN: Self.face.numberB, authorisation: authorisation, at: PINResetTests.now)
        #expect(card.triesLeft(.cardFace) == PINKind.cardFace.maximumTries)
        #expect(try card.verify(pin: Self.face.numberB, for: .cardFace) == .verified)
    }

    @Test func theFaceIsPrintedOnceAtHandOver() throws {
        var card = Self.handedOver
        try card.personalise(face: Self.face)  // the same face again changes nothing
        let other = CardFace(
            name: Self.face.name, address: Self.face.address, birthDate: Self.face.birthDate, sex: .female, expiresOn: Self.face.expiresOn, securityCode: "9999")
        #expect(throws: VirtualCardError.cardFaceLocked) { try card.personalise(face: other) }
        // A card that already carries certificates takes no first face: whoever holds the
        // file cannot print a face (and number) of their own choosing.
        var issuedBefore = Fixture.card
        #expect(throws: VirtualCardError.cardFaceLocked) { try issuedBefore.personalise(face: Self.face) }
    }

    @Test func theApplicationOverAPDUs() throws {
        let reader = CardReader(card: Self.handedOver)
        // Not openable before it is printed; on a printed card, INTERNAL AUTHENTICATE needs 照合番号B.
        #expect(CardReader(card: Fixture.card).send(APDU.selectDF(CardFaceApplication.aid)).status == .fileNotFound)
        #expect(reader.send(APDU.selectDF(CardFaceApplication.aid)).status == .ok)
        let challenge = Array("challenge".utf8)
        let authenticate: [UInt8] = [0x00, 0x88, 0x00, 0x00, UInt8(challenge.count)] + challenge + [0x00]
        #expect(reader.send(authenticate).status == .securityStatusNotSatisfied)
        #expect(reader.send(APDU.selectEF(CardFaceApplication.faceEF)).status == .ok)
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .securityStatusNotSatisfied)
        #expect(reader.send(APDU.selectEF(CardFaceApplication.numberBEF)).status == .ok)
        #expect(reader.send(APDU.verify("90040120350426")).status == StatusWord(0x63, 0xC9))
        #expect(reader.send(APDU.verify(Self.face.numberB)).status == .ok)
        _ = reader.send(APDU.selectEF(CardFaceApplication.faceEF))
        let file = reader.readWholeFile()
        #expect(file.status == .ok && Array(file.data.prefix(2)) == [0xFF, 0x21])
        #expect(String(decoding: file.data, as: UTF8.self).contains("0427"))
        let (signature, status) = reader.send(authenticate)
        #expect(status == .ok)
        let key = try P256.Signing.PublicKey(derRepresentation: try #require(reader.card.cardFacePublicKeyDER))
        #expect(key.isValidSignature(try P256.Signing.ECDSASignature(derRepresentation: signature), for: challenge))
        // Selecting the JPKI application ends the opening.
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectDF(CardFaceApplication.aid))
        #expect(reader.send(authenticate).status == .securityStatusNotSatisfied)
    }

    @Test func faceAndKeySurviveTheFile() throws {
        let directory = try Fixture.temporaryDirectory()
        let file = try VirtualCardFile(
            url: directory.appendingPathComponent("card"), deviceKey: SymmetricKey(size: .bits256), counters: try Fixture.counters())
        try file.save(Self.handedOver)
        let loaded = try file.load()
        #expect(loaded == Self.handedOver && loaded.face == Self.face && loaded.cardFacePublicKeyDER == Self.handedOver.cardFacePublicKeyDER)
        #expect(!loaded.description.contains("0427"))
    }
}
