import Crypto
import Foundation
import MynaCore
import MynaLinkage
import MynaOIDC
import MynaPortal
import MynaRegistry
import MynaTestSupport
import Testing

@Suite("OpenID provider")
struct OIDCProviderTests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    static func query(client: String, redirect: String, scope: String = "openid name birthdate", state: String = "s1") -> String {
        FormURLEncoded.encode([
            ("response_type", "code"), ("client_id", client), ("redirect_uri", redirect), ("scope", scope), ("state", state), ("nonce", "n1"),
            ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
        ])
    }

    static func code(in location: String) -> String? {
        URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value
    }

    static func tokenBody(code: String, redirect: String, verifier: String = verifier) -> Data {
        Data(FormURLEncoded.encode([("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirect), ("code_verifier", verifier)]).utf8)
    }

    static func basic(_ id: String, _ secret: String) -> String { "Basic " + Data("\(id):\(secret)".utf8).base64EncodedString() }

    static func expectOAuth(_ code: OAuthError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
        do {
            try await body()
            Issue.record("expected \(code.rawValue)", sourceLocation: sourceLocation)
        } catch let error as OAuthError {
            #expect(error.code == code, sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("code flow with PKCE: consent, one-time code, tokens, userinfo, pairwise subjects, revocation", arguments: DatabaseKind.available)
    func flow(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let environment = portal.environment
            let oidc = try await OIDCProvider.open(
                registry: portal.office.registry, keys: environment.keys, issuer: "https://myna.example", clock: environment.clock.wallClock)
            let (bank, bankSecret) = try await oidc.registerClient(
                name: "みらい銀行", redirectURIs: ["https://bank.example/cb"], scopes: ["openid", "name", "birthdate"])
            let (city, citySecret) = try await oidc.registerClient(name: "市のアプリ", redirectURIs: ["https://city.example/cb"], scopes: ["openid", "name"])
            let holder = try await TestCardHolder.issue(by: portal.office)
            let signedInAt = environment.clock.now

            func authorize(_ client: ClientRegistration, scope: String) async throws -> String {
                let query = Self.query(client: client.clientID, redirect: client.redirectURIs[0], scope: scope)
                _ = try await oidc.validate(query: query)
                let held = try await oidc.hold(query: query, for: holder.residentID, card: holder.card.id, authenticatedAt: signedInAt)
                let location = try await oidc.decide(held, for: holder.residentID, approve: true)
                #expect(location.hasPrefix(client.redirectURIs[0] + "?") && location.contains("state=s1") && location.contains("iss=https"))
                return try #require(Self.code(in: location))
            }

            let code = try await authorize(bank, scope: "openid name birthdate")
            let answer = try await oidc.token(body: Self.tokenBody(code: code, redirect: "https://bank.example/cb"), authorization: Self.basic(bank.clientID, try #require(bankSecret)))
            let tokens = try #require(try JSONSerialization.jsonObject(with: answer) as? [String: Any])
            let access = try #require(tokens["access_token"] as? String)
            let idToken = try #require(tokens["id_token"] as? String)
            let claims = try await TokenVerifier(issuer: "https://myna.example", jwks: oidc.jwks())
                .verifyIDToken(idToken, clientID: bank.clientID, nonce: "n1", now: environment.clock.now)
            let info = try #require(try JSONSerialization.jsonObject(with: try await oidc.userInfo(bearer: access)) as? [String: Any])
            #expect(info["sub"] as? String == claims.subject && info["name"] as? String == "山田 太郎" && info["birthdate"] as? String == "1990-05-01")
            #expect(info["address"] == nil)  // not asked for
            // The subject is neither the resident's id nor anything of the card.
            #expect(!claims.subject.contains(holder.residentID) && claims.subject.count == 22)

            // A code works once; the second try is refused, and the tokens the code bought
            // are revoked: someone else had the code.
            await Self.expectOAuth(.invalidGrant) {
                _ = try await oidc.token(body: Self.tokenBody(code: code, redirect: "https://bank.example/cb"), authorization: Self.basic(bank.clientID, bankSecret!))
            }
            await Self.expectOAuth(.invalidToken) { _ = try await oidc.userInfo(bearer: access) }
            // The wrong verifier, the wrong secret: refused.
            let second = try await authorize(bank, scope: "openid name")
            await Self.expectOAuth(.invalidClient) {
                _ = try await oidc.token(body: Self.tokenBody(code: second, redirect: "https://bank.example/cb"), authorization: Self.basic(bank.clientID, "wrong"))
            }
            let third = try await authorize(bank, scope: "openid")
            await Self.expectOAuth(.invalidGrant) {
                _ = try await oidc.token(
                    body: Self.tokenBody(code: third, redirect: "https://bank.example/cb", verifier: String(repeating: "x", count: 43)),
                    authorization: Self.basic(bank.clientID, bankSecret!))
            }

            // Another relying party knows the same resident by another subject.
            let cityCode = try await authorize(city, scope: "openid name")
            let cityTokens = try #require(try JSONSerialization.jsonObject(with: try await oidc.token(
                body: Self.tokenBody(code: cityCode, redirect: "https://city.example/cb"), authorization: Self.basic(city.clientID, citySecret!))) as? [String: Any])
            let cityInfo = try #require(try JSONSerialization.jsonObject(with: try await oidc.userInfo(bearer: cityTokens["access_token"] as! String)) as? [String: Any])
            #expect(cityInfo["sub"] as? String != info["sub"] as? String)

            // Each userinfo answer is recorded in the resident's access records.
            let records = try await portal.office.registry.residents.accessRecords(of: holder.residentID, by: .system("test"), purpose: "test")
            #expect(records.filter { $0.action == .appDisclosure }.count == 2)

            // Withdrawing the consent stops its tokens at once.
            let cityAccess = try #require(cityTokens["access_token"] as? String)
            let consent = try #require(try await oidc.consents(of: holder.residentID).first { $0.clientID == city.clientID })
            #expect(try await oidc.revokeConsent(consent.id, of: holder.residentID))
            await Self.expectOAuth(.invalidToken) { _ = try await oidc.userInfo(bearer: cityAccess) }
            #expect(try await !oidc.revokeConsent(consent.id, of: "someone-else"))
        }
    }

    /// Issue 14: a confidential client's loopback redirect matched on any port, and every
    /// loopback client had the sector `127.0.0.1`, so all of them saw the same `sub`.
    @Test("a loopback client's codes go to its own port only, and two loopback clients see different subjects", arguments: DatabaseKind.available)
    func loopbackClients(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let environment = portal.environment
            let oidc = try await OIDCProvider.open(
                registry: portal.office.registry, keys: environment.keys, issuer: "https://myna.example", clock: environment.clock.wallClock)
            let (first, firstSecret) = try await oidc.registerClient(name: "家計簿", redirectURIs: ["http://127.0.0.1:8400/cb"], scopes: ["openid"])
            let (second, secondSecret) = try await oidc.registerClient(name: "別のアプリ", redirectURIs: ["http://127.0.0.1:8401/cb"], scopes: ["openid"])
            let holder = try await TestCardHolder.issue(by: portal.office)

            // The attack: a program on port 8401 asks for the first client's code on its own port.
            await Self.expectOAuth(.invalidRequest) {
                _ = try await oidc.validate(query: Self.query(client: first.clientID, redirect: "http://127.0.0.1:8401/cb", scope: "openid"))
            }
            let smuggled = try await oidc.hold(
                query: Self.query(client: first.clientID, redirect: "http://127.0.0.1:8401/cb", scope: "openid"), for: holder.residentID,
                card: holder.card.id, authenticatedAt: environment.clock.now)
            await Self.expectOAuth(.invalidRequest) { _ = try await oidc.decide(smuggled, for: holder.residentID, approve: true) }

            func subject(_ client: ClientRegistration, _ secret: String?) async throws -> String {
                let redirect = client.redirectURIs[0]
                let held = try await oidc.hold(
                    query: Self.query(client: client.clientID, redirect: redirect, scope: "openid"), for: holder.residentID, card: holder.card.id,
                    authenticatedAt: environment.clock.now)
                let code = try #require(Self.code(in: try await oidc.decide(held, for: holder.residentID, approve: true)))
                let secret = try #require(secret)
                let tokens = try #require(try JSONSerialization.jsonObject(with: try await oidc.token(
                    body: Self.tokenBody(code: code, redirect: redirect), authorization: Self.basic(client.clientID, secret))) as? [String: Any])
                let access = try #require(tokens["access_token"] as? String)
                let info = try #require(try JSONSerialization.jsonObject(with: try await oidc.userInfo(bearer: access)) as? [String: Any])
                return try #require(info["sub"] as? String)
            }
            let (firstSubject, secondSubject) = (try await subject(first, firstSecret), try await subject(second, secondSecret))
            #expect(firstSubject != secondSubject)
            // Read back from the database, each keeps its own sector.
            #expect(try await oidc.client(first.clientID)?.sectorIdentifier == ClientRegistration.loopbackSector(of: first.clientID))
            #expect(try await subject(first, firstSecret) == firstSubject)
        }
    }

    @Test("bad requests: unregistered redirect URIs are never redirected; other errors go back with state; decisions are the resident's, once", arguments: DatabaseKind.available)
    func badRequests(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let environment = portal.environment
            let oidc = try await OIDCProvider.open(
                registry: portal.office.registry, keys: environment.keys, issuer: "https://myna.example", clock: environment.clock.wallClock)
            let (bank, _) = try await oidc.registerClient(name: "みらい銀行", redirectURIs: ["https://bank.example/cb"], scopes: ["openid", "name"])
            let holder = try await TestCardHolder.issue(by: portal.office)
            for redirect in ["https://bank.example/cb/", "https://evil.example/cb", "https://bank.example/cb?x=1"] {
                do {
                    _ = try await oidc.validate(query: Self.query(client: bank.clientID, redirect: redirect, scope: "openid"))
                    Issue.record("accepted \(redirect)")
                } catch let error as OAuthError {
                    #expect(!error.redirectable && error.redirectURL(issuer: oidc.issuer) == nil, "\(redirect)")
                }
            }
            do {
                _ = try await oidc.validate(query: Self.query(client: bank.clientID, redirect: "https://bank.example/cb", scope: "openid birthdate"))
                Issue.record("a scope beyond the registration was accepted")
            } catch let error as OAuthError {
                #expect(error.code == .invalidScope && error.redirectURL(issuer: oidc.issuer)?.contains("state=s1") == true)
            }
            let query = Self.query(client: bank.clientID, redirect: "https://bank.example/cb", scope: "openid")
            let held = try await oidc.hold(query: query, for: holder.residentID, card: holder.card.id, authenticatedAt: environment.clock.now)
            await Self.expectOAuth(.invalidRequest) { _ = try await oidc.decide(held, for: "another-resident", approve: true) }
            let denied = try await oidc.decide(held, for: holder.residentID, approve: false)
            #expect(denied.contains("error=access_denied") && !denied.contains("code="))
            await Self.expectOAuth(.invalidRequest) { _ = try await oidc.decide(held, for: holder.residentID, approve: true) }
            // A held request lapses.
            let late = try await oidc.hold(query: query, for: holder.residentID, card: holder.card.id, authenticatedAt: environment.clock.now)
            environment.clock.advance(by: 601)
            await Self.expectOAuth(.invalidRequest) { _ = try await oidc.decide(late, for: holder.residentID, approve: true) }
        }
    }

    @Test("self-information: a data item about the resident for a token carrying self:<item>, recorded", arguments: DatabaseKind.available)
    func selfInformation(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let environment = portal.environment
            let (hub, oidc) = try await portal.providerWithLinkage()
            let holder = try await TestCardHolder.issue(by: portal.office)
            let pension = try await hub.agencies.register(name: "日本年金機構", type: .pension, municipality: nil).agency
            let code = try await hub.acquireCode(for: holder.number, by: pension)
            try await hub.register(item: .pensionBenefit, value: Array(#"{"annualBenefitYen":780000}"#.utf8), code: code, by: pension)
            let (app, secret) = try await oidc.registerClient(
                name: "家計簿アプリ", redirectURIs: ["https://kakeibo.example/cb"], scopes: ["openid", "self:pension-benefit"])
            let query = Self.query(client: app.clientID, redirect: "https://kakeibo.example/cb", scope: "openid self:pension-benefit")
            let held = try await oidc.hold(query: query, for: holder.residentID, card: holder.card.id, authenticatedAt: environment.clock.now)
            let location = try await oidc.decide(held, for: holder.residentID, approve: true)
            let granted = try #require(Self.code(in: location))
            let appSecret = try #require(secret)
            let answered = try await oidc.token(body: Self.tokenBody(code: granted, redirect: "https://kakeibo.example/cb"), authorization: Self.basic(app.clientID, appSecret))
            let tokens = try #require(try JSONSerialization.jsonObject(with: answered) as? [String: Any])
            let access = try #require(tokens["access_token"] as? String)
            let answer = try #require(try JSONSerialization.jsonObject(with: try await oidc.selfInformation(bearer: access, item: "pension-benefit")) as? [String: Any])
            let copies = try #require(answer["copies"] as? [[String: Any]])
            #expect(copies.count == 1 && (copies[0]["value"] as? [String: Any])?["annualBenefitYen"] as? Int == 780000 && copies[0]["provider"] as? String == "日本年金機構")
            await Self.expectOAuth(.invalidScope) { _ = try await oidc.selfInformation(bearer: access, item: "local-tax-assessment") }
            let records = try await portal.office.registry.residents.accessRecords(of: holder.residentID, by: .system("test"), purpose: "test")
            #expect(records.contains { $0.action == .appDisclosure && $0.purpose.contains("self:pension-benefit") })
        }
    }
}
