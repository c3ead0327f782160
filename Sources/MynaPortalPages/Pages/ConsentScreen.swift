/// The OpenID Connect consent screen: which app asks, where the resident will be sent
/// back to, exactly which values it will receive, and until when. One form, two buttons,
/// posting to `/oidc/authorize/decision` with `decision=approve` or `decision=deny`.
public struct ConsentScreen: PortalPage {
    public static let templateName = "pages/consent-screen"

    /// A claim that a scope shares.
    public enum ClaimKind: Sendable, Hashable, CaseIterable {
        /// The pairwise identifier this app will know the resident by.
        case subject
        case name, nameKana, address, birthdate, gender
        /// One data item a self-information scope shares, named in the value.
        case dataItem
    }

    public struct Claim: Sendable, Hashable {
        public var kind: ClaimKind
        /// The value as it would be sent, formatted for reading.
        public var value: String

        public init(kind: ClaimKind, value: String) {
            self.kind = kind
            self.value = value
        }
    }

    public struct SharedScope: Sendable, Hashable {
        public var scope: OIDCScope
        /// Empty for scopes that grant an ability rather than share values (`sign`).
        public var claims: [Claim]

        public init(scope: OIDCScope, claims: [Claim]) {
            self.scope = scope
            self.claims = claims
        }
    }

    public var clientName: String
    /// Host of the redirect URI, so the resident sees where they are sent back to.
    public var redirectHost: String
    public var scopes: [SharedScope]
    public var expiresAt: String
    /// Opaque id of the pending authorization request.
    public var requestID: String

    public var title: PortalText { .key("consent_title") }

    public init(clientName: String, redirectHost: String, scopes: [SharedScope], expiresAt: String, requestID: String) {
        self.clientName = clientName
        self.redirectHost = redirectHost
        self.scopes = scopes
        self.expiresAt = expiresAt
        self.requestID = requestID
    }
}

extension ConsentScreen.ClaimKind: CatalogLabelled {
    var labelKey: String { "claim_\(self)" }
}
