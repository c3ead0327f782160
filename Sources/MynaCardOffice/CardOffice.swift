import Crypto
public import Foundation
public import MynaCard
public import MynaCore
public import MynaPKI
public import MynaRegistry
public import MynaDatabase
public import MynaSecrets
import SwiftASN1
import X509

/// The card office: the registry's side of the My Number card (domain.md §2). It keeps
/// one row per card and a history of every step, asks the CA for certificates and the
/// revocation publisher to revoke them, and records each step as an access to the
/// person's record.
///
/// Two orders are kept everywhere, so that a crash at any point fails safe:
/// - certificates are *revoked before* the card's record says so (a suspension takes
///   effect even if the server dies mid-step; the sweep then brings the record level);
/// - new certificates are *planned before* the CA records its intent, and installed
///   after it signs; a plan never installed is revoked by the sweep.
public struct CardOffice: Sendable {
    public let registry: Registry
    public let publisher: RevocationPublisher
    let issuer: CertificateIssuer
    let clock: WallClock
    /// Keys the hotline's record of where calls came from.
    let sourceKey: SymmetricKey
    /// Signs PIN-reset authorisations; its public half is written to each card at hand-over.
    let pinResetKey: P256.Signing.PrivateKey

    public init(registry: Registry, publisher: RevocationPublisher, keys: KeyStore, clock: WallClock = .system) throws {
        self.registry = registry
        self.publisher = publisher
        self.issuer = CertificateIssuer(authorities: publisher.authorities)
        self.clock = clock
        self.sourceKey = SymmetricKey(data: HMAC<SHA256>.authenticationCode(
            for: Array("hotline-source".utf8), using: try keys.key(.recordIntegrity)))
        self.pinResetKey = try P256.Signing.PrivateKey(rawRepresentation: try keys.bytes(.pinResetSigning))
    }

    /// The public half of the PIN-reset key (SubjectPublicKeyInfo DER), as written to cards.
    public var pinResetPublicKeyDER: [UInt8] { Array(pinResetKey.publicKey.derRepresentation) }

    var database: any Database { registry.database }
    var residents: ResidentRegistry { registry.residents }

    // MARK: Application

    /// 交付申請 — a card is applied for. A person with an earlier card gets a reissue, with
    /// its fee recorded (¥1,000; none when the earlier card simply expired).
    public func apply(for residentID: String, by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> (card: CardRecord, feeYen: Int) {
        try await applyMany(for: [residentID], by: actor, within: jurisdiction)[0]
    }

    /// Applications for many people in one commit (a municipality's bulk application, the
    /// demo, a benchmark's fleet), each checked and recorded as a single one is.
    public func applyMany(for residentIDs: [String], by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> [(card: CardRecord, feeYen: Int)] {
        let now = clock.milliseconds
        do {
            return try await database.transaction { connection in
                var applied: [(card: CardRecord, feeYen: Int)] = []
                for residentID in residentIDs {
                    let resident = try await residents.resident(
                        residentID, on: connection, recording: .cardApplication, by: actor, purpose: "card application")
                    try Self.require(resident, registeredIn: jurisdiction)
                    let cards = try await Self.cards(of: residentID, on: connection)
                    guard !cards.contains(where: { $0.status.isLive }) else {
                        throw CardOfficeError(.cardAlreadyLive, "the person already holds a card or has one on order: report it lost or return it first")
                    }
                    let previous = cards.first
                    let fee = previous.map { CardLifecycle.reissueFee(after: $0.status) } ?? 0
                    let id = UUID().uuidString.lowercased()
                    try await connection.query(SQL(
                        """
                        INSERT INTO cards (id, serial, resident_id, status, replaces_id, applied_at, updated_at, version)
                        VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                        """, [.text(id), .text(CardSerial.random()), .text(residentID), .text(CardStatus.applied.rawValue),
                              SQLValue(previous?.id), .integer(now), .integer(now)]))
                    try await Self.recordEvent(
                        card: id, sequence: 1, event: previous == nil ? "apply" : "apply-reissue", from: nil, to: .applied, actor: actor,
                        reason: previous.map { "reissue after a card that is \($0.status.rawValue)" } ?? "first card", feeYen: fee,
                        documents: [], certificates: [], at: now, on: connection)
                    applied.append((try await Self.card(id, on: connection), fee))
                }
                return applied
            }
        } catch StoreError.uniqueViolation {
            throw CardOfficeError(.cardAlreadyLive, "the person already holds a card or has one on order")
        }
    }

    // MARK: Issuance at the counter

    /// The challenge the card answers before issuance (``IssuanceChallenge``): bound to
    /// the application and the chip the clerk's reader read, valid for
    /// ``IssuanceChallenge/lifetime`` and taken once by ``issue(_:keys:proof:identityDocuments:by:within:)``.
    public func issuanceChallenge(
        _ cardID: String, chipID: String, by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> IssuanceChallenge {
        guard (1...64).contains(chipID.count), chipID.allSatisfy(\.isHexDigit) else {
            throw CardOfficeError(.invalidKey, "the chip id is the card's hexadecimal chip id")
        }
        let millis = clock.milliseconds
        let expiresAt = clock.now.addingTimeInterval(IssuanceChallenge.lifetime)
        let nonce = Base64URL.randomToken()
        try await database.transaction { connection in
            let card = try await Self.card(cardID, on: connection)
            // Every step that certifies keys asks first: issuance, resumption, renewal. After
            // the hand-over only the chip handed over may answer.
            guard [.applied, .suspended, .active].contains(card.status) else {
                throw CardOfficeError(.wrongCardState, "keys are certified for a card applied for, suspended or active")
            }
            if let chip = card.chipID, chip != chipID.lowercased() {
                throw CardOfficeError(.invalidKey, "this chip is not the card handed over")
            }
            let resident = try await residents.resident(card.residentID, on: connection, recording: nil, by: actor, purpose: "card issuance challenge")
            try Self.require(resident, registeredIn: jurisdiction)
            try await connection.query(SQL(
                "INSERT INTO card_issuance_challenges (nonce, card_id, chip_id, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [.text(nonce), .text(cardID), .text(chipID.lowercased()), .integer(millis),
                 .integer(Int64(expiresAt.timeIntervalSince1970 * 1000))]))
        }
        return IssuanceChallenge(cardID: cardID, chipID: chipID.lowercased(), nonce: nonce, expiresAt: expiresAt)
    }

    /// 交付 — the card is handed over in person: identity documents checked, PINs set on
    /// the card, its public keys certified and the certificates returned for writing to
    /// the card. The keys are certified only with `proof` that the chip holds them: its
    /// signature with each key over a live challenge for this application and chip
    /// (issue 14: the clerk's word for the keys is not enough). The challenge is taken
    /// before the signatures are checked, so a refused answer cannot be tried again.
    public func issue(
        _ cardID: String, keys: CardKeys, proof: KeyPossessionProof, identityDocuments: [IdentityDocument], by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        try Self.requireIdentity(identityDocuments)
        try await requirePossession(of: keys, proof, card: cardID, cardFace: true)
        let today = clock.today
        do {
            return try await certify(
                cardID, keys: keys, event: .issue(identityDocuments: identityDocuments.map(\.rawValue)), documents: identityDocuments,
                action: .cardIssue, by: actor, within: jurisdiction
            ) { card, resident in
                // The card's validity starts at the hand-over (domain.md §2).
                (issuedOn: today, expiresOn: CardLifecycle.expiry(issuedOn: today, bornOn: resident.facts.birthDate))
            }
        } catch StoreError.uniqueViolation {
            // Two hand-overs racing with one card-face key: the index keeps one.
            throw CardOfficeError(.keyAlreadyCertified, "this card-face key is already recorded for another card")
        }
    }

    /// Takes the challenge and checks the card's signature over it with each key presented
    /// — and, at issuance, the card-face key (ECDSA, as its INTERNAL AUTHENTICATE answers:
    /// a clinic's visual check later trusts only the key recorded then). The challenge is
    /// taken before the signatures are checked, so a refused answer cannot be tried again.
    private func requirePossession(of keys: CardKeys, _ proof: KeyPossessionProof, card cardID: String, cardFace: Bool) async throws {
        try await takeIssuanceChallenge(proof.nonce, card: cardID, chip: keys.chipID)
        if !cardFace { try await requireKeysCertifiedBefore(keys, card: cardID) }
        let challenge = IssuanceChallenge(cardID: cardID, chipID: keys.chipID, nonce: proof.nonce, expiresAt: clock.now)
        let proven = CertificateVerifier.isValidSignature(proof.authentication, over: challenge.statement(for: .authentication), by: keys.authentication)
            && keys.signature.map { key in
                proof.signature.map { CertificateVerifier.isValidSignature($0, over: challenge.statement(for: .signature), by: key) } ?? false
            } ?? true
        let faceProven = !cardFace || keys.cardFace.map { key in
            proof.cardFace.map { Self.isValidCardFaceSignature($0, over: challenge.cardFaceStatement, by: key) } ?? false
        } ?? true
        guard proven, faceProven else {
            throw CardOfficeError(.keyPossessionNotProven, "the card did not sign the issuance challenge with each key it presents")
        }
    }

    /// After the hand-over a card presents the keys it was issued with (the virtual card
    /// keeps its pairs: docs/cards.md, UNCONFIRMED choices). Without attestation a proof
    /// shows only that someone holds the key, so a clerk could answer a resumption's
    /// challenge with a pair of their own; requiring a key already certified for this card
    /// confines that risk to the first hand-over. Certificates from before migration 16
    /// carry no key hash; a card with none is not compared.
    private func requireKeysCertifiedBefore(_ keys: CardKeys, card cardID: String) async throws {
        let known = try await database.read { connection in
            try await connection.query(SQL("SELECT key_hash FROM card_certificates WHERE card_id = ? AND key_hash IS NOT NULL", [.text(cardID)]))
                .map { try $0.bytes("key_hash") }
        }
        guard !known.isEmpty else { return }
        for key in [keys.authentication] + (keys.signature.map { [$0] } ?? []) where !known.contains(CertificatePlan.keyHash(key)) {
            throw CardOfficeError(.keyPossessionNotProven, "these are not the keys certified for this card at its hand-over")
        }
    }

    /// Whether `signature` (ECDSA, DER) over `message` verifies with a card-face key
    /// (P-256 SubjectPublicKeyInfo DER).
    public static func isValidCardFaceSignature(_ signature: [UInt8], over message: [UInt8], by key: [UInt8]) -> Bool {
        guard let key = try? P256.Signing.PublicKey(derRepresentation: key),
            let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature)
        else { return false }
        return key.isValidSignature(signature, for: message)
    }

    /// Marks the challenge used if it is for this application and chip, unused and not
    /// expired; otherwise refuses, saying nothing of which condition failed.
    private func takeIssuanceChallenge(_ nonce: String, card cardID: String, chip chipID: String) async throws {
        let millis = clock.milliseconds
        let taken = try await database.transaction { connection in
            try await connection.query(SQL(
                """
                UPDATE card_issuance_challenges SET used_at = ?
                WHERE nonce = ? AND card_id = ? AND chip_id = ? AND used_at IS NULL AND expires_at > ? RETURNING nonce
                """, [.integer(millis), .text(nonce), .text(cardID), .text(chipID.lowercased()), .integer(millis)]))
        }
        guard !taken.isEmpty else {
            throw CardOfficeError(.keyPossessionNotProven, "the issuance challenge is unknown, already used, expired or for another card")
        }
    }

    /// Lifting a suspension at the counter: identity checked, new certificates (the
    /// suspended ones were revoked and stay so) — for keys the card handed over proves it
    /// holds, as at issuance (issue 14: a suspended card is often a lost one, and the
    /// clerk's word for the keys would certify anyone's).
    public func resume(
        _ cardID: String, keys: CardKeys, proof: KeyPossessionProof, identityDocuments: [IdentityDocument], by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        try Self.requireIdentity(identityDocuments)
        try await requirePossession(of: keys, proof, card: cardID, cardFace: false)
        return try await certify(
            cardID, keys: keys, event: .resume, documents: identityDocuments, action: .cardResumption, by: actor, within: jurisdiction
        ) { card, _ in (card.issuedOn, card.expiresOn) }
    }

    /// Certificates for an active card: a renewal of each certificate from 3 months
    /// before it expires (the old one is then revoked as superseded, after the new one is
    /// installed, so the card is never without one), and a new certificate where the card
    /// has none — after a change of name or address revoked the signature certificate.
    /// At the counter the card proves its keys first, as at issuance.
    public func renew(
        _ cardID: String, keys: CardKeys, proof: KeyPossessionProof, by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        try await requirePossession(of: keys, proof, card: cardID, cardFace: false)
        return try await renew([(cardID, keys)], by: actor, within: jurisdiction)[0]
    }

    /// A renewal wave (J-LIS mails the expiry notices in bulk): many cards renewed with
    /// one commit per step and one signing batch, in the same order as a single renewal —
    /// new certificates installed first, the superseded ones revoked after.
    /// Without proof of possession, like ``issueMany(_:identityDocuments:by:within:)``: only
    /// a system actor (the benchmark's wave), never staff, and no route reaches it.
    public func renewMany(_ cards: [(id: String, keys: CardKeys)], by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> [IssuedCertificates] {
        guard case .system = actor else {
            throw CardOfficeError(.keyPossessionNotProven, "staff renew cards one at a time, with the card's proof of its keys")
        }
        return try await renew(cards, by: actor, within: jurisdiction)
    }

    private func renew(_ cards: [(id: String, keys: CardKeys)], by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> [IssuedCertificates] {
        let today = clock.today
        let live = try await database.read { connection in
            var live: [String: [LiveCertificate]] = [:]
            for card in cards { live[card.id] = try await Self.liveCertificates(of: card.id, on: connection) }
            return live
        }
        let items = try cards.map { card -> CertificationItem in
            var kinds: [CertificateKind: Bool] = [:]
            for (kind, key) in [(CertificateKind.authentication, card.keys.authentication as Certificate.PublicKey?), (.signature, card.keys.signature)] where key != nil {
                if let current = live[card.id]?.first(where: { $0.kind == kind }) {
                    if CardLifecycle.mayRenew(certificateExpiry: CalendarDate(inJapanAt: current.notAfter), on: today) { kinds[kind] = true }
                } else {
                    kinds[kind] = false
                }
            }
            guard !kinds.isEmpty else {
                throw CardOfficeError(.renewalTooEarly, "certificates can be renewed from 3 months before they expire")
            }
            return CertificationItem(cardID: card.id, keys: card.keys, kinds: kinds)
        }
        let issued = try await certify(
            items, event: .renewCertificates, documents: [], action: .cardRenewal, by: actor, within: jurisdiction
        ) { card, _ in (card.issuedOn, card.expiresOn) }
        var superseded: [String: [LiveCertificate]] = [:]
        for item in items { superseded[item.cardID] = live[item.cardID]?.filter { item.kinds[$0.kind] == true } }
        try await end(superseded, reason: .superseded, by: actor, event: "certificates-superseded")
        return issued
    }

    /// Hands over many cards at once (a benchmark's fleet of generated keys): the same
    /// checks and records as ``issue(_:keys:proof:identityDocuments:by:within:)``,
    /// batched, but without proof of possession — so only a system actor may use it,
    /// never staff, and no route reaches it.
    public func issueMany(
        _ cards: [(id: String, keys: CardKeys)], identityDocuments: [IdentityDocument], by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> [IssuedCertificates] {
        guard case .system = actor else {
            throw CardOfficeError(.keyPossessionNotProven, "staff issue cards one at a time, with the card's proof of its keys")
        }
        try Self.requireIdentity(identityDocuments)
        let today = clock.today
        return try await certify(
            cards.map { CertificationItem(cardID: $0.id, keys: $0.keys, kinds: [.authentication: false, .signature: false]) },
            event: .issue(identityDocuments: identityDocuments.map(\.rawValue)), documents: identityDocuments, action: .cardIssue,
            by: actor, within: jurisdiction
        ) { _, resident in (issuedOn: today, expiresOn: CardLifecycle.expiry(issuedOn: today, bornOn: resident.facts.birthDate)) }
    }

    /// One card's part of a certification: its keys, and which kinds to certify (each
    /// marked whether it renews a live certificate).
    struct CertificationItem: Sendable {
        let cardID: String
        let keys: CardKeys
        let kinds: [CertificateKind: Bool]
    }

    /// The shared path of issuance, resumption and renewal: check each step, plan the
    /// certificates, have the CA sign them all, install them and take the steps.
    private func certify(
        _ cardID: String, keys: CardKeys, event: CardEvent, documents: [IdentityDocument], action: AccessAction, by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?, dates: @escaping @Sendable (CardRecord, Resident) -> (issuedOn: CalendarDate?, expiresOn: CalendarDate?)
    ) async throws -> IssuedCertificates {
        try await certify(
            [CertificationItem(cardID: cardID, keys: keys, kinds: [.authentication: false, .signature: false])], event: event,
            documents: documents, action: action, by: actor, within: jurisdiction, dates: dates)[0]
    }

    private func certify(
        _ items: [CertificationItem], event: CardEvent, documents: [IdentityDocument], action: AccessAction, by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?, dates: @escaping @Sendable (CardRecord, Resident) -> (issuedOn: CalendarDate?, expiresOn: CalendarDate?)
    ) async throws -> [IssuedCertificates] {
        let now = clock.now
        let today = clock.today
        let plans = try await database.transaction { connection in
            var plans: [(card: CardRecord, requests: [CertificatePlan.Planned], issuedOn: CalendarDate, expiresOn: CalendarDate, face: CardFace?)] = []
            for item in items {
                let card = try await Self.card(item.cardID, on: connection)
                if case .failure(let error) = CardLifecycle.apply(event, to: card.status) { throw CardOfficeError(error) }
                if let chip = card.chipID, chip != item.keys.chipID {
                    throw CardOfficeError(.invalidKey, "these keys come from a different card than the one handed over")
                }
                let resident = try await residents.resident(card.residentID, on: connection, recording: nil, by: actor, purpose: action.rawValue)
                try Self.require(resident, registeredIn: jurisdiction)
                let (issuedOn, expiresOn) = dates(card, resident)
                guard let issuedOn, let expiresOn else { throw CardOfficeError(.wrongCardState, "the card was never handed over") }
                let requests = try await CertificatePlan.requests(
                    for: resident, keys: item.keys, kinds: item.kinds, issuedOn: today, cardExpiry: expiresOn, at: now, on: connection)
                try await CertificatePlan.record(requests, card: card.id, resident: resident, at: clock.milliseconds, on: connection)
                // The face is printed once, at hand-over; a chip's card-face key belongs to one card.
                var face: CardFace?
                if case .issue = event, let key = item.keys.cardFace {
                    let taken = try await connection.first(SQL("SELECT id FROM cards WHERE card_face_key = ? AND id <> ? LIMIT 1", [.blob(key), .text(card.id)]))
                    if taken != nil { throw CardOfficeError(.keyAlreadyCertified, "this card-face key is already recorded for another card") }
                    face = CardFace(printing: resident.facts, expiresOn: expiresOn)
                }
                plans.append((card, requests, issuedOn, expiresOn, face))
            }
            return plans
        }
        let requests = plans.flatMap(\.requests)
        let certificates: [Certificate]
        do {
            certificates = try await issuer.issueMany(requests.map(\.request), ledger: publisher.ledger)
        } catch {
            // Nothing was handed out; what the CA may have recorded as intended is revoked
            // now rather than left for the sweep.
            try? await revoke(requests.map { ($0.serial, $0.request.kind) }, reason: .cessationOfOperation)
            try? await database.transaction { connection in
                try await CertificatePlan.end(requests.map(\.serial), reason: "abandoned", at: clock.milliseconds, on: connection)
            }
            throw error
        }
        var der: [[UInt8]: [UInt8]] = [:]
        for (request, certificate) in zip(requests, certificates) { der[request.serial] = certificate.derBytes }
        let millis = clock.milliseconds
        let records = try await database.transaction { connection in
            try await CertificatePlan.install(requests.map(\.serial), at: millis, on: connection)
            var records: [CardRecord] = []
            for (index, plan) in plans.enumerated() {
                var columns: [String: SQLValue] = [
                    "chip_id": .text(items[index].keys.chipID), "issued_on": .text(plan.issuedOn.description), "expires_on": .text(plan.expiresOn.description),
                ]
                if plan.face != nil, let key = items[index].keys.cardFace { columns["card_face_key"] = .blob(key) }
                records.append(try await Self.step(
                    plan.card, event: event, by: actor, documents: documents, certificates: plan.requests.map(\.serial.hex), at: millis,
                    set: columns, on: connection))
                try await residents.recordAccess(action, to: plan.card.residentID, by: actor, purpose: event.name, on: connection)
            }
            return records
        }
        let authorities = publisher.authorities
        return zip(plans, records).map { plan, record in
            IssuedCertificates(
                card: record, authentication: plan.requests.first { $0.request.kind == .authentication }.flatMap { der[$0.serial] },
                signature: plan.requests.first { $0.request.kind == .signature }.flatMap { der[$0.serial] },
                authenticationCA: authorities.authentication.certificate.derBytes, signatureCA: authorities.signature.certificate.derBytes,
                cardOfficeKey: pinResetPublicKeyDER, face: plan.face)
        }
    }

    // MARK: Suspension, loss, return

    /// 紛失届 at the counter (or the police report passed on): the card is abolished and its
    /// certificates revoked as compromised. A reissue is a new application.
    public func reportLoss(_ cardID: String, reason: String, by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> CardRecord {
        try await endCard(cardID, event: .reportLoss, revocation: .keyCompromise, action: .cardLoss, reason: reason, by: actor, within: jurisdiction)
    }

    /// 自主返納 — the holder hands the card back. Its certificates are revoked
    /// (cessationOfOperation); the person's record and linked data stay, and the
    /// statement says so.
    public func returnCard(_ cardID: String, reason: String, by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> ReturnStatement {
        let revoked = try await database.read { try await Self.liveCertificates(of: cardID, on: $0) }.map(\.serial.hex)
        let card = try await endCard(
            cardID, event: .returnCard(reason: reason), revocation: .cessationOfOperation, action: .cardReturn, reason: reason, by: actor,
            within: jurisdiction)
        return ReturnStatement.of(card, revoked: revoked)
    }

    /// Suspension at the counter (the hotline is ``suspendByHotline(number:birthDate:cardSerial:source:)``).
    public func suspend(_ cardID: String, by actor: RegistryActor, within jurisdiction: MunicipalityCode?) async throws -> CardRecord {
        try await endCard(
            cardID, event: .suspend, revocation: .keyCompromise, action: .cardSuspension, reason: "suspended at the counter", by: actor,
            within: jurisdiction)
    }

    /// A step that ends the card's certificates: check the step, revoke, then record.
    func endCard(
        _ cardID: String, event: CardEvent, revocation: RevocationReason, action: AccessAction, reason: String,
        by actor: RegistryActor, within jurisdiction: MunicipalityCode?
    ) async throws -> CardRecord {
        let (card, live) = try await database.read { connection in
            let card = try await Self.card(cardID, on: connection)
            return (card, try await Self.liveCertificates(of: cardID, on: connection))
        }
        if case .failure(let error) = CardLifecycle.apply(event, to: card.status) { throw CardOfficeError(error) }
        if jurisdiction != nil {
            let resident = try await database.read { try await residents.resident(card.residentID, on: $0, recording: nil, by: actor, purpose: "") }
            try Self.require(resident, registeredIn: jurisdiction)
        }
        // Revoked first: the certificates stop working even if what follows fails.
        try await revoke(live.map { ($0.serial, $0.kind) }, reason: revocation)
        let millis = clock.milliseconds
        return try await database.transaction { connection in
            let current = try await Self.card(cardID, on: connection)
            try await CertificatePlan.end(live.map(\.serial), reason: revocation.name, at: millis, on: connection)
            let updated = try await Self.step(
                current, event: event, by: actor, reason: reason, certificates: live.map(\.serial.hex), at: millis, on: connection)
            try await residents.recordAccess(action, to: card.residentID, by: actor, purpose: reason, on: connection)
            return updated
        }
    }

    /// Revokes live certificates of cards and records that they ended, without changing
    /// the cards' states (renewal's superseded ones; a signature certificate whose facts
    /// changed). One revocation batch per CA, one commit for the records.
    func end(_ certificates: [String: [LiveCertificate]], reason: RevocationReason, by actor: RegistryActor, event: String) async throws {
        let all = certificates.values.flatMap { $0 }
        guard !all.isEmpty else { return }
        try await revoke(all.map { ($0.serial, $0.kind) }, reason: reason)
        let millis = clock.milliseconds
        try await database.transaction { connection in
            try await CertificatePlan.end(all.map(\.serial), reason: reason.name, at: millis, on: connection)
            for (cardID, ended) in certificates where !ended.isEmpty {
                try await Self.note(
                    try await Self.card(cardID, on: connection), event: event, by: actor, reason: reason.name, certificates: ended.map(\.serial.hex),
                    at: millis, on: connection)
            }
        }
    }

    /// Revokes certificates in the ledger, grouped by their CA, one CRL each.
    func revoke(_ certificates: [(serial: [UInt8], kind: CertificateKind)], reason: RevocationReason) async throws {
        for kind in [CertificateKind.signature, .authentication] {
            let serials = certificates.filter { $0.kind == kind }.map(\.serial)
            try await publisher.revoke(serials: serials, role: CertificateAuthority.Role(kind), reason: reason)
        }
    }

    // MARK: PIN reset

    /// 暗証番号再設定 — a locked or forgotten PIN is reset only at the counter, with the
    /// holder present and their identity checked (domain.md §2). The office records the
    /// check and signs an authorisation bound to the chip it recorded at hand-over, the PIN
    /// kind, a nonce, an expiry (``PINResetAuthorisation/lifetime``) and the card's new
    /// version as a sequence that only grows; the card verifies it with the office key it
    /// carries and takes it once.
    public func authorisePINReset(
        _ cardID: String, pin: PINKind, identityDocuments: [IdentityDocument], by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?
    ) async throws -> PINResetGrant {
        try Self.requireIdentity(identityDocuments)
        let now = clock.now
        let millis = clock.milliseconds
        let (updated, chip) = try await database.transaction { connection in
            let card = try await Self.card(cardID, on: connection)
            guard card.status == .active else { throw CardOfficeError(.wrongCardState, "PINs are reset on an active card") }
            guard let chip = card.chipID else { throw CardOfficeError(.wrongCardState, "the card was never handed over") }
            let resident = try await residents.resident(
                card.residentID, on: connection, recording: .cardPINReset, by: actor, purpose: "PIN reset: \(pin.rawValue)")
            try Self.require(resident, registeredIn: jurisdiction)
            let updated = try await Self.note(
                card, event: "pin-reset-\(pin.rawValue)", by: actor, reason: "identity checked at the counter", documents: identityDocuments,
                at: millis, on: connection)
            return (updated, chip)
        }
        let authorisation = PINResetAuthorisation(chipID: chip, pin: pin, sequence: updated.version, issuedAt: now)
        return PINResetGrant(
            card: updated, pin: pin, identityCheckedAt: Date(timeIntervalSince1970: Double(millis) / 1000),
            authorisation: try authorisation.signed(with: pinResetKey), expiresAt: authorisation.expiry)
    }

    // MARK: Reading

    /// The person's cards, newest first.
    public func cards(of residentID: String) async throws -> [CardRecord] {
        try await database.read { try await Self.cards(of: residentID, on: $0) }
    }

    public func card(_ id: String) async throws -> CardRecord {
        try await database.read { try await Self.card(id, on: $0) }
    }

    /// The person's cards, each with its history and certificates, as the counter and
    /// oversight see them: read in one transaction with the access record that says who
    /// saw them and why, so the read cannot happen without it.
    public func cardFile(
        of residentID: String, by actor: RegistryActor, purpose: String
    ) async throws -> [(card: CardRecord, history: [CardHistoryEntry], certificates: [CardCertificate])] {
        try await database.transaction { connection in
            _ = try await residents.resident(residentID, on: connection, recording: .readCards, by: actor, purpose: purpose)
            var file: [(card: CardRecord, history: [CardHistoryEntry], certificates: [CardCertificate])] = []
            for card in try await Self.cards(of: residentID, on: connection) {
                file.append((card, try await Self.history(of: card.id, on: connection), try await Self.certificates(of: card.id, on: connection)))
            }
            return file
        }
    }

    /// The card's history, oldest step first.
    public func history(of cardID: String) async throws -> [CardHistoryEntry] {
        try await database.read { connection in
            _ = try await Self.card(cardID, on: connection)
            return try await Self.history(of: cardID, on: connection)
        }
    }

    static func history(of cardID: String, on connection: any SQLConnection) async throws -> [CardHistoryEntry] {
        try await connection.query(SQL(
            """
            SELECT sequence, event, from_status, to_status, actor, procedure_id, reason, fee_yen, identity_documents, certificates,
            occurred_at FROM card_events WHERE card_id = ? ORDER BY sequence
            """, [.text(cardID)])).map { row in
            CardHistoryEntry(
                sequence: try row.int("sequence"), event: try row.string("event"),
                from: try row.optionalString("from_status").flatMap(CardStatus.init(rawValue:)),
                to: CardStatus(rawValue: try row.string("to_status")) ?? .applied, actor: try row.string("actor"),
                procedureID: try row.optionalString("procedure_id"), reason: try row.optionalString("reason"),
                feeYen: try row.int("fee_yen"),
                identityDocuments: Self.list(try row.optionalString("identity_documents")).compactMap(IdentityDocument.init(rawValue:)),
                certificates: Self.list(try row.optionalString("certificates")),
                occurredAt: Date(timeIntervalSince1970: Double(try row.int("occurred_at")) / 1000))
        }
    }

    /// Every certificate the card has carried, with its DER, newest first.
    public func certificates(of cardID: String) async throws -> [CardCertificate] {
        try await database.read { try await Self.certificates(of: cardID, on: $0) }
    }

    static func certificates(of cardID: String, on connection: any SQLConnection) async throws -> [CardCertificate] {
        try await connection.query(SQL(
            """
            SELECT cc.serial, cc.kind, cc.not_after, cc.installed_at, cc.ended_at, cc.end_reason, c.der
            FROM card_certificates cc \(SQLCertificateLedger.join(onSerialIn: "cc.serial", as: "c", outer: true))
            WHERE cc.card_id = ? AND cc.installed_at IS NOT NULL ORDER BY cc.installed_at DESC, cc.kind
            """, [.text(cardID)])).map { row in
            CardCertificate(
                serialHex: try row.bytes("serial").hex, kind: CertificateKind(rawValue: try row.string("kind")) ?? .authentication,
                notAfter: Date(timeIntervalSince1970: Double(try row.int("not_after")) / 1000),
                installedAt: try row.optionalInt("installed_at").map { Date(timeIntervalSince1970: Double($0) / 1000) },
                endedAt: try row.optionalInt("ended_at").map { Date(timeIntervalSince1970: Double($0) / 1000) },
                endReason: try row.optionalString("end_reason"), der: try? row.bytes("der"))
        }
    }

    // MARK: Rules and rows

    static func requireIdentity(_ documents: [IdentityDocument]) throws {
        guard IdentityDocument.suffice(documents) else {
            throw CardOfficeError(.identityNotVerified, "show one photo identity document or two others")
        }
    }

    static func require(_ resident: Resident, registeredIn jurisdiction: MunicipalityCode?) throws {
        guard case .registered = resident.status else {
            throw CardOfficeError(.residentNotEligible, "cards are handled for residents who are registered (not moved out or deceased)")
        }
        if let jurisdiction, !resident.isRegistered(in: jurisdiction) {
            throw CardOfficeError(.outsideJurisdiction, "the person is registered at another municipality")
        }
    }

    static func card(_ id: String, on connection: any SQLConnection) async throws -> CardRecord {
        guard let row = try await connection.first(SQL("SELECT * FROM cards WHERE id = ?", [.text(id)])) else {
            throw CardOfficeError(.cardNotFound, "no such card")
        }
        return try card(from: row)
    }

    /// The person's cards, newest first: each card names the one it replaces, so the
    /// order follows that chain rather than timestamps that two steps can share.
    static func cards(of residentID: String, on connection: any SQLConnection) async throws -> [CardRecord] {
        let cards = try await connection.query(SQL("SELECT * FROM cards WHERE resident_id = ?", [.text(residentID)])).map(card(from:))
        let replaced = Set(cards.compactMap(\.replacesID))
        let byID = Dictionary(uniqueKeysWithValues: cards.map { ($0.id, $0) })
        var ordered: [CardRecord] = []
        var next = cards.first { !replaced.contains($0.id) }
        while let card = next, ordered.count < cards.count {
            ordered.append(card)
            next = card.replacesID.flatMap { byID[$0] }
        }
        return ordered
    }

    static func card(from row: SQLRow) throws -> CardRecord {
        CardRecord(
            id: try row.string("id"), serial: try row.string("serial"), residentID: try row.string("resident_id"),
            status: CardStatus(rawValue: try row.string("status")) ?? .abolished, replacesID: try row.optionalString("replaces_id"),
            chipID: try row.optionalString("chip_id"), issuedOn: try row.optionalString("issued_on").flatMap { try? CalendarDate(iso: $0) },
            expiresOn: try row.optionalString("expires_on").flatMap { try? CalendarDate(iso: $0) },
            appliedAt: Date(timeIntervalSince1970: Double(try row.int("applied_at")) / 1000), version: try row.int("version"))
    }

    /// One state-machine step: the new state, only if the card is still at the version
    /// read (a concurrent step makes this one fail rather than overwrite it), and its
    /// history row.
    static func step(
        _ card: CardRecord, event: CardEvent, by actor: RegistryActor, reason: String? = nil, documents: [IdentityDocument] = [],
        certificates: [String], at millis: Int64, set columns: [String: SQLValue] = [:], on connection: any SQLConnection
    ) async throws -> CardRecord {
        let next: CardStatus
        switch CardLifecycle.apply(event, to: card.status) {
        case .success(let status): next = status
        case .failure(let error): throw CardOfficeError(error)
        }
        let names = columns.keys.sorted()
        let assignments = (["status = ?", "version = ?", "updated_at = ?"] + names.map { "\($0) = ?" }).joined(separator: ", ")
        let updated = try await connection.query(SQL(
            "UPDATE cards SET \(assignments) WHERE id = ? AND version = ? RETURNING id",
            [.text(next.rawValue), .init(card.version + 1), .integer(millis)] + names.map { columns[$0]! }
                + [.text(card.id), .init(card.version)]))
        guard !updated.isEmpty else { throw CardOfficeError(.conflict, "the card changed while this step ran: try again") }
        try await recordEvent(
            card: card.id, sequence: card.version + 1, event: event.name, from: card.status, to: next, actor: actor,
            reason: reason ?? Self.reason(of: event), feeYen: 0, documents: documents, certificates: certificates, at: millis, on: connection)
        return try await Self.card(card.id, on: connection)
    }

    /// A history row that changes no state (certificates revoked, a PIN reset).
    @discardableResult
    static func note(
        _ card: CardRecord, event: String, by actor: RegistryActor, reason: String?, documents: [IdentityDocument] = [],
        certificates: [String] = [], at millis: Int64, on connection: any SQLConnection
    ) async throws -> CardRecord {
        let updated = try await connection.query(SQL(
            "UPDATE cards SET version = ?, updated_at = ? WHERE id = ? AND version = ? RETURNING id",
            [.init(card.version + 1), .integer(millis), .text(card.id), .init(card.version)]))
        guard !updated.isEmpty else { throw CardOfficeError(.conflict, "the card changed while this step ran: try again") }
        try await recordEvent(
            card: card.id, sequence: card.version + 1, event: event, from: card.status, to: card.status, actor: actor, reason: reason,
            feeYen: 0, documents: documents, certificates: certificates, at: millis, on: connection)
        return try await Self.card(card.id, on: connection)
    }

    static func recordEvent(
        card: String, sequence: Int, event: String, from: CardStatus?, to: CardStatus, actor: RegistryActor, reason: String?,
        feeYen: Int, documents: [IdentityDocument], certificates: [String], at millis: Int64, on connection: any SQLConnection
    ) async throws {
        try await connection.query(SQL(
            """
            INSERT INTO card_events (card_id, sequence, event, from_status, to_status, actor, procedure_id, reason, fee_yen,
                identity_documents, certificates, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.text(card), .init(sequence), .text(event), SQLValue(from?.rawValue), .text(to.rawValue), .text(actor.label),
             SQLValue(actor.procedureID), SQLValue(reason), .init(feeYen),
             documents.isEmpty ? .null : .text(documents.map(\.rawValue).joined(separator: ",")),
             certificates.isEmpty ? .null : .text(certificates.joined(separator: ",")), .integer(millis)]))
    }

    static func reason(of event: CardEvent) -> String? {
        if case .returnCard(let reason) = event { return reason }
        return nil
    }

    static func list(_ text: String?) -> [String] {
        text.map { $0.split(separator: ",").map(String.init) } ?? []
    }

    static func liveCertificates(of cardID: String, on connection: any SQLConnection) async throws -> [LiveCertificate] {
        try await connection.query(SQL(
            "SELECT serial, kind, not_after FROM card_certificates WHERE card_id = ? AND installed_at IS NOT NULL AND ended_at IS NULL",
            [.text(cardID)])).map(LiveCertificate.init(row:))
    }
}

/// A certificate installed on a card and not yet ended.
struct LiveCertificate: Sendable {
    let serial: [UInt8]
    let kind: CertificateKind
    let notAfter: Date

    init(row: SQLRow) throws {
        serial = try row.bytes("serial")
        kind = CertificateKind(rawValue: try row.string("kind")) ?? .authentication
        notAfter = Date(timeIntervalSince1970: Double(try row.int("not_after")) / 1000)
    }
}

extension Certificate {
    var derBytes: [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(self)  // a certificate the CA just built always serialises
        return serializer.serializedBytes
    }
}

extension RevocationReason {
    /// The RFC 5280 name, as card histories record it.
    var name: String { String(describing: self) }
}
