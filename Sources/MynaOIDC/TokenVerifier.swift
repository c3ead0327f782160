public import Foundation
public import Crypto
import JWTKit
import MynaCore

/// Verifies tokens this provider signed, from public keys only: what a resource server (or
/// a test) can do with nothing but the published JWKS.
///
/// jwt-kit checks the ES256 signature; the header and claim rules are checked here because
/// they need the expected issuer, audience and the caller's clock.
public struct TokenVerifier: Sendable {
    public let issuer: String
    private let keys: JWTKeyCollection
    private let keyIDs: Set<String>

    static let algorithm = "ES256"

    /// Builds a verifier from a JWK set (RFC 7517 §5) such as ``TokenSigner/jwks(alsoPublishing:)``
    /// serves. Only P-256 keys marked for ES256 and carrying a `kid` are taken: a token can
    /// never be checked with a key of another kind than it claims (RFC 8725 §3.1).
    public init(issuer: String, jwks: Data) async throws(TokenVerifierError) {
        let set: JWKS
        do {
            set = try JSONDecoder().decode(JWKS.self, from: jwks)
        } catch {
            throw .malformedKeySet
        }
        let usable = set.keys.filter { key in
            key.keyType == .ecdsa && key.curve?.rawValue == ECDSACurve.p256.rawValue
                && key.algorithm == .es256 && key.keyIdentifier != nil && key.privateExponent == nil
        }
        guard !usable.isEmpty else { throw .noUsableKey }
        let collection = JWTKeyCollection()
        do {
            for key in usable {
                try await collection.add(jwk: key)
            }
        } catch {
            throw .malformedKeySet
        }
        self.issuer = issuer
        keys = collection
        keyIDs = Set(usable.compactMap { $0.keyIdentifier?.string })
    }

    /// A verifier for keys held directly, named by their RFC 7638 thumbprints.
    public init(issuer: String, publicKeys: [P256.Signing.PublicKey]) async throws {
        let collection = JWTKeyCollection()
        var ids = Set<String>()
        for publicKey in publicKeys {
            let kid = JWKThumbprint.thumbprint(of: publicKey)
            await collection.add(ecdsa: try ES256PublicKey(backing: publicKey), kid: JWKIdentifier(string: kid))
            ids.insert(kid)
        }
        self.issuer = issuer
        keys = collection
        keyIDs = ids
    }

    /// RFC 9068 §4: the header `typ` must be `at+jwt` (so an ID token can never pass as an
    /// access token), the signature valid, `iss` this provider, `aud` this resource, and
    /// `exp` after `now`. Every failure is `invalid_token` (RFC 6750 §3.1).
    public func verifyAccessToken(
        _ token: String,
        audience: String,
        now: Date
    ) async throws(OAuthError) -> AccessTokenClaims {
        let claims = try await verifiedClaims(token, as: AccessTokenClaims.self) { type in
            guard let type = type?.lowercased() else { return false }
            return type == "at+jwt" || type == "application/at+jwt"
        }
        guard claims.issuer == issuer else { throw Self.invalid("the token was issued by another issuer") }
        guard claims.audience == audience else { throw Self.invalid("the token is not for this resource") }
        guard now < claims.expiresAt else { throw Self.invalid("the token has expired") }
        return claims
    }

    /// OIDC Core §3.1.3.7 as a client would check it: signature, `iss`, `aud` equal to the
    /// client_id, `exp`, and the `nonce` the client sent. A token typed `at+jwt` is refused.
    public func verifyIDToken(
        _ token: String,
        clientID: String,
        nonce: String?,
        now: Date
    ) async throws(OAuthError) -> IDTokenClaims {
        let claims = try await verifiedClaims(token, as: IDTokenClaims.self) { type in
            type == nil || type?.uppercased() == "JWT"
        }
        guard claims.issuer == issuer else { throw Self.invalid("the token was issued by another issuer") }
        guard claims.audience == clientID, claims.authorizedParty == clientID else {
            throw Self.invalid("the token is not for this client")
        }
        guard now < claims.expiresAt else { throw Self.invalid("the token has expired") }
        guard claims.nonce == nonce else { throw Self.invalid("the nonce does not match") }
        return claims
    }

    /// Header rules first (RFC 8725 §3.1, §3.11): ES256 only, a known `kid`, the expected
    /// `typ`, and no `crit` extensions (RFC 7515 §4.1.11: none are understood here). Then
    /// jwt-kit verifies the signature with the key that `kid` names.
    private func verifiedClaims<Claims: Codable & Sendable>(
        _ token: String,
        as _: Claims.Type,
        acceptsType: (String?) -> Bool
    ) async throws(OAuthError) -> Claims {
        let segments = token.split(separator: ".", omittingEmptySubsequences: false)
        guard segments.count == 3,
            let headerJSON = Base64URL.decode(String(segments[0])).map({ Data($0) }),
            let header = try? JSONDecoder().decode(ProtectedHeader.self, from: headerJSON)
        else { throw Self.invalid("the token is malformed") }
        guard header.alg == Self.algorithm, header.crit == nil else {
            throw Self.invalid("the token's algorithm is not accepted")
        }
        guard let kid = header.kid, keyIDs.contains(kid) else {
            throw Self.invalid("the token was signed with an unknown key")
        }
        guard acceptsType(header.typ) else { throw Self.invalid("the token has the wrong type") }
        do {
            return try await keys.verify(token, as: JWTPayloadAdapter<Claims>.self).claims
        } catch {
            throw Self.invalid("the token could not be verified")
        }
    }

    private static func invalid(_ description: String) -> OAuthError {
        OAuthError(.invalidToken, description)
    }

    private struct ProtectedHeader: Decodable {
        let alg: String?
        let kid: String?
        let typ: String?
        let crit: [String]?
    }
}

public enum TokenVerifierError: Error, Sendable, Equatable {
    case malformedKeySet
    case noUsableKey
}
