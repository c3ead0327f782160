public import MynaCore

/// Every way the services on the card say no — Mykey, Mynapoint, kiosk certificates and
/// eligibility checks — each with a stable public code (style.md) and the kind of
/// refusal, from which the server takes its HTTP status.
public struct ServiceError: CodedError, Hashable {
    public enum Code: String, ErrorCode {
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

        public var kind: ErrorKind {
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
}
