/// Every way the services on the card say no — Mykey, Mynapoint, kiosk certificates and
/// eligibility checks — each with a stable public code (style.md) and the kind of
/// refusal, from which the server takes its HTTP status.
public struct ServiceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of no it is: the request is wrong, names nothing known, collides with
    /// what is already recorded, is not allowed, or comes when the service is closed.
    public enum Kind: Sendable, Hashable {
        case invalid, notFound, conflict, forbidden, unavailable
    }

    public enum Code: String, Sendable, CaseIterable {
        case invalidMunicipalCard = "invalid-municipal-card"
        // Mynapoint
        case invalidCampaign = "invalid-campaign"
        case campaignExists = "campaign-exists"
        case unknownCampaign = "unknown-campaign"
        case outsideSignUpWindow = "outside-sign-up-window"
        case unknownProvider = "unknown-provider"
        case invalidProviderAccount = "invalid-provider-account"
        case providerAccountTaken = "provider-account-taken"
        case alreadySignedUp = "already-signed-up"
        case providerCannotChange = "provider-cannot-change"
        case budgetReached = "campaign-budget-reached"
        case invalidReport = "invalid-report"
        case reportIDReused = "report-id-reused"
        case unknownAccount = "unknown-account"
        case unknownPurchase = "unknown-purchase"
        case alreadyCancelled = "already-cancelled"
        case outsideSpendingWindow = "outside-spending-window"
        case spendingRewardNotAvailable = "spending-reward-not-available"
        // Kiosk certificates
        case invalidCertificateRequest = "invalid-certificate-request"
        case requestIDReused = "request-id-reused"
        case kioskClosed = "kiosk-closed"
        case kioskTimeout = "kiosk-timeout"
        case notCardHolder = "not-card-holder"
        case residentNotRegistered = "resident-not-registered"
        case unknownVerificationCode = "unknown-verification-code"
        case sealInvalid = "certificate-seal-invalid"
        // Eligibility
        case invalidEligibilityCheck = "invalid-eligibility-check"
        case noEligibilityRecord = "no-eligibility-record"
        case visualCheckLimitReached = "visual-check-limit-reached"

        public var kind: Kind {
            switch self {
            case .invalidMunicipalCard, .invalidCampaign, .invalidProviderAccount, .invalidReport, .outsideSpendingWindow,
                .spendingRewardNotAvailable, .invalidCertificateRequest, .sealInvalid, .invalidEligibilityCheck:
                .invalid
            case .unknownCampaign, .unknownProvider, .unknownAccount, .unknownPurchase, .unknownVerificationCode, .noEligibilityRecord:
                .notFound
            case .campaignExists, .providerAccountTaken, .alreadySignedUp, .providerCannotChange, .budgetReached, .reportIDReused,
                .alreadyCancelled, .requestIDReused:
                .conflict
            case .notCardHolder, .residentNotRegistered, .outsideSignUpWindow, .visualCheckLimitReached: .forbidden
            case .kioskClosed, .kioskTimeout: .unavailable
            }
        }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: Kind { code.kind }
    public var description: String { "\(code.rawValue): \(message)" }
}
