/// The resident's cards and the certificates on them.
public struct CardPage: PortalPage {
    public static let templateName = "pages/card"

    /// Mirrors the card lifecycle of `MynaCard.CardStatus`.
    public enum CardStatus: Sendable, Hashable, CaseIterable {
        case applied, active, suspended, abolished, returned, expired
    }

    public enum CertificateKind: Sendable, Hashable, CaseIterable {
        /// 署名用電子証明書
        case signature
        /// 利用者証明用電子証明書
        case userAuthentication
    }

    public enum CertificateStatus: Sendable, Hashable, CaseIterable {
        case valid, revoked, suspended, expired
    }

    public struct Card: Sendable, Hashable {
        /// Shown as given.
        public var serial: String
        public var status: CardStatus
        public var issuedAt: String
        public var validUntil: String
        public var certificates: [Certificate]

        public init(serial: String, status: CardStatus, issuedAt: String, validUntil: String, certificates: [Certificate]) {
            self.serial = serial
            self.status = status
            self.issuedAt = issuedAt
            self.validUntil = validUntil
            self.certificates = certificates
        }
    }

    public struct Certificate: Sendable, Hashable {
        public var kind: CertificateKind
        public var status: CertificateStatus
        public var validUntil: String
        /// The reason as the caller words it, when the certificate was revoked.
        public var revocationReason: String?

        public init(kind: CertificateKind, status: CertificateStatus, validUntil: String, revocationReason: String? = nil) {
            self.kind = kind
            self.status = status
            self.validUntil = validUntil
            self.revocationReason = revocationReason
        }
    }

    public var cards: [Card]

    public var title: PortalText { .key("card_title") }

    public init(cards: [Card]) {
        self.cards = cards
    }
}

extension CardPage.CardStatus: CatalogLabelled {
    var labelKey: String { "card_status_\(self)" }
}

extension CardPage.CertificateKind: CatalogLabelled {
    var labelKey: String { "cert_kind_\(self)" }
}

extension CardPage.CertificateStatus: CatalogLabelled {
    var labelKey: String { "cert_status_\(self)" }
}
