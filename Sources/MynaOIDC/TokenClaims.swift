public import Foundation
import Crypto
import MynaCore

/// The claims of an ID token (OIDC Core §2, §3.1.3.6).
public struct IDTokenClaims: Codable, Hashable, Sendable {
    public let issuer: String
    /// The pairwise subject (``PairwiseSubject``).
    public let subject: String
    /// The client_id; one audience only, so `azp` equals it.
    public let audience: String
    public let expiresAt: Date
    public let issuedAt: Date
    /// When the resident authenticated with their card; sent always, so clients that used
    /// `max_age` can check it (OIDC Core §3.1.2.1).
    public let authTime: Date
    public let nonce: String?
    /// RFC 8176 method references: `hwk` (the card's hardware-held key) and `pin` (its PIN).
    public let authenticationMethods: [String]
    public let authenticationContextClass: String?
    /// `at_hash` (OIDC Core §3.1.3.6), binding the ID token to the access token issued with it.
    public let accessTokenHash: String?
    public let authorizedParty: String

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case subject = "sub"
        case audience = "aud"
        case expiresAt = "exp"
        case issuedAt = "iat"
        case authTime = "auth_time"
        case nonce
        case authenticationMethods = "amr"
        case authenticationContextClass = "acr"
        case accessTokenHash = "at_hash"
        case authorizedParty = "azp"
    }

    /// Card authentication: the card's private key used inside its chip, unlocked by a PIN.
    public static let cardAuthenticationMethods = ["hwk", "pin"]

    /// OIDC Core §3.1.3.6: base64url of the left-most half of the SHA-256 hash of the ASCII
    /// access token (SHA-256 because the token is signed with ES256).
    public static func accessTokenHash(of accessToken: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Array(accessToken.utf8))).prefix(16))
    }
}

/// The claims of a JWT access token (RFC 9068 §2.2).
public struct AccessTokenClaims: Codable, Hashable, Sendable {
    public let issuer: String
    public let expiresAt: Date
    /// The resource the token is for (the UserInfo endpoint or the self-information API).
    public let audience: String
    public let subject: String
    public let clientID: String
    public let issuedAt: Date
    /// A unique token id, which the host can record to honour revocation (RFC 7009).
    public let jwtID: String
    /// Space-delimited scopes (RFC 9068 §2.2.3, RFC 8693 §4.2).
    public let scope: String
    public let authTime: Date?

    enum CodingKeys: String, CodingKey {
        case issuer = "iss"
        case expiresAt = "exp"
        case audience = "aud"
        case subject = "sub"
        case clientID = "client_id"
        case issuedAt = "iat"
        case jwtID = "jti"
        case scope
        case authTime = "auth_time"
    }

    /// The granted scopes, for a resource server deciding what the token allows.
    public var scopes: ScopeSet {
        ScopeSet(scope.split(separator: " ").compactMap { Scope(storedValue: String($0)) })
    }
}

/// A signed access token with its claims, for building the token response.
public struct SignedAccessToken: Hashable, Sendable {
    public let token: String
    public let claims: AccessTokenClaims

    /// `expires_in` of the token response (RFC 6749 §5.1).
    public var expiresIn: Int {
        Int(claims.expiresAt.timeIntervalSince(claims.issuedAt))
    }
}
