import Foundation
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaPKI
import MynaDatabase
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

    @Test("a card-face key is recorded only with the chip's signature by it, and for one card only", arguments: DatabaseKind.available)
    func cardFaceKey(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            var (card, chip, keys) = try await application(fixture)
            var stranger = try fixture.card().0
            // The clerk swaps in another chip's card-face key beside this card's genuine answers.
            let swapped = CardKeys(chipID: keys.chipID, authentication: keys.authentication, signature: keys.signature, cardFace: stranger.cardFacePublicKeyDER)
            let challenge = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.issue(
                    card.id, keys: swapped, proof: try chip.prove(challenge), identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            // The key presented with no card-face signature at all.
            let again = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let proof = try chip.prove(again)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.issue(
                    card.id, keys: keys, proof: KeyPossessionProof(nonce: again.nonce, authentication: proof.authentication, signature: proof.signature),
                    identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            try await expectNothingCertified(fixture, card)
            // The stranger's chip is handed over to its holder; a clerk who still holds it
            // cannot have its card-face key recorded for this card as well.
            let (strangers, _, _) = try await application(fixture, name: "佐藤 花子")
            let issued = try await fixture.office.issue(strangers.id, chip: &stranger, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(issued.face?.isWellFormed == true && issued.face?.name == "佐藤 花子")
            let third = try await fixture.office.issuanceChallenge(card.id, chipID: chip.id, by: fixture.clerk, within: fixture.chiyoda)
            let ownProof = try chip.prove(third)
            guard case .signed(let strangersFace) = try stranger.signWithCardFace(third.cardFaceStatement, numberB: issued.face?.numberB) else {
                Issue.record("the stranger's card refused its own number"); return
            }
            await expectCardError(.keyAlreadyCertified) {
                _ = try await fixture.office.issue(
                    card.id, keys: swapped,
                    proof: KeyPossessionProof(nonce: third.nonce, authentication: ownProof.authentication, signature: ownProof.signature, cardFace: strangersFace),
                    identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            try await expectNothingCertified(fixture, card)
            // The honest hand-over records the chip's own key and prints a face for it.
            let honest = try await fixture.office.issue(card.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            #expect(honest.face?.name == "山田 太郎" && honest.face?.expiresOn == honest.card.expiresOn)
        }
    }

    @Test("a resumption or renewal certifies only the keys the card was issued with, proved again", arguments: DatabaseKind.available)
    func resumptionAndRenewalNeedTheCardsOwnKeys(kind: DatabaseKind) async throws {
        try await withCardOffice(kind) { fixture in
            var (card, chip, _) = try await application(fixture)
            _ = try await fixture.office.issue(card.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            _ = try await fixture.office.suspend(card.id, by: fixture.clerk, within: fixture.chiyoda)
            // The clerk's own key pairs, presented under the recorded chip id, with a genuine
            // proof by those keys: the proof holds, the keys are not the card's.
            var clerksChip = try fixture.card().0
            let clerksKeys = try TestCardHolder.keys(of: clerksChip)
            let substituted = CardKeys(chipID: chip.id, authentication: clerksKeys.authentication, signature: clerksKeys.signature)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.resume(
                    card.id, chip: &clerksChip, keys: substituted, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda)
            }
            // The card's own keys without a fresh proof.
            let own = try TestCardHolder.keys(of: chip)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.resume(
                    card.id, keys: own, proof: KeyPossessionProof(nonce: "", authentication: [], signature: nil), identityDocuments: [.passport],
                    by: fixture.clerk, within: fixture.chiyoda)
            }
            // Another chip asks for the challenge: refused before any nonce is handed out.
            await expectCardError(.invalidKey) {
                _ = try await fixture.office.issuanceChallenge(card.id, chipID: clerksChip.id, by: fixture.clerk, within: fixture.chiyoda)
            }
            #expect(try await fixture.office.card(card.id).status == .suspended)
            // The card itself, proving its own keys, is resumed; a renewal is held to the same.
            #expect(try await fixture.office.resume(card.id, chip: &chip, identityDocuments: [.passport], by: fixture.clerk, within: fixture.chiyoda).card.status == .active)
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.renew(card.id, chip: &clerksChip, keys: substituted, by: fixture.clerk, within: fixture.chiyoda)
            }
            await expectCardError(.keyPossessionNotProven) {
                _ = try await fixture.office.renewMany([(card.id, own)], by: fixture.clerk, within: fixture.chiyoda)
            }
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
