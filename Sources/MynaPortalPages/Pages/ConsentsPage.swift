/// The apps (OpenID Connect relying parties) the resident has consented to, each with a
/// form to revoke the consent.
public struct ConsentsPage: PortalPage {
    public static let templateName = "pages/consents"

    public struct Consent: Sendable, Hashable {
        /// Opaque consent id; the revoke form posts to `/portal/consents/{id}/revoke`.
        public var id: String
        public var clientName: String
        public var scopes: [OIDCScope]
        public var grantedAt: String
        public var expiresAt: String

        public init(id: String, clientName: String, scopes: [OIDCScope], grantedAt: String, expiresAt: String) {
            self.id = id
            self.clientName = clientName
            self.scopes = scopes
            self.grantedAt = grantedAt
            self.expiresAt = expiresAt
        }
    }

    public var consents: [Consent]

    public var title: PortalText { .key("consents_title") }

    public init(consents: [Consent]) {
        self.consents = consents
    }
}

/// The scopes a relying party can ask for (domain.md §3: `openid` plus
/// `name address birthdate gender` and/or `sign`).
public enum OIDCScope: String, Sendable, Hashable, CaseIterable {
    case openid, name, address, birthdate, gender, sign
    /// `self:<data item>` (自己情報取得): the named items public bodies hold.
    case selfInformation = "self"
}

extension OIDCScope: CatalogLabelled {
    var labelKey: String { "scope_\(rawValue)" }
}

extension ConsentsPage.Consent: TemplateExtras {
    var templateExtras: [String: Any] { ["idPath": URLComponent.encode(id)] }
}
