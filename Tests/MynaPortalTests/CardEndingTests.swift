import Foundation
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaOIDC
import MynaPKI
import MynaPortal
import MynaRegistry
import MynaDatabase
import MynaTestSupport
import Testing

/// Issue 14, item 4: a thief who signed in with a stolen card, and an app holding the
/// tokens that sign-in granted, keep nothing once the card stops standing.
@Suite("Sessions and tokens end with the card")
struct CardEndingTests {
    /// Every way a card stops vouching for its holder, and the crash that leaves only the
    /// ledger changed.
    enum Ending: String, CaseIterable, Sendable, CustomStringConvertible {
        case hotline, counterSuspension, loss, cardReturn, death
        /// The certificates revoked, the card's step never taken (a crash between the two).
        case revokedThenCrashed
        var description: String { rawValue }
    }

    static let chiyoda = try! MunicipalityCode("131016")
    static let clerk = RegistryActor.staff(id: "clerk-1", procedureID: "procedure-1")

    /// A direct sign-in with the card, as the thief holding it makes one.
    static func signIn(_ holder: inout TestCardHolder, _ portal: PortalFixture) async throws -> String {
        let challenge = try await portal.signIn.challenge()
        let signature = try #require(try holder.authenticate(challenge.signingInput))
        guard case .signedIn(let token, _) = try await portal.signIn.respond(
            to: challenge.id, certificateDER: try #require(holder.issued.authentication), signature: signature, source: "thief")
        else { throw TestFailure("no session") }
        return token
    }

    struct TestFailure: Error { let reason: String; init(_ reason: String) { self.reason = reason } }

    static func end(_ ending: Ending, _ holder: TestCardHolder, _ portal: PortalFixture) async throws {
        let office = portal.office
        switch ending {
        case .hotline:
            #expect(try await office.suspendByHotline(
                number: holder.number, birthDate: try CalendarDate(iso: "1990-05-01"), cardSerial: holder.card.serial, source: "owner") == .suspended)
        case .counterSuspension: _ = try await office.suspend(holder.card.id, by: clerk, within: chiyoda)
        case .loss: _ = try await office.reportLoss(holder.card.id, reason: "紛失届", by: clerk, within: chiyoda)
        case .cardReturn: _ = try await office.returnCard(holder.card.id, reason: "不要になったため", by: clerk, within: chiyoda)
        case .death:
            // Only the registry's step: the card office has not yet followed the record.
            _ = try await office.registry.residents.recordDeath(
                of: holder.residentID, on: portal.environment.clock.wallClock.today, by: clerk, reason: "死亡届")
        case .revokedThenCrashed:
            let live = try #require(try await office.certificates(of: holder.card.id).first { $0.kind == .authentication })
            let serial = try #require([UInt8](hex: live.serialHex))
            _ = try await office.publisher.revoke(serials: [serial], role: .authentication, reason: .keyCompromise)
            #expect(try await office.card(holder.card.id).status == .active)
        }
    }

    @Test("a thief's portal session and an app's tokens from the stolen card are refused on the next request",
          arguments: DatabaseKind.available, Ending.allCases)
    func endsAtOnce(kind: DatabaseKind, ending: Ending) async throws {
        try await withPortal(kind) { portal in
            let environment = portal.environment
            let (hub, oidc) = try await portal.providerWithLinkage()
            var owner = try await TestCardHolder.issue(by: portal.office)
            var bystander = try await TestCardHolder.issue(by: portal.office, name: "佐藤 一", nameKana: "サトウ ハジメ", born: "1985-02-03")
            let pension = try await hub.agencies.register(name: "日本年金機構", type: .pension, municipality: nil).agency
            try await hub.register(
                item: .pensionBenefit, value: Array(#"{"annualBenefitYen":780000}"#.utf8), code: try await hub.acquireCode(for: owner.number, by: pension),
                by: pension)
            let (app, secret) = try await oidc.registerClient(
                name: "家計簿アプリ", redirectURIs: ["https://app.example/cb"], scopes: ["openid", "name", "self:pension-benefit"])
            let appSecret = try #require(secret)

            // The thief signs in with the card and PIN and lets an app in.
            environment.clock.advance(by: 60)
            let thief = try await Self.signIn(&owner, portal)
            let other = try await Self.signIn(&bystander, portal)
            let session = try #require(try await portal.sessions.session(for: thief))
            let resident = owner.residentID
            func code() async throws -> String {
                let query = OIDCProviderTests.query(client: app.clientID, redirect: "https://app.example/cb", scope: "openid name self:pension-benefit")
                let held = try await oidc.hold(query: query, for: resident, card: session.cardID, authenticatedAt: session.createdAt)
                return try #require(OIDCProviderTests.code(in: try await oidc.decide(held, for: resident, approve: true)))
            }
            let body = try await oidc.token(
                body: OIDCProviderTests.tokenBody(code: try await code(), redirect: "https://app.example/cb"),
                authorization: OIDCProviderTests.basic(app.clientID, appSecret))
            let access = try #require((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["access_token"] as? String)
            let unredeemed = try await code()
            _ = try await oidc.userInfo(bearer: access)
            _ = try await oidc.selfInformation(bearer: access, item: "pension-benefit")

            // The owner acts (or the card otherwise stops standing) a minute later.
            environment.clock.advance(by: 60)
            try await Self.end(ending, owner, portal)

            #expect(try await portal.sessions.session(for: thief) == nil)
            await OIDCProviderTests.expectOAuth(.invalidToken) { _ = try await oidc.userInfo(bearer: access) }
            await OIDCProviderTests.expectOAuth(.invalidToken) { _ = try await oidc.selfInformation(bearer: access, item: "pension-benefit") }
            await OIDCProviderTests.expectOAuth(.invalidGrant) {
                _ = try await oidc.token(
                    body: OIDCProviderTests.tokenBody(code: unredeemed, redirect: "https://app.example/cb"),
                    authorization: OIDCProviderTests.basic(app.clientID, appSecret))
            }
            // There is no refresh token to fall back on: the grant is refused as such.
            await OIDCProviderTests.expectOAuth(.unsupportedGrantType) {
                _ = try await oidc.token(
                    body: Data("grant_type=refresh_token&refresh_token=\(access)".utf8), authorization: OIDCProviderTests.basic(app.clientID, appSecret))
            }
            // Someone else's session is untouched, and the ended one stays ended.
            #expect(try await portal.sessions.session(for: other) != nil)
            #expect(try await portal.sessions.session(for: thief) == nil)
        }
    }

    @Test("a session from before a suspension does not come back when the card is resumed with new certificates", arguments: DatabaseKind.available)
    func resumptionRevivesNothing(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            var owner = try await TestCardHolder.issue(by: portal.office)
            portal.environment.clock.advance(by: 60)
            let thief = try await Self.signIn(&owner, portal)
            portal.environment.clock.advance(by: 60)
            _ = try await portal.office.suspendByHotline(
                number: owner.number, birthDate: try CalendarDate(iso: "1990-05-01"), cardSerial: owner.card.serial, source: "owner")
            portal.environment.clock.advance(by: 60)
            let resumed = try await portal.office.resume(
                owner.card.id, chip: &owner.chip, identityDocuments: [.passport], by: Self.clerk, within: Self.chiyoda)
            #expect(resumed.card.status == .active)
            #expect(try await portal.sessions.session(for: thief) == nil)
            // The holder, with the new certificate, signs in again.
            var resumedOwner = owner.with(resumed)
            portal.environment.clock.advance(by: 60)
            #expect(try await portal.sessions.session(for: try await Self.signIn(&resumedOwner, portal)) != nil)
        }
    }
}
