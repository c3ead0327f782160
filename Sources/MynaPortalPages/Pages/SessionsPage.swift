/// ログイン中の端末 — the resident's open sessions, with how and from where each was
/// signed in, and one button that ends them all: a sign-in the resident did not make is
/// seen here and ended in one step (issue 14, finding 1).
public struct SessionsPage: PortalPage {
    public static let templateName = "pages/sessions"

    public struct Session: Sendable, Hashable {
        public var signedInAt: String
        public var lastSeenAt: String
        public var method: String
        public var network: String
        /// What the browser says it is: its own words, shown as text.
        public var userAgent: String
        public var isThisDevice: Bool

        public init(signedInAt: String, lastSeenAt: String, method: String, network: String, userAgent: String, isThisDevice: Bool) {
            self.signedInAt = signedInAt
            self.lastSeenAt = lastSeenAt
            self.method = method
            self.network = network
            self.userAgent = userAgent
            self.isThisDevice = isThisDevice
        }
    }

    public var sessions: [Session]

    public var title: PortalText { .key("sessions_title") }

    public init(sessions: [Session]) {
        self.sessions = sessions
    }
}
