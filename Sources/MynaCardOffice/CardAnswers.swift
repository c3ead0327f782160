public import MynaCore

/// Whom a card's answer is for: Myna's portal itself (sign-in, Mykey, Mynapoint from the
/// holder's own device), a registered party (a kiosk, a medical institution — they ask
/// for their challenges with a signed request), or a member of counter staff.
public enum ChallengeAudience: Sendable, Hashable {
    case portal
    case party(id: String, name: String)
    case counter(staffID: String)

    /// As stored and as signed.
    public var key: String {
        switch self {
        case .portal: "portal"
        case .party(let id, _): "party:\(id)"
        case .counter(let staffID): "counter:\(staffID)"
        }
    }

    /// The name the holder reads before the PIN.
    public var name: String {
        switch self {
        case .portal: "Mynaportal (マイナポータル)"
        case .party(_, let name): name
        case .counter: "a municipal counter (市区町村の窓口)"
        }
    }
}

/// Which of the card's keys answered a challenge.
public enum CardAnswerKey: Sendable, Hashable {
    /// The user-authentication key, after the 4-digit PIN: the holder is there and agrees.
    case authentication
    /// The card-face application's key, after 照合番号B read off the card face: the card
    /// is in the hands of whoever answers (a clinic's visual check), no more.
    case cardFace
}

/// The card side's answer to "who held this card?": the holder of the card that answered
/// a challenge of `purpose`, for `audience`, approving `details`, with `key` — for an act
/// that needs the card in hand but no session (a kiosk's certificate, a clinic's check).
/// The challenge is used up either way. Mynaportal's `CardSignIn` keeps the challenges and
/// answers this; the services ask it through this protocol, handed to them by the wiring
/// point, and so depend on the card side, not on the portal (issue 15).
public protocol CardAnswers: Sendable {
    func cardHolder(
        answering challengeID: String, for purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience,
        details: [(key: String, value: String)], certificateDER: [UInt8], signature: [UInt8], signedBy key: CardAnswerKey, source: String
    ) async throws -> String
}

extension CardAnswers {
    /// An answer with the authentication key, approving nothing but the act itself.
    public func cardHolder(
        answering challengeID: String, for purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience,
        details: [(key: String, value: String)] = [], certificateDER: [UInt8], signature: [UInt8], source: String
    ) async throws -> String {
        try await cardHolder(
            answering: challengeID, for: purpose, audience: audience, details: details, certificateDER: certificateDER, signature: signature,
            signedBy: .authentication, source: source)
    }
}
