import Foundation
import Hummingbird
import HummingbirdTesting
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaOIDC
import MynaPortal
import MynaRegistry
import MynaServer
import MynaTestSupport
import NIOCore
import Testing

@Suite("Portal pages over HTTP")
struct PortalPagesTests {
    /// A browser without a browser: keeps the portal cookie, follows nothing.
    struct Browser {
        let client: any TestClientProtocol
        var cookie: String?

        mutating func go(_ method: HTTPRequest.Method = .get, _ uri: String, form: String? = nil) async throws -> (status: HTTPResponse.Status, html: String, headers: HTTPFields) {
            var headers = HTTPFields()
            if let cookie { headers[.cookie] = "__Host-myna-portal=\(cookie)" }
            if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
            let response = try await client.execute(uri: uri, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) })
            if let set = response.headers[.setCookie], set.hasPrefix("__Host-myna-portal=") {
                let value = set.dropFirst("__Host-myna-portal=".count).prefix { $0 != ";" }
                cookie = value.isEmpty ? nil : String(value)
            }
            return (response.status, String(buffer: response.body), response.headers)
        }
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\""), let end = html[range.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(html[range.upperBound..<end])
    }

    @Test("sign in with a code the card approves, see my pages, sign out; CSRF and idle time enforced", arguments: DatabaseKind.available)
    func signInAndPages(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let office = try makeTestCardOffice(registry, environment)
            let clock = environment.clock.wallClock
            let portal = Portal(registry: registry, cards: office, clock: clock)
            let oidc = try await OIDCProvider.open(registry: registry, keys: environment.keys, issuer: "https://myna.example", clock: clock)
            let (bank, _) = try await oidc.registerClient(name: "みらい銀行", redirectURIs: ["https://bank.example/cb"], scopes: ["openid", "name"])
            let app = buildApplication(system: try await makeTestSystem(registry, environment, cards: office, portal: portal, oidc: oidc), configuration: .testing(), logger: testLogger)
            let issued = try await TestCardHolder.issue(by: office)
            try await app.test(.router) { client in
                var holder = issued
                var browser = Browser(client: client)
                let first = try await browser.go(.get, "/portal/usage")
                #expect(first.status == .seeOther && first.headers[.location] == "/portal/sign-in?return_to=%2Fportal%2Fusage")
                let signIn = try await browser.go(.get, "/portal/sign-in?return_to=%2Fportal%2Fusage")
                #expect(signIn.status == .ok && signIn.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(!signIn.html.contains("<script"))
                let code = try #require(signIn.html.range(of: #"<code>[0-9A-Z]{4}-[0-9A-Z]{4}"#, options: .regularExpression).map { String(signIn.html[$0].dropFirst(6)) })
                let pending = try #require(Self.field("pending", in: signIn.html))
                let anonymous = browser.cookie

                // Not yet approved: the page comes again.
                #expect(try await browser.go(.get, "/portal/sign-in/wait?pending=\(pending)").status == .ok)
                let challenge = try await portal.signIn.challenge(forCode: code, source: "phone")
                let signature = try #require(try holder.authenticate(challenge.signingInput))
                _ = try await portal.signIn.respond(to: challenge.id, certificateDER: try #require(holder.issued.authentication), signature: signature, source: "phone")
                let done = try await browser.go(.get, "/portal/sign-in/wait?pending=\(pending)")
                #expect(done.status == .seeOther && done.headers[.location] == "/portal/usage" && browser.cookie != anonymous)

                let home = try await browser.go(.get, "/portal")
                #expect(home.status == .ok && home.html.contains("山田 太郎") && home.html.contains("<html lang=\"ja\""))
                #expect(try await browser.go(.get, "/portal?lang=en").html.contains("<html lang=\"en\""))
                for path in ["/portal/usage", "/portal/card", "/portal/consents", "/portal/refusals", "/portal/notices", "/portal/card-return"] {
                    let page = try await browser.go(.get, path)
                    #expect(page.status == .ok && page.html.contains("</html>"), "\(path)")
                }

                // The consent screen, for a signed-in resident; its form may lead to the app.
                let query = FormURLEncoded.encode([
                    ("response_type", "code"), ("client_id", bank.clientID), ("redirect_uri", "https://bank.example/cb"), ("scope", "openid name"),
                    ("state", "s"), ("code_challenge", PKCE.challenge(for: String(repeating: "v", count: 43))), ("code_challenge_method", "S256"),
                ])
                let consent = try await browser.go(.get, "/oidc/authorize?" + query)
                #expect(consent.status == .ok && consent.html.contains("みらい銀行") && consent.html.contains("山田 太郎"))
                #expect(consent.headers[.contentSecurityPolicy]?.contains("form-action 'self' https://bank.example") == true)
                let request = try #require(Self.field("request", in: consent.html))
                let csrf = try #require(Self.field("csrf", in: consent.html))
                let forged = try await browser.go(.post, "/oidc/authorize/decision", form: "request=\(request)&decision=approve&csrf=wrong")
                #expect(forged.status == .forbidden)
                let decided = try await browser.go(.post, "/oidc/authorize/decision", form: "request=\(request)&decision=approve&csrf=\(csrf)")
                #expect(decided.status == .seeOther && decided.headers[.location]?.hasPrefix("https://bank.example/cb?code=") == true)

                // The token endpoint refuses a made-up code in the protocol's shape, and records it.
                let refused = try await client.execute(
                    uri: "/oidc/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "grant_type=authorization_code&code=made-up&redirect_uri=https%3A%2F%2Fbank.example%2Fcb&code_verifier="
                        + String(repeating: "v", count: 43) + "&client_id=" + bank.clientID + "&client_secret=wrong"))
                #expect(refused.status == .unauthorized && String(buffer: refused.body).contains(#""error":"invalid_client""#))
                #expect(try await oidc.refusals().first.map { [$0.endpoint, $0.clientID ?? "", $0.error] } == ["token", bank.clientID, "invalid_client"])

                // Oversized bodies are refused before anything is read into a handler.
                for uri in ["/portal/sign-out", "/oidc/token", "/oidc/revoke", "/portal/linkages/account"] {
                    let huge = try await client.execute(
                        uri: uri, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                        body: ByteBuffer(repeating: UInt8(ascii: "a"), count: 200_000))
                    #expect(huge.status == .contentTooLarge && String(buffer: huge.body).contains("body-too-large"), "\(uri)")
                }

                // Sign-out needs the token too; after it, the pages are closed.
                #expect(try await browser.go(.post, "/portal/sign-out", form: "csrf=nope").status == .forbidden)
                let signedOut = try await browser.go(.post, "/portal/sign-out", form: "csrf=\(csrf)")
                #expect(signedOut.status == .seeOther && browser.cookie == nil)
                #expect(try await browser.go(.get, "/portal").status == .seeOther)
            }
        }
    }

    @Test("after the owner calls the hotline, the thief's browser is sent to sign in and the app's token is refused (issue 14)", arguments: DatabaseKind.available)
    func hotlineEndsThiefsSessionAndTokens(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let office = try makeTestCardOffice(registry, environment)
            let clock = environment.clock.wallClock
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: clock)
            let portal = Portal(registry: registry, cards: office, linkage: hub, clock: clock)
            let oidc = try await OIDCProvider.open(registry: registry, keys: environment.keys, issuer: "https://myna.example", linkage: hub, clock: clock)
            let (app, secret) = try await oidc.registerClient(
                name: "家計簿アプリ", redirectURIs: ["https://app.example/cb"], scopes: ["openid", "name", "self:pension-benefit"])
            let server = buildApplication(system: try await makeTestSystem(registry, environment, cards: office, portal: portal, oidc: oidc), configuration: .testing(), logger: testLogger)
            let stolen = try await TestCardHolder.issue(by: office)
            let number = stolen.number.unmaskedDigits
            try await server.test(.router) { client in
                var card = stolen
                var thief = Browser(client: client)
                // The thief signs in with the stolen card (its PIN watched or guessed)…
                environment.clock.advance(by: 60)
                let signIn = try await thief.go(.get, "/portal/sign-in")
                let code = try #require(signIn.html.range(of: #"<code>[0-9A-Z]{4}-[0-9A-Z]{4}"#, options: .regularExpression).map { String(signIn.html[$0].dropFirst(6)) })
                let pending = try #require(Self.field("pending", in: signIn.html))
                let challenge = try await portal.signIn.challenge(forCode: code, source: "thief")
                _ = try await portal.signIn.respond(
                    to: challenge.id, certificateDER: try #require(card.issued.authentication),
                    signature: try #require(try card.authenticate(challenge.signingInput)), source: "thief")
                #expect(try await thief.go(.get, "/portal/sign-in/wait?pending=\(pending)").status == .seeOther)
                #expect(try await thief.go(.get, "/portal").status == .ok)
                // …and lets an app in, which takes its tokens.
                let verifier = String(repeating: "v", count: 43)
                let query = FormURLEncoded.encode([
                    ("response_type", "code"), ("client_id", app.clientID), ("redirect_uri", "https://app.example/cb"),
                    ("scope", "openid name self:pension-benefit"), ("state", "s"), ("code_challenge", PKCE.challenge(for: verifier)),
                    ("code_challenge_method", "S256"),
                ])
                let consent = try await thief.go(.get, "/oidc/authorize?" + query)
                let request = try #require(Self.field("request", in: consent.html))
                let csrf = try #require(Self.field("csrf", in: consent.html))
                let decided = try await thief.go(.post, "/oidc/authorize/decision", form: "request=\(request)&decision=approve&csrf=\(csrf)")
                let location = try #require(decided.headers[.location])
                let granted = try #require(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value)
                func token(_ form: String) async throws -> (status: HTTPResponse.Status, body: [String: Any]) {
                    let response = try await client.execute(
                        uri: "/oidc/token", method: .post,
                        headers: [.contentType: "application/x-www-form-urlencoded", .authorization: "Basic " + Data("\(app.clientID):\(secret!)".utf8).base64EncodedString()],
                        body: ByteBuffer(string: form))
                    return (response.status, (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]) ?? [:])
                }
                let tokens = try await token(
                    "grant_type=authorization_code&code=\(granted)&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&code_verifier=\(verifier)")
                let access = try #require(tokens.body["access_token"] as? String)
                func bearer(_ uri: String) async throws -> (status: HTTPResponse.Status, challenge: String?) {
                    let response = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(access)"])
                    return (response.status, response.headers[.wwwAuthenticate])
                }
                #expect(try await bearer("/oidc/userinfo").status == .ok)
                #expect(try await bearer("/oidc/self/pension-benefit").status == .ok)

                // The owner calls the hotline a minute later.
                environment.clock.advance(by: 60)
                let called = try await client.execute(
                    uri: "/v1/cards/suspension", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(data: try JSONSerialization.data(withJSONObject: [
                        "individualNumber": number, "birthDate": "1990-05-01", "cardSerial": stolen.card.serial,
                    ])))
                #expect(called.status == .ok)

                // The thief's next page sends the browser to sign in; the app's token is refused.
                let next = try await thief.go(.get, "/portal")
                #expect(next.status == .seeOther && next.headers[.location]?.hasPrefix("/portal/sign-in") == true)
                for uri in ["/oidc/userinfo", "/oidc/self/pension-benefit"] {
                    let refused = try await bearer(uri)
                    #expect(refused.status == .unauthorized && refused.challenge == "Bearer error=\"invalid_token\"", "\(uri)")
                }
                let refresh = try await token("grant_type=refresh_token&refresh_token=\(access)")
                #expect(refresh.status == .badRequest && refresh.body["error"] as? String == "unsupported_grant_type")
            }
        }
    }

    @Test("a session left alone ends by itself", arguments: DatabaseKind.available)
    func idle(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let office = try makeTestCardOffice(registry, environment)
            let portal = Portal(registry: registry, cards: office, clock: environment.clock.wallClock)
            let holder = try await TestCardHolder.issue(by: office)
            let (token, _) = try await portal.sessions.start(resident: holder.residentID, card: holder.card.id)
            environment.clock.advance(by: 14 * 60)
            #expect(try await portal.sessions.session(for: token) != nil)
            environment.clock.advance(by: 14 * 60)
            #expect(try await portal.sessions.session(for: token) != nil)  // each request resets the idle clock
            environment.clock.advance(by: 15 * 60 + 1)
            #expect(try await portal.sessions.session(for: token) == nil)
        }
    }
}
