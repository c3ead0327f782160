/// お知らせ — notices to the resident, newest first as the caller orders them.
public struct NoticesPage: PortalPage {
    public static let templateName = "pages/notices"

    public struct Notice: Sendable, Hashable {
        public var date: String
        public var title: String
        /// Plain text; line breaks are kept.
        public var body: String

        public init(date: String, title: String, body: String) {
            self.date = date
            self.title = title
            self.body = body
        }
    }

    public var notices: [Notice]

    public var title: PortalText { .key("notices_title") }

    public init(notices: [Notice]) {
        self.notices = notices
    }
}
