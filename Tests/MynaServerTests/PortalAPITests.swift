import Foundation
import HummingbirdTesting
import MynaCardOffice
import MynaCore
import MynaPortal
import MynaRegistry
import MynaServer
import MynaTestSupport
import NIOCore
import Testing

@Suite("Portal sign-in API")
struct PortalSignInAPITests {
    @Test("the card answers challenges over HTTP: direct sign-in sets a secure cookie; a code approves the waiting browser", arguments: DatabaseKind.available)
    func signIn(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let office = try makeTestCardOffice(registry, environment)
            let portal = Portal(registry: registry, cards: office, clock: environment.clock.wallClock)
            let app = buildApplication(registry: registry, cards: office, portal: portal, configuration: .init(), logger: testLogger)
            let issued = try await TestCardHolder.issue(by: office)
            try await app.test(.router) { client in
                var holder = issued
                let certificate = Data(try #require(holder.issued.authentication)).base64EncodedString()
                let api = API(client: client)
                let (created, challenge) = try await api.call(.post, "/v1/portal/sign-in/challenges", json: [String: Any]())
                #expect(created == .created)
                let signingInput = try #require(challenge["signingInput"] as? String)
                let input = try #require(Base64URL.decode(signingInput))
                let signature = Data(try #require(try holder.authenticate(input))).base64EncodedString()
                let id = try #require(challenge["challengeId"] as? String)

                // A signature over other bytes is refused, and says so.
                let forged = Data(try #require(try holder.authenticate(Array("something else".utf8)))).base64EncodedString()
                let (refused, problem) = try await api.call(
                    .post, "/v1/portal/sign-in/responses", json: ["challengeId": id, "certificate": certificate, "signature": forged])
                #expect(refused == .unauthorized && problem["code"] as? String == "signature-invalid")

                let body = try JSONSerialization.data(withJSONObject: ["challengeId": id, "certificate": certificate, "signature": signature])
                let response = try await client.execute(
                    uri: "/v1/portal/sign-in/responses", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(bytes: body))
                #expect(response.status == .ok)
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("__Host-myna-portal=") && cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"))
                let answer = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any]
                let token = try #require(answer?["sessionToken"] as? String)
                #expect(try await portal.sessions.session(for: token)?.residentID == holder.residentID)

                // Cross-device: a browser waits with a code; the card approves it by the code.
                let (browser, _) = try await portal.sessions.start()
                let pending = try await portal.signIn.begin(for: browser)
                let (_, bound) = try await api.call(.post, "/v1/portal/sign-in/challenges", json: ["code": pending.code])
                let boundText = try #require(bound["signingInput"] as? String)
                let boundInput = try #require(Base64URL.decode(boundText))
                let boundID = try #require(bound["challengeId"] as? String)
                let boundSignature = try #require(try holder.authenticate(boundInput))
                let (approved, approval) = try await api.call(.post, "/v1/portal/sign-in/responses", json: [
                    "challengeId": boundID, "certificate": certificate, "signature": Data(boundSignature).base64EncodedString(),
                ])
                #expect(approved == .ok && approval["status"] as? String == "approved" && approval["sessionToken"] == nil)
                let completed = try await portal.signIn.complete(pending.id, sessionToken: browser)
                #expect(completed?.residentID == holder.residentID)

                let (unknown, missing) = try await api.call(.post, "/v1/portal/sign-in/challenges", json: ["code": "0000-0000"])
                #expect(unknown == .notFound && missing["code"] as? String == "invalid-sign-in-code")
                let (bad, extra) = try await api.call(.post, "/v1/portal/sign-in/challenges", json: ["code": "x", "number": "123456789018"])
                #expect(bad == .badRequest && extra["code"] as? String == "unknown-field")
            }
        }
    }
}
