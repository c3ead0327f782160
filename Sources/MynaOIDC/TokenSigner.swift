public import Foundation
public import Crypto
import JWTKit
import MynaCore

/// Signs ID tokens and access tokens with the provider's ES256 key (RFC 7518 §3.4).
///
/// The host keeps the P-256 private key in its key store (e.g. its `rawRepresentation` or
/// PEM) and builds a `P256.Signing.PrivateKey` from it at start-up. The `kid` is the key's
/// RFC 7638 thumbprint, so clients can pick the right key from the JWKS during rotation.
public struct TokenSigner: Sendable {
    public let issuer: String
    /// RFC 7638 thumbprint of the public key.
    public let keyID: String
    public let publicKey: P256.Signing.PublicKey
    /// Verifies this signer's tokens with its public key only.
    public let verifier: TokenVerifier
    private let keys: JWTKeyCollection

    public init(issuer: String, privateKey: P256.Signing.PrivateKey) async throws {
        let keyID = JWKThumbprint.thumbprint(of: privateKey.publicKey)
        let encoder = JSONEncoder()
        // RFC 7519 §2 NumericDate: whole seconds; sorted keys make tokens reproducible.
        encoder.dateEncodingStrategy = .integerSecondsSince1970
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let collection = JWTKeyCollection(defaultJWTSerializer: DefaultJWTSerializer(jsonEncoder: encoder))
        await collection.add(ecdsa: try ES256PrivateKey(backing: privateKey), kid: JWKIdentifier(string: keyID))
        self.issuer = issuer
        self.keyID = keyID
        publicKey = privateKey.publicKey
        keys = collection
        verifier = try await TokenVerifier(issuer: issuer, publicKeys: [privateKey.publicKey])
    }

    /// The public JWK set for `jwks_uri` (RFC 7517 §5, OIDC Core §10.1.1): this key first,
    /// then `previousKeys`, which stay published after a rotation until every token they
    /// signed has expired. Sorted keys, so the document is byte-stable.
    public func jwks(alsoPublishing previousKeys: [P256.Signing.PublicKey] = []) -> Data {
        let keys = ([publicKey] + previousKeys).map { key in
            let (x, y) = JWKThumbprint.coordinates(of: key)
            return PublicJWK(
                kty: "EC", crv: "P-256", x: x, y: y,
                kid: JWKThumbprint.thumbprint(of: key), use: "sig", alg: TokenVerifier.algorithm
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Plain strings always encode.
        return (try? encoder.encode(["keys": keys])) ?? Data(#"{"keys":[]}"#.utf8)
    }

    /// Signs an ID token (OIDC Core §2, §3.1.3.6).
    ///
    /// - Parameters:
    ///   - accessToken: the access token issued in the same response; its `at_hash` is
    ///     included so the client can tell the two belong together.
    ///   - lifetime: seconds of validity; the ID token only has to survive the client's
    ///     check right after the token response.
    public func idToken(
        subject: String,
        clientID: String,
        authTime: Date,
        nonce: String?,
        accessToken: String?,
        acr: String? = nil,
        issuedAt now: Date,
        lifetime: TimeInterval = 300
    ) async throws -> String {
        let issuedAt = Self.wholeSeconds(now)
        let claims = IDTokenClaims(
            issuer: issuer,
            subject: subject,
            audience: clientID,
            expiresAt: issuedAt.addingTimeInterval(lifetime.rounded(.down)),
            issuedAt: issuedAt,
            authTime: Self.wholeSeconds(authTime),
            nonce: nonce,
            authenticationMethods: IDTokenClaims.cardAuthenticationMethods,
            authenticationContextClass: acr,
            accessTokenHash: accessToken.map(IDTokenClaims.accessTokenHash(of:)),
            authorizedParty: clientID
        )
        return try await keys.sign(
            JWTPayloadAdapter(claims),
            kid: JWKIdentifier(string: keyID),
            header: JWTHeader(fields: ["typ": .string("JWT")])
        )
    }

    /// Signs an RFC 9068 access token: header `typ` `at+jwt` (§2.1), claims of §2.2 and a
    /// fresh random `jti`.
    ///
    /// - Parameter audience: the resource identifier the token is for, e.g. the UserInfo
    ///   endpoint URL; resource servers refuse tokens for other audiences.
    public func accessToken(
        subject: String,
        clientID: String,
        audience: String,
        scopes: ScopeSet,
        authTime: Date?,
        issuedAt now: Date,
        lifetime: TimeInterval = 600
    ) async throws -> SignedAccessToken {
        let issuedAt = Self.wholeSeconds(now)
        let claims = AccessTokenClaims(
            issuer: issuer,
            expiresAt: issuedAt.addingTimeInterval(lifetime.rounded(.down)),
            audience: audience,
            subject: subject,
            clientID: clientID,
            issuedAt: issuedAt,
            jwtID: Base64URL.randomToken(),
            scope: scopes.rawValue,
            authTime: authTime.map(Self.wholeSeconds)
        )
        let token = try await keys.sign(
            JWTPayloadAdapter(claims),
            kid: JWKIdentifier(string: keyID),
            header: JWTHeader(fields: ["typ": .string("at+jwt")])
        )
        return SignedAccessToken(token: token, claims: claims)
    }

    /// Checks an access token presented to a resource (see ``TokenVerifier/verifyAccessToken(_:audience:now:)``).
    public func verifyAccessToken(
        _ token: String,
        audience: String,
        now: Date
    ) async throws(OAuthError) -> AccessTokenClaims {
        try await verifier.verifyAccessToken(token, audience: audience, now: now)
    }

    /// NumericDate is whole seconds (RFC 7519 §2); truncating here keeps the returned claims
    /// equal to what a verifier decodes.
    static func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    private struct PublicJWK: Encodable {
        let kty: String
        let crv: String
        let x: String
        let y: String
        let kid: String
        let use: String
        let alg: String
    }
}
