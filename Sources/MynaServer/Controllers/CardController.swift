import Foundation
import Hummingbird
import MynaCard
import MynaCardOffice
import MynaCore
import MynaPKI
import MynaRegistry
import SwiftASN1

/// The card at the counter (inside the resident's procedure) and the public suspension
/// hotline. Every step goes through ``CardOffice``, which checks it against the card's
/// state machine and records it.
struct CardController {
    let office: CardOffice

    func register(public routes: RouterGroup<MynaRequestContext>, staff: RouterGroup<StaffContext>, book: EndpointBook) {
        // 一時利用停止: no sign-in; the caller proves who they are with facts only the
        // holder should have together. Facts travel in the body, never in the URL.
        book.on(routes, .post, "/v1/cards/suspension") { request, context in
            let body = try await request.decodeJSON(as: HotlineBody.self, context: context)
            let outcome = try await office.suspendByHotline(
                number: body.individualNumber, birthDate: body.birthDate, cardSerial: body.cardSerial,
                source: context.clientAddress ?? "unknown")
            RegistryMetrics.hotlineSuspensions.increment()
            return JSONResponse(value: HotlineView(
                outcome: outcome.rawValue,
                message: "カードの一時利用停止を受け付けました。電子証明書は失効しています。解除は市区町村窓口で、本人確認のうえ電子証明書を再発行します。"
                    + " Your card is suspended and its certificates are revoked. To lift it, visit your municipal counter with identity documents."))
        }

        book.on(staff, .get, "/v1/residents/{id}/cards") { _, context in
            let (id, procedure) = try context.residentInProcedure()
            let file = try await office.cardFile(of: id, by: context.session.actor, purpose: procedure.purpose)
            return JSONResponse(value: CardsView(residentId: id, cards: file.map { CardView($0.card, history: $0.history, certificates: $0.certificates) }))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards") { _, context in
            try context.require(.handleCards)
            let id = try context.residentInProcedure().id
            let (card, fee) = try await office.apply(for: id, by: context.session.actor, within: context.session.member.municipality)
            return JSONResponse(status: .created, value: ApplicationView(card: CardView(card), feeYen: fee))
        }
        // 鍵の保有確認: the card signs this with each key before its keys are certified.
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/issuance-challenge") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: IssuanceChallengeBody.self, context: context)
            guard CardKeysBody.isChipID(body.chipId) else {
                throw CardOfficeError(.invalidKey, "the chip id is the card's hexadecimal chip id")
            }
            let challenge = try await office.issuanceChallenge(
                card.id, chipID: body.chipId, by: context.session.actor, within: context.session.member.municipality)
            return JSONResponse(status: .created, value: IssuanceChallengeView(challenge))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/issue") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: CardKeysBody.self, context: context)
            let issued = try await office.issue(
                card.id, keys: try body.keys(), proof: body.proof(), identityDocuments: try body.documents(), by: context.session.actor,
                within: context.session.member.municipality)
            RegistryMetrics.cardsIssued.increment()
            return JSONResponse(value: IssuedView(issued))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/resume") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: CardKeysBody.self, context: context)
            let issued = try await office.resume(
                card.id, keys: try body.keys(), proof: body.proof(), identityDocuments: try body.documents(), by: context.session.actor,
                within: context.session.member.municipality)
            return JSONResponse(value: IssuedView(issued))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/renew") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: CardKeysBody.self, context: context)
            _ = try body.documents()  // not needed to renew, but held to the same rule
            let issued = try await office.renew(
                card.id, keys: try body.keys(), proof: body.proof(), by: context.session.actor, within: context.session.member.municipality)
            return JSONResponse(value: IssuedView(issued))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/suspend") { _, context in
            let card = try await card(context, permission: .handleCards)
            return JSONResponse(value: CardView(try await office.suspend(
                card.id, by: context.session.actor, within: context.session.member.municipality)))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/loss") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: CardReasonBody.self, context: context)
            return JSONResponse(value: CardView(try await office.reportLoss(
                card.id, reason: try Self.reason(body.reason), by: context.session.actor, within: context.session.member.municipality)))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/return") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: CardReasonBody.self, context: context)
            let statement = try await office.returnCard(
                card.id, reason: try Self.reason(body.reason), by: context.session.actor, within: context.session.member.municipality)
            return JSONResponse(value: ReturnView(
                card: CardView(statement.card), revokedCertificates: statement.revokedCertificates, ends: statement.ends, remains: statement.remains))
        }
        book.on(staff, .post, "/v1/residents/{id}/cards/{card}/pin-reset") { request, context in
            let card = try await card(context, permission: .handleCards)
            let body = try await request.decodeJSON(as: PINResetBody.self, context: context)
            let grant = try await office.authorisePINReset(
                card.id, pin: body.pin, identityDocuments: try IdentityDocument.eachOnce(body.identityDocuments), by: context.session.actor,
                within: context.session.member.municipality)
            return JSONResponse(value: PINResetView(grant, staffId: context.session.member.id))
        }
    }

    /// The card of the path, which must be the procedure's resident's.
    private func card(_ context: StaffContext, permission: StaffRole.Permission) async throws -> CardRecord {
        try context.require(permission)
        let resident = try context.residentInProcedure().id
        guard let id = context.parameters.get("card"), id.count <= 64 else {
            throw Problem(.badRequest, code: "invalid-card-id", detail: "the card id is malformed")
        }
        let card = try await office.card(id)
        guard card.residentID == resident else { throw CardOfficeError(.cardNotFound, "no such card for this person") }
        return card
    }

    private static func reason(_ text: String) throws -> String { try Reason.validated(text) }
}

// MARK: Bodies

struct HotlineBody: RequestBody {
    static let fields: Set<String> = ["individualNumber", "birthDate", "cardSerial"]
    let individualNumber: IndividualNumber
    let birthDate: CalendarDate
    let cardSerial: String
}

/// The card's public keys as the counter's reader reads them, with the identity
/// documents shown (for issuance and resumption).
struct CardKeysBody: RequestBody {
    static let fields: Set<String> = [
        "chipId", "authenticationKey", "signatureKey", "cardFaceKey", "identityDocuments", "nonce", "authenticationProof", "signatureProof",
        "cardFaceProof",
    ]
    let chipId: String
    let authenticationKey: String
    let signatureKey: String?
    /// The card-face application's key (P-256, PEM), recorded at issuance only.
    let cardFaceKey: String?
    let identityDocuments: [IdentityDocument]?
    /// For issuance: the challenge's nonce and the card's signatures over it (base64).
    let nonce: String?
    let authenticationProof: String?
    let signatureProof: String?
    let cardFaceProof: String?

    /// The card's proof of its keys. Missing or malformed parts become an empty proof, so
    /// that the office refuses them as it refuses a wrong signature
    /// (`key-possession-not-proven`), after its other checks.
    func proof() -> KeyPossessionProof {
        let decode = { (text: String?) -> [UInt8]? in
            text.flatMap { $0.utf8.count <= 1024 ? Data(base64Encoded: $0) : nil }.map { [UInt8]($0) }
        }
        return KeyPossessionProof(
            nonce: nonce.flatMap { $0.utf8.count <= 128 ? $0 : nil } ?? "", authentication: decode(authenticationProof) ?? [],
            signature: decode(signatureProof), cardFace: decode(cardFaceProof))
    }

    /// The documents shown, each once.
    func documents() throws -> [IdentityDocument] { try IdentityDocument.eachOnce(identityDocuments ?? []) }

    /// 1–64 ASCII hexadecimal digits (`Character.isHexDigit` alone takes full-width ones).
    static func isChipID(_ text: String) -> Bool { (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { $0 < 0x80 && Character(Unicode.Scalar($0)).isHexDigit } }

    func keys() throws -> CardKeys {
        guard Self.isChipID(chipId) else {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "chipId is the card's hexadecimal chip id")
        }
        return CardKeys(
            chipID: chipId.lowercased(), authentication: try CardKeys.publicKey(pem: authenticationKey),
            signature: try signatureKey.map(CardKeys.publicKey(pem:)), cardFace: try cardFaceKey.map(CardKeys.cardFaceKey(pem:)))
    }
}

extension IdentityDocument {
    /// Identity documents as listed at the counter: each kind once (openapi.json:
    /// `uniqueItems`), since "two others" means two different documents
    /// (``IdentityDocument/suffice(_:)`` counts kinds).
    static func eachOnce(_ documents: [IdentityDocument]) throws -> [IdentityDocument] {
        guard Set(documents).count == documents.count else {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "field \"identityDocuments\" lists a document twice")
        }
        return documents
    }
}

struct IssuanceChallengeBody: RequestBody {
    static let fields: Set<String> = ["chipId"]
    let chipId: String
}

struct IssuanceChallengeView: Encodable, Sendable {
    let cardId: String
    let chipId: String
    let nonce: String
    let expiresAt: Date
    /// What the card signs with each key (UTF-8), for readers that do not build it.
    let statements: [String: String]

    init(_ challenge: IssuanceChallenge) {
        cardId = challenge.cardID
        chipId = challenge.chipID
        nonce = challenge.nonce
        expiresAt = challenge.expiresAt
        statements = Dictionary(uniqueKeysWithValues: CertificateKind.allCases.map {
            ($0.rawValue, String(decoding: challenge.statement(for: $0), as: UTF8.self))
        } + [("cardFace", String(decoding: challenge.cardFaceStatement, as: UTF8.self))])
    }
}

struct CardReasonBody: RequestBody {
    static let fields: Set<String> = ["reason"]
    let reason: String
}

struct PINResetBody: RequestBody {
    static let fields: Set<String> = ["pin", "identityDocuments"]
    let pin: PINKind
    let identityDocuments: [IdentityDocument]
}

// MARK: Views

struct CardView: Encodable, Sendable {
    let id: String
    let serial: String
    let residentId: String
    let status: String
    let replacesId: String?
    let chipId: String?
    let issuedOn: CalendarDate?
    let expiresOn: CalendarDate?
    let appliedAt: Date
    let history: [CardHistoryView]?
    let certificates: [CardCertificateView]?

    init(_ card: CardRecord, history: [CardHistoryEntry]? = nil, certificates: [CardCertificate]? = nil) {
        id = card.id
        serial = card.serial
        residentId = card.residentID
        status = card.status.rawValue
        replacesId = card.replacesID
        chipId = card.chipID
        issuedOn = card.issuedOn
        expiresOn = card.expiresOn
        appliedAt = card.appliedAt
        self.history = history?.map(CardHistoryView.init)
        self.certificates = certificates?.map(CardCertificateView.init)
    }
}

struct CardHistoryView: Encodable, Sendable {
    let sequence: Int
    let event: String
    let from: String?
    let to: String
    let actor: String
    let procedureId: String?
    let reason: String?
    let feeYen: Int
    let identityDocuments: [String]
    let certificates: [String]
    let occurredAt: Date

    init(_ entry: CardHistoryEntry) {
        sequence = entry.sequence
        event = entry.event
        from = entry.from?.rawValue
        to = entry.to.rawValue
        actor = entry.actor
        procedureId = entry.procedureID
        reason = entry.reason
        feeYen = entry.feeYen
        identityDocuments = entry.identityDocuments.map(\.rawValue)
        certificates = entry.certificates
        occurredAt = entry.occurredAt
    }
}

struct CardCertificateView: Encodable, Sendable {
    let serial: String
    let kind: String
    let notAfter: Date
    let installedAt: Date?
    let endedAt: Date?
    let endReason: String?

    init(_ certificate: CardCertificate) {
        serial = certificate.serialHex
        kind = certificate.kind.rawValue
        notAfter = certificate.notAfter
        installedAt = certificate.installedAt
        endedAt = certificate.endedAt
        endReason = certificate.endReason
    }
}

struct CardsView: Encodable, Sendable {
    let residentId: String
    let cards: [CardView]
}

struct ApplicationView: Encodable, Sendable {
    let card: CardView
    let feeYen: Int
}

/// What the counter writes to the card: certificates in PEM, the CA certificates with them.
struct IssuedView: Encodable, Sendable {
    let card: CardView
    let authenticationCertificate: String?
    let signatureCertificate: String?
    let authenticationCACertificate: String
    let signatureCACertificate: String
    /// The card office's PIN-reset key, written to the card once, at hand-over.
    let cardOfficeKey: String
    /// What is printed on the card, with its security code, written to the card-face
    /// application at hand-over (issuance only, for a chip with that application).
    let cardFace: CardFace?

    init(_ issued: IssuedCertificates) {
        card = CardView(issued.card)
        authenticationCertificate = issued.authentication.map { PEMText.certificate($0) }
        signatureCertificate = issued.signature.map { PEMText.certificate($0) }
        authenticationCACertificate = PEMText.certificate(issued.authenticationCA)
        signatureCACertificate = PEMText.certificate(issued.signatureCA)
        cardOfficeKey = PEMText.encode(issued.cardOfficeKey, label: "PUBLIC KEY")
        cardFace = issued.face
    }
}

struct ReturnView: Encodable, Sendable {
    let card: CardView
    let revokedCertificates: [String]
    let ends: [String]
    let remains: [String]
}

/// The counter's answer to a PIN reset: `authorisation` is what `myna card reset-pin`
/// hands to the card, which verifies it with the office key it got at hand-over.
struct PINResetView: Encodable, Sendable {
    let card: CardView
    let pin: String
    let staffId: String
    let identityCheckedAt: Date
    let authorisation: String
    let expiresAt: Date

    init(_ grant: PINResetGrant, staffId: String) {
        card = CardView(grant.card)
        pin = grant.pin.rawValue
        self.staffId = staffId
        identityCheckedAt = grant.identityCheckedAt
        authorisation = grant.authorisation
        expiresAt = grant.expiresAt
    }
}

struct HotlineView: Encodable, Sendable {
    let outcome: String
    let message: String
}

enum PEMText {
    static func certificate(_ der: [UInt8]) -> String { encode(der, label: "CERTIFICATE") }

    /// RFC 7468 textual encoding (swift-asn1's `PEMDocument`), ending with a newline.
    static func encode(_ der: [UInt8], label: String) -> String {
        PEMDocument(type: label, derBytes: der).pemString + "\n"
    }
}
