import Foundation
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaPKI
import MynaStore
import MynaTestSupport
import Testing
import X509

/// Issue 14: issuance certified whatever keys the clerk sent. Each test performs the
/// attack against the card office; the office now certifies only keys the card proved
/// it holds, each key for one card only.
@Suite("Key possession at issuance")
struct KeyPossessionTests {
    /// A new resident's card application, and the chip the counter's reader reads.
    func application(_ fixture: CardFixture, name: String = "山田 太郎") async throws -> (card: CardRecord, chip: VirtualCard, keys: CardKeys) {
        let resident = try await fixture.resident(name: name)
        let applied = try await fixture.office.apply(for: resident, by: fixture.clerk, within: fixture.chiyoda).card
        let (chip, keys) = try fixture.card()
        return (applied, chip, keys)
    }

    /// Nothing was certified: the card is still only applied for and has no certificate rows.
    func expectNothingCertified(_ fixture: CardFixture, _ card: CardRecord) async throws {
        #expect(try await fixture.office.card(card.id).status == .applied)
        let rows = try await fixture.environment.database.read { connection in
            try await connection.query(SQL("SELECT serial FROM card_certificates WHERE card_id = ?", [.text(card.id)]))
        }
        #expect(rows.isEmpty)
    }

    @Test("a key the card does not hold is not certified, even with the card's own signature beside it", arguments: DatabaseKind.available)
    func keyTheCardDoesNotHold(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            var (card, chip, keys) = try await application(fixture)
            // The clerk's key: the public half of a key elsewhere (another chip).
            let (_, clerkKeys) = try fixture.card()
            let forged = CardKeys(chipID: keys.chipID, authentication: clerkKeys.authentication, signature: keys.signature)
            let challenge = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let proof = try chip.prove(challenge)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.issue(
                    card.id, keys: forged, proof: proof, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            // No proof at all, or a signature by another key over the right statement.
            let again = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            var other = try fixture.card().0
            let otherProof = try other.prove(again)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.issue(
                    card.id, keys: keys, proof: KeyPossessionProof(nonce: again.nonce, authentication: otherProof.authentication, signature: otherProof.signature),
                    identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            // A signature over another statement (the authentication key's, sent for the signature key).
            let third = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let swapped = try chip.prove(third)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.issue(
                    card.id, keys: keys, proof: KeyPossessionProof(nonce: third.nonce, authentication: swapped.authentication, signature: swapped.authentication),
                    identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            try await expectNothingCertified(fixture, card)
            // The honest hand-over still works.
            let issued = try await fixture.office.issue(card.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(issued.card.status == .active && issued.signature != nil)
            #expect(try Certificate(derEncoded: issued.authentication!).publicKey == keys.authentication)
        }
    }

    @Test("a key certified for one person is refused for another", arguments: DatabaseKind.available)
    func keyCertifiedForAnother(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            var (first, chip, _) = try await application(fixture)
            _ = try await fixture.office.issue(first.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            // The same chip (so the proof is genuine) presented for someone else's card.
            let (second, _, _) = try await application(fixture, name: "佐藤 花子")
            await expectCardError(.keyAlreadyCertified) {
                _ = try await fixture.office.issue(second.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            try await expectNothingCertified(fixture, second)
        }
    }

    @Test("the same key for authentication and signature is refused", arguments: DatabaseKind.available)
    func sameKeyTwice(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            var (card, chip, keys) = try await application(fixture)
            let once = CardKeys(chipID: keys.chipID, authentication: keys.authentication, signature: keys.authentication)
            // The card's authentication key signs both statements, so both signatures verify.
            let challenge = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            guard case .signed(let forSignature) = try chip.sign(
                digestInfo: DigestInfo.sha256(challenge.statement(for: .signature)), with: .authentication, pin: "1234")
            else { Issue.record("the card refused"); return }
            let proof = try chip.prove(challenge, pins: [.authentication: "1234"])
            await expectCardError(.keysNotDistinct) {
                _ = try await fixture.office.issue(
                    card.id, keys: once, proof: KeyPossessionProof(nonce: challenge.nonce, authentication: proof.authentication, signature: forSignature),
                    identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            try await expectNothingCertified(fixture, card)
        }
    }

    @Test("an issuance challenge is taken once, expires, and is bound to its card and chip", arguments: DatabaseKind.available)
    func challengeReplay(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            var (card, chip, keys) = try await application(fixture)
            let office = fixture.office
            // Replayed: a refused answer burns the challenge; the right answer to it is then refused too.
            let challenge = try await office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let proof = try chip.prove(challenge)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await office.issue(
                    card.id, keys: keys, proof: KeyPossessionProof(nonce: challenge.nonce, authentication: proof.signature!, signature: proof.authentication),
                    identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            await expectCardError(.keyPossessionNotProven) {
                _ = try await office.issue(card.id, keys: keys, proof: proof, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            // Expired.
            let late = try await office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let lateProof = try chip.prove(late)
            fixture.clock.advance(by: IssuanceChallenge.lifetime + 1)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await office.issue(card.id, keys: keys, proof: lateProof, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            // For another application: the answer does not carry over.
            let (other, _, _) = try await application(fixture, name: "佐藤 花子")
            let elsewhere = try await office.issuanceChallenge(other.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let elsewhereProof = try chip.prove(elsewhere)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await office.issue(card.id, keys: keys, proof: elsewhereProof, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            try await expectNothingCertified(fixture, card)
            // A fresh challenge, answered once, issues.
            #expect(try await office.issue(card.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda).card.status == .active)
        }
    }
}
