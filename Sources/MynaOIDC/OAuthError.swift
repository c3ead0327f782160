public import Foundation

/// An error answered to a client, in the vocabulary of RFC 6749 §4.1.2.1 (authorization
/// endpoint), §5.2 (token endpoint), RFC 6750 §3.1 (protected resources) and OpenID Connect
/// Core §3.1.2.6. The description is shown to client developers, so it names the rule that
/// failed and never echoes personal data.
public struct OAuthError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case invalidRequest = "invalid_request"
        case unauthorizedClient = "unauthorized_client"
        case accessDenied = "access_denied"
        case unsupportedResponseType = "unsupported_response_type"
        case invalidScope = "invalid_scope"
        case serverError = "server_error"
        case temporarilyUnavailable = "temporarily_unavailable"
        case invalidGrant = "invalid_grant"
        case invalidClient = "invalid_client"
        case unsupportedGrantType = "unsupported_grant_type"
        case invalidToken = "invalid_token"
        case loginRequired = "login_required"
        case consentRequired = "consent_required"
    }

    public let code: Code
    public let description: String
    /// Whether the error may be sent to the client's redirect URI. RFC 6749 §4.1.2.1: when
    /// the client_id or redirect_uri is missing or wrong, the server MUST NOT redirect, or it
    /// becomes an open redirector; it informs the resource owner instead.
    public let redirectable: Bool
    /// Filled by ``AuthorizationRequest/validate(_:client:dataItems:)`` once the redirect URI
    /// has been checked, so a redirectable error knows where to go.
    public internal(set) var redirectURI: String?
    /// The client's `state`, echoed on error redirects (RFC 6749 §4.1.2.1) when it was valid.
    public internal(set) var state: String?

    public init(_ code: Code, _ description: String, redirectable: Bool = false) {
        self.code = code
        self.description = Self.sanitized(description)
        self.redirectable = redirectable
    }

    /// The status a token or resource endpoint answers with: RFC 6749 §5.2 (400, or 401 for
    /// a failed client authentication), RFC 6750 §3.1 (401 for invalid_token).
    public var httpStatus: Int {
        switch code {
        case .invalidClient, .invalidToken: 401
        case .serverError: 500
        case .temporarilyUnavailable: 503
        default: 400
        }
    }

    /// The JSON error body of RFC 6749 §5.2: `{"error":…,"error_description":…}`.
    public var json: Data {
        let body = ["error": code.rawValue, "error_description": description]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // A [String: String] always encodes; the fallback only keeps the signature total.
        return (try? encoder.encode(body)) ?? Data(#"{"error":"server_error"}"#.utf8)
    }

    /// The error redirect of RFC 6749 §4.1.2.1 with `iss` per RFC 9207 §2, or `nil` when the
    /// error must not be redirected and the host shows its own error page instead.
    public func redirectURL(to redirectURI: String, state: String?, issuer: String) -> String? {
        guard redirectable else { return nil }
        return errorResponseURL(to: redirectURI, state: state, issuer: issuer)
    }

    /// The error redirect using the redirect URI and state that validation attached.
    public func redirectURL(issuer: String) -> String? {
        guard let redirectURI else { return nil }
        return redirectURL(to: redirectURI, state: state, issuer: issuer)
    }

    /// The redirect itself, for callers that have already established it is allowed.
    func errorResponseURL(to redirectURI: String, state: String?, issuer: String) -> String {
        var parameters = [("error", code.rawValue), ("error_description", description)]
        if let state { parameters.append(("state", state)) }
        parameters.append(("iss", issuer))
        return FormURLEncoded.appendingQuery(parameters, to: redirectURI)
    }

    func attaching(redirectURI: String, state: String?) -> OAuthError {
        var copy = self
        copy.redirectURI = redirectURI
        copy.state = state
        return copy
    }

    /// RFC 6749 §5.2 limits error_description to %x20-21 / %x23-5B / %x5D-7E: printable ASCII
    /// without `"` and `\`. Anything else is replaced so the rule cannot be broken by a caller.
    private static func sanitized(_ text: String) -> String {
        String(text.unicodeScalars.map { scalar in
            let value = scalar.value
            let allowed = (0x20...0x7E).contains(value) && value != 0x22 && value != 0x5C
            return allowed ? Character(scalar) : "?"
        })
    }
}
