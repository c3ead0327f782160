/// Linkages the law lets the resident refuse, with the current state of each and a form
/// to refuse or to withdraw the refusal (POST `/portal/refusals`, fields `item`, `action`).
public struct RefusalsPage: PortalPage {
    public static let templateName = "pages/refusals"

    public enum State: Sendable, Hashable, CaseIterable {
        /// Not refused: provided as the law allows. The form offers `action=refuse`.
        case allowed
        /// Refused. The form offers `action=withdraw`.
        case refused
    }

    public struct Item: Sendable, Hashable {
        /// The item's id, sent as the form's `item` field.
        public var item: String
        public var label: String
        public var description: String?
        public var state: State
        /// Since when the current state holds, if known.
        public var since: String?

        public init(item: String, label: String, description: String? = nil, state: State, since: String? = nil) {
            self.item = item
            self.label = label
            self.description = description
            self.state = state
            self.since = since
        }
    }

    public var items: [Item]

    public var title: PortalText { .key("refusals_title") }

    public init(items: [Item]) {
        self.items = items
    }
}

extension RefusalsPage.State: CatalogLabelled {
    var labelKey: String { "refusal_state_\(self)" }
}
