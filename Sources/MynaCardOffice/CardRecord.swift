public import Foundation
public import MynaCard
public import MynaCore
public import MynaPKI
public import X509
import _CryptoExtras
import Crypto

/// One physical My Number card as the registry knows it.
public struct CardRecord: Sendable, Hashable {
    public let id: String
    /// The card number printed on the card and on the issuance receipt (カード番号):
    /// `XXXX-XXXX-XXXX`, from an alphabet without look-alike letters. It is not the
    /// individual number and reveals nothing; the holder gives it to the hotline.
    public let serial: String
    public let residentID: String
    public let status: CardStatus
    /// The card this one replaces (a reissue), if any.
    public let replacesID: String?
    /// The chip's own id, known from the hand-over.
    public let chipID: String?
    public let issuedOn: CalendarDate?
    public let expiresOn: CalendarDate?
    public let appliedAt: Date
    public let version: Int
}

/// One step in a card's life, as its history shows it.
public struct CardHistoryEntry: Sendable, Hashable {
    public let sequence: Int
    public let event: String
    public let from: CardStatus?
    public let to: CardStatus
    /// `staff:<id>`, `system:<name>` or `hotline`.
    public let actor: String
    public let procedureID: String?
    public let reason: String?
    public let feeYen: Int
    public let identityDocuments: [IdentityDocument]
    /// Serials (hex) of the certificates this step issued or revoked.
    public let certificates: [String]
    public let occurredAt: Date
}

/// A certificate on a card, with the ledger's word on it.
public struct CardCertificate: Sendable, Hashable {
    public let serialHex: String
    public let kind: CertificateKind
    public let notAfter: Date
    public let installedAt: Date?
    /// When and why it stopped being the card's certificate (revoked, superseded).
    public let endedAt: Date?
    public let endReason: String?
    public let der: [UInt8]?
}

/// The public keys read from the card at the counter, which the CA certifies. The
/// signature key is absent for holders under 15 (domain.md §2).
public struct CardKeys: Sendable {
    public let chipID: String
    public let authentication: Certificate.PublicKey
    public let signature: Certificate.PublicKey?
    /// The card-face application's key (P-256 SubjectPublicKeyInfo DER), recorded at
    /// issuance and never certified: it answers a clinic's visual check (``CardFace``).
    /// Absent from a chip without the application, which then takes only PIN checks.
    public let cardFace: [UInt8]?

    public init(chipID: String, authentication: Certificate.PublicKey, signature: Certificate.PublicKey?, cardFace: [UInt8]? = nil) {
        self.chipID = chipID
        self.authentication = authentication
        self.signature = signature
        self.cardFace = cardFace
    }

    /// The card-face key as the counter's reader hands it over (PEM SubjectPublicKeyInfo),
    /// accepted only if it is a P-256 key.
    public static func cardFaceKey(pem: String) throws -> [UInt8] {
        guard pem.utf8.count <= 1024, let key = try? P256.Signing.PublicKey(pemRepresentation: pem) else {
            throw CardOfficeError(.invalidKey, "a card-face key is a P-256 public key in PEM (SubjectPublicKeyInfo)")
        }
        return Array(key.derRepresentation)
    }

    /// A card public key as the counter's reader hands it over (PEM SubjectPublicKeyInfo),
    /// accepted only if it is what a My Number card holds: RSA-2048 (domain.md §3).
    public static func publicKey(pem: String) throws -> Certificate.PublicKey {
        guard pem.utf8.count <= 4096, let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem), key.keySizeInBits == 2048 else {
            throw CardOfficeError(.invalidKey, "a card key is an RSA-2048 public key in PEM (SubjectPublicKeyInfo)")
        }
        return Certificate.PublicKey(key)
    }
}

/// 鍵の保有確認 — what the card office hands the counter before issuance: a nonce bound
/// to the card application and the chip the clerk read, short-lived and taken once. The
/// card signs ``statement(for:)`` with each key it holds, so the office certifies only
/// keys the chip in front of the clerk holds (issue 14: a clerk could otherwise have any
/// key certified in the holder's name).
public struct IssuanceChallenge: Sendable, Hashable {
    public let cardID: String
    public let chipID: String
    public let nonce: String
    public let expiresAt: Date

    /// Long enough for the holder to enter both PINs at the counter.
    public static let lifetime: TimeInterval = 300

    public init(cardID: String, chipID: String, nonce: String, expiresAt: Date) {
        self.cardID = cardID
        self.chipID = chipID
        self.nonce = nonce
        self.expiresAt = expiresAt
    }

    /// The domain-separated bytes the card signs with its `kind` key (PKCS#1 v1.5 over
    /// SHA-256, as the card's COMPUTE DIGITAL SIGNATURE makes it): a signature made for
    /// anything else — a sign-in, a document, another card or kind — never matches.
    public func statement(for kind: CertificateKind) -> [UInt8] {
        Self.statement(cardID: cardID, chipID: chipID, kind: kind, nonce: nonce)
    }

    public static func statement(cardID: String, chipID: String, kind: CertificateKind, nonce: String) -> [UInt8] {
        statement(cardID: cardID, chipID: chipID, key: kind.rawValue, nonce: nonce)
    }

    /// What the card-face key signs (ECDSA over SHA-256) to show the chip holds it.
    public var cardFaceStatement: [UInt8] { Self.cardFaceStatement(cardID: cardID, chipID: chipID, nonce: nonce) }

    public static func cardFaceStatement(cardID: String, chipID: String, nonce: String) -> [UInt8] {
        statement(cardID: cardID, chipID: chipID, key: "card-face", nonce: nonce)
    }

    static func statement(cardID: String, chipID: String, key: String, nonce: String) -> [UInt8] {
        Array("myna-card-issuance-v1\n\(cardID)\n\(chipID)\n\(key)\n\(nonce)".utf8)
    }
}

/// The card's answer to an ``IssuanceChallenge``: its signature over the statement with
/// each key (the signature key's only when the card has one).
public struct KeyPossessionProof: Sendable, Hashable {
    public let nonce: String
    public let authentication: [UInt8]
    public let signature: [UInt8]?
    /// The card-face key's ECDSA signature (DER), when the chip presents that key.
    public let cardFace: [UInt8]?

    public init(nonce: String, authentication: [UInt8], signature: [UInt8]?, cardFace: [UInt8]? = nil) {
        self.nonce = nonce
        self.authentication = authentication
        self.signature = signature
        self.cardFace = cardFace
    }
}

/// What the counter writes to the card after issuance, resumption or renewal: the new
/// certificates and the CA certificates that go beside them (EF 000B and 0002).
public struct IssuedCertificates: Sendable {
    public let card: CardRecord
    /// Absent only when a renewal certified the signature key alone.
    public let authentication: [UInt8]?
    public let signature: [UInt8]?
    public let authenticationCA: [UInt8]
    public let signatureCA: [UInt8]
    /// The card office's PIN-reset key (P-256 SubjectPublicKeyInfo DER), written to the
    /// card with its first certificates so that it can verify reset authorisations.
    public let cardOfficeKey: [UInt8]
    /// What the office prints on the card handed over, with its security code; written to
    /// the card-face application with the first certificates. Only at issuance, and only
    /// for a chip that presented a card-face key.
    public let face: CardFace?
}

/// What the counter hands the holder after a PIN reset's identity check: the record of
/// it and the signed authorisation the card takes (``PINResetAuthorisation``).
public struct PINResetGrant: Sendable {
    public let card: CardRecord
    public let pin: PINKind
    public let identityCheckedAt: Date
    /// The compact JWS for the card, single use.
    public let authorisation: String
    public let expiresAt: Date
}

/// What the holder is told when returning a card (自主返納): the card and its
/// certificates end; the registry and linked data stay, as the law keeps them.
public struct ReturnStatement: Sendable, Hashable {
    public let card: CardRecord
    public let revokedCertificates: [String]
    public let ends: [String]
    public let remains: [String]

    static func of(_ card: CardRecord, revoked: [String]) -> ReturnStatement {
        ReturnStatement(
            card: card, revokedCertificates: revoked,
            ends: [
                "この個人番号カードと、その署名用・利用者証明用電子証明書は失効しました。 The card and both its certificates are revoked.",
                "カードによるマイナポータル・コンビニ交付・オンライン資格確認は使えなくなります。 Card sign-in, convenience-store certificates and card-based insurance checks stop working.",
            ],
            remains: [
                "個人番号は変わらず、住民票・税・社会保障の手続で引き続き使われます。 Your individual number stays the same and is still used by agencies.",
                "公金受取口座・健康保険証の紐付けなど、登録済みの情報は削除されません。 Linked data (public-fund account, health insurance) is kept, as the law requires.",
                "情報提供等記録はこれまでどおり記録され、開示を求められます。 Records of who used your data are still kept and can be requested.",
                "再交付は申請により受けられます（手数料 1,000 円）。 You may apply for a new card (fee ¥1,000).",
            ])
    }
}

/// Every way the card office says no, each with a stable public code (style.md).
public struct CardOfficeError: CodedError, Hashable {
    public enum Code: String, ErrorCode {
        case cardNotFound = "card-not-found"
        case wrongCardState = "wrong-card-state"
        case cardAlreadyLive = "card-already-live"
        case identityNotVerified = "identity-not-verified"
        case reasonRequired = "reason-required"
        case residentNotEligible = "resident-not-eligible"
        case outsideJurisdiction = "outside-jurisdiction"
        case signatureKeyNotAllowed = "signature-key-not-allowed"
        case renewalTooEarly = "renewal-too-early"
        case invalidKey = "invalid-key"
        case factsDoNotMatch = "facts-do-not-match"
        case tooManyAttempts = "too-many-attempts"
        case conflict = "card-changed-concurrently"
        /// Issuance without a valid signature by each key over a live issuance challenge.
        case keyPossessionNotProven = "key-possession-not-proven"
        /// The key is already certified for another card (anyone's).
        case keyAlreadyCertified = "key-already-certified"
        /// The authentication and signature keys are the same key.
        case keysNotDistinct = "keys-not-distinct"

        public var kind: ErrorKind {
            switch self {
            // Facts that match no card are "nothing there" (which of them is wrong is never said).
            case .cardNotFound, .factsDoNotMatch: .notFound
            // A person moved out or deceased is a state the card step does not fit, as a card's is.
            case .wrongCardState, .cardAlreadyLive, .conflict, .residentNotEligible: .conflict
            case .outsideJurisdiction: .forbidden
            case .tooManyAttempts: .tooManyRequests
            case .identityNotVerified, .reasonRequired, .signatureKeyNotAllowed, .renewalTooEarly, .invalidKey,
                .keyPossessionNotProven, .keysNotDistinct:
                .invalid
            case .keyAlreadyCertified: .conflict
            }
        }
    }

    public let code: Code
    public let message: String
    /// For `tooManyAttempts`: when to try again.
    public let retryAfter: Int?

    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    init(_ error: CardTransitionError) {
        switch error {
        case .notFrom: self.init(.wrongCardState, error.description)
        case .identityNotVerified: self.init(.identityNotVerified, error.description)
        case .reasonRequired: self.init(.reasonRequired, error.description)
        }
    }
}
