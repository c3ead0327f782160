/// The portal's two languages. Japanese is the default; English is chosen with `?lang=en`.
public enum PortalLanguage: String, Sendable, Hashable, CaseIterable {
    case ja
    case en

    /// The language a `lang` query value asks for: `en` gives English, anything else
    /// (including no value) gives Japanese.
    public init(queryValue: String?) {
        self = queryValue == "en" ? .en : .ja
    }

    /// The language the switch link on every page offers.
    public var other: PortalLanguage {
        switch self {
        case .ja: .en
        case .en: .ja
        }
    }
}

/// Text shown on a page: either a key of the string catalog (`PortalStrings`), translated
/// when the page is rendered, or text the caller already has in the right language
/// (a provider's item name, a reason from the registry).
public enum PortalText: Sendable, Hashable {
    case key(String)
    case verbatim(String)
}
