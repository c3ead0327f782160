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
            let app = buildApplication(system: try await makeTestSystem(registry, environment, cards: office, portal: portal), configuration: .testing(), logger: testLogger)
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

@Suite("Linkages at the counter")
struct CounterLinkagesAPITests {
    @Test("a clerk registers the account inside the resident's procedure, with the resident's answer; a wrong name is refused", arguments: DatabaseKind.available)
    func account(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true, portal: true) { registry, environment, client in
            let clerk = try await API(client: client).signedIn(registry, environment, username: "clerk")
            let (_, registered) = try await clerk.call(.post, "/v1/residents", json: demoResident)
            let id = try #require((registered["resident"] as? [String: Any])?["id"] as? String)
            let kana = try #require(demoResident["nameKana"] as? String)
            let body: [String: Any] = [
                "bankCode": "0005", "branchCode": "123", "accountType": "ordinary", "accountNumber": "1234567", "holderNameKana": kana,
                "residentConfirmed": true,
            ]
            #expect(try await clerk.call(.put, "/v1/residents/\(id)/linkages/public-fund-account", json: body).1["code"] as? String == "procedure-required")
            _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": id, "purpose": "公金受取口座の登録"])
            let (declined, problem) = try await clerk.call(.put, "/v1/residents/\(id)/linkages/public-fund-account", json: body.merging(["residentConfirmed": false]) { $1 })
            #expect(declined == .unprocessableContent && problem["code"] as? String == "confirmation-required")
            let (wrong, mismatch) = try await clerk.call(
                .put, "/v1/residents/\(id)/linkages/public-fund-account", json: body.merging(["holderNameKana": "ベツジン タロウ"]) { $1 })
            #expect(wrong == .conflict && mismatch["code"] as? String == "holder-name-mismatch")
            #expect(try await clerk.call(.put, "/v1/residents/\(id)/linkages/public-fund-account", json: body).0 == .noContent)
            let (_, linkages) = try await clerk.call(.get, "/v1/residents/\(id)/linkages")
            let account = try #require(linkages["publicFundAccount"] as? [String: Any])
            #expect((account["confirmedBy"] as? String)?.hasPrefix("counter:staff:") == true)
            #expect((linkages["confirmations"] as? [[String: Any]])?.compactMap { $0["answer"] as? String } == ["yes", "yes", "no"])
            let (missing, notFound) = try await clerk.call(.put, "/v1/residents/\(id)/linkages/health-insurance", json: [
                "insurerNumber": "01130012", "symbol": "1", "number": "2", "residentConfirmed": true,
            ])
            #expect(missing == .notFound && notFound["code"] as? String == "insurance-record-not-found")
        }
    }
}
