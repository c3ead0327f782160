/// A checked authorization request of the authorization code flow (RFC 6749 §4.1.1,
/// OpenID Connect Core §3.1.2.1), ready for the host to authenticate the resident with their
/// card and ask for consent.
public struct AuthorizationRequest: Hashable, Sendable {
    /// OIDC Core §3.1.2.1 `prompt` values.
    public enum Prompt: String, Hashable, Sendable, CaseIterable {
        /// Show nothing: if the resident is not signed in or has not consented, the host
        /// answers `login_required` or `consent_required` (OIDC Core §3.1.2.6).
        case none
        case login
        case consent
        case selectAccount = "select_account"
    }

    public let client: ClientRegistration
    public let redirectURI: String
    public let scopes: ScopeSet
    public let state: String
    public let nonce: String?
    /// The S256 challenge to store with the code (RFC 7636 §4.4).
    public let codeChallenge: String
    public let prompt: Set<Prompt>
    /// Seconds since the last active authentication beyond which the host must
    /// authenticate the resident again (OIDC Core §3.1.2.1).
    public let maxAge: Int?

    public var clientID: String { client.clientID }

    /// Longest `state` and `nonce` accepted. They are opaque to the server, but unbounded
    /// values would end up in every redirect and stored code.
    public static let maximumValueLength = 512

    /// Validates the query of an authorization request given as raw
    /// `application/x-www-form-urlencoded` text (RFC 6749 §4.1.1).
    public static func validate(
        query: String,
        client lookup: (String) -> ClientRegistration?,
        dataItems: Set<String>
    ) throws(OAuthError) -> AuthorizationRequest {
        let pairs: [(String, String)]
        do {
            pairs = try FormURLEncoded.pairs(query)
        } catch {
            throw OAuthError(.invalidRequest, "the query is not valid form-urlencoded text")
        }
        return try validate(pairs, client: lookup, dataItems: dataItems)
    }

    /// Validates decoded query parameters, in the order RFC 6749 §4.1.2.1 implies: first
    /// what decides whether an error may be redirected (client_id, then redirect_uri), then
    /// everything else, whose errors go back to the client with `state`.
    ///
    /// Parameters are pairs rather than a dictionary so that repeats are visible: RFC 6749
    /// §3.1 forbids them, and which value "wins" differs between parsers. Parameters with an
    /// empty value count as absent (§3.1); unknown parameters are ignored (§3.1).
    public static func validate(
        _ parameters: [(String, String)],
        client lookup: (String) -> ClientRegistration?,
        dataItems: Set<String>
    ) throws(OAuthError) -> AuthorizationRequest {
        var values: [String: String] = [:]
        var repeated = Set<String>()
        for (name, value) in parameters where !value.isEmpty {
            if values.updateValue(value, forKey: name) != nil { repeated.insert(name) }
        }

        // Not redirectable: until both are known good, there is nowhere safe to send an error.
        guard !repeated.contains("client_id") else {
            throw OAuthError(.invalidRequest, "client_id is repeated")
        }
        guard let clientID = values["client_id"] else {
            throw OAuthError(.invalidRequest, "client_id is required")
        }
        guard let client = lookup(clientID) else {
            throw OAuthError(.invalidRequest, "client_id is not a registered client")
        }
        guard !repeated.contains("redirect_uri") else {
            throw OAuthError(.invalidRequest, "redirect_uri is repeated")
        }
        guard let redirectURI = values["redirect_uri"] else {
            // OIDC Core §3.1.2.1 makes redirect_uri REQUIRED, even with one registered URI.
            throw OAuthError(.invalidRequest, "redirect_uri is required")
        }
        guard client.isRegistered(redirectURI: redirectURI) else {
            throw OAuthError(.invalidRequest, "redirect_uri does not exactly match a registered redirect URI")
        }

        // From here on errors are redirected; state is echoed once it is known to be sound.
        let stateValue = repeated.contains("state") ? nil : values["state"]
        let echoedState = stateValue.flatMap { isBoundedVisibleText($0) ? $0 : nil }
        func fail(_ code: OAuthError.Code, _ description: String) -> OAuthError {
            OAuthError(code, description, redirectable: true).attaching(redirectURI: redirectURI, state: echoedState)
        }

        if let name = repeated.sorted().first {
            throw fail(.invalidRequest, "\(name) is repeated")
        }
        guard let state = stateValue else {
            // State is this provider's requirement: it is the client's CSRF defence (RFC 6749
            // §10.12) and clients that omit it are usually also not checking it.
            throw fail(.invalidRequest, "state is required")
        }
        guard echoedState != nil else {
            throw fail(.invalidRequest, "state must be 1 to \(maximumValueLength) visible ASCII characters")
        }
        guard let responseType = values["response_type"] else {
            throw fail(.invalidRequest, "response_type is required")
        }
        guard responseType == "code" else {
            throw fail(.unsupportedResponseType, "only response_type=code is supported")
        }
        if let responseMode = values["response_mode"], responseMode != "query" {
            throw fail(.invalidRequest, "only response_mode=query is supported")
        }

        let scopes: ScopeSet
        do {
            scopes = try ScopeSet.parse(values["scope"], dataItems: dataItems, permitted: client.allowedScopes)
        } catch {
            throw fail(error.code, error.description)
        }

        let nonce = values["nonce"]
        if let nonce, !isBoundedVisibleText(nonce) {
            throw fail(.invalidRequest, "nonce must be 1 to \(maximumValueLength) visible ASCII characters")
        }

        guard let codeChallenge = values["code_challenge"] else {
            throw fail(.invalidRequest, "code_challenge is required (PKCE, RFC 7636)")
        }
        guard values["code_challenge_method"] == "S256" else {
            // A missing method means "plain" (RFC 7636 §4.3), which is refused as well.
            throw fail(.invalidRequest, "code_challenge_method must be S256")
        }
        guard PKCE.isValidChallenge(codeChallenge) else {
            throw fail(.invalidRequest, "code_challenge must be 43 base64url characters")
        }

        let prompt = try parsePrompt(values["prompt"], fail: fail)

        var maxAge: Int?
        if let text = values["max_age"] {
            guard text.utf8.count <= 9, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let seconds = Int(text) else {
                throw fail(.invalidRequest, "max_age must be a non-negative integer of seconds")
            }
            maxAge = seconds
        }

        return AuthorizationRequest(
            client: client,
            redirectURI: redirectURI,
            scopes: scopes,
            state: state,
            nonce: nonce,
            codeChallenge: codeChallenge,
            prompt: prompt,
            maxAge: maxAge
        )
    }

    /// The successful response of RFC 6749 §4.1.2: the code, the client's state, and `iss`
    /// so the client can tell which provider answered (RFC 9207 §2, mix-up defence).
    public func redirectURL(code: String, issuer: String) -> String {
        FormURLEncoded.appendingQuery([("code", code), ("state", state), ("iss", issuer)], to: redirectURI)
    }

    /// An error the host decides after validation (the resident refused, `prompt=none`
    /// could not be honoured, …), sent back to this request's redirect URI.
    public func redirectURL(error code: OAuthError.Code, description: String, issuer: String) -> String {
        OAuthError(code, description, redirectable: true).errorResponseURL(to: redirectURI, state: state, issuer: issuer)
    }

    /// OIDC Core §3.1.2.1: "a space-delimited, case-sensitive list of ASCII string values",
    /// each a whole token — `login consent` is two, `nonelogin` is none of them — and `none`
    /// must stand alone ("If this parameter contains none with any other value, an error is
    /// returned"). A value Myna does not support is `invalid_request`, as OpenID Connect's
    /// Prompt Create §4 asks of values not in `prompt_values_supported`. An empty `prompt=`
    /// is no prompt (RFC 6749 §3.1: a parameter without a value is treated as omitted).
    private static func parsePrompt(
        _ text: String?,
        fail: (OAuthError.Code, String) -> OAuthError
    ) throws(OAuthError) -> Set<Prompt> {
        guard let text, !text.isEmpty else { return [] }
        var prompts = Set<Prompt>()
        for token in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard let prompt = Prompt(rawValue: String(token)) else {
                throw fail(.invalidRequest, "prompt must be none, login, consent or select_account")
            }
            prompts.insert(prompt)
        }
        if prompts.contains(.none) && prompts.count > 1 {
            throw fail(.invalidRequest, "prompt=none cannot be combined with other values")
        }
        return prompts
    }

    /// The request to come back to once the resident has signed in again for it: the same
    /// query with the `login` value taken out of `prompt` (the new sign-in satisfied it), and
    /// `prompt` dropped if nothing is left. Worked on the parsed tokens, never the text, so
    /// `prompt=login%20consent` or `prompt=consent+login` keep `consent` and lose `login`
    /// instead of sending the resident round the sign-in for ever.
    public static func queryAfterSignIn(_ query: String) throws(FormURLEncoded.DecodingError) -> String {
        FormURLEncoded.encode(try FormURLEncoded.pairs(query).compactMap { name, value in
            guard name == "prompt" else { return (name, value) }
            let kept = value.split(separator: " ", omittingEmptySubsequences: false).filter { $0 != Prompt.login.rawValue }
            return kept.isEmpty ? nil : (name, kept.joined(separator: " "))
        })
    }

    /// RFC 6749 Appendix A.5: state is 1*VSCHAR (%x20-7E). nonce gets the same rule, and
    /// both are bounded in length.
    static func isBoundedVisibleText(_ text: String) -> Bool {
        (1...maximumValueLength).contains(text.utf8.count) && text.utf8.allSatisfy { (0x20...0x7E).contains($0) }
    }
}
