import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import MynaCore
import MynaLinkage
import MynaPortal
@testable import MynaServer
import MynaServices
import MynaTestSupport
import NIOCore
import Testing

/// Issue 14, finding 1: a card's answer worked for every purpose. A hostile kiosk that
/// asked the customer's card for a certificate print could hand the kiosk owner's
/// browser a session in the customer's portal, and the same relay worked through Mykey
/// and Mynapoint. Each test here performs one relay over HTTP and shows it now fails,
/// with nothing approved and nothing written.
@Suite("Attacks: a card's answer relayed to another purpose")
struct ChallengeRelayAttackTests {
    /// Everything the attacks need: the server, two kiosks, a clinic, two cashless
    /// providers, an open campaign and a customer with a card.
    struct Scene {
        let client: any TestClientProtocol
        let portal: Portal
        let services: Services
        let kiosk: LinkageAPITests.AgencyAPI
        let otherKiosk: LinkageAPITests.AgencyAPI
        let clinic: LinkageAPITests.AgencyAPI
        let honestProvider: Agency
        let attackersProvider: Agency
        var customer: TestCardHolder

        /// A browser's waiting sign-in: its session token (cookie) and the code it shows.
        func waitingBrowser() async throws -> (token: String, pending: PendingSignIn) {
            let (token, _) = try await portal.sessions.start()
            let pending = try await portal.signIn.begin(
                for: token, device: SignInDevice(address: "198.51.100.23", userAgent: "Mozilla/5.0 (attacker's laptop)"))
            return (token, pending)
        }

        /// The customer's card signs whatever statement it is handed (a hostile terminal
        /// drives the card: what it cannot do is make that answer count elsewhere).
        mutating func sign(_ challenge: [String: Any]) throws -> [String: Any] { try customer.answer(challenge) }

        func anonymous(_ path: String, _ json: [String: Any]) async throws -> (HTTPResponse.Status, [String: Any]) {
            try await API(client: client).call(.post, path, json: json)
        }
    }

    func withScene(_ kind: DatabaseKind, _ body: @Sendable (inout Scene) async throws -> Void) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let (office, hub, portal) = try await makeTestPortal(registry, environment)
            let services = try makeTestServices(portal, hub, environment)
            try await openRoundTwo(services, environment, rewards: [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000)])
            let app = buildApplication(system: try await makeTestSystem(registry, environment, cards: office, linkage: hub, portal: portal, services: services), configuration: .testing(), logger: testLogger)
            let customer = try await TestCardHolder.issue(by: office)
            try await app.test(.router) { client in
                func party(_ name: String, _ type: AgencyType) async throws -> LinkageAPITests.AgencyAPI {
                    let made = try await hub.agencies.register(name: name, type: type, municipality: nil)
                    return LinkageAPITests.AgencyAPI(client: client, agency: made.agency, keyID: made.keyID, key: made.privateKey, clock: environment.clock)
                }
                var scene = Scene(
                    client: client, portal: portal, services: services, kiosk: try await party("悪いコンビニ", .certificateKiosk),
                    otherKiosk: try await party("となりのコンビニ", .certificateKiosk), clinic: try await party("みなと診療所", .medicalInstitution),
                    honestProvider: try await hub.agencies.register(name: "みらいペイ", type: .cashlessProvider, municipality: nil).agency,
                    attackersProvider: try await hub.agencies.register(name: "あやしいペイ", type: .cashlessProvider, municipality: nil).agency,
                    customer: customer)
                try await body(&scene)
            }
        }
    }

    @Test("a hostile kiosk answers the owner's browser code with the customer's card at the certificate endpoint: refused, and the browser is not signed in", arguments: DatabaseKind.available)
    func kioskRelaysSignInCode(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let (browser, pending) = try await scene.waitingBrowser()
            // The kiosk owner's browser shows a code; the kiosk fetches the challenge bound to
            // it and has the customer's card sign it "for the certificate".
            let (_, bound) = try await scene.anonymous("/v1/portal/sign-in/challenges", ["code": pending.code])
            #expect(bound["purpose"] as? String == "portal-sign-in")
            var answer = try scene.sign(bound)
            answer.merge(["requestId": "r-1", "storeCode": "1", "kind": "residence"]) { $1 }
            let (status, problem, _) = try await scene.kiosk.call(.post, "/v1/kiosk/certificates", json: answer)
            #expect(status == .forbidden && problem["code"] as? String == "challenge-purpose-mismatch")
            // No certificate printed, the browser's sign-in not approved — and the challenge is
            // dead, so the same answer is not good at the portal afterwards either.
            #expect(try await scene.portal.signIn.complete(pending.id, sessionToken: browser) == nil)
            let (late, used) = try await scene.anonymous("/v1/portal/sign-in/responses", try scene.sign(bound))
            #expect(late == .notFound && used["code"] as? String == "challenge-expired")
            #expect(try await scene.portal.signIn.complete(pending.id, sessionToken: browser) == nil)
            let printed = try await scene.portal.registry.database.read { try await $0.first("SELECT count(*) AS n FROM kiosk_certificates")?.int("n") }
            #expect(printed == 0)
        }
    }

    @Test("the same relay through Mykey, Mynapoint and a clinic: a sign-in challenge approves nothing but a sign-in", arguments: DatabaseKind.available)
    func serviceEndpointsRefuseSignInChallenges(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let honest = scene.honestProvider.id
            for (path, extra) in [
                ("/v1/mykey", [String: Any]()), ("/v1/mynapoint/claims", [:]),
                ("/v1/mynapoint/sign-ups", ["campaignId": "round-2", "providerId": honest, "providerAccount": "acct-1"]),
            ] {
                let (browser, pending) = try await scene.waitingBrowser()
                let (_, bound) = try await scene.anonymous("/v1/portal/sign-in/challenges", ["code": pending.code])
                let (status, problem) = try await scene.anonymous(path, try scene.sign(bound).merging(extra) { $1 })
                #expect(status == .forbidden && problem["code"] as? String == "challenge-purpose-mismatch", "\(path)")
                #expect(try await scene.portal.signIn.complete(pending.id, sessionToken: browser) == nil, "\(path)")
            }
            let (browser, pending) = try await scene.waitingBrowser()
            let (_, bound) = try await scene.anonymous("/v1/portal/sign-in/challenges", ["code": pending.code])
            let (status, problem, _) = try await scene.clinic.call(.post, "/v1/eligibility/checks", json: try scene.sign(bound))
            #expect(status == .forbidden && problem["code"] as? String == "challenge-purpose-mismatch")
            #expect(try await scene.portal.signIn.complete(pending.id, sessionToken: browser) == nil)
            #expect(try await scene.services.mynapoint.signUps(of: scene.customer.residentID).isEmpty)
            #expect(try await scene.services.mykey.existingID(for: scene.customer.residentID) == nil)
        }
    }

    @Test("a clinic's visual check over HTTP: the certificate it kept is refused alone; the card face read with 照合番号B passes, once", arguments: DatabaseKind.available)
    func visualCheckNeedsTheCardFace(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let certificate = Data(try #require(scene.customer.issued.authentication)).base64EncodedString()
            // What a visual check was before issue 14: the public certificate and a name.
            let (bare, bareProblem, _) = try await scene.clinic.call(
                .post, "/v1/eligibility/checks", json: ["certificate": certificate, "visualCheckBy": "受付 田中"])
            #expect(bare == .unprocessableContent && bareProblem["code"] as? String == "invalid-eligibility-check")
            // With the card at the desk: its card-face application answers the clinic's challenge.
            let (_, challenge, _) = try await scene.clinic.call(.post, "/v1/card/challenges", json: ["purpose": "eligibility-check"])
            let input = try #require((challenge["signingInput"] as? String).flatMap(Base64URL.decode))
            guard case .signed(let signature) = try scene.customer.readCardFace(input) else { Issue.record("the card refused"); return }
            let body: [String: Any] = [
                "challengeId": try #require(challenge["challengeId"] as? String), "certificate": certificate,
                "cardFaceSignature": Data(signature).base64EncodedString(), "visualCheckBy": "受付 田中",
            ]
            // The card was accepted: no insurer holds a record for this customer, and that is the answer.
            let (status, problem, _) = try await scene.clinic.call(.post, "/v1/eligibility/checks", json: body)
            #expect(status == .notFound && problem["code"] as? String == "no-eligibility-record", "\(problem)")
            let (replayed, replayProblem, _) = try await scene.clinic.call(.post, "/v1/eligibility/checks", json: body)
            #expect(replayed == .conflict && replayProblem["code"] as? String == "challenge-used")
        }
    }

    @Test("an answer made for one kiosk's certificate is refused at another kiosk, at the portal and at Mykey", arguments: DatabaseKind.available)
    func kioskAnswerIsForThatKioskOnly(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let request: [String: Any] = ["purpose": "kiosk-certificate", "kind": "residence"]
            // Anyone may not ask for a kiosk's challenge: only the kiosk, signed.
            let (unsigned, refused) = try await scene.anonymous("/v1/card/challenges", request)
            #expect(unsigned == .unauthorized && refused["code"] as? String == "agency-credential-required")
            let (wrongType, typeProblem, _) = try await scene.clinic.call(.post, "/v1/card/challenges", json: request)
            #expect(wrongType == .forbidden && typeProblem["code"] as? String == "wrong-party-type")

            let (created, challenge, _) = try await scene.kiosk.call(.post, "/v1/card/challenges", json: request)
            #expect(created == .created && challenge["audience"] as? String == "party:\(scene.kiosk.agency.id)")
            let statement = try CardChallengeStatement(parsing: try #require((challenge["signingInput"] as? String).flatMap(Base64URL.decode)))
            #expect(statement.audienceName == "悪いコンビニ" && statement.detail("certificate-kind") == "residence")
            let answer = try scene.sign(challenge)
            let order: [String: Any] = ["requestId": "r-1", "storeCode": "1", "kind": "residence"]
            // Another kiosk replays the answer: refused, and the challenge is dead for its own kiosk too.
            let (other, otherProblem, _) = try await scene.otherKiosk.call(.post, "/v1/kiosk/certificates", json: answer.merging(order) { $1 })
            #expect(other == .forbidden && otherProblem["code"] as? String == "challenge-purpose-mismatch")
            let (portal, portalProblem) = try await scene.anonymous("/v1/portal/sign-in/responses", answer)
            #expect(portal == .notFound && portalProblem["code"] as? String == "challenge-expired")

            // A fresh one, answered where it belongs, but for another certificate than approved: refused.
            let (_, fresh, _) = try await scene.kiosk.call(.post, "/v1/card/challenges", json: request)
            let approved = try scene.sign(fresh)
            let (mykey, mykeyProblem) = try await scene.anonymous("/v1/mykey", approved)
            #expect(mykey == .forbidden && mykeyProblem["code"] as? String == "challenge-purpose-mismatch")

            let (_, honest, _) = try await scene.kiosk.call(.post, "/v1/card/challenges", json: request)
            let (printed, certificate, _) = try await scene.kiosk.call(.post, "/v1/kiosk/certificates", json: try scene.sign(honest).merging(order) { $1 })
            #expect(printed == .created && certificate["kind"] as? String == "residence")
        }
    }

    @Test("a Mynapoint answer approving one provider cannot sign the customer up with another", arguments: DatabaseKind.available)
    func signUpIsForTheApprovedProvider(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let choice: [String: Any] = ["campaignId": "round-2", "providerId": scene.honestProvider.id, "providerAccount": "acct-1"]
            let (_, challenge) = try await scene.anonymous("/v1/card/challenges", choice.merging(["purpose": "mynapoint-sign-up"]) { $1 })
            let statement = try CardChallengeStatement(parsing: try #require((challenge["signingInput"] as? String).flatMap(Base64URL.decode)))
            #expect(statement.detail("provider-name") == "みらいペイ" && statement.summary.joined().contains("みらいペイ"))
            let answer = try scene.sign(challenge)
            // The terminal swaps in the attacker's provider (which could never be changed afterwards).
            let swapped = answer.merging(["campaignId": "round-2", "providerId": scene.attackersProvider.id, "providerAccount": "evil-1"]) { $1 }
            let (status, problem) = try await scene.anonymous("/v1/mynapoint/sign-ups", swapped)
            #expect(status == .forbidden && problem["code"] as? String == "challenge-purpose-mismatch")
            #expect(try await scene.services.mynapoint.signUps(of: scene.customer.residentID).isEmpty)

            let (_, fresh) = try await scene.anonymous("/v1/card/challenges", choice.merging(["purpose": "mynapoint-sign-up"]) { $1 })
            let (created, signUp) = try await scene.anonymous("/v1/mynapoint/sign-ups", try scene.sign(fresh).merging(choice) { $1 })
            #expect(created == .created && signUp["providerId"] as? String == scene.honestProvider.id)
        }
    }

    @Test("a signature over the old v1 input, or over another challenge's statement, verifies for nothing", arguments: DatabaseKind.available)
    func domainSeparation(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let (_, challenge) = try await scene.anonymous("/v1/portal/sign-in/challenges", [String: Any]())
            let id = try #require(challenge["challengeId"] as? String)
            let nonce = try #require(challenge["nonce"] as? String)
            let v1 = Array("myna-portal-sign-in-v1\n\(id)\n\(nonce)".utf8)
            let forged: [String: Any] = [
                "challengeId": id, "certificate": Data(try #require(scene.customer.issued.authentication)).base64EncodedString(),
                "signature": Data(try #require(try scene.customer.authenticate(v1))).base64EncodedString(),
            ]
            let (status, problem) = try await scene.anonymous("/v1/portal/sign-in/responses", forged)
            #expect(status == .unauthorized && problem["code"] as? String == "signature-invalid")
            // The statement names this server's origin and the challenge: the same bytes with
            // another origin are another statement.
            let statement = try CardChallengeStatement(parsing: try #require((challenge["signingInput"] as? String).flatMap(Base64URL.decode)))
            #expect(statement.origin == scene.portal.signIn.origin && statement.challengeID == id && statement.nonce == nonce)
        }
    }

    @Test("every sign-in leaves a notice with how and from where; the session list shows it and signs out everywhere", arguments: DatabaseKind.available)
    func signInNoticesAndSessions(kind: DatabaseKind) async throws {
        try await withScene(kind) { scene in
            let (browser, pending) = try await scene.waitingBrowser()
            let (_, bound) = try await scene.anonymous("/v1/portal/sign-in/challenges", ["code": pending.code])
            let statement = try CardChallengeStatement(parsing: try #require((bound["signingInput"] as? String).flatMap(Base64URL.decode)))
            // The holder sees the waiting browser before the PIN.
            #expect(statement.detail("browser-network") == "198.51.100.0/24" && statement.detail("browser-agent") == "Mozilla/5.0 (attacker's laptop)")
            #expect(try await scene.anonymous("/v1/portal/sign-in/responses", try scene.sign(bound)).0 == .ok)
            let done = try #require(try await scene.portal.signIn.complete(pending.id, sessionToken: browser))
            let (_, direct) = try await scene.anonymous("/v1/portal/sign-in/challenges", [String: Any]())
            #expect(try await scene.anonymous("/v1/portal/sign-in/responses", try scene.sign(direct)).0 == .ok)

            let cookie: HTTPFields = [.cookie: "__Host-myna-portal=\(done.token)"]
            let notices = try await scene.client.execute(uri: "/portal/notices?lang=en", method: .get, headers: cookie)
            let noticeText = String(buffer: notices.body)
            #expect(noticeText.components(separatedBy: "Someone signed in to your portal with your card").count - 1 == 2)
            #expect(noticeText.contains("198.51.100.0/24") && noticeText.contains("a code approved from another device"))
            let sessions = try await scene.client.execute(uri: "/portal/sessions?lang=en", method: .get, headers: cookie)
            let sessionsText = String(buffer: sessions.body)
            #expect(sessions.status == .ok && sessionsText.contains("This device") && sessionsText.contains("Mozilla/5.0 (attacker&#39;s laptop)"))
            #expect(try await scene.portal.sessions.active(of: scene.customer.residentID).count == 2)

            // Sign out everywhere (with the page's CSRF token): both sessions end.
            let csrf = try #require(sessionsText.components(separatedBy: "name=\"csrf\" value=\"").dropFirst().first?.prefix { $0 != "\"" })
            var form = cookie
            form[.contentType] = "application/x-www-form-urlencoded"
            let ended = try await scene.client.execute(
                uri: "/portal/sessions/sign-out-everywhere", method: .post, headers: form, body: ByteBuffer(string: "csrf=\(csrf)"))
            #expect(ended.status == .seeOther)
            #expect(try await scene.portal.sessions.active(of: scene.customer.residentID).isEmpty)
            #expect(try await scene.portal.sessions.session(for: done.token)?.signedIn != true)
        }
    }
}
