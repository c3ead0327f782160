import Crypto
import Foundation
import JWTKit
import MynaOIDC
import Testing

@Suite struct TokenSignerTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)
    let userinfo = Fixtures.issuer + "/oidc/userinfo"

    func signer(_ key: P256.Signing.PrivateKey = P256.Signing.PrivateKey()) async throws -> TokenSigner {
        try await TokenSigner(issuer: Fixtures.issuer, privateKey: key)
    }

    func base64URL(_ text: some StringProtocol) throws -> Data {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
        return try #require(Data(base64Encoded: standard))
    }

    func base64URLString(_ bytes: some Sequence<UInt8>) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    func jsonObject(_ data: Data) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func atHashOfAKnownToken() {
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y"
        let digest = Array(SHA256.hash(data: Data(token.utf8)))
        #expect(IDTokenClaims.accessTokenHash(of: token) == base64URLString(digest[0..<16]))
        #expect(IDTokenClaims.accessTokenHash(of: token).count == 22)
    }

    @Test func idTokenVerifiesFromTheJWKSAloneWithRawECDSA() async throws {
        let signer = try await signer()
        let access = try await signer.accessToken(
            subject: "sub-1", clientID: "city-portal", audience: userinfo, scopes: ScopeSet([.openid, .name]), authTime: now, issuedAt: now)
        let idToken = try await signer.idToken(
            subject: "sub-1", clientID: "city-portal", authTime: now.addingTimeInterval(-30), nonce: "n-0S6",
            accessToken: access.token, acr: "urn:example:card", issuedAt: now.addingTimeInterval(0.7))

        // Only the published JWKS JSON is used from here on.
        let jwks = try jsonObject(signer.jwks())
        let keys = try #require(jwks["keys"] as? [[String: String]])
        let jwk = try #require(keys.first)
        #expect(jwk["kty"] == "EC")
        #expect(jwk["crv"] == "P-256")
        #expect(jwk["use"] == "sig")
        #expect(jwk["alg"] == "ES256")
        #expect(jwk["d"] == nil)
        let x = try base64URL(try #require(jwk["x"]))
        let y = try base64URL(try #require(jwk["y"]))
        let publicKey = try P256.Signing.PublicKey(x963Representation: Data([0x04]) + x + y)

        let parts = idToken.split(separator: ".")
        #expect(parts.count == 3)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: try base64URL(parts[2]))
        #expect(try base64URL(parts[2]).count == 64)  // raw r || s
        let signingInput = Data("\(parts[0]).\(parts[1])".utf8)
        #expect(publicKey.isValidSignature(signature, for: signingInput))
        #expect(!publicKey.isValidSignature(signature, for: signingInput + Data("x".utf8)))

        let header = try jsonObject(try base64URL(parts[0]))
        #expect(header["alg"] as? String == "ES256")
        #expect(header["kid"] as? String == jwk["kid"])

        let claims = try jsonObject(try base64URL(parts[1]))
        #expect(claims["iss"] as? String == Fixtures.issuer)
        #expect(claims["sub"] as? String == "sub-1")
        #expect(claims["aud"] as? String == "city-portal")
        #expect(claims["azp"] as? String == "city-portal")
        #expect(claims["nonce"] as? String == "n-0S6")
        #expect(claims["amr"] as? [String] == ["hwk", "pin"])
        #expect(claims["acr"] as? String == "urn:example:card")
        #expect(claims["iat"] as? Int == 1_750_000_000)
        #expect(claims["exp"] as? Int == 1_750_000_300)
        #expect(claims["auth_time"] as? Int == 1_749_999_970)
        #expect(claims["at_hash"] as? String == IDTokenClaims.accessTokenHash(of: access.token))
    }

    @Test func idTokenVerifiesThroughJWTKitFromTheJWKS() async throws {
        let signer = try await signer()
        let idToken = try await signer.idToken(
            subject: "sub-1", clientID: "city-portal", authTime: now, nonce: nil, accessToken: nil, issuedAt: now)
        let verifier = try await TokenVerifier(issuer: Fixtures.issuer, jwks: signer.jwks())
        let claims = try await verifier.verifyIDToken(idToken, clientID: "city-portal", nonce: nil, now: now)
        #expect(claims.subject == "sub-1")
        #expect(claims.nonce == nil)
        #expect(claims.accessTokenHash == nil)
        #expect(claims.authenticationMethods == ["hwk", "pin"])

        // jwt-kit alone, fed the same JWKS, accepts the signature too.
        let collection = try await JWTKeyCollection().add(jwksJSON: String(decoding: signer.jwks(), as: UTF8.self))
        let raw = try await collection.verify(idToken, as: RawClaims.self)
        #expect(raw.sub == "sub-1")

        await #expect(throws: OAuthError.self) { try await verifier.verifyIDToken(idToken, clientID: "tax-app", nonce: nil, now: now) }
        await #expect(throws: OAuthError.self) { try await verifier.verifyIDToken(idToken, clientID: "city-portal", nonce: "n", now: now) }
        await #expect(throws: OAuthError.self) {
            try await verifier.verifyIDToken(idToken, clientID: "city-portal", nonce: nil, now: now.addingTimeInterval(300))
        }
    }

    @Test func thumbprintIsSHA256OfTheCanonicalMembers() async throws {
        let key = P256.Signing.PrivateKey()
        let first = try await signer(key)
        let second = try await signer(key)
        #expect(first.keyID == second.keyID)

        let point = Array(key.publicKey.x963Representation)
        let x = base64URLString(point[1..<33])
        let y = base64URLString(point[33..<65])
        let canonical = #"{"crv":"P-256","kty":"EC","x":""# + x + #"","y":""# + y + #""}"#
        #expect(first.keyID == base64URLString(SHA256.hash(data: Data(canonical.utf8))))
        #expect(first.keyID.count == 43)

        let jwk = try #require((try jsonObject(first.jwks())["keys"] as? [[String: String]])?.first)
        #expect(jwk["x"] == x && jwk["y"] == y && jwk["kid"] == first.keyID)
        #expect(try await signer().keyID != first.keyID)
    }

    @Test func jwksIsByteStableAndPublishesPreviousKeys() async throws {
        let old = P256.Signing.PrivateKey()
        let signer = try await signer()
        #expect(signer.jwks() == signer.jwks())
        let keys = try #require(try jsonObject(signer.jwks(alsoPublishing: [old.publicKey]))["keys"] as? [[String: String]])
        #expect(keys.count == 2)
        #expect(keys[0]["kid"] == signer.keyID)
        #expect(keys[1]["kid"] == (try await self.signer(old)).keyID)
    }

    @Test func accessTokenVerifies() async throws {
        let signer = try await signer()
        let access = try await signer.accessToken(
            subject: "sub-1", clientID: "city-portal", audience: userinfo,
            scopes: ScopeSet([.openid, .address, .selfInformation(dataItem: "income-tax")]), authTime: now, issuedAt: now, lifetime: 600)
        let header = try jsonObject(try base64URL(access.token.split(separator: ".")[0]))
        #expect(header["typ"] as? String == "at+jwt")
        #expect(access.expiresIn == 600)

        let claims = try await signer.verifyAccessToken(access.token, audience: userinfo, now: now.addingTimeInterval(599))
        #expect(claims == access.claims)
        #expect(claims.clientID == "city-portal")
        #expect(claims.scope == "openid address self:income-tax")
        #expect(claims.scopes.dataItems == ["income-tax"])
        #expect(claims.jwtID.count == 43)

        // The same check from the JWKS alone.
        let verifier = try await TokenVerifier(issuer: Fixtures.issuer, jwks: signer.jwks())
        #expect(try await verifier.verifyAccessToken(access.token, audience: userinfo, now: now) == access.claims)
    }

    @Test func expiredAccessTokenFails() async throws {
        let signer = try await signer()
        let access = try await signer.accessToken(
            subject: "s", clientID: "c", audience: userinfo, scopes: ScopeSet([.openid]), authTime: nil, issuedAt: now, lifetime: 600)
        let error = await #expect(throws: OAuthError.self) {
            try await signer.verifyAccessToken(access.token, audience: userinfo, now: now.addingTimeInterval(600))
        }
        #expect(error?.code == .invalidToken)
        #expect(error?.description == "the token has expired")
    }

    @Test func tamperedAccessTokenFails() async throws {
        let signer = try await signer()
        let access = try await signer.accessToken(
            subject: "s", clientID: "c", audience: userinfo, scopes: ScopeSet([.openid]), authTime: nil, issuedAt: now)
        let parts = access.token.split(separator: ".").map(String.init)

        // A payload widened to another scope, signature left as it was.
        var claims = try jsonObject(try base64URL(parts[1]))
        claims["scope"] = "openid name address birthdate gender"
        let forgedPayload = base64URLString(try JSONSerialization.data(withJSONObject: claims))
        let forged = [parts[0], forgedPayload, parts[2]].joined(separator: ".")
        let error = await #expect(throws: OAuthError.self) { try await signer.verifyAccessToken(forged, audience: userinfo, now: now) }
        #expect(error?.code == .invalidToken)

        // A flipped signature byte.
        var signature = Array(try base64URL(parts[2]))
        signature[10] ^= 0x01
        let flipped = [parts[0], parts[1], base64URLString(signature)].joined(separator: ".")
        await #expect(throws: OAuthError.self) { try await signer.verifyAccessToken(flipped, audience: userinfo, now: now) }

        // A token from another key with the same kid.
        let impostor = try await TokenSigner(issuer: Fixtures.issuer, privateKey: P256.Signing.PrivateKey())
        let foreign = try await impostor.accessToken(
            subject: "s", clientID: "c", audience: userinfo, scopes: ScopeSet([.openid]), authTime: nil, issuedAt: now)
        let foreignParts = foreign.token.split(separator: ".").map(String.init)
        var foreignHeader = try jsonObject(try base64URL(foreignParts[0]))
        foreignHeader["kid"] = signer.keyID
        let relabelled = [base64URLString(try JSONSerialization.data(withJSONObject: foreignHeader)), foreignParts[1], foreignParts[2]].joined(separator: ".")
        await #expect(throws: OAuthError.self) { try await signer.verifyAccessToken(relabelled, audience: userinfo, now: now) }

        // alg "none" with no signature.
        let none = base64URLString(Data(#"{"alg":"none","typ":"at+jwt"}"#.utf8)) + "." + parts[1] + "."
        await #expect(throws: OAuthError.self) { try await signer.verifyAccessToken(none, audience: userinfo, now: now) }
        await #expect(throws: OAuthError.self) { try await signer.verifyAccessToken("not a jwt", audience: userinfo, now: now) }
    }

    @Test func tokenTypesCannotBeSwapped() async throws {
        let signer = try await signer()
        let idToken = try await signer.idToken(
            subject: "s", clientID: "c", authTime: now, nonce: nil, accessToken: nil, issuedAt: now)
        let error = await #expect(throws: OAuthError.self) { try await signer.verifyAccessToken(idToken, audience: userinfo, now: now) }
        #expect(error?.description == "the token has the wrong type")

        let access = try await signer.accessToken(
            subject: "s", clientID: "c", audience: userinfo, scopes: ScopeSet([.openid]), authTime: nil, issuedAt: now)
        await #expect(throws: OAuthError.self) { try await signer.verifier.verifyIDToken(access.token, clientID: "c", nonce: nil, now: now) }
    }

    @Test func wrongIssuerOrAudienceFails() async throws {
        let signer = try await signer()
        let access = try await signer.accessToken(
            subject: "s", clientID: "c", audience: userinfo, scopes: ScopeSet([.openid]), authTime: nil, issuedAt: now)
        await #expect(throws: OAuthError.self) {
            try await signer.verifyAccessToken(access.token, audience: Fixtures.issuer + "/api/self", now: now)
        }
        let elsewhere = try await TokenVerifier(issuer: "https://other.example", jwks: signer.jwks())
        await #expect(throws: OAuthError.self) { try await elsewhere.verifyAccessToken(access.token, audience: userinfo, now: now) }
    }

    @Test func keySetsWithoutUsableKeysAreRefused() async {
        await #expect(throws: TokenVerifierError.noUsableKey) {
            try await TokenVerifier(issuer: Fixtures.issuer, jwks: Data(#"{"keys":[]}"#.utf8))
        }
        await #expect(throws: TokenVerifierError.malformedKeySet) {
            try await TokenVerifier(issuer: Fixtures.issuer, jwks: Data("[]".utf8))
        }
    }

    @Test func tokenResponse() async throws {
        let signer = try await signer()
        let access = try await signer.accessToken(
            subject: "s", clientID: "c", audience: userinfo, scopes: ScopeSet([.openid, .name]), authTime: nil, issuedAt: now)
        let response = try jsonObject(TokenResponse(accessToken: access, idToken: "id.token.here").json())
        #expect(response["token_type"] as? String == "Bearer")
        #expect(response["expires_in"] as? Int == 600)
        #expect(response["scope"] as? String == "openid name")
        #expect(response["access_token"] as? String == access.token)
        #expect(response["refresh_token"] == nil)
        #expect(TokenResponse.headers.contains { $0.name == "Cache-Control" && $0.value == "no-store" })
    }
}

/// Claims read by jwt-kit directly, to show the tokens need nothing from this module.
struct RawClaims: JWTPayload {
    let sub: String
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
