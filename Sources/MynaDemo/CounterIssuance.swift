public import MynaCard
public import MynaCardEmulator
public import MynaCardOffice
public import MynaCore
import MynaPKI
public import MynaRegistry
import X509

extension CardOffice {
    /// Issuance as the counter runs it (the demo's cards, the benchmarks' holders): the
    /// office's challenge, the card's signature over it with each key after its PIN, then
    /// the keys certified.
    public func issue(
        _ cardID: String, chip: inout VirtualCard, pins: [PINKind: String], identityDocuments: [IdentityDocument], by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        let keys = try CardKeys(chip)
        let challenge = try await issuanceChallenge(cardID, chipID: keys.chipID, by: actor, within: jurisdiction)
        var signatures: [KeyKind: [UInt8]] = [:]
        for (kind, certificateKind) in [(KeyKind.authentication, CertificateKind.authentication), (.signature, .signature)] {
            guard chip.publicKey(for: kind) != nil, let pin = pins[kind.pinKind] else { continue }
            guard case .signed(let signature) = try chip.sign(digestInfo: DigestInfo.sha256(challenge.statement(for: certificateKind)), with: kind, pin: pin)
            else { throw DemoFailure("the card refused its PIN") }
            signatures[kind] = signature
        }
        // Before hand-over the card-face application signs without 照合番号B: nothing is printed yet.
        guard case .signed(let cardFace) = try chip.signWithCardFace(challenge.cardFaceStatement, numberB: nil) else {
            throw DemoFailure("the card's face application refused")
        }
        let proof = KeyPossessionProof(
            nonce: challenge.nonce, authentication: signatures[.authentication] ?? [], signature: signatures[.signature], cardFace: cardFace)
        return try await issue(cardID, keys: keys, proof: proof, identityDocuments: identityDocuments, by: actor, within: jurisdiction)
    }
}

extension CardKeys {
    /// What the counter's reader reads from a virtual card.
    public init(_ card: VirtualCard) throws {
        try self.init(
            chipID: card.id, authentication: Certificate.PublicKey(derEncoded: card.publicKey(for: .authentication)!.subjectPublicKeyInfoDER),
            signature: card.publicKey(for: .signature).map { try Certificate.PublicKey(derEncoded: $0.subjectPublicKeyInfoDER) },
            cardFace: card.cardFacePublicKeyDER)
    }
}

/// What stopped the demo's seeding or a benchmark's setup, in words.
public struct DemoFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ text: String) { description = text }
}
