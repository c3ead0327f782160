/// Every way the portal says no, each with a stable public code (style.md). Sign-in
/// refusals say what the holder can act on — the card is suspended, the code expired —
/// because only the card's holder, with its PIN, gets that far.
public struct PortalError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
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
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
