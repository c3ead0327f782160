public import Foundation
public import MynaCard
public import MynaCardEmulator
public import MynaCardOffice
public import MynaCore
public import MynaPKI
public import MynaRegistry
import X509

/// A card office over `registry` with its own CAs, all on the test's clock, so tests
/// can move time through card validity, renewal windows and expiry.
public func makeTestCardOffice(_ registry: Registry, _ environment: TestEnvironment, directory name: String = "card-ca") throws -> CardOffice {
    let clock = environment.clock.wallClock
    let authorities = try CertificateAuthorities.initialize(
        in: environment.directory.appendingPathComponent(name), urls: RevocationURLs(base: "http://127.0.0.1:8080/v1/pki"),
        now: environment.clock.now.addingTimeInterval(-86_400))
    let publisher = RevocationPublisher(
        authorities: authorities, ledger: SQLCertificateLedger(database: environment.database, clock: clock), clock: clock)
    return try CardOffice(registry: registry, publisher: publisher, keys: environment.keys, clock: clock)
}

/// A resident of 千代田区 holding an issued card: the virtual card (PINs 1234 and
/// ABC123) with the card office's PIN-reset key written to it, and the certificates the
/// counter issued for it.
public struct TestCardHolder: Sendable {
    public let residentID: String
    public let number: IndividualNumber
    public let card: CardRecord
    public let issued: IssuedCertificates
    public var chip: VirtualCard

    /// Issues a card to a new resident through the office, as a clerk at the counter.
    public static func issue(
        by office: CardOffice, name: String = "山田 太郎", nameKana: String = "ヤマダ タロウ", born: String = "1990-05-01"
    ) async throws -> TestCardHolder {
        let chiyoda = try MunicipalityCode("131016")
        let clerk = RegistryActor.staff(id: "clerk-1", procedureID: "procedure-1")
        let registered = try await office.registry.residents.register(
            try BasicInfo(
                name: name, nameKana: nameKana, address: try Address(municipality: chiyoda, text: "東京都千代田区丸の内1-2-3"),
                birthDate: try CalendarDate(iso: born), sex: .male),
            by: .system("test"), reason: "test")
        let resident = registered.resident.id
        let applied = try await office.apply(for: resident, by: clerk, within: chiyoda).card
        var chip = try VirtualCard.new(pins: [.authentication: "1234", .textInput: "1234", .signature: "ABC123"])
        let issued = try await office.issue(applied.id, chip: &chip, identityDocuments: [.driversLicence], by: clerk, within: chiyoda)
        // Written at hand-over, as the counter writes it: the card then verifies PIN resets.
        try chip.installCardOfficeKey(issued.cardOfficeKey)
        if let face = issued.face { try chip.personalise(face: face) }
        return TestCardHolder(residentID: resident, number: registered.number, card: issued.card, issued: issued, chip: chip)
    }

    /// A new card for the same person (after a loss), issued at the counter.
    public static func reissue(to previous: TestCardHolder, by office: CardOffice) async throws -> TestCardHolder {
        let chiyoda = try MunicipalityCode("131016")
        let clerk = RegistryActor.staff(id: "clerk-1", procedureID: "procedure-1")
        let applied = try await office.apply(for: previous.residentID, by: clerk, within: chiyoda).card
        var chip = try VirtualCard.new(pins: [.authentication: "1234", .textInput: "1234", .signature: "ABC123"])
        let issued = try await office.issue(applied.id, chip: &chip, identityDocuments: [.driversLicence], by: clerk, within: chiyoda)
        // Written at hand-over, as the counter writes it: the card then verifies PIN resets.
        try chip.installCardOfficeKey(issued.cardOfficeKey)
        if let face = issued.face { try chip.personalise(face: face) }
        return TestCardHolder(residentID: previous.residentID, number: previous.number, card: issued.card, issued: issued, chip: chip)
    }

    /// The card's public keys as the counter's reader reads them.
    public static func keys(of chip: VirtualCard) throws -> CardKeys {
        CardKeys(
            chipID: chip.id,
            authentication: try Certificate.PublicKey(derEncoded: chip.publicKey(for: .authentication)!.subjectPublicKeyInfoDER),
            signature: try chip.publicKey(for: .signature).map { try Certificate.PublicKey(derEncoded: $0.subjectPublicKeyInfoDER) },
            cardFace: chip.cardFacePublicKeyDER)
    }

    /// The same holder and card after the counter wrote new certificates to it (a
    /// resumption, a renewal).
    public func with(_ certificates: IssuedCertificates) -> TestCardHolder {
        TestCardHolder(residentID: residentID, number: number, card: certificates.card, issued: certificates, chip: chip)
    }

    /// The card-face application's signature over `data`, opened with 照合番号B as read
    /// off the card (or another number, to show it refused).
    public mutating func readCardFace(_ data: [UInt8], numberB: String? = nil) throws -> SigningResult {
        try chip.signWithCardFace(data, numberB: numberB ?? chip.face?.numberB)
    }

    /// The card's authentication signature over `data`, after the PIN.
    public mutating func authenticate(_ data: [UInt8], pin: String = "1234") throws -> [UInt8]? {
        guard case .signed(let signature) = try chip.sign(digestInfo: DigestInfo.sha256(data), with: .authentication, pin: pin) else { return nil }
        return signature
    }
}

extension VirtualCard {
    /// The card's answer to an issuance challenge: the statement signed with each key it
    /// holds, after the PINs the holder enters at the counter.
    public mutating func prove(
        _ challenge: IssuanceChallenge, pins: [KeyKind: String] = [.authentication: "1234", .signature: "ABC123"]
    ) throws -> KeyPossessionProof {
        func signed(_ kind: KeyKind, _ certificateKind: CertificateKind) throws -> [UInt8]? {
            guard publicKey(for: kind) != nil, let pin = pins[kind] else { return nil }
            guard case .signed(let signature) = try sign(digestInfo: DigestInfo.sha256(challenge.statement(for: certificateKind)), with: kind, pin: pin)
            else { return nil }
            return signature
        }
        var cardFace: [UInt8]?
        // Before hand-over only: afterwards the application needs 照合番号B, and only issuance records the key.
        if cardFacePublicKeyDER != nil, face == nil, case .signed(let signature) = try signWithCardFace(challenge.cardFaceStatement, numberB: nil) {
            cardFace = signature
        }
        return KeyPossessionProof(
            nonce: challenge.nonce, authentication: try signed(.authentication, .authentication) ?? [], signature: try signed(.signature, .signature),
            cardFace: cardFace)
    }
}

extension CardOffice {
    /// Issuance as the counter runs it: the office's challenge for the chip the reader
    /// read, the card's signatures over it, then the keys certified. `keys` defaults to
    /// the chip's own; a test passes others to show they are refused.
    public func issue(
        _ cardID: String, chip: inout VirtualCard, keys: CardKeys? = nil, pins: [KeyKind: String] = [.authentication: "1234", .signature: "ABC123"],
        identityDocuments: [IdentityDocument], by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        let (presented, proof) = try await proven(cardID, chip: &chip, keys: keys, pins: pins, by: actor, within: jurisdiction)
        return try await issue(cardID, keys: presented, proof: proof, identityDocuments: identityDocuments, by: actor, within: jurisdiction)
    }

    /// A resumption as the counter runs it: the card proves its keys again first.
    public func resume(
        _ cardID: String, chip: inout VirtualCard, keys: CardKeys? = nil, pins: [KeyKind: String] = [.authentication: "1234", .signature: "ABC123"],
        identityDocuments: [IdentityDocument], by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        let (presented, proof) = try await proven(cardID, chip: &chip, keys: keys, pins: pins, by: actor, within: jurisdiction)
        return try await resume(cardID, keys: presented, proof: proof, identityDocuments: identityDocuments, by: actor, within: jurisdiction)
    }

    /// A renewal as the counter runs it: the card proves its keys again first.
    public func renew(
        _ cardID: String, chip: inout VirtualCard, keys: CardKeys? = nil, pins: [KeyKind: String] = [.authentication: "1234", .signature: "ABC123"],
        by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        let (presented, proof) = try await proven(cardID, chip: &chip, keys: keys, pins: pins, by: actor, within: jurisdiction)
        return try await renew(cardID, keys: presented, proof: proof, by: actor, within: jurisdiction)
    }

    /// The office's challenge for the chip the reader read, and the card's answer to it.
    func proven(
        _ cardID: String, chip: inout VirtualCard, keys: CardKeys?, pins: [KeyKind: String], by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> (CardKeys, KeyPossessionProof) {
        let presented = try keys ?? TestCardHolder.keys(of: chip)
        let challenge = try await issuanceChallenge(cardID, chipID: presented.chipID, by: actor, within: jurisdiction)
        return (presented, try chip.prove(challenge, pins: pins))
    }
}
