public import Foundation

/// The discovery document served at `/.well-known/openid-configuration` (OpenID Connect
/// Discovery 1.0 §3, §4) and `/.well-known/oauth-authorization-server` (RFC 8414 §2, §3).
/// It states exactly what this module enforces, so clients configure themselves correctly.
public struct ProviderMetadata: Sendable, Encodable {
    public let issuer: String
    public let authorizationEndpoint: String
    public let tokenEndpoint: String
    public let userinfoEndpoint: String
    public let jwksURI: String
    /// RFC 7009 token revocation; the host implements it by recording revoked `jti`s.
    public let revocationEndpoint: String
    public let scopesSupported: [String]
    public let claimsSupported: [String]
    public let responseTypesSupported = ["code"]
    public let responseModesSupported = ["query"]
    public let grantTypesSupported = ["authorization_code"]
    public let subjectTypesSupported = ["pairwise"]
    public let idTokenSigningAlgValuesSupported = ["ES256"]
    public let codeChallengeMethodsSupported = ["S256"]
    public let tokenEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    public let revocationEndpointAuthMethodsSupported = ["client_secret_basic", "client_secret_post", "none"]
    public let promptValuesSupported = AuthorizationRequest.Prompt.allCases.map(\.rawValue)
    /// RFC 9207 §3: clients may rely on `iss` in every authorization response.
    public let authorizationResponseIssParameterSupported = true
    /// Discovery §3 defaults request_uri_parameter_supported to true; neither request
    /// objects nor request URIs are accepted, so both are stated.
    public let requestParameterSupported = false
    public let requestURIParameterSupported = false
    public let claimsParameterSupported = false

    /// - Parameters:
    ///   - issuer: an `https` URL with no query or fragment (RFC 8414 §2), exactly as it
    ///     appears in `iss` — or `http` on loopback, for development and tests on one
    ///     machine. Endpoints are placed under it.
    ///   - dataItems: the self-information items, advertised as `self:<item>` scopes.
    public init(issuer: String, dataItems: Set<String>) throws(ProviderMetadataError) {
        guard let components = URLComponents(string: issuer),
            components.scheme == "https" || (components.scheme == "http" && ["127.0.0.1", "localhost", "::1"].contains(components.host ?? "")),
            components.host?.isEmpty == false,
            components.query == nil, components.fragment == nil
        else { throw .invalidIssuer }
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        self.issuer = issuer
        authorizationEndpoint = base + "/oidc/authorize"
        tokenEndpoint = base + "/oidc/token"
        userinfoEndpoint = base + "/oidc/userinfo"
        jwksURI = base + "/oidc/jwks.json"
        revocationEndpoint = base + "/oidc/revoke"
        scopesSupported = Scope.basic.map(\.rawValue)
            + dataItems.sorted().map { Scope.selfInformation(dataItem: $0).rawValue }
        claimsSupported = [
            "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "amr", "acr", "at_hash", "azp",
            UserInfoClaim.name, UserInfoClaim.nameKana, UserInfoClaim.address, UserInfoClaim.birthdate, UserInfoClaim.gender,
        ]
    }

    /// The JSON document, keys sorted so it is byte-stable between deployments.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case revocationEndpoint = "revocation_endpoint"
        case scopesSupported = "scopes_supported"
        case claimsSupported = "claims_supported"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case promptValuesSupported = "prompt_values_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case requestParameterSupported = "request_parameter_supported"
        case requestURIParameterSupported = "request_uri_parameter_supported"
        case claimsParameterSupported = "claims_parameter_supported"
    }
}

public enum ProviderMetadataError: Error, Sendable, Equatable {
    case invalidIssuer
}
