public import MynaCore

/// Every way the linkage hub says no, each with a stable public code (style.md). A
/// refusal never tells whether a person exists: an unknown code, another agency's code
/// and a code for no one are the same `unknown-code`.
public struct LinkageError: CodedError, Hashable {
    public enum Code: String, ErrorCode {
        case credentialRequired = "agency-credential-required"
        case invalidAssertion = "invalid-assertion"
        case expiredAssertion = "expired-assertion"
        case replayedAssertion = "replayed-assertion"
        case unknownAgency = "unknown-agency"
        case unknownCode = "unknown-code"
        case notOnAllowList = "not-on-allow-list"
        case refusedByPerson = "refused-by-person"
        case notProvider = "not-a-provider"
        case noData = "no-data"
        case invalidItem = "invalid-item"
        case invalidValue = "invalid-value"
        case personNotFound = "person-not-found"
        case notRefusable = "not-refusable"
        case invalidAllowList = "invalid-allow-list"
        case nonDisclosureNotAllowed = "non-disclosure-not-allowed"
        case invalidEndpoint = "invalid-endpoint"
        /// Plain http to a host the operator has not allowed (PushEndpointPolicy.swift).
        case endpointNotHTTPS = "endpoint-not-https"
        /// A host that is, or resolves to, a loopback, private, link-local or reserved address.
        case endpointNotPublic = "endpoint-not-public"
        case endpointUnresolvable = "endpoint-unresolvable"
        /// The agency runs no numbered procedure, so it may not present an individual
        /// number (番号法 第9条). Said before anything is looked up.
        case numbersNotPermitted = "numbers-not-permitted"

        public var kind: ErrorKind {
            switch self {
            case .credentialRequired, .invalidAssertion, .expiredAssertion, .replayedAssertion, .unknownAgency: .unauthorized
            // What the allow-list (the law, published at /v1/linkage/allow-list) does not permit,
            // a refusal of a linkage the law makes compulsory among it.
            case .notOnAllowList, .refusedByPerson, .notProvider, .nonDisclosureNotAllowed, .numbersNotPermitted, .notRefusable: .forbidden
            case .unknownCode, .noData, .personNotFound: .notFound
            case .invalidItem, .invalidValue, .invalidEndpoint, .endpointNotHTTPS, .endpointNotPublic, .endpointUnresolvable: .invalid
            case .invalidAllowList: .internal
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
