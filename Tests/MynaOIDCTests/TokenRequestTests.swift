import Foundation
import MynaOIDC
import Testing

@Suite struct TokenRequestTests {
    static let body = "grant_type=authorization_code&code=SplxlOBeZQQYbYS6WxSbIA"
        + "&redirect_uri=https%3A%2F%2Fportal.city.example%2Fcallback&code_verifier=\(Fixtures.verifier)"

    static func basic(_ id: String, _ secret: String) -> String {
        let pair = FormURLEncoded.encodeComponent(id) + ":" + FormURLEncoded.encodeComponent(secret)
        return "Basic " + Data(pair.utf8).base64EncodedString()
    }

    @Test func basicAuthentication() throws {
        let request = try TokenRequest.parse(body: Self.body, authorization: Self.basic("city-portal", Fixtures.clientSecret.value))
        #expect(request.code == "SplxlOBeZQQYbYS6WxSbIA")
        #expect(request.redirectURI == "https://portal.city.example/callback")
        #expect(request.codeVerifier == Fixtures.verifier)
        #expect(request.clientAuthentication == .clientSecretBasic(clientID: "city-portal", secret: Fixtures.clientSecret.value))
        #expect(throws: Never.self) { try request.authenticate(try Fixtures.webClient()) }
        #expect(!request.clientAuthentication.description.contains(Fixtures.clientSecret.value))
    }

    @Test func basicCredentialsAreFormDecoded() throws {
        // RFC 6749 §2.3.1: id and secret are form-urlencoded before Basic encoding.
        let secret = "s3cr:t %/+é"
        let header = Self.basic("client:1", secret)
        #expect(header == "Basic " + Data("client%3A1:s3cr%3At%20%25%2F%2B%C3%A9".utf8).base64EncodedString())
        let request = try TokenRequest.parse(body: Self.body, authorization: header)
        #expect(request.clientAuthentication == .clientSecretBasic(clientID: "client:1", secret: secret))

        // A '+' in the header's secret is a space, as form decoding says.
        let plus = "Basic " + Data("c1:a+b".utf8).base64EncodedString()
        #expect(try TokenRequest.parse(body: Self.body, authorization: plus).clientAuthentication == .clientSecretBasic(clientID: "c1", secret: "a b"))
        // Case-insensitive scheme name.
        let lower = "basic " + Data("c1:x".utf8).base64EncodedString()
        #expect(try TokenRequest.parse(body: Self.body, authorization: lower).clientID == "c1")
    }

    @Test(arguments: ["Bearer abc", "Basic !!!", "Basic " + Data("no-colon".utf8).base64EncodedString(), "Basic " + Data("c1:%zz".utf8).base64EncodedString()])
    func badAuthorizationHeaderIsInvalidClient(_ header: String) {
        let error = #expect(throws: OAuthError.self) { try TokenRequest.parse(body: Self.body, authorization: header) }
        #expect(error?.code == .invalidClient)
        #expect(error?.httpStatus == 401)
    }

    @Test func clientSecretPostAndNone() throws {
        let post = try TokenRequest.parse(body: Self.body + "&client_id=city-portal&client_secret=\(Fixtures.clientSecret.value)", authorization: nil)
        #expect(post.clientAuthentication == .clientSecretPost(clientID: "city-portal", secret: Fixtures.clientSecret.value))
        #expect(throws: Never.self) { try post.authenticate(try Fixtures.webClient()) }

        let none = try TokenRequest.parse(body: Self.body + "&client_id=tax-app", authorization: nil)
        #expect(none.clientAuthentication == .none(clientID: "tax-app"))
        #expect(throws: Never.self) { try none.authenticate(try Fixtures.nativeClient()) }
    }

    @Test func authenticationFailures() throws {
        let wrongSecret = try TokenRequest.parse(body: Self.body, authorization: Self.basic("city-portal", "guess"))
        #expect(throws: OAuthError(.invalidClient, "client authentication failed")) { try wrongSecret.authenticate(try Fixtures.webClient()) }

        let noSecret = try TokenRequest.parse(body: Self.body + "&client_id=city-portal", authorization: nil)
        #expect(throws: OAuthError(.invalidClient, "client authentication failed")) { try noSecret.authenticate(try Fixtures.webClient()) }

        let publicWithSecret = try TokenRequest.parse(body: Self.body, authorization: Self.basic("tax-app", "x"))
        #expect(throws: OAuthError(.invalidClient, "client authentication failed")) { try publicWithSecret.authenticate(try Fixtures.nativeClient()) }

        let otherClient = try TokenRequest.parse(body: Self.body + "&client_id=tax-app", authorization: nil)
        #expect(throws: OAuthError(.invalidClient, "client authentication failed")) { try otherClient.authenticate(try Fixtures.webClient()) }
    }

    @Test func twoAuthenticationMethodsAreRefused() {
        let error = #expect(throws: OAuthError.self) {
            try TokenRequest.parse(body: Self.body + "&client_secret=x", authorization: Self.basic("city-portal", "y"))
        }
        #expect(error?.code == .invalidRequest)
        let mismatch = #expect(throws: OAuthError.self) {
            try TokenRequest.parse(body: Self.body + "&client_id=other", authorization: Self.basic("city-portal", "y"))
        }
        #expect(mismatch?.code == .invalidRequest)
    }

    @Test func noClientIdentificationIsInvalidClient() {
        let error = #expect(throws: OAuthError.self) { try TokenRequest.parse(body: Self.body, authorization: nil) }
        #expect(error?.code == .invalidClient)
    }

    @Test func repeatedParametersAreRefused() {
        let error = #expect(throws: OAuthError.self) {
            try TokenRequest.parse(body: Self.body + "&code=another&client_id=tax-app", authorization: nil)
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.description == "code is repeated")
    }

    @Test(arguments: ["refresh_token", "password", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange"])
    func otherGrantTypesAreUnsupported(_ grant: String) {
        let body = "grant_type=\(FormURLEncoded.encodeComponent(grant))&refresh_token=abc&client_id=tax-app"
        let error = #expect(throws: OAuthError.self) { try TokenRequest.parse(body: body, authorization: nil) }
        #expect(error?.code == .unsupportedGrantType)
    }

    @Test func requiredParameters() {
        for name in ["grant_type", "code", "redirect_uri", "code_verifier"] {
            let body = Self.body.split(separator: "&").filter { !$0.hasPrefix(name + "=") }.joined(separator: "&") + "&client_id=tax-app"
            let error = #expect(throws: OAuthError.self) { try TokenRequest.parse(body: body, authorization: nil) }
            #expect(error?.code == .invalidRequest)
        }
        let shortVerifier = Self.body.replacingOccurrences(of: Fixtures.verifier, with: "tooshort") + "&client_id=tax-app"
        #expect(throws: OAuthError.self) { try TokenRequest.parse(body: shortVerifier, authorization: nil) }
    }

    @Test func malformedBodyIsRefused() {
        for body in [Self.body + "&x=%4", Self.body + "&x=%G1", Self.body + "&x=%FF"] {
            let error = #expect(throws: OAuthError.self) { try TokenRequest.parse(body: body + "&client_id=tax-app", authorization: nil) }
            #expect(error?.code == .invalidRequest)
        }
        #expect(throws: OAuthError.self) { try TokenRequest.parse(body: Data([0xFF, 0xFE]), authorization: nil) }
    }
}

@Suite struct FormURLEncodedTests {
    @Test func decodesPlusPercentAndUTF8() throws {
        let pairs = try FormURLEncoded.pairs("a=1+2&b=%E3%83%9E%E3%82%A4%E3%83%8A&flag&c=x%3Dy&&d=")
        #expect(pairs.map(\.0) == ["a", "b", "flag", "c", "d"])
        #expect(pairs.map(\.1) == ["1 2", "マイナ", "", "x=y", ""])
    }

    @Test func rejectsDuplicatesAndBadEscapes() {
        #expect(throws: FormURLEncoded.DecodingError.duplicate(name: "a")) { try FormURLEncoded.parameters("a=1&b=2&a=3") }
        #expect(throws: FormURLEncoded.DecodingError.malformedPercentEncoding) { try FormURLEncoded.parameters("a=%2") }
        #expect(throws: FormURLEncoded.DecodingError.malformedPercentEncoding) { try FormURLEncoded.parameters("a=%%41") }
        // U+0000 means nothing in a form and PostgreSQL cannot hold it.
        #expect(throws: FormURLEncoded.DecodingError.nul) { try FormURLEncoded.parameters("code=a%00b") }
        #expect(throws: FormURLEncoded.DecodingError.notUTF8) { try FormURLEncoded.parameters("a=%C3") }
        #expect(throws: FormURLEncoded.DecodingError.emptyName) { try FormURLEncoded.parameters("=x") }
    }

    @Test func encodingRoundTrips() throws {
        let pairs = [("redirect_uri", "https://rp.example/cb?x=1&y=2"), ("name", "山田 太郎+~")]
        let encoded = FormURLEncoded.encode(pairs)
        #expect(encoded == "redirect_uri=https%3A%2F%2Frp.example%2Fcb%3Fx%3D1%26y%3D2&name=%E5%B1%B1%E7%94%B0%20%E5%A4%AA%E9%83%8E%2B~")
        #expect(try FormURLEncoded.parameters(encoded) == Dictionary(uniqueKeysWithValues: pairs))
    }
}
