import Foundation
import Testing
import MynaCard
@testable import MynaCardEmulator

/// The card's value API: issuance rules and PIN handling (the counter's reset: PINResetTests).
@Suite struct VirtualCardTests {
    @Test func newCardChecksEachPINWithMynaCardRules() {
        #expect(throws: VirtualCardError.invalidPIN(.authentication, .length("exactly 4 digits"))) {
            try VirtualCard.new(pins: [.authentication: "12345", .textInput: "1234"])
        }
        #expect(throws: VirtualCardError.invalidPIN(.signature, .characters("upper-case letters A–Z and digits only"))) {
            try VirtualCard.new(pins: [.authentication: "1234", .textInput: "1234", .signature: "abc123"])
        }
        #expect(throws: VirtualCardError.missingPIN(.authentication)) {
            try VirtualCard.new(pins: [.textInput: "1234"])
        }
        #expect(throws: VirtualCardError.missingPIN(.textInput)) {
            try VirtualCard.new(pins: [.authentication: "1234"])
        }
    }

    @Test func cardHoldsIdsKeysAndCounters() {
        let card = Fixture.card
        #expect(card.id.count == 32)
        #expect(card.id != Fixture.childCard.id)
        #expect(card.triesLeft(.signature) == PINKind.signature.maximumTries)
        #expect(card.triesLeft(.authentication) == PINKind.authentication.maximumTries)
        #expect(card.triesLeft(.residentRegistry) == nil)
        #expect(card.certificatePresence == [0x8F, 0x8F, 0x00])
        #expect(Fixture.blankCard.certificatePresence == [0x00, 0x00, 0x00])
        #expect(Fixture.childCard.triesLeft(.signature) == nil)
    }

    @Test func installRefusesCertificatesForMissingKeys() {
        var child = Fixture.childCard
        #expect(throws: VirtualCardError.noKey(.signature)) {
            try child.install(certificate: [0x30, 0x00], for: .signature)
        }
        #expect(throws: VirtualCardError.certificateSize(0)) {
            try child.install(certificate: [], for: .authentication)
        }
    }

    @Test func changePINNeedsTheOldOne() throws {
        var card = Fixture.card
        #expect(try card.changePIN(.signature, from: "WRONG1", to: "NEWPIN99") == .wrong(triesLeft: 4))
        #expect(try card.changePIN(.signature, from: Fixture.signaturePIN, to: "NEWPIN99") == .verified)
        #expect(try card.verify(pin: "NEWPIN99", for: .signature) == .verified)
        #expect(throws: VirtualCardError.self) { try card.changePIN(.signature, from: "NEWPIN99", to: "short") }
        #expect(throws: VirtualCardError.noPIN(.residentRegistry)) { try card.verify(pin: "1234", for: .residentRegistry) }
    }

    @Test func readerIsUsableFromManyTasks() async {
        let reader = CardReader(card: Fixture.card)
        await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    let response = reader.transmit(APDU.selectDF(JPKIApplication.aid))
                    return response == [0x90, 0x00]
                }
            }
            for await ok in group { #expect(ok) }
        }
    }
}
