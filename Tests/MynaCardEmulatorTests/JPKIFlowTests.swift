import Testing
import MynaCard
@testable import MynaCardEmulator

/// The JPKI application, driven purely through APDUs as OpenSC's JPKI driver drives it.
@Suite struct JPKIFlowTests {
    @Test func selectJPKIReadTokenAndCertificatePresence() {
        let reader = CardReader(card: Fixture.card)
        #expect(reader.send(APDU.selectDF(JPKIApplication.aid)).status == .ok)
        #expect(reader.send(APDU.selectEF(0x0006)).status == .ok)
        let token = reader.send(APDU.readBinary(offset: 0))
        #expect(token.status == .ok)
        #expect(String(decoding: token.data.prefix(15), as: UTF8.self) == "JPKIAPICCTOKEN2")
        #expect(token.data == JPKIApplication.tokenContents)

        #expect(reader.send(APDU.selectEF(0x0008)).status == .ok)
        #expect(reader.send(APDU.readBinary(offset: 0)) == ([0x8F, 0x8F, 0x00], .ok))
    }

    @Test func certificatePresenceReflectsInstalledCertificates() throws {
        var card = Fixture.blankCard
        let reader = CardReader(card: card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0008))
        #expect(reader.send(APDU.readBinary(offset: 0)).data == [0x00, 0x00, 0x00])
        // An absent certificate is an absent file.
        #expect(reader.send(APDU.selectEF(0x000A)).status == .fileNotFound)

        try card.install(certificate: Fixture.authenticationCertificate, for: .authentication)
        let second = CardReader(card: card)
        _ = second.send(APDU.selectDF(JPKIApplication.aid))
        _ = second.send(APDU.selectEF(0x0008))
        #expect(second.send(APDU.readBinary(offset: 0)).data == [0x00, 0x8F, 0x00])
    }

    @Test func authenticationCertificateIsReadableInChunksWithoutPIN() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        #expect(reader.send(APDU.selectEF(0x000A)).status == .ok)
        let first = reader.send(APDU.readBinary(offset: 0))
        #expect(first.status == .ok)
        #expect(first.data.count == 256)
        let whole = reader.readWholeFile()
        #expect(whole.status == .ok)
        #expect(whole.data == Fixture.authenticationCertificate)
        // A short Le reads exactly that much from an offset.
        #expect(reader.send(APDU.readBinary(offset: 0x0100, le: 0x10)).data == Array(Fixture.authenticationCertificate[256..<272]))
        // Past the end of the file.
        #expect(reader.send(APDU.readBinary(offset: Fixture.authenticationCertificate.count)).status == .wrongOffset)

        _ = reader.send(APDU.selectEF(0x000B))
        #expect(reader.readWholeFile().data == Fixture.authenticationCA)
        _ = reader.send(APDU.selectEF(0x0002))
        #expect(reader.readWholeFile().data == Fixture.signatureCA)
    }

    @Test func signatureCertificateNeedsSignaturePIN() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        #expect(reader.send(APDU.selectEF(0x0001)).status == .ok)
        #expect(reader.send(APDU.readBinary(offset: 0)) == ([], .securityStatusNotSatisfied))

        // The authentication PIN does not open it.
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == .ok)
        _ = reader.send(APDU.selectEF(0x0001))
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .securityStatusNotSatisfied)

        _ = reader.send(APDU.selectEF(0x001B))
        #expect(reader.send(APDU.verify(Fixture.signaturePIN)).status == .ok)
        _ = reader.send(APDU.selectEF(0x0001))
        #expect(reader.readWholeFile() == (Fixture.signatureCertificate, .ok))

        // Selecting another DF ends the verification; re-selecting JPKI does not restore it.
        #expect(reader.send(APDU.selectDF(TextInputApplication.aid)).status == .ok)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0001))
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .securityStatusNotSatisfied)
    }

    @Test func keyAndPINFilesAreNeverReadable() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x001B))
        _ = reader.send(APDU.verify(Fixture.signaturePIN))
        _ = reader.send(APDU.selectEF(0x0018))
        _ = reader.send(APDU.verify(Fixture.authenticationPIN))
        for ef: UInt16 in [0x0017, 0x0018, 0x001A, 0x001B] {
            #expect(reader.send(APDU.selectEF(ef)).status == .ok)
            #expect(reader.send(APDU.readBinary(offset: 0)) == ([], .incompatibleFile), "EF \(ef)")
        }
    }

    @Test func authenticationPINCountsDownResetsAndBlocks() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.verifyStatus).status == StatusWord(0x63, 0xC3))
        #expect(reader.send(APDU.verify("0000")).status == StatusWord(0x63, 0xC2))
        #expect(reader.send(APDU.verify("9999")).status == StatusWord(0x63, 0xC1))
        #expect(reader.send(APDU.verifyStatus).status == StatusWord(0x63, 0xC1))
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == .ok)
        #expect(reader.card.triesLeft(.authentication) == 3)
        #expect(reader.send(APDU.verifyStatus).status == .ok)  // verified in this session

        #expect(reader.send(APDU.verify("0000")).status == StatusWord(0x63, 0xC2))
        #expect(reader.send(APDU.verifyStatus).status == StatusWord(0x63, 0xC2))  // a wrong PIN ends verification
        #expect(reader.send(APDU.verify("0001")).status == StatusWord(0x63, 0xC1))
        #expect(reader.send(APDU.verify("0002")).status == .pinBlocked)
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == .pinBlocked)
        #expect(reader.send(APDU.verifyStatus).status == .pinBlocked)
        #expect(reader.card.triesLeft(.authentication) == 0)
        // Blocked means blocked: the key cannot be used either.
        _ = reader.send(APDU.selectEF(0x0017))
        #expect(reader.send(APDU.computeSignature(APDU.sha256DigestInfo([1, 2, 3]))).status == .securityStatusNotSatisfied)
    }

    @Test func signaturePINHasFiveTries() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x001B))
        #expect(reader.send(APDU.verifyStatus).status == StatusWord(0x63, 0xC5))
        for left in (1...4).reversed() {
            #expect(reader.send(APDU.verify("WRONG9")).status == StatusWord(0x63, 0xC0 | UInt8(left)))
        }
        #expect(reader.send(APDU.verify(Fixture.signaturePIN)).status == .ok)
        #expect(reader.card.triesLeft(.signature) == 5)
        for left in (1...4).reversed() {
            #expect(reader.send(APDU.verify("WRONG9")).status == StatusWord(0x63, 0xC0 | UInt8(left)))
        }
        #expect(reader.send(APDU.verify("WRONG9")).status == .pinBlocked)
        #expect(reader.send(APDU.verify(Fixture.signaturePIN)).status == .pinBlocked)
        // The authentication PIN is untouched.
        #expect(reader.card.triesLeft(.authentication) == 3)
    }

    @Test func changePINAfterVerify() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.changePIN(new: "4321")).status == .securityStatusNotSatisfied)
        _ = reader.send(APDU.verify(Fixture.authenticationPIN))
        #expect(reader.send(APDU.changePIN(new: "43X1")).status == .incorrectData)
        #expect(reader.send(APDU.changePIN(new: "4321")).status == .ok)
        reader.reset()
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectEF(0x0018))
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == StatusWord(0x63, 0xC2))
        #expect(reader.send(APDU.verify("4321")).status == .ok)
        // Old‖new form for a 4-digit PIN.
        #expect(reader.send([0x00, 0x24, 0x00, 0x80, 0x08] + Array("43215555".utf8)).status == .ok)
        #expect(reader.send(APDU.verify("5555")).status == .ok)
    }

    @Test func errorsForUnknownFilesAndCommands() {
        let reader = CardReader(card: Fixture.card)
        #expect(reader.send(APDU.selectEF(0x000A)).status == .fileNotFound)  // no DF selected
        #expect(reader.send(APDU.selectDF([0xD3, 0x92, 0x00])).status == .fileNotFound)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        #expect(reader.send(APDU.selectEF(0x1234)).status == .fileNotFound)
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .noCurrentEF)
        #expect(reader.send([0x00, 0xA4, 0x07, 0x0C, 0x02, 0x00, 0x06]).status == .wrongP1P2)
        #expect(reader.send([0x00, 0xA4, 0x02, 0x0C, 0x03, 0x00, 0x06, 0x00]).status == .wrongLength)
        #expect(reader.send([0x00, 0xA4, 0x02, 0x0C, 0x05, 0x00, 0x06]).status == .wrongLength)  // Lc lies
        #expect(reader.send([0x00, 0xCA, 0x00, 0x00, 0x00]).status == .insNotSupported)
        #expect(reader.send([0xA0, 0xA4, 0x04, 0x0C]).status == .claNotSupported)
        #expect(reader.send([0x80, 0xA4, 0x04, 0x0C]).status == .claNotSupported)
        #expect(reader.send([0x00, 0x20, 0x00, 0x81]).status == .wrongP1P2)
        #expect(reader.send([0x00]).status == .wrongLength)
        #expect(reader.transmit([]) == [0x67, 0x00])
    }

    @Test func cardWithoutSignatureKeyHasNoSignatureFiles() {
        let reader = CardReader(card: Fixture.childCard)
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        for ef: UInt16 in [0x0001, 0x0002, 0x001A, 0x001B] {
            #expect(reader.send(APDU.selectEF(ef)).status == .fileNotFound, "EF \(ef)")
        }
        #expect(reader.send(APDU.selectEF(0x0017)).status == .ok)
        #expect(reader.send(APDU.selectEF(0x0018)).status == .ok)
        #expect(Fixture.childCard.publicKey(for: .signature) == nil)
        #expect(Fixture.childCard.publicKey(for: .authentication) != nil)
    }
}
