/// What the layout around every page needs: language, title, where the resident is, who is
/// signed in, the CSRF token for POST forms, and an optional one-time message.
public struct LayoutContext: Sendable {
    public var language: PortalLanguage
    /// Overrides the page's own title when set.
    public var title: PortalText?
    /// The request path without its query (`/portal/usage`). It marks the current
    /// navigation item and is the target of the language switch link.
    public var currentPath: String
    /// The request's query, as received (percent-encoded): the language switch keeps it,
    /// so switching on the consent screen or a sign-in page does not lose the request.
    public var currentQuery: String?
    public var signedIn: Bool
    public var residentName: String?
    /// Put in a hidden `csrf` field of every POST form, the sign-out form included.
    public var csrfToken: String
    public var flash: FlashMessage?

    public init(
        language: PortalLanguage,
        title: PortalText? = nil,
        currentPath: String,
        currentQuery: String? = nil,
        signedIn: Bool,
        residentName: String? = nil,
        csrfToken: String,
        flash: FlashMessage? = nil
    ) {
        self.language = language
        self.title = title
        self.currentPath = currentPath
        self.currentQuery = currentQuery
        self.signedIn = signedIn
        self.residentName = residentName
        self.csrfToken = csrfToken
        self.flash = flash
    }

    /// The signed-in sections, in navigation order.
    public static let sections: [PortalSection] = [
        PortalSection(path: "/portal", labelKey: "nav_home"),
        PortalSection(path: "/portal/usage", labelKey: "nav_usage"),
        PortalSection(path: "/portal/card", labelKey: "nav_card"),
        PortalSection(path: "/portal/linkages", labelKey: "nav_linkages"),
        PortalSection(path: "/portal/notices", labelKey: "nav_notices"),
        PortalSection(path: "/portal/sessions", labelKey: "nav_sessions"),
        PortalSection(path: "/portal/consents", labelKey: "nav_consents"),
        PortalSection(path: "/portal/refusals", labelKey: "nav_refusals"),
        PortalSection(path: "/portal/points", labelKey: "nav_points"),
        PortalSection(path: "/portal/card-return", labelKey: "nav_card_return"),
    ]
}

/// One entry of the signed-in navigation.
public struct PortalSection: Sendable, Hashable {
    public let path: String
    public let labelKey: String

    /// Whether `currentPath` is this section or a page below it. `/portal` itself only
    /// matches exactly, or every page would be under it.
    public func contains(_ currentPath: String) -> Bool {
        if currentPath == path { return true }
        return path != "/portal" && currentPath.hasPrefix(path + "/")
    }
}

/// A one-time message shown above the page's content (after a redirect, say).
public struct FlashMessage: Sendable, Hashable {
    public enum Kind: Sendable, Hashable, CaseIterable {
        /// Announced politely (`role="status"`).
        case info
        /// Announced at once (`role="alert"`).
        case error
    }

    public var kind: Kind
    public var text: PortalText

    public init(kind: Kind, text: PortalText) {
        self.kind = kind
        self.text = text
    }
}

extension FlashMessage.Kind: CatalogLabelled {
    var labelKey: String { "flash_\(self)" }
}
