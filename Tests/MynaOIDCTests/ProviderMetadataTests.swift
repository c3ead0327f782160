import Foundation
import MynaOIDC
import Testing

@Suite struct ProviderMetadataTests {
    @Test func discoveryDocument() throws {
        let data = try ProviderMetadata(issuer: "https://myna.example", dataItems: Fixtures.dataItems).json()
        let json = try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["issuer"] as? String == "https://myna.example")
        #expect(json["authorization_endpoint"] as? String == "https://myna.example/oidc/authorize")
        #expect(json["token_endpoint"] as? String == "https://myna.example/oidc/token")
        #expect(json["userinfo_endpoint"] as? String == "https://myna.example/oidc/userinfo")
        #expect(json["jwks_uri"] as? String == "https://myna.example/oidc/jwks.json")
        #expect(json["revocation_endpoint"] as? String == "https://myna.example/oidc/revoke")
        #expect(json["response_types_supported"] as? [String] == ["code"])
        #expect(json["grant_types_supported"] as? [String] == ["authorization_code"])
        #expect(json["subject_types_supported"] as? [String] == ["pairwise"])
        #expect(json["id_token_signing_alg_values_supported"] as? [String] == ["ES256"])
        #expect(json["code_challenge_methods_supported"] as? [String] == ["S256"])
        #expect(json["token_endpoint_auth_methods_supported"] as? [String] == ["client_secret_basic", "client_secret_post", "none"])
        #expect(json["authorization_response_iss_parameter_supported"] as? Bool == true)
        #expect(json["request_uri_parameter_supported"] as? Bool == false)
        #expect(json["scopes_supported"] as? [String]
            == ["openid", "name", "address", "birthdate", "gender", "self:income-tax", "self:pension-benefit"])
        let claims = try #require(json["claims_supported"] as? [String])
        #expect(Set(["sub", "name", "name#ja-Kana-JP", "address", "birthdate", "gender", "amr", "at_hash"]).isSubset(of: claims))

        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"authorization_endpoint":"https://myna.example/oidc/authorize","#))  // sorted, unescaped
    }

    @Test func issuerWithPathAndTrailingSlash() throws {
        let metadata = try ProviderMetadata(issuer: "https://myna.example/tenant/", dataItems: [])
        #expect(metadata.tokenEndpoint == "https://myna.example/tenant/oidc/token")
        #expect(metadata.scopesSupported == ["openid", "name", "address", "birthdate", "gender"])
    }

    @Test(arguments: ["http://myna.example", "https://myna.example?x=1", "https://myna.example#f", "myna.example"])
    func issuerMustBeAPlainHTTPSURL(_ issuer: String) {
        #expect(throws: ProviderMetadataError.invalidIssuer) { try ProviderMetadata(issuer: issuer, dataItems: []) }
    }
}
