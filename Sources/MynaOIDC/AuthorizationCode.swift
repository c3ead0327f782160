public import Foundation
import Crypto
import MynaCore

/// A one-time authorization code (RFC 6749 §4.1.2) and what the host stores under it.
///
/// The host stores the grant under ``lookupKey`` (a SHA-256 of the code), never the code
/// itself, so a leaked table of pending grants cannot be replayed at the token endpoint.
public struct AuthorizationCode: Sendable {
    /// The code for the redirect; 256 random bits (RFC 6749 §10.10).
    public let value: String

    public static func generate() -> AuthorizationCode {
        AuthorizationCode(value: Base64URL.randomToken())
    }

    public var lookupKey: Data { Self.lookupKey(for: value) }

    /// The key for a code presented at the token endpoint.
    public static func lookupKey(for presented: String) -> Data {
        Data(SHA256.hash(data: Array(presented.utf8)))
    }
}

/// What an authorization code stands for, from consent to redemption.
public struct AuthorizationGrant: Hashable, Sendable, Codable {
    public let clientID: String
    public let redirectURI: String
    public let scopes: ScopeSet
    /// The pairwise subject for the client's sector (``PairwiseSubject``).
    public let subject: String
    public let nonce: String?
    public let codeChallenge: String
    /// When the resident last authenticated with their card (OIDC Core §2 `auth_time`).
    public let authTime: Date
    public let acr: String?
    public let expiresAt: Date

    /// RFC 6749 §4.1.2 recommends at most ten minutes; one is plenty for a redirect.
    public static let defaultLifetime: TimeInterval = 60

    public init(
        request: AuthorizationRequest,
        subject: String,
        authTime: Date,
        acr: String? = nil,
        issuedAt now: Date,
        lifetime: TimeInterval = defaultLifetime
    ) {
        clientID = request.clientID
        redirectURI = request.redirectURI
        scopes = request.scopes
        self.subject = subject
        nonce = request.nonce
        codeChallenge = request.codeChallenge
        self.authTime = authTime
        self.acr = acr
        expiresAt = now.addingTimeInterval(lifetime)
    }
}

extension TokenRequest {
    /// Checks that this request may redeem `grant` (RFC 6749 §4.1.3, RFC 7636 §4.6): same
    /// client, identical redirect_uri, a verifier that hashes to the stored challenge, and
    /// not expired. Every failure is `invalid_grant` (RFC 6749 §5.2).
    ///
    /// Call it after ``authenticate(_:)``, on a grant the host has already removed from its
    /// store, so that a code is used at most once whatever the outcome (RFC 6749 §4.1.2).
    public func redeem(_ grant: AuthorizationGrant, now: Date) throws(OAuthError) {
        guard now < grant.expiresAt else {
            throw OAuthError(.invalidGrant, "the authorization code has expired")
        }
        guard grant.clientID == clientID else {
            throw OAuthError(.invalidGrant, "the authorization code was issued to another client")
        }
        guard grant.redirectURI == redirectURI else {
            throw OAuthError(.invalidGrant, "redirect_uri differs from the authorization request")
        }
        guard PKCE.verify(verifier: codeVerifier, challenge: grant.codeChallenge) else {
            throw OAuthError(.invalidGrant, "code_verifier does not match code_challenge")
        }
    }
}
