import Crypto
import Foundation
import MynaCard
import MynaCore
import Testing
@testable import MynaCardEmulator

/// The counter's PIN reset (暗証番号再設定), attacked. Before signed authorisations the card
/// took any authorisation naming a non-blank staff id, so whoever held the card file set a
/// new PIN — the signature password included. Each test here forges or reuses an
/// authorisation and checks that the card refuses it and nothing on it changes.
@Suite struct PINResetTests {
    /// Stands in for the card office's PIN-reset key.
    static let office = P256.Signing.PrivateKey()
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    /// The fixture card as handed over now: the office key written before its certificates.
    static let issuedCard: VirtualCard = {
        var card = Fixture.blankCard
        try! card.installCardOfficeKey(Array(office.publicKey.derRepresentation))
        try! card.install(certificate: Fixture.authenticationCertificate, for: .authentication)
        try! card.install(certificate: Fixture.signatureCertificate, for: .signature)
        return card
    }()

    /// `card` with `kind` blocked by wrong PINs.
    static func blocked(_ kind: PINKind, on card: VirtualCard = PINResetTests.issuedCard) throws -> VirtualCard {
        var card = card
        for _ in 0..<kind.maximumTries { _ = try card.verify(pin: kind == .signature ? "WRONG1" : "0000", for: kind) }
        #expect(card.triesLeft(kind) == 0)
        return card
    }

    static func token(
        chip: String = PINResetTests.issuedCard.id, pin: PINKind = .authentication, sequence: Int = 7, issuedAt: Date = PINResetTests.now,
        key: P256.Signing.PrivateKey = PINResetTests.office
    ) throws -> String {
        try PINResetAuthorisation(chipID: chip, pin: pin, sequence: sequence, issuedAt: issuedAt).signed(with: key)
    }

    /// Tries the reset and returns the refusal; the card must be exactly as before.
    static func refusal(_ token: String, _ kind: PINKind = .authentication, newPIN: String = "2468", on card: VirtualCard, at now: Date = PINResetTests.now) -> PINResetRefusal? {
        var attempted = card
        do {
            try attempted.resetPIN(kind, newPIN: newPIN, authorisation: token, at: now)
        } catch VirtualCardError.resetRefused(let refusal) {
            #expect(attempted == card, "a refused reset changed the card")
            return refusal
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
        Issue.record("the card took the reset")
        return nil
    }

    @Test func theOfficesAuthorisationResetsABlockedPINOnce() throws {
        var card = try Self.blocked(.authentication)
        let authorisation = try Self.token()
        try card.resetPIN(.authentication, newPIN: "2468", authorisation: authorisation, at: Self.now)
        #expect(card.triesLeft(.authentication) == 3)
        #expect(try card.verify(pin: "2468", for: .authentication) == .verified)
        // Replayed: the same authorisation again (after the PIN locks once more) is refused.
        card = try Self.blocked(.authentication, on: card)
        #expect(Self.refusal(authorisation, on: card) == .alreadyUsed)
        // So is an older one the office signed before it, never used.
        #expect(Self.refusal(try Self.token(sequence: 6), on: card) == .alreadyUsed)
        // A newer one works.
        try card.resetPIN(.authentication, newPIN: "1357", authorisation: try Self.token(sequence: 8), at: Self.now)
        #expect(try card.verify(pin: "1357", for: .authentication) == .verified)
    }

    @Test func aHandWrittenAuthorisationIsRefused() throws {
        let card = try Self.blocked(.signature)
        // What the card used to take: a staff id and a time, unsigned.
        #expect(Self.refusal(#"{"staffId":"staff-0042","identityCheckedAt":"2026-11-22T10:00:00Z"}"#, .signature, newPIN: "THIEF99", on: card) == .notSignedByCardOffice)
        #expect(Self.refusal("", .signature, newPIN: "THIEF99", on: card) == .notSignedByCardOffice)
        // Well-formed claims with an `alg: none` header and no signature.
        let claims = PINResetAuthorisation(chipID: card.id, pin: .signature, sequence: 99, issuedAt: Self.now)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let unsigned = Base64URL.encode(Array(#"{"alg":"none","kid":"x","typ":"myna-pin-reset+jwt"}"#.utf8)) + "."
            + Base64URL.encode(Array(try encoder.encode(claims))) + "."
        #expect(Self.refusal(unsigned, .signature, newPIN: "THIEF99", on: card) == .notSignedByCardOffice)
        // The office's real token with its claims edited (another sequence) keeps no valid signature.
        let genuine = try Self.token(pin: .signature).split(separator: ".")
        let edited = String(genuine[0]) + "." + Base64URL.encode(Array(try encoder.encode(claims))) + "." + String(genuine[2])
        #expect(Self.refusal(edited, .signature, newPIN: "THIEF99", on: card) == .notSignedByCardOffice)
    }

    @Test func anAuthorisationSignedByAnotherKeyIsRefused() throws {
        let card = try Self.blocked(.signature)
        let thief = P256.Signing.PrivateKey()
        #expect(Self.refusal(try Self.token(pin: .signature, key: thief), .signature, newPIN: "THIEF99", on: card) == .notSignedByCardOffice)
    }

    @Test func anAuthorisationForAnotherChipIsRefused() throws {
        let card = try Self.blocked(.authentication)
        #expect(Self.refusal(try Self.token(chip: Fixture.childCard.id), on: card) == .anotherCard)
    }

    @Test func anAuthorisationForTheOtherPINIsRefused() throws {
        // Reset at the counter for the 4-digit PIN; the thief uses it on the signature password.
        let card = try Self.blocked(.signature)
        #expect(Self.refusal(try Self.token(pin: .authentication), .signature, newPIN: "THIEF99", on: card) == .anotherPIN(.authentication))
        #expect(Self.refusal(try Self.token(pin: .textInput), .authentication, on: try Self.blocked(.authentication)) == .anotherPIN(.textInput))
    }

    @Test func anExpiredAuthorisationIsRefused() throws {
        let card = try Self.blocked(.authentication)
        let issued = Self.now.addingTimeInterval(-PINResetAuthorisation.lifetime - 1)
        #expect(Self.refusal(try Self.token(issuedAt: issued), on: card) == .expired)
        // At the last second it still works.
        var taken = card
        try taken.resetPIN(.authentication, newPIN: "2468", authorisation: try Self.token(issuedAt: Self.now.addingTimeInterval(-PINResetAuthorisation.lifetime + 1)), at: Self.now)
    }

    @Test func aCardIssuedBeforeSignedResetsRefusesEveryReset() throws {
        // Fixture.card: certificates written, no office key — as every card issued before.
        var card = try Self.blocked(.authentication, on: Fixture.card)
        #expect(Self.refusal(try Self.token(chip: card.id), on: card) == .noCardOfficeKey)
        #expect(PINResetRefusal.noCardOfficeKey.description.contains("apply for a new card"))
        // Nor can anyone give it a key now: the key is written only with the first certificates.
        #expect(throws: VirtualCardError.cardOfficeKeyLocked) {
            try card.installCardOfficeKey(Array(P256.Signing.PrivateKey().publicKey.derRepresentation))
        }
        #expect(!card.hasCardOfficeKey)
    }

    @Test func theOfficeKeyCannotBeReplaced() throws {
        var card = Self.issuedCard
        let thief = P256.Signing.PrivateKey()
        #expect(throws: VirtualCardError.cardOfficeKeyLocked) { try card.installCardOfficeKey(Array(thief.publicKey.derRepresentation)) }
        #expect(throws: VirtualCardError.cardOfficeKeyInvalid) { try card.installCardOfficeKey([0x30, 0x00]) }
        // The same key again (a resumption's or renewal's answer) changes nothing.
        try card.installCardOfficeKey(Array(Self.office.publicKey.derRepresentation))
        #expect(card == Self.issuedCard)
        card = try Self.blocked(.signature, on: card)
        #expect(Self.refusal(try Self.token(pin: .signature, key: thief), .signature, newPIN: "THIEF99", on: card) == .notSignedByCardOffice)
    }

    @Test func aUsedAuthorisationStaysUsedThroughTheCardFile() throws {
        let file = try VirtualCardFile(
            url: try Fixture.temporaryDirectory().appendingPathComponent("card.myna"), deviceKey: SymmetricKey(size: .bits256),
            counters: try Fixture.counters())
        try file.save(try Self.blocked(.authentication))
        let copy = try Data(contentsOf: file.url)
        let authorisation = try Self.token()
        try file.update { try $0.resetPIN(.authentication, newPIN: "2468", authorisation: authorisation, at: Self.now) }
        // Putting back the file from before the reset, to take the same authorisation again
        // with a PIN of the thief's choosing, is refused.
        try copy.write(to: file.url)
        #expect(throws: VirtualCardFileError.rolledBack(file.url.path)) {
            try file.update { try $0.resetPIN(.authentication, newPIN: "9999", authorisation: authorisation, at: Self.now) }
        }
    }
}
