import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MynaCore
import MynaLinkage
import MynaPortal
import MynaServer
import MynaServices
import MynaTestSupport
import Testing

@Suite("Services API")
struct ServicesAPITests {
    @Test("a clerk signs the procedure's resident up with their card at the counter; another person's card is refused; a later linkage earns its reward; the page and JSON show counts only", arguments: DatabaseKind.available)
    func counterSignUp(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let (office, hub, portal) = try await makeTestPortal(registry, environment)
            let services = try makeTestServices(portal, hub, environment)
            try await openRoundTwo(
                services, environment, rewards: [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000), .init(kind: .publicFundAccount, yen: 7500)])
            let pay = try await hub.agencies.register(name: "みらいペイ", type: .cashlessProvider, municipality: nil).agency
            let app = buildApplication(system: try await makeTestSystem(registry, environment, cards: office, linkage: hub, portal: portal, services: services), configuration: .testing(), logger: testLogger)
            let (resident, stranger) = (try await TestCardHolder.issue(by: office), try await TestCardHolder.issue(by: office, name: "別人 花子", nameKana: "ベツジン ハナコ"))
            try await app.test(.router) { client in
                let clerk = try await API(client: client).signedIn(registry, environment, username: "clerk")
                // The clerk asks for the counter's own challenge (no procedure, no challenge), and
                // the card at the counter answers it.
                func answer(_ issued: TestCardHolder) async throws -> [String: Any] {
                    var holder = issued
                    let choice: [String: Any] = ["campaignId": "round-2", "providerId": pay.id, "providerAccount": "acct-1"]
                    let (_, challenge) = try await clerk.call(
                        .post, "/v1/residents/\(resident.residentID)/card-challenges", json: choice.merging(["purpose": "mynapoint-sign-up"]) { $1 })
                    let input = (challenge["signingInput"] as? String).flatMap(Base64URL.decode) ?? []
                    return [
                        "challengeId": challenge["challengeId"] as? String ?? "none",
                        "certificate": Data(try #require(holder.issued.authentication)).base64EncodedString(),
                        "signature": Data(try holder.authenticate(input) ?? []).base64EncodedString(),
                    ].merging(choice) { $1 }
                }
                let path = "/v1/residents/\(resident.residentID)/mynapoint/sign-ups"
                #expect(try await clerk.call(.post, path, json: try await answer(resident)).1["code"] as? String == "procedure-required")
                _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": resident.residentID, "purpose": "マイナポイントの申込"])
                // The terminal still on this resident's procedure, the next person's card: refused.
                let (refused, problem) = try await clerk.call(.post, path, json: try await answer(stranger))
                #expect(refused == .forbidden && problem["code"] as? String == "not-card-holder")
                let (created, signUp) = try await clerk.call(.post, path, json: try await answer(resident))
                #expect(created == .created && (signUp["channel"] as? String)?.hasPrefix("counter:staff:") == true)
                #expect((signUp["confirmation"] as? String)?.hasPrefix("MP-") == true)
                let (again, second) = try await clerk.call(.post, path, json: try await answer(resident))
                #expect(again == .conflict && second["code"] as? String == "already-signed-up")

                let (_, campaigns) = try await API(client: client).call(.get, "/v1/mynapoint/campaigns")
                let listed = try #require((campaigns["campaigns"] as? [[String: Any]])?.first)
                // One of four seats taken: seats minus seats left would name the one, so anyone
                // reading the list sees no seats left (issue 14). Nothing granted yet: 0 names nobody.
                #expect(listed["seatsLeft"] == nil && listed["grantedYen"] as? Int == 0 && listed["maximumPerPersonYen"] as? Int == 12_500)
                // An account registered at the counter after joining earns round 2's reward at once.
                let account: [String: Any] = [
                    "bankCode": "0005", "branchCode": "123", "accountType": "ordinary", "accountNumber": "1234567", "holderNameKana": "ヤマダ タロウ",
                    "residentConfirmed": true,
                ]
                #expect(try await clerk.call(.put, "/v1/residents/\(resident.residentID)/linkages/public-fund-account", json: account).0 == .noContent)
                #expect(try await services.mynapoint.signUps(of: resident.residentID).first?.granted == [.publicFundAccount: 7500])
                let (_, stats) = try await API(client: client).call(.get, "/v1/stats")
                #expect(stats["mykeyIDs"] as? String == "<10")
                let use = try #require((stats["campaigns"] as? [[String: Any]])?.first)
                #expect(use["seats"] as? Int == 4 && use["budgetUsedPercent"] == nil && use["grantedYen"] == nil)
                let page = try await client.execute(uri: "/stats", method: .get)
                let html = String(buffer: page.body)
                #expect(page.status == .ok && page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(html.contains("<svg") && html.contains("&lt;10") && !html.contains("<script"))
            }
        }
    }
}
