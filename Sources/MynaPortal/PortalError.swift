public import MynaCore

/// Every way the portal says no, each with a stable public code (style.md). Sign-in
/// refusals say what the holder can act on — the card is suspended, the code expired —
/// because only the card's holder, with its PIN, gets that far.
public struct PortalError: CodedError, Hashable {
    public enum Code: String, ErrorCode {
        case invalidCode = "invalid-sign-in-code"
        case challengeExpired = "challenge-expired"
        case challengeUsed = "challenge-used"
        /// The challenge was made for another purpose, party or set of details than the
        /// endpoint that received it (issue 14, finding 1).
        case challengePurposeMismatch = "challenge-purpose-mismatch"
        case signatureInvalid = "signature-invalid"
        case certificateNotAccepted = "certificate-not-accepted"
        case certificateRevoked = "certificate-revoked"
        case cardNotUsable = "card-not-usable"
        /// A check that needs the card-face application met a card issued without one.
        case cardFaceUnavailable = "card-face-unavailable"
        case holderNotEligible = "holder-not-eligible"
        case tooManyAttempts = "too-many-attempts"
        case sessionRequired = "portal-session-required"
        case csrfFailed = "csrf-check-failed"
        case notApproved = "sign-in-not-approved"
        case invalidAccount = "invalid-account"
        case invalidInsurance = "invalid-insurance"
        case confirmationRequired = "confirmation-required"
        case holderNameMismatch = "holder-name-mismatch"
        case insuranceRecordNotFound = "insurance-record-not-found"
        case insuranceFactsMismatch = "insurance-facts-mismatch"

        public var kind: ErrorKind {
            switch self {
            case .invalidCode, .challengeExpired: .notFound
            // An account holder or an insurer's record that disagrees with the resident's record
            // conflicts with that record (RFC 9110 §15.5.10); the request itself is well formed.
            case .challengeUsed, .holderNameMismatch, .insuranceFactsMismatch: .conflict
            case .signatureInvalid, .certificateNotAccepted, .certificateRevoked, .sessionRequired: .unauthorized
            case .cardNotUsable, .holderNotEligible, .csrfFailed, .notApproved, .challengePurposeMismatch: .forbidden
            case .cardFaceUnavailable: .conflict
            case .tooManyAttempts: .tooManyRequests
            case .invalidAccount, .invalidInsurance, .confirmationRequired: .invalid
            case .insuranceRecordNotFound: .notFound
            }
        }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// After too many failed sign-ins a card may try again when the failure window has passed.
    public var retryAfter: Int? { code == .tooManyAttempts ? Int(CardSignIn.failureWindow / 1000) : nil }
}
