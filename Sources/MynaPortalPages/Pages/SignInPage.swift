/// Cross-device sign-in, like Mynaportal's QR login: the page shows a short code, the
/// resident approves it with their card on another device
/// (`myna card login --card FILE --pin PIN --code CODE`), and the page moves on by itself
/// through a `<meta http-equiv="refresh">` to `/portal/sign-in/wait?pending=ID`, no
/// JavaScript needed. The wait endpoint either signs the browser in or shows this page again.
public struct SignInPage: PortalPage {
    public static let templateName = "pages/sign-in"

    public enum State: Sendable, Hashable, CaseIterable {
        /// The code is valid and waiting for the card.
        case waiting
        /// The code ran out before it was approved; the resident asks for a new one.
        case expired
        /// Too many wrong codes or PINs; sign-in is paused for a while.
        case tooManyAttempts
    }

    public var state: State
    /// The code as the resident types it, e.g. `K7Q2-9XMP`.
    public var code: String
    /// The pending sign-in's opaque id, sent back by the continue form and the refresh.
    public var pendingID: String
    public var validMinutes: Int
    /// When the code runs out, formatted by the caller.
    public var expiresAt: String
    /// Seconds between automatic checks while waiting.
    public var refreshSeconds: Int

    public var title: PortalText { .key("signin_title") }

    public init(state: State, code: String, pendingID: String, validMinutes: Int, expiresAt: String, refreshSeconds: Int = 5) {
        self.state = state
        self.code = code
        self.pendingID = pendingID
        self.validMinutes = validMinutes
        self.expiresAt = expiresAt
        self.refreshSeconds = refreshSeconds
    }
}

extension SignInPage: TemplateExtras {
    var templateExtras: [String: Any] { ["pendingQuery": URLComponent.encode(pendingID)] }
}
