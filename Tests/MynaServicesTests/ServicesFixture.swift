import Crypto
import Foundation
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPKI
import MynaPortal
import MynaRegistry
import MynaServices
import MynaDatabase
import MynaTestSupport
import Testing

/// The services over a card office, a linkage hub and a portal, on a throwaway database.
struct ServicesFixture: Sendable {
    let office: CardOffice
    let hub: LinkageHub
    let portal: Portal
    let services: Services
    let environment: TestEnvironment

    var registry: MynaRegistry.Registry { office.registry }
    var clock: WallClock { environment.clock.wallClock }

    /// A card's answer to a fresh challenge of `party`'s own — a kiosk's for a certificate
    /// of residence, a clinic's for an eligibility check — as the party sends it.
    func answer(_ holder: inout TestCardHolder, at party: Agency, pin: String = "1234") async throws -> (challenge: String, certificate: [UInt8], signature: [UInt8]) {
        let challenge = party.type == .medicalInstitution
            ? try await portal.signIn.challenge(for: .eligibilityCheck, audience: .party(id: party.id, name: party.name))
            : try await portal.signIn.challenge(
                for: .kioskCertificate, audience: .party(id: party.id, name: party.name), details: [("certificate-kind", "residence")])
        return (challenge.id, try #require(holder.issued.authentication), try #require(try holder.authenticate(challenge.signingInput, pin: pin)))
    }

    /// A visual check as the clinic's reader makes it: a fresh challenge of the clinic's,
    /// answered by the card-face application opened with 照合番号B read off the card (or
    /// with `numberB`, to show a wrong one refused by the card).
    func visualCheck(
        _ holder: inout TestCardHolder, at clinic: Agency, staff: String = "受付 田中", numberB: String? = nil
    ) async throws -> OnlineEligibility.Identification {
        let challenge = try await portal.signIn.challenge(for: .eligibilityCheck, audience: .party(id: clinic.id, name: clinic.name))
        let answer = try holder.readCardFace(challenge.signingInput, numberB: numberB)
        guard case .signed(let signature) = answer else { throw CardFaceRefused(answer: answer) }
        return .visualCheck(challengeID: challenge.id, certificateDER: try #require(holder.issued.authentication), cardFaceSignature: signature, staff: staff)
    }

    /// A campaign whose windows are open now.
    func campaign(
        _ id: String, budgetYen: Int64 = 1_000_000, rewards: [Campaign.Reward] = [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000)]
    ) throws -> Campaign {
        let today = CalendarDate(inJapanAt: clock.now)
        let window = Campaign.Window(from: CalendarDate(daysSinceEpoch: today.daysSinceEpoch - 10), until: CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 10))
        return try Campaign(id: id, name: "テスト \(id)", signUp: window, spending: window, budgetYen: budgetYen, rewards: rewards)
    }

    func load(_ campaign: Campaign) async throws {
        try await services.mynapoint.load(Array(try JSONEncoder().encode(campaign)), by: "test")
    }

    func register(_ name: String, _ type: AgencyType) async throws -> Agency {
        try await hub.agencies.register(name: name, type: type, municipality: nil).agency
    }

    /// A resident without a card (enough for the services that take a resident id).
    func resident(_ index: Int) async throws -> String {
        try await registry.residents.register(
            try BasicInfo(
                name: "住民 \(index)", nameKana: "ジュウミン", address: try Address(municipality: try MunicipalityCode("131016"), text: "東京都千代田区丸の内\(index)"),
                birthDate: try CalendarDate(iso: "1980-01-01"), sex: .female),
            by: .system("test"), reason: "test").resident.id
    }
}

func withServices(
    _ kind: DatabaseKind, kioskDeadline: Duration = .seconds(10), kioskPause: Duration = .zero, _ body: @Sendable (ServicesFixture) async throws -> Void
) async throws {
    try await withTestRegistry(kind) { registry, environment in
        let clock = environment.clock.wallClock
        let office = try makeTestCardOffice(registry, environment)
        let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: clock)
        let portal = Portal(registry: registry, cards: office, linkage: hub, clock: clock)
        let services = Services(
            hub: hub, cardAnswers: portal.signIn, linkages: portal.linkages, sealKey: P256.Signing.PrivateKey(), verificationBaseURL: "https://myna.test/v1/certificates/verifications",
            kioskHours: .always, kioskDeadline: kioskDeadline, kioskPause: kioskPause, clock: clock)
        try await body(ServicesFixture(office: office, hub: hub, portal: portal, services: services, environment: environment))
    }
}

func expectServiceError(_ code: ServiceError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    await expectError(ServiceError.self, code.rawValue, { $0.code == code }, sourceLocation: sourceLocation, body)
}

func expectPortalError(_ code: PortalError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    await expectError(PortalError.self, code.rawValue, { $0.code == code }, sourceLocation: sourceLocation, body)
}

private func expectError<E: Error>(
    _ type: E.Type, _ expected: String, _ matches: (E) -> Bool, sourceLocation: SourceLocation, _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(expected)", sourceLocation: sourceLocation)
    } catch let error as E {
        #expect(matches(error), "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The card-face application refused the number it was opened with.
struct CardFaceRefused: Error {
    let answer: SigningResult
}
