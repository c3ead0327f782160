import Foundation
import HTTPTypes
import Hummingbird
import MynaLinkage
import MynaOIDC
import MynaPortal
import MynaPortalPages
import MynaRegistry

/// The OpenID Connect provider's endpoints (OIDC Core, RFC 6749, RFC 7636, RFC 7009,
/// RFC 8414): discovery, keys, the authorization endpoint with the consent screen, the
/// token endpoint, UserInfo and revocation. Errors take each protocol's own shape — an
/// error redirect, `{"error": …}`, or `WWW-Authenticate` — never the API's problem document.
struct OIDCController {
    let oidc: OIDCProvider
    let pages: PortalController

    func register(router: Router<MynaRequestContext>) {
        router.get("/.well-known/openid-configuration") { _, _ in json(try oidc.discovery()) }
        router.get("/.well-known/oauth-authorization-server") { _, _ in json(try oidc.discovery()) }
        router.get("/oidc/jwks.json") { _, _ in json(oidc.jwks()) }
        router.get("/oidc/authorize") { request, _ in try await authorize(request) }
        router.post("/oidc/authorize/decision") { request, _ in
            try await pages.form(request, signedIn: true) { visit, fields in
                guard let residentID = visit.session.residentID, let requestID = fields["request"] else { return PortalHTML.seeOther("/portal") }
                do {
                    let location = try await oidc.decide(requestID, for: residentID, approve: fields["decision"] == "approve")
                    return redirect(to: location)
                } catch let error as OAuthError {
                    await oidc.recordRefusal(endpoint: "authorize/decision", clientID: nil, error: error)
                    return try pages.errorPage(visit, status: 400, .badRequest)
                }
            }
        }
        router.post("/oidc/token") { request, _ in
            let body = try await request.body.collect(upTo: 16 << 10)
            do {
                var response = json(try await oidc.token(body: Data(buffer: body), authorization: request.headers[.authorization]))
                response.headers[HTTPField.Name("Pragma")!] = "no-cache"
                return response
            } catch let error as OAuthError {
                await oidc.recordRefusal(endpoint: "token", clientID: Self.clientID(in: request, body: body), error: error)
                return oauthError(error)
            }
        }
        router.get("/oidc/userinfo") { request, _ in try await userInfo(request) }
        // 自己情報取得: a data item about the resident, for an app holding `self:<item>`.
        router.get("/oidc/self/{item}") { request, context in
            guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
                return bearerChallenge(OAuthError(.invalidToken, "a bearer token is required"))
            }
            do {
                return json(try await oidc.selfInformation(bearer: String(header.dropFirst(7)), item: context.parameters.get("item") ?? ""))
            } catch let error as OAuthError {
                return error.code == .invalidScope ? json(error.json, status: .forbidden) : bearerChallenge(error)
            }
        }
        router.post("/oidc/userinfo") { request, _ in try await userInfo(request) }
        router.post("/oidc/revoke") { request, _ in
            let body = try await request.body.collect(upTo: 16 << 10)
            do {
                try await oidc.revoke(body: Data(buffer: body), authorization: request.headers[.authorization])
                return Response(status: .ok, headers: [.cacheControl: "no-store"])
            } catch let error as OAuthError {
                await oidc.recordRefusal(endpoint: "revoke", clientID: Self.clientID(in: request, body: body), error: error)
                return oauthError(error)
            }
        }
    }

    /// The client a token or revocation request names (Basic header or form), for the record.
    static func clientID(in request: Request, body: ByteBuffer) -> String? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("basic "),
            let decoded = Data(base64Encoded: String(header.dropFirst(6))), let text = String(data: decoded, encoding: .utf8)
        {
            return text.split(separator: ":").first.flatMap { try? FormURLEncoded.decodeComponent(String($0)) }
        }
        return (try? FormURLEncoded.parameters(String(buffer: body)))?["client_id"]
    }

    /// Validates the request; sends a visitor who is not signed in to sign in with the
    /// card and back; then shows the consent screen for exactly what was asked.
    private func authorize(_ request: Request) async throws -> Response {
        let query = request.uri.query ?? ""
        let validated: AuthorizationRequest
        do {
            validated = try await oidc.validate(query: query)
        } catch let error as OAuthError {
            await oidc.recordRefusal(
                endpoint: "authorize", clientID: (try? FormURLEncoded.parameters(query))?["client_id"], error: error)
            // About the client or its redirect URI: never redirected (RFC 6749 §4.1.2.1).
            guard let location = error.redirectURL(issuer: oidc.issuer) else {
                return try await pages.page(request) { visit in try pages.errorPage(visit, status: 400, .badRequest) }
            }
            return redirect(to: location)
        }
        return try await pages.page(request) { visit in
            // A sign-in is fresh enough unless the app asks for a new one (prompt=login) or
            // for one within max_age seconds (OIDC Core §3.1.2.1).
            let age = Date().timeIntervalSince(visit.session.createdAt)
            let stale = validated.prompt.contains(.login) || validated.maxAge.map { age > Double($0) } ?? false
            guard let residentID = visit.session.residentID, !stale else {
                if validated.prompt.contains(.none) {
                    return redirect(to: validated.redirectURL(error: .loginRequired, description: "the resident must sign in with the card", issuer: oidc.issuer))
                }
                // Back to this request once signed in — without prompt=login, which the new
                // sign-in has just satisfied (else it would ask again, for ever).
                let back = "/oidc/authorize?" + ((try? AuthorizationRequest.queryAfterSignIn(query)) ?? query)
                return PortalHTML.seeOther(
                    "/portal/sign-in?return_to=" + FormURLEncoded.encodeComponent(back) + (visit.session.signedIn ? "&reauth=1" : ""), setCookie: visit.setCookie)
            }
            // Every authorization shows the consent screen: there is no silent consent.
            if validated.prompt.contains(.none) {
                return redirect(to: validated.redirectURL(error: .consentRequired, description: "the resident's consent is asked on screen", issuer: oidc.issuer))
            }
            let resident = try await pages.portal.registry.residents.ownRecord(residentID)
            let requestID = try await oidc.hold(query: query, for: residentID, card: visit.session.cardID, authenticatedAt: visit.session.createdAt)
            let facts = resident.facts
            let subject = ConsentScreen.Claim(kind: .subject, value: visit.language == .ja ? "このアプリ専用の識別子" : "an identifier for this app only")
            let scopes: [ConsentScreen.SharedScope] = validated.scopes.compactMap { scope in
                switch scope {
                case .openid: ConsentScreen.SharedScope(scope: .openid, claims: [subject])
                case .name: ConsentScreen.SharedScope(scope: .name, claims: [.init(kind: .name, value: facts.name), .init(kind: .nameKana, value: facts.nameKana)])
                case .address: ConsentScreen.SharedScope(scope: .address, claims: [.init(kind: .address, value: facts.address.text)])
                case .birthdate: ConsentScreen.SharedScope(scope: .birthdate, claims: [.init(kind: .birthdate, value: facts.birthDate.description)])
                case .gender: ConsentScreen.SharedScope(scope: .gender, claims: [.init(kind: .gender, value: facts.sex.oidcGender ?? "—")])
                case .selfInformation(let item):
                    ConsentScreen.SharedScope(scope: .selfInformation, claims: [
                        .init(kind: .dataItem, value: DataItem(rawValue: item).map { PortalFormat.item($0, visit.language) } ?? item),
                    ])
                }
            }
            let redirect = URL(string: validated.redirectURI)
            let origin = redirect.flatMap { url in url.scheme.map { "\($0)://\(url.host ?? "")" + (url.port.map { ":\($0)" } ?? "") } }
            let screen = ConsentScreen(
                clientName: validated.client.name, redirectHost: redirect.map { ($0.host ?? "") + ($0.port.map { ":\($0)" } ?? "") } ?? validated.redirectURI,
                scopes: scopes,
                expiresAt: PortalFormat.time(Date().addingTimeInterval(Double(OIDCProvider.consentLifetime) / 1000), visit.language),
                requestID: requestID)
            return PortalHTML.response(
                try pages.renderer.render(screen, layout: visit.layout(residentName: facts.name)), formAction: origin, setCookie: visit.setCookie)
        }
    }

    private func userInfo(_ request: Request) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            return bearerChallenge(OAuthError(.invalidToken, "a bearer token is required"))
        }
        do {
            return json(try await oidc.userInfo(bearer: String(header.dropFirst(7))))
        } catch let error as OAuthError {
            await oidc.recordRefusal(endpoint: "userinfo", clientID: nil, error: error)
            return bearerChallenge(error)
        }
    }

    private func json(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// RFC 6749 §5.2; a failed client authentication also says how to authenticate.
    private func oauthError(_ error: OAuthError) -> Response {
        var response = json(error.json, status: HTTPResponse.Status(code: error.httpStatus))
        if error.code == .invalidClient { response.headers[.wwwAuthenticate] = "Basic realm=\"myna\"" }
        return response
    }

    /// RFC 6750 §3.
    private func bearerChallenge(_ error: OAuthError) -> Response {
        var response = json(error.json, status: .unauthorized)
        response.headers[.wwwAuthenticate] = "Bearer error=\"\(error.code.rawValue)\""
        return response
    }

    /// A redirect to the relying party: a URI checked against its registration.
    private func redirect(to location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }
}
