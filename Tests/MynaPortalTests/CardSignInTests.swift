import Foundation
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPKI
import MynaPortal
import MynaRegistry
import MynaDatabase
import MynaTestSupport
import Testing

/// A portal over a card office with one card holder.
struct PortalFixture: Sendable {
    let office: CardOffice
    let sessions: PortalSessions
    let signIn: CardSignIn
    let environment: TestEnvironment

    static func make(_ registry: MynaRegistry.Registry, _ environment: TestEnvironment) throws -> PortalFixture {
        let office = try makeTestCardOffice(registry, environment)
        let clock = environment.clock.wallClock
        let sessions = PortalSessions(database: environment.database, clock: clock)
        let verifier = CertificateVerifier(authorities: office.publisher.authorities, ledger: office.publisher.ledger, clock: clock)
        return PortalFixture(
            office: office, sessions: sessions, signIn: CardSignIn(database: environment.database, clock: clock, verifier: verifier, sessions: sessions, sources: registry.sources, origin: "https://myna.test"),
            environment: environment)
    }
}

extension PortalFixture {
    /// A linkage hub and an OpenID provider that serves self-information from it.
    func providerWithLinkage() async throws -> (hub: LinkageHub, oidc: OIDCProvider) {
        let registry = office.registry
        let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
        let oidc = try await OIDCProvider.open(
            registry: registry, keys: environment.keys, issuer: "https://myna.example", linkage: hub, clock: environment.clock.wallClock)
        return (hub, oidc)
    }
}

func withPortal(_ kind: DatabaseKind, _ body: @Sendable (PortalFixture) async throws -> Void) async throws {
    try await withTestRegistry(kind) { registry, environment in try await body(try PortalFixture.make(registry, environment)) }
}

func expectPortalError(_ code: PortalError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue)", sourceLocation: sourceLocation)
    } catch let error as PortalError {
        #expect(error.code == code, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Sign-in with the card")
struct CardSignInTests {
    @Test("direct: the card signs the challenge after its PIN; the session is the holder's; a challenge answers once", arguments: DatabaseKind.available)
    func direct(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            var holder = try await TestCardHolder.issue(by: portal.office)
            let certificate = try #require(holder.issued.authentication)
            let challenge = try await portal.signIn.challenge()
            let signature = try #require(try holder.authenticate(challenge.signingInput))
            guard case .signedIn(let token, let resident) = try await portal.signIn.respond(
                to: challenge.id, certificateDER: certificate, signature: signature, source: "test")
            else { Issue.record("expected a session"); return }
            #expect(resident == holder.residentID)
            let session = try #require(try await portal.sessions.session(for: token))
            #expect(session.residentID == holder.residentID && session.cardID == holder.card.id)
            await expectPortalError(.challengeUsed) {
                _ = try await portal.signIn.respond(to: challenge.id, certificateDER: certificate, signature: signature, source: "test")
            }
            // The signature over another challenge, or over anything else, signs no one in.
            let other = try await portal.signIn.challenge()
            await expectPortalError(.signatureInvalid) {
                _ = try await portal.signIn.respond(to: other.id, certificateDER: certificate, signature: signature, source: "test")
            }
            // The wrong PIN: the card itself refuses, and counts.
            #expect(try holder.authenticate(other.signingInput, pin: "9999") == nil)
        }
    }

    @Test("cross-device: the browser's code is approved by the card; the browser's session is replaced, once", arguments: DatabaseKind.available)
    func crossDevice(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            var holder = try await TestCardHolder.issue(by: portal.office)
            let (browser, anonymous) = try await portal.sessions.start()
            #expect(!anonymous.signedIn)
            let pending = try await portal.signIn.begin(for: browser, returnTo: "/portal/usage")
            #expect(pending.code.count == 9 && pending.code.contains("-"))
            #expect(try await portal.signIn.complete(pending.id, sessionToken: browser) == nil)  // not yet approved

            // Typed loosely on the other device: lower case, no hyphen.
            let challenge = try await portal.signIn.challenge(forCode: pending.code.lowercased().replacingOccurrences(of: "-", with: ""), source: "phone")
            let signature = try #require(try holder.authenticate(challenge.signingInput))
            let approval = try await portal.signIn.respond(
                to: challenge.id, certificateDER: try #require(holder.issued.authentication), signature: signature, source: "phone")
            #expect(approval == .approved(residentID: holder.residentID))

            // Another browser cannot collect it.
            let (stranger, _) = try await portal.sessions.start()
            await expectPortalError(.challengeExpired) { _ = try await portal.signIn.complete(pending.id, sessionToken: stranger) }
            let done = try #require(try await portal.signIn.complete(pending.id, sessionToken: browser))
            #expect(done.residentID == holder.residentID && done.returnTo == "/portal/usage" && done.token != browser)
            #expect(try await portal.sessions.session(for: browser) == nil)  // the pre-sign-in token died (rotation)
            #expect(try await portal.sessions.session(for: done.token)?.residentID == holder.residentID)
            await expectPortalError(.challengeUsed) { _ = try await portal.signIn.complete(pending.id, sessionToken: browser) }
            await expectPortalError(.invalidCode) { _ = try await portal.signIn.challenge(forCode: pending.code, source: "phone") }
        }
    }

    @Test("codes expire; wrong codes from one source are counted and then turned away", arguments: DatabaseKind.available)
    func codesAndThrottling(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let (browser, _) = try await portal.sessions.start()
            let pending = try await portal.signIn.begin(for: browser)
            portal.environment.clock.advance(by: 301)
            await expectPortalError(.invalidCode) { _ = try await portal.signIn.challenge(forCode: pending.code, source: "guesser") }
            await expectPortalError(.challengeExpired) { _ = try await portal.signIn.complete(pending.id, sessionToken: browser) }
            for _ in 0..<9 {
                await expectPortalError(.invalidCode) { _ = try await portal.signIn.challenge(forCode: "ZZZZ-ZZZZ", source: "guesser") }
            }
            await expectPortalError(.tooManyAttempts) { _ = try await portal.signIn.challenge(forCode: "ZZZZ-ZZZZ", source: "guesser") }
            // Another source is not held up by this one.
            await expectPortalError(.invalidCode) { _ = try await portal.signIn.challenge(forCode: "ZZZZ-ZZZZ", source: "someone-else") }
            portal.environment.clock.advance(by: 601)
            await expectPortalError(.invalidCode) { _ = try await portal.signIn.challenge(forCode: "ZZZZ-ZZZZ", source: "guesser") }
        }
    }

    @Test("a suspended, returned or revoked card signs no one in, checked at that moment", arguments: DatabaseKind.available)
    func unusableCards(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let chiyoda = try MunicipalityCode("131016")
            let clerk = RegistryActor.staff(id: "clerk-1", procedureID: "procedure-1")
            func attempt(_ holder: inout TestCardHolder) async throws -> SignInApproval {
                let challenge = try await portal.signIn.challenge()
                return try await portal.signIn.respond(
                    to: challenge.id, certificateDER: try #require(holder.issued.authentication),
                    signature: try #require(try holder.authenticate(challenge.signingInput)), source: "test")
            }
            var suspended = try await TestCardHolder.issue(by: portal.office, name: "佐藤 一", nameKana: "サトウ ハジメ")
            _ = try await portal.office.suspend(suspended.card.id, by: clerk, within: chiyoda)
            await expectPortalError(.certificateRevoked) { _ = try await attempt(&suspended) }
            var returned = try await TestCardHolder.issue(by: portal.office, name: "鈴木 二郎", nameKana: "スズキ ジロウ")
            _ = try await portal.office.returnCard(returned.card.id, reason: "不要になったため", by: clerk, within: chiyoda)
            await expectPortalError(.certificateRevoked) { _ = try await attempt(&returned) }
            // A certificate expired with its card: refused on validity, whatever the ledger says.
            var expired = try await TestCardHolder.issue(by: portal.office, name: "高橋 三郎", nameKana: "タカハシ サブロウ")
            portal.environment.clock.advance(by: 6 * 365 * 86_400)
            await expectPortalError(.certificateNotAccepted) { _ = try await attempt(&expired) }
        }
    }
}
