public import MynaCore

/// Every way the registry says no, each with a stable public code that is never reused
/// (style.md, after Boulder). Messages are fixed texts: they never carry a number, a
/// name or any other personal fact, so they are safe in logs and in responses.
public struct RegistryError: CodedError, Hashable {
    public enum Code: String, ErrorCode {
        case residentNotFound = "resident-not-found"
        case unknownMunicipality = "unknown-municipality"
        case invalidFacts = "invalid-facts"
        case wrongStatus = "wrong-resident-status"
        case outsideJurisdiction = "outside-jurisdiction"
        case invalidCredentials = "invalid-credentials"
        case accountLocked = "account-locked"
        case sessionRequired = "session-required"
        case roleNotPermitted = "role-not-permitted"
        case procedureRequired = "procedure-required"
        case procedureAlreadyOpen = "procedure-already-open"
        case procedureForAnotherResident = "procedure-for-another-resident"
        case usernameTaken = "username-taken"
        case weakPassword = "weak-password"
        case invalidRequest = "invalid-request"
        case recordIntegrity = "record-integrity-failure"
        case numberExhausted = "number-space-exhausted"

        public var kind: ErrorKind {
            switch self {
            // A well-formed code naming no municipality in the directory is "nothing there",
            // as an unknown resident or provider is: the document can state the code's form
            // but not the directory's contents.
            case .residentNotFound, .unknownMunicipality: .notFound
            case .invalidFacts, .invalidRequest, .weakPassword: .invalid
            case .wrongStatus, .procedureAlreadyOpen, .usernameTaken: .conflict
            case .outsideJurisdiction, .roleNotPermitted, .procedureRequired, .procedureForAnotherResident: .forbidden
            case .invalidCredentials, .sessionRequired: .unauthorized
            case .accountLocked: .tooManyRequests
            case .recordIntegrity, .numberExhausted: .internal
            }
        }
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// A locked account may sign in again when the lockout ends.
    public var retryAfter: Int? { code == .accountLocked ? Int(StaffDirectory.lockoutDuration) : nil }
}
