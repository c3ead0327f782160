public import Foundation

/// A parsed request to the token endpoint (RFC 6749 §4.1.3), authorization code grant only.
///
/// Refresh tokens are not issued, so `grant_type=refresh_token` is `unsupported_grant_type`
/// like every other grant: the resident proves presence with their card for each session.
public struct TokenRequest: Hashable, Sendable {
    /// How the client identified itself (RFC 6749 §2.3, OIDC Core §9).
    public enum ClientAuthentication: Hashable, Sendable, CustomStringConvertible {
        /// HTTP Basic with the form-urlencoded id and secret (RFC 6749 §2.3.1).
        case clientSecretBasic(clientID: String, secret: String)
        /// id and secret in the form body (RFC 6749 §2.3.1, discouraged but allowed).
        case clientSecretPost(clientID: String, secret: String)
        /// A public client: client_id only, PKCE carries the proof (RFC 6749 §3.2.1).
        case none(clientID: String)

        public var clientID: String {
            switch self {
            case .clientSecretBasic(let id, _), .clientSecretPost(let id, _), .none(let id): id
            }
        }

        /// The `token_endpoint_auth_method` name (OIDC Core §9).
        public var method: String {
            switch self {
            case .clientSecretBasic: "client_secret_basic"
            case .clientSecretPost: "client_secret_post"
            case .none: "none"
            }
        }

        /// Never prints the secret, so the value is safe in logs.
        public var description: String { "\(method)(\(clientID))" }
    }

    public let code: String
    public let redirectURI: String
    public let codeVerifier: String
    public let clientAuthentication: ClientAuthentication

    public var clientID: String { clientAuthentication.clientID }

    /// Parses the body of a token request and its `Authorization` header.
    public static func parse(body: Data, authorization: String?) throws(OAuthError) -> TokenRequest {
        guard let text = String(data: body, encoding: .utf8) else {
            throw OAuthError(.invalidRequest, "the body is not UTF-8")
        }
        return try parse(body: text, authorization: authorization)
    }

    /// Parses the body of a token request (`application/x-www-form-urlencoded`, RFC 6749
    /// §3.2) and its `Authorization` header. Repeated parameters are refused (§3.2), empty
    /// ones count as absent (§3.1), and more than one way of authenticating the client is
    /// refused (§2.3).
    public static func parse(body: String, authorization: String?) throws(OAuthError) -> TokenRequest {
        var values: [String: String] = [:]
        do {
            for (name, value) in try FormURLEncoded.pairs(body) where !value.isEmpty {
                guard values.updateValue(value, forKey: name) == nil else {
                    throw OAuthError(.invalidRequest, "\(name) is repeated")
                }
            }
        } catch let error as OAuthError {
            throw error
        } catch {
            throw OAuthError(.invalidRequest, "the body is not valid form-urlencoded text")
        }

        guard let grantType = values["grant_type"] else {
            throw OAuthError(.invalidRequest, "grant_type is required")
        }
        guard grantType == "authorization_code" else {
            throw OAuthError(.unsupportedGrantType, "only the authorization_code grant is supported")
        }
        guard let code = values["code"] else { throw OAuthError(.invalidRequest, "code is required") }
        guard let redirectURI = values["redirect_uri"] else {
            throw OAuthError(.invalidRequest, "redirect_uri is required")
        }
        guard let codeVerifier = values["code_verifier"] else {
            throw OAuthError(.invalidRequest, "code_verifier is required (PKCE, RFC 7636)")
        }
        guard PKCE.isValidVerifier(codeVerifier) else {
            throw OAuthError(.invalidRequest, "code_verifier must be 43 to 128 unreserved characters")
        }

        return TokenRequest(
            code: code,
            redirectURI: redirectURI,
            codeVerifier: codeVerifier,
            clientAuthentication: try clientAuthentication(values: values, authorization: authorization)
        )
    }

    /// Checks the client's credentials against its registration. Any failure is
    /// `invalid_client` (RFC 6749 §5.2) with the same message, so a caller cannot learn
    /// whether the id or the secret was wrong.
    public func authenticate(_ client: ClientRegistration) throws(OAuthError) {
        try Self.authenticate(clientAuthentication, against: client)
    }

    /// The same check for any endpoint a client authenticates to (revocation, RFC 7009 §2.1).
    public static func authenticate(_ authentication: ClientAuthentication, against client: ClientRegistration) throws(OAuthError) {
        let failure = OAuthError(.invalidClient, "client authentication failed")
        guard client.clientID == authentication.clientID else { throw failure }
        switch (client.clientType, authentication) {
        case (.confidential(let hash), .clientSecretBasic(_, let secret)),
            (.confidential(let hash), .clientSecretPost(_, let secret)):
            guard hash.matches(secret) else { throw failure }
        case (.public, .none):
            return
        case (.confidential, .none), (.public, .clientSecretBasic), (.public, .clientSecretPost):
            throw failure
        }
    }

    /// How the client authenticated, from a form body and the `Authorization` header.
    public static func clientAuthentication(form: [String: String], authorization: String?) throws(OAuthError) -> ClientAuthentication {
        try clientAuthentication(values: form, authorization: authorization)
    }

    private static func clientAuthentication(
        values: [String: String],
        authorization: String?
    ) throws(OAuthError) -> ClientAuthentication {
        let bodyClientID = values["client_id"]
        let bodySecret = values["client_secret"]
        if let authorization {
            let (id, secret) = try basicCredentials(authorization)
            guard bodySecret == nil else {
                throw OAuthError(.invalidRequest, "use only one client authentication method")
            }
            if let bodyClientID, bodyClientID != id {
                throw OAuthError(.invalidRequest, "client_id differs from the Authorization header")
            }
            return .clientSecretBasic(clientID: id, secret: secret)
        }
        guard let bodyClientID else {
            throw OAuthError(.invalidClient, "client authentication failed")
        }
        if let bodySecret {
            return .clientSecretPost(clientID: bodyClientID, secret: bodySecret)
        }
        return .none(clientID: bodyClientID)
    }

    /// `Basic base64(urlencode(id) ":" urlencode(secret))` (RFC 6749 §2.3.1, RFC 7617 §2).
    /// The scheme name is case-insensitive (RFC 9110 §11.1). Only Basic is accepted.
    private static func basicCredentials(_ header: String) throws(OAuthError) -> (String, String) {
        let failure = OAuthError(.invalidClient, "client authentication failed")
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { throw failure }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        guard let decoded = Data(base64Encoded: token),
            let credentials = String(data: decoded, encoding: .utf8),
            let colon = credentials.firstIndex(of: ":")
        else { throw failure }
        do {
            let id = try FormURLEncoded.decodeComponent(credentials[..<colon])
            let secret = try FormURLEncoded.decodeComponent(credentials[credentials.index(after: colon)...])
            guard !id.isEmpty, !secret.isEmpty else { throw failure }
            return (id, secret)
        } catch {
            throw failure
        }
    }
}
