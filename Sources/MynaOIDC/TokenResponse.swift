public import Foundation

/// The successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3). No refresh token is
/// issued (see ``TokenRequest``).
public struct TokenResponse: Sendable, Encodable {
    public let accessToken: String
    public let tokenType = "Bearer"
    public let expiresIn: Int
    public let idToken: String
    public let scope: String

    /// RFC 6749 §5.1: the response carries tokens and MUST NOT be cached.
    public static let headers: [(name: String, value: String)] = [
        ("Content-Type", "application/json"),
        ("Cache-Control", "no-store"),
        ("Pragma", "no-cache"),
    ]

    public init(accessToken: SignedAccessToken, idToken: String) {
        self.accessToken = accessToken.token
        expiresIn = accessToken.expiresIn
        self.idToken = idToken
        scope = accessToken.claims.scope
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case idToken = "id_token"
        case scope
    }
}
