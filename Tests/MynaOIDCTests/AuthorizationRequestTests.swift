import MynaOIDC
import Testing

@Suite struct AuthorizationRequestTests {
    let lookup: (String) -> ClientRegistration?

    init() throws {
        lookup = Fixtures.lookup([try Fixtures.webClient(), try Fixtures.nativeClient()])
    }

    func validate(_ query: [(String, String)]) throws(OAuthError) -> AuthorizationRequest {
        try AuthorizationRequest.validate(query, client: lookup, dataItems: Fixtures.dataItems)
    }

    func failure(_ query: [(String, String)]) -> OAuthError? {
        #expect(throws: OAuthError.self) { try validate(query) }
    }

    @Test func validRequest() throws {
        let request = try validate(Fixtures.validQuery)
        #expect(request.clientID == "city-portal")
        #expect(request.redirectURI == "https://portal.city.example/callback")
        #expect(request.scopes.scopes == [.openid, .name])
        #expect(request.state == "af0ifjsldkj")
        #expect(request.nonce == "n-0S6_WzA2Mj")
        #expect(request.codeChallenge == Fixtures.challenge)
        #expect(request.prompt.isEmpty)
        #expect(request.maxAge == nil)
    }

    @Test func parsesRawQueryPromptAndMaxAge() throws {
        let query = FormURLEncoded.encode(Fixtures.validQuery + [("prompt", "login consent"), ("max_age", "300")])
        let request = try AuthorizationRequest.validate(query: query, client: lookup, dataItems: Fixtures.dataItems)
        #expect(request.prompt == [.login, .consent])
        #expect(request.maxAge == 300)
    }

    @Test(arguments: [
        "https://portal.city.example/callback/",  // trailing slash
        "https://portal.city.example:8443/callback",  // different port
        "https://portal.city.example/callback?extra=1",  // extra query
        "https://evil.example/callback",
    ])
    func unregisteredRedirectIsNotRedirectable(_ uri: String) {
        let error = failure(Fixtures.replacing("redirect_uri", with: uri))
        #expect(error?.code == .invalidRequest)
        #expect(error?.redirectable == false)
        #expect(error?.redirectURL(issuer: Fixtures.issuer) == nil)
        #expect(error?.redirectURL(to: uri, state: "s", issuer: Fixtures.issuer) == nil)
    }

    @Test func missingRedirectURIIsNotRedirectable() {
        let error = failure(Fixtures.replacing("redirect_uri", with: nil))
        #expect(error?.redirectable == false)
    }

    @Test func unknownOrMissingClientIsNotRedirectable() {
        #expect(failure(Fixtures.replacing("client_id", with: "nobody"))?.redirectable == false)
        #expect(failure(Fixtures.replacing("client_id", with: nil))?.redirectable == false)
    }

    @Test func repeatedClientOrRedirectIsNotRedirectable() {
        for name in ["client_id", "redirect_uri"] {
            let value = Fixtures.validQuery.first { $0.0 == name }!.1
            let error = failure(Fixtures.validQuery + [(name, value)])
            #expect(error?.code == .invalidRequest)
            #expect(error?.redirectable == false)
        }
    }

    @Test func otherRepeatedParametersAreRedirected() {
        let error = failure(Fixtures.validQuery + [("scope", "openid")])
        #expect(error?.code == .invalidRequest)
        #expect(error?.redirectable == true)
        #expect(error?.description == "scope is repeated")
        let url = error?.redirectURL(issuer: Fixtures.issuer)
        #expect(url == "https://portal.city.example/callback?error=invalid_request&error_description=scope%20is%20repeated&state=af0ifjsldkj&iss=https%3A%2F%2Fmyna.example")
    }

    @Test func stateIsRequiredAndBounded() {
        let missing = failure(Fixtures.replacing("state", with: nil))
        #expect(missing?.code == .invalidRequest)
        #expect(missing?.redirectable == true)
        #expect(missing?.state == nil)

        // An empty value counts as absent (RFC 6749 §3.1).
        #expect(failure(Fixtures.replacing("state", with: ""))?.description == "state is required")

        let long = failure(Fixtures.replacing("state", with: String(repeating: "s", count: 513)))
        #expect(long?.code == .invalidRequest)
        #expect(long?.state == nil)
        #expect(throws: Never.self) { try validate(Fixtures.replacing("state", with: String(repeating: "s", count: 512))) }
    }

    @Test func responseTypeMustBeCode() {
        let error = failure(Fixtures.replacing("response_type", with: "token"))
        #expect(error?.code == .unsupportedResponseType)
        #expect(error?.redirectable == true)
        #expect(error?.state == "af0ifjsldkj")
        #expect(failure(Fixtures.replacing("response_type", with: nil))?.code == .invalidRequest)
        #expect(failure(Fixtures.replacing("response_mode", with: "fragment"))?.code == .invalidRequest)
    }

    @Test func plainOrMissingPKCEMethodIsRefused() {
        let plain = failure(Fixtures.replacing("code_challenge_method", with: "plain"))
        #expect(plain?.code == .invalidRequest)
        #expect(plain?.redirectable == true)
        #expect(failure(Fixtures.replacing("code_challenge_method", with: nil))?.code == .invalidRequest)
        #expect(failure(Fixtures.replacing("code_challenge", with: nil))?.code == .invalidRequest)
        #expect(failure(Fixtures.replacing("code_challenge", with: "short"))?.code == .invalidRequest)
    }

    @Test func scopeErrorsAreRedirectedWithState() {
        let error = failure(Fixtures.replacing("scope", with: "openid gender"))
        #expect(error?.code == .invalidScope)
        #expect(error?.redirectURI == "https://portal.city.example/callback")
        #expect(error?.state == "af0ifjsldkj")
    }

    @Test func nonceIsOptionalButBounded() throws {
        #expect(try validate(Fixtures.replacing("nonce", with: nil)).nonce == nil)
        #expect(failure(Fixtures.replacing("nonce", with: String(repeating: "n", count: 513)))?.code == .invalidRequest)
    }

    @Test func promptNoneStandsAlone() throws {
        #expect(try validate(Fixtures.validQuery + [("prompt", "none")]).prompt == [.none])
        #expect(failure(Fixtures.validQuery + [("prompt", "none login")])?.code == .invalidRequest)
        #expect(failure(Fixtures.validQuery + [("prompt", "always")])?.code == .invalidRequest)
    }

    /// Issue 14: `prompt` is a list of whole, case-sensitive tokens (OIDC Core §3.1.2.1),
    /// read from the raw query as a browser sends it.
    @Test(arguments: [
        ("prompt=login%20consent", Set<AuthorizationRequest.Prompt>([.login, .consent])),
        ("prompt=consent+login", Set<AuthorizationRequest.Prompt>([.login, .consent])),
        ("prompt=select_account", Set<AuthorizationRequest.Prompt>([.selectAccount])),
        ("prompt=", Set<AuthorizationRequest.Prompt>()),
    ])
    func promptIsParsedAsTokens(_ parameter: String, _ expected: Set<AuthorizationRequest.Prompt>) throws {
        let query = FormURLEncoded.encode(Fixtures.validQuery) + "&" + parameter
        #expect(try AuthorizationRequest.validate(query: query, client: lookup, dataItems: Fixtures.dataItems).prompt == expected)
    }

    @Test(arguments: ["prompt=none%20login", "prompt=login+none", "prompt=nonelogin", "prompt=Login", "prompt=login%20%20consent", "prompt=login,consent"])
    func promptRefusesWhatIsNotAListOfKnownTokens(_ parameter: String) {
        let query = FormURLEncoded.encode(Fixtures.validQuery) + "&" + parameter
        #expect(throws: OAuthError.self) { try AuthorizationRequest.validate(query: query, client: self.lookup, dataItems: Fixtures.dataItems) }
    }

    /// The host sends the browser back to the request once the resident signed in again:
    /// the text match `!= "prompt=login"` kept `prompt=login%20consent`, which asked for a
    /// new sign-in again after each one, for ever.
    @Test(arguments: [
        ("a=1&prompt=login%20consent&b=2", "a=1&prompt=consent&b=2"),
        ("prompt=consent+login", "prompt=consent"),
        ("a=1&prompt=login", "a=1"),
        ("prompt=consent", "prompt=consent"),
        ("xprompt=login&prompt=none", "xprompt=login&prompt=none"),
    ])
    func signInSatisfiesPromptLogin(_ query: String, _ expected: String) throws {
        let back = try AuthorizationRequest.queryAfterSignIn(query)
        #expect(back == expected)
        #expect(try FormURLEncoded.parameters(back)["prompt"].map { $0.split(separator: " ").contains("login") } != true)
    }

    @Test(arguments: ["-1", "abc", "1.5", "9999999999"])
    func maxAgeMustBeANonNegativeInteger(_ value: String) {
        #expect(failure(Fixtures.validQuery + [("max_age", value)])?.code == .invalidRequest)
    }

    @Test func redirectsCarryIssuerAndKeepRegisteredQuery() throws {
        let query = Fixtures.replacing("redirect_uri", with: "https://portal.city.example/cb?lang=ja")
        let request = try validate(query)
        #expect(request.redirectURL(code: "abc", issuer: Fixtures.issuer)
            == "https://portal.city.example/cb?lang=ja&code=abc&state=af0ifjsldkj&iss=https%3A%2F%2Fmyna.example")
        #expect(request.redirectURL(error: .loginRequired, description: "prompt=none but not signed in", issuer: Fixtures.issuer)
            == "https://portal.city.example/cb?lang=ja&error=login_required&error_description=prompt%3Dnone%20but%20not%20signed%20in&state=af0ifjsldkj&iss=https%3A%2F%2Fmyna.example")
    }

    @Test func malformedQueryTextIsRefused() {
        #expect(throws: OAuthError.self) {
            try AuthorizationRequest.validate(query: "client_id=%zz", client: lookup, dataItems: Fixtures.dataItems)
        }
    }
}
