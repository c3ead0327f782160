import Foundation
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaDatabase
import MynaSecrets
import MynaTestSupport
import Testing

/// 暗証番号再設定 at the counter, attacked from the card's side: only the authorisation this
/// office signs, for this chip and this PIN, unexpired and unused, resets a PIN.
@Suite("PIN reset at the counter")
struct PINResetOfficeTests {
    /// What the card says to a reset, as the refusal or `nil` when it took it; a refused
    /// reset leaves the card exactly as it was.
    static func reset(_ chip: inout VirtualCard, _ kind: PINKind, to pin: String, with token: String, at now: Date) -> PINResetRefusal? {
        let before = chip
        do {
            try chip.resetPIN(kind, newPIN: pin, authorisation: token, at: now)
            return nil
        } catch VirtualCardError.resetRefused(let refusal) {
            #expect(chip == before)
            return refusal
        } catch {
            Issue.record("unexpected \(error)")
            return .notSignedByCardOffice
        }
    }

    @Test("the office's authorisation resets the holder's PIN once; one for another chip, another PIN, signed by another key, expired or replayed does not", arguments: DatabaseKind.available)
    func signedResets(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let office = fixture.office
            let now = fixture.clock.now
            var holder = try await TestCardHolder.issue(by: office)
            var other = try await TestCardHolder.issue(by: office, name: "佐藤 花子", nameKana: "サトウ ハナコ", born: "1985-02-03")
            for _ in 0..<5 {
                _ = try holder.chip.verify(pin: "WRONG1", for: .signature)
                _ = try other.chip.verify(pin: "WRONG1", for: .signature)
            }
            #expect(holder.chip.triesLeft(.signature) == 0)

            await expectCardError(.identityNotVerified) {
                _ = try await office.authorisePINReset(holder.card.id, pin: .signature, identityDocuments: [], by: fixture.clerk, within: fixture.chiyoda)
            }
            let grant = try await office.authorisePINReset(
                holder.card.id, pin: .signature, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(grant.expiresAt.timeIntervalSince(now) <= PINResetAuthorisation.lifetime)
            #expect(try await office.history(of: holder.card.id).last?.event == "pin-reset-signature")

            // Taken to another person's card: bound to the chip recorded at hand-over.
            #expect(Self.reset(&other.chip, .signature, to: "THIEF99", with: grant.authorisation, at: now) == .anotherCard)
            // Used for the other PIN of the right card.
            #expect(Self.reset(&holder.chip, .authentication, to: "9999", with: grant.authorisation, at: now) == .anotherPIN(.signature))
            // Signed by a card office whose key this card does not carry.
            let rogue = try CardOffice(
                registry: fixture.registry, publisher: office.publisher,
                keys: KeyStore(directory: fixture.environment.directory.appendingPathComponent("rogue-keys"), environment: [:]))
            let forged = try await rogue.authorisePINReset(
                holder.card.id, pin: .signature, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(Self.reset(&holder.chip, .signature, to: "THIEF99", with: forged.authorisation, at: now) == .notSignedByCardOffice)
            // Too late.
            #expect(Self.reset(&holder.chip, .signature, to: "NEWPIN99", with: grant.authorisation, at: grant.expiresAt) == .expired)

            // In time, on the right card, for the right PIN: taken.
            #expect(Self.reset(&holder.chip, .signature, to: "NEWPIN99", with: grant.authorisation, at: now) == nil)
            #expect(try holder.chip.verify(pin: "NEWPIN99", for: .signature) == .verified)
            // Replayed after the password locks again: refused.
            for _ in 0..<5 { _ = try holder.chip.verify(pin: "WRONG1", for: .signature) }
            #expect(Self.reset(&holder.chip, .signature, to: "THIEF99", with: grant.authorisation, at: now) == .alreadyUsed)
            // The forged one named a later sequence than the genuine grant; a new genuine one
            // still comes later than both and works.
            let again = try await office.authorisePINReset(
                holder.card.id, pin: .signature, identityDocuments: [.driversLicence], by: fixture.clerk, within: fixture.chiyoda)
            #expect(Self.reset(&holder.chip, .signature, to: "AGAIN123", with: again.authorisation, at: now) == nil)
        }
    }

    @Test("a card not handed over gets no reset authorisation", arguments: DatabaseKind.available)
    func notHandedOver(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            let resident = try await fixture.resident()
            let applied = try await fixture.office.apply(for: resident, by: fixture.clerk, within: fixture.chiyoda).card
            await expectCardError(.wrongCardState) {
                _ = try await fixture.office.authorisePINReset(
                    applied.id, pin: .authentication, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
        }
    }
}
