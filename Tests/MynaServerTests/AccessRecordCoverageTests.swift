import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MynaAudit
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPortal
import MynaRegistry
@testable import MynaServer
import MynaServices
import MynaDatabase
import MynaTestSupport
import Testing
import X509

/// Every read of a person's data by staff, oversight, an agency or an app leaves a record
/// the person can see (architecture.md, principle 2). The review of issue 14 found routes
/// that showed personal data and left none: the counter's card list, the linkage list
/// (account and insurance numbers), provision records and refusals read by staff or
/// oversight. These tests enumerate the router's own endpoint book, so a route added
/// later without being classified here fails the first test, and a route classified as
/// showing a person's data but never called and checked fails the second.
@Suite("Access records for every route")
struct AccessRecordCoverageTests {
    /// What a route gives away about a person.
    enum Exposure: Equatable {
        /// Returns or changes a person's data for someone other than the person: calling
        /// it must leave exactly the expected record (access record or provision record).
        case recorded
        /// Returns the person's data only to the holder of their card, who proved it with
        /// the card and its PIN for this request: the person's own use, not another's.
        case holderOnly(String)
        /// Returns no one's personal data; the reason says why.
        case none(String)
    }

    static let routes: [String: Exposure] = [
        "GET /healthz": .none("liveness only"),
        "GET /metrics": .none("counters, never labelled by person"),
        "GET /openapi.json": .none("the API's description"),
        "GET /v1/municipalities": .none("the list of municipalities"),
        "POST /v1/numbers/check": .none("checks the digits the caller sent; looks no one up"),
        "GET /v1/stats": .none("counts, with every count under 10 suppressed"),

        "POST /v1/staff/sessions": .none("signs a member of staff in"),
        "GET /v1/staff/sessions/current": .none("the member's own session: a procedure's resident id and the purpose the member gave, none of the person's data"),
        "DELETE /v1/staff/sessions/current": .none("signs out"),
        "POST /v1/staff": .none("creates a clerk; staff, not residents"),
        "POST /v1/procedures": .recorded,
        "GET /v1/procedures/current": .none("the member's own procedure: the resident id and purpose the member gave"),
        "DELETE /v1/procedures/current": .none("closes the procedure"),

        "POST /v1/residents": .recorded,
        "POST /v1/residents/search": .recorded,
        "POST /v1/residents/lookup": .recorded,
        "GET /v1/residents/{id}": .recorded,
        "PATCH /v1/residents/{id}": .recorded,
        "GET /v1/residents/{id}/number": .recorded,
        "POST /v1/residents/{id}/move-out": .recorded,
        "POST /v1/residents/{id}/move-in": .recorded,
        "POST /v1/residents/{id}/death": .recorded,
        "POST /v1/residents/{id}/number-change": .recorded,
        "GET /v1/residents/{id}/history": .recorded,
        "GET /v1/residents/{id}/access-records": .recorded,

        "POST /v1/cards/suspension": .none("answers only that a suspension was taken, from facts the caller gave"),
        "GET /v1/residents/{id}/cards": .recorded,
        "POST /v1/residents/{id}/cards": .recorded,
        "POST /v1/residents/{id}/cards/{card}/issuance-challenge": .none("hands the counter a nonce for the chip; the issue that answers it is recorded"),
        "POST /v1/residents/{id}/cards/{card}/issue": .recorded,
        "POST /v1/residents/{id}/cards/{card}/resume": .recorded,
        "POST /v1/residents/{id}/cards/{card}/renew": .recorded,
        "POST /v1/residents/{id}/cards/{card}/suspend": .recorded,
        "POST /v1/residents/{id}/cards/{card}/loss": .recorded,
        "POST /v1/residents/{id}/cards/{card}/return": .recorded,
        "POST /v1/residents/{id}/cards/{card}/pin-reset": .recorded,

        "GET /v1/log/public-key": .none("the log's key"),
        "GET /v1/log/get-sth": .none("a signed tree head"),
        "GET /v1/log/get-sth-consistency": .none("hashes of the tree"),
        "GET /v1/log/get-proof-by-hash": .none("hashes of the tree"),
        "GET /v1/log/get-entries": .none("salted commitments, which reveal nothing about anyone"),
        "GET /v1/residents/{id}/provision-records/{record}/evidence": .recorded,

        "POST /v1/pki/verify": .none("checks a certificate and signature the caller already holds"),
        "GET /v1/pki/ca/{file}": .none("a CA certificate"),
        "POST /v1/pki/ocsp/{role}": .none("the status of a certificate the caller already holds"),
        "GET /v1/pki/ocsp/{role}/{request}": .none("the status of a certificate the caller already holds"),
        "GET /v1/pki/crl/{file}": .none("revoked serials, no one's facts"),

        "GET /v1/residents/{id}/linkages": .recorded,
        "PUT /v1/residents/{id}/linkages/public-fund-account": .recorded,
        "PUT /v1/residents/{id}/linkages/health-insurance": .recorded,

        "GET /v1/linkage/allow-list": .none("the law, public"),
        "POST /v1/linkage/codes": .recorded,
        "POST /v1/linkage/items": .none("a provider's own copy in; the answer is only its version"),
        "POST /v1/linkage/queries": .recorded,
        "POST /v1/linkage/subscriptions": .none("an agency's subscription"),
        "GET /v1/linkage/notices": .none("that an item changed, by the agency's own code: the data itself comes only by a query, which is recorded"),
        "POST /v1/linkage/notices/ack": .none("acknowledges notices"),
        "GET /v1/linkage/records": .none("the agency's own exchanges, each person by the agency's own code"),
        "GET /v1/residents/{id}/provision-records": .recorded,
        "GET /v1/residents/{id}/linkage-refusals": .recorded,
        "POST /v1/residents/{id}/linkage-refusals": .recorded,
        "DELETE /v1/residents/{id}/linkage-refusals/{item}": .recorded,

        "GET /v1/mynapoint/campaigns": .none("campaigns and their budgets"),
        "POST /v1/mynapoint/sign-ups": .holderOnly("the holder signs themselves up"),
        "POST /v1/mynapoint/claims": .holderOnly("the holder's own sign-ups"),
        "POST /v1/residents/{id}/mynapoint/sign-ups": .recorded,
        "POST /v1/mynapoint/reports": .none("the provider's own report about its own customer's account, answered with the points it earns"),
        "GET /v1/mynapoint/grants": .recorded,

        "POST /v1/kiosk/certificates": .recorded,
        "GET /v1/certificates/verifications/{code}": .none("whether a certificate is genuine: its kind, municipality, time and hash"),
        "POST /v1/certificates/verifications": .none("whether a certificate the caller holds is genuine"),
        "GET /v1/certificates/keys": .none("the seal's public key"),
        "POST /v1/eligibility/checks": .recorded,
        "POST /v1/mykey": .holderOnly("the holder's own Mykey ID"),
        "POST /v1/mykey/cards": .holderOnly("the holder attaches their own card"),

        "POST /v1/portal/sign-in/challenges": .none("a fresh challenge"),
        "POST /v1/card/challenges": .none("a fresh challenge for a service; it names no person"),
        "POST /v1/residents/{id}/card-challenges": .none("a fresh challenge for the counter; it returns nothing of the person"),
        "POST /v1/portal/sign-in/responses": .holderOnly("signs the card's holder in"),
    ]

    /// A served route that is not classified above fails here: whoever adds a route says
    /// whether it shows a person's data, and if it does, the next test must call it.
    @Test func everyRouteIsClassified() async throws {
        try await withWorld(.sqlite) { world in
            let served = Set(world.endpoints.map(\.description))
            #expect(served.subtracting(Self.routes.keys).isEmpty, "not classified: \(served.subtracting(Self.routes.keys).sorted())")
            #expect(Set(Self.routes.keys).subtracting(served).isEmpty, "classified but not served: \(Set(Self.routes.keys).subtracting(served).sorted())")
        }
    }

    /// The API document names every action and every kind of actor a record can carry:
    /// both are closed sets, and a client reading records can rely on the list.
    @Test func documentNamesEveryActionAndActor() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/MynaServer/Resources/openapi.json")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])
        #expect(schemas["AccessAction"]?["enum"] as? [String] == AccessAction.allCases.map(\.rawValue))
        let kinds = ((schemas["AccessRecord"]?["properties"] as? [String: [String: Any]])?["actorKind"])?["enum"] as? [String]
        #expect(kinds == ActorKind.allCases.map(\.rawValue))
    }

    /// Each route that shows or changes a person's data is called as the actor it serves,
    /// and exactly the expected records appear: who (kind and id), what, why, for whom —
    /// each committed to the transparency log. Before issue 14's fix the card list, the
    /// linkage list, provision records, refusals, their evidence and a counter Mynapoint
    /// sign-up left nothing, and oversight's reads were filed as a clerk's.
    @Test("every route that shows or changes a person's data leaves exactly its record", arguments: DatabaseKind.available)
    func everyPersonalRouteLeavesItsRecord(kind: DatabaseKind) async throws {
        try await withWorld(kind) { world in
            try await world.walk()
            let personal = Set(Self.routes.filter { $0.value == .recorded }.map(\.key))
            #expect(personal.subtracting(world.checked).isEmpty, "never called and checked: \(personal.subtracting(world.checked).sorted())")
            #expect(world.checked.subtracting(personal).isEmpty, "checked but not classified as recorded: \(world.checked.subtracting(personal).sorted())")
        }
    }

    /// Oversight's reads reach the person's usage page, named as oversight, with every
    /// other party's; the person's own reads are left out.
    @Test("the usage page shows oversight's, agencies' and staff's reads by kind", arguments: DatabaseKind.available)
    func usagePageShowsEveryParty(kind: DatabaseKind) async throws {
        try await withWorld(kind) { world in
            let holder = try await TestCardHolder.issue(by: world.office)
            let auditor = try await world.staff("auditor", role: .auditor)
            #expect(try await auditor.call(.get, "/v1/residents/\(holder.residentID)/history").0 == .ok)
            let records = try await world.registry.residents.accessRecords(of: holder.residentID, by: .system("test"), purpose: "test")
            let oversight = try #require(records.first { $0.action == .readHistory })
            #expect(oversight.actorKind == .oversight && oversight.purpose == "oversight" && oversight.salt != nil)
            try await world.log.sequence()
            let page = try await world.portalPage("/portal/usage", as: holder, language: "en")
            #expect(page.contains("oversight (audit)") && page.contains("read-history"))
            #expect(page.contains("counter staff") && page.contains("card-issue"))
            #expect(page.contains("Not logged (Myna&#39;s own processing)") || page.contains("Not logged (Myna's own processing)"))
            #expect(!page.contains(">you<"), "the person's own reads are not listed as another's")
        }
    }
}

// MARK: The world the tests walk through

extension AccessRecordCoverageTests {
    /// An access record as compared: for whom, by whom (kind and id), what, why.
    struct Seen: Hashable, CustomStringConvertible {
        let resident: String
        let actorKind: String
        let actorID: String
        let action: String
        let purpose: String
        var description: String { "\(actorKind):\(actorID) \(action) \"\(purpose)\" on \(resident.prefix(8))" }
    }

    /// A provision record as compared: for whom, who asked, which item, the outcome.
    struct Provision: Hashable, CustomStringConvertible {
        let resident: String
        let requester: String
        let item: String
        let outcome: String
        var description: String { "\(requester) \(item) \(outcome) on \(resident.prefix(8))" }
    }

    final class World: @unchecked Sendable {
        let registry: Registry
        let environment: TestEnvironment
        let client: any TestClientProtocol
        let endpoints: [Endpoint]
        let office: CardOffice
        let hub: LinkageHub
        let log: TransparencyLog
        let services: Services
        let portal: Portal
        var checked: Set<String> = []

        init(
            registry: Registry, environment: TestEnvironment, client: any TestClientProtocol, endpoints: [Endpoint], office: CardOffice, hub: LinkageHub,
            log: TransparencyLog, services: Services, portal: Portal
        ) {
            (self.registry, self.environment, self.client, self.endpoints, self.office, self.hub, self.log, self.services, self.portal) =
                (registry, environment, client, endpoints, office, hub, log, services, portal)
        }

        var database: any Database { registry.database }

        func staff(_ username: String, role: StaffRole = .clerk, municipality: String = "131016") async throws -> API {
            try await API(client: client).signedIn(registry, environment, username: username, role: role, municipality: municipality)
        }

        func staffID(_ api: API) async throws -> String {
            try #require((try await api.call(.get, "/v1/staff/sessions/current").1["staff"] as? [String: Any])?["id"] as? String)
        }

        func agency(_ name: String, _ type: AgencyType, _ municipality: String?) async throws -> LinkageAPITests.AgencyAPI {
            let made = try await hub.agencies.register(name: name, type: type, municipality: try municipality.map { try MunicipalityCode($0) })
            return LinkageAPITests.AgencyAPI(client: client, agency: made.agency, keyID: made.keyID, key: made.privateKey, clock: environment.clock)
        }

        private func highest(_ table: String) async throws -> Int {
            try await database.read { try await $0.first(SQL("SELECT COALESCE(MAX(id), 0) AS top FROM \(table)"))?.int("top") ?? 0 }
        }

        /// Calls `endpoint` through `call`, which must succeed, and checks that exactly
        /// `expected` access records and `provisions` appeared — every access record of a
        /// party queued for the transparency log in the same commit.
        @discardableResult
        func check(
            _ endpoint: String, expecting expected: @escaping ([String: Any]) -> [Seen], provisions: @escaping ([String: Any]) -> [Provision] = { _ in [] },
            sourceLocation: SourceLocation = #_sourceLocation, _ call: () async throws -> (HTTPResponse.Status, [String: Any])
        ) async throws -> [String: Any] {
            let (accessMark, provisionMark) = (try await highest("access_records"), try await highest("provision_records"))
            let (status, body) = try await call()
            #expect((200..<300).contains(status.code), "\(endpoint): \(status) \(body)", sourceLocation: sourceLocation)
            let rows = try await database.read { connection in
                try await connection.query(SQL(
                    "SELECT id, resident_id, actor_kind, actor_id, action, purpose, salt FROM access_records WHERE id > ? ORDER BY id", [.integer(Int64(accessMark))]))
            }
            let seen = try rows.map {
                Seen(resident: try $0.string("resident_id"), actorKind: try $0.string("actor_kind"), actorID: try $0.string("actor_id"),
                     action: try $0.string("action"), purpose: try $0.string("purpose"))
            }
            let wanted = expected(body)
            #expect(seen.sorted { $0.description < $1.description } == wanted.sorted { $0.description < $1.description },
                    "\(endpoint): recorded \(seen), expected \(wanted)", sourceLocation: sourceLocation)
            for row in rows where ActorKind(rawValue: try row.string("actor_kind"))?.isLogged == true {
                let id = try row.int("id")
                let queued = try await database.read { connection in
                    try await connection.first(SQL(
                        """
                        SELECT (SELECT COUNT(*) FROM log_queue WHERE kind = ? AND record_id = ?) + (SELECT COUNT(*) FROM log_leaves WHERE kind = ? AND record_id = ?) AS n
                        """, [.text(AccessRecord.logKind), .integer(Int64(id)), .text(AccessRecord.logKind), .integer(Int64(id))]))?.int("n")
                }
                #expect(queued == 1, "\(endpoint): access record \(id) is not in the log", sourceLocation: sourceLocation)
            }
            let exchanged = try await database.read { connection in
                try await connection.query(SQL(
                    "SELECT resident_id, requester_id, item, outcome FROM provision_records WHERE id > ? ORDER BY id", [.integer(Int64(provisionMark))]))
            }.map { Provision(resident: try $0.optionalString("resident_id") ?? "-", requester: try $0.string("requester_id"), item: try $0.string("item"), outcome: try $0.string("outcome")) }
            #expect(Set(exchanged) == Set(provisions(body)) && exchanged.count == provisions(body).count,
                    "\(endpoint): provision records \(exchanged), expected \(provisions(body))", sourceLocation: sourceLocation)
            checked.insert(endpoint)
            return body
        }

        /// The card's answer to a challenge the party asked for, for its own purpose.
        func answer(_ holder: inout TestCardHolder, to challenge: (HTTPResponse.Status, [String: Any])) throws -> [String: Any] {
            try holder.answer(challenge.1)
        }

        /// A portal page as the holder sees it, in a session signed in with their card.
        func portalPage(_ path: String, as holder: TestCardHolder, language: String) async throws -> String {
            let (token, _) = try await portal.sessions.start(resident: holder.residentID, card: holder.card.id)
            let response = try await client.execute(
                uri: "\(path)?lang=\(language)", method: .get, headers: [.cookie: "\(PortalCookie.name)=\(token)"], body: nil)
            return String(buffer: response.body)
        }
    }

    func withWorld(_ kind: DatabaseKind, _ body: @escaping @Sendable (World) async throws -> Void) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let office = try makeTestCardOffice(registry, environment)
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
            let log = try TransparencyLog(database: registry.database, keys: environment.keys, clock: environment.clock.wallClock)
            let portal = Portal(registry: registry, cards: office, linkage: hub, clock: environment.clock.wallClock)
            let services = try makeTestServices(portal, hub, environment)
            let (router, endpoints) = buildRouter(system: try await makeTestSystem(registry, environment, cards: office, linkage: hub, log: log, portal: portal, services: services))
            let app = Application(router: router, configuration: .init(), logger: testLogger)
            try await app.test(.router) { client in
                try await body(World(
                    registry: registry, environment: environment, client: client, endpoints: endpoints, office: office, hub: hub, log: log,
                    services: services, portal: portal))
            }
        }
    }
}

// MARK: The walk: every route that shows or changes a person's data, as its actor

extension AccessRecordCoverageTests.World {
    typealias Seen = AccessRecordCoverageTests.Seen
    typealias Provision = AccessRecordCoverageTests.Provision

    func walk() async throws {
        let clerk = try await staff("clerk")
        let clerkID = try await staffID(clerk)
        func byClerk(_ resident: String, _ action: AccessAction, _ purpose: String) -> Seen {
            Seen(resident: resident, actorKind: "staff", actorID: clerkID, action: action.rawValue, purpose: purpose)
        }

        // The counter: register, find, open a procedure, read and change.
        let registered = try await check("POST /v1/residents", expecting: { body in
            [byClerk((body["resident"] as? [String: Any])?["id"] as? String ?? "?", .register, "出生届")]
        }) { try await clerk.call(.post, "/v1/residents", json: demoResident) }
        let person = try #require((registered["resident"] as? [String: Any])?["id"] as? String)
        let number = try #require(registered["individualNumber"] as? String)
        try await check("POST /v1/residents/search", expecting: { _ in [byClerk(person, .searchMatch, "counter search")] }) {
            try await clerk.call(.post, "/v1/residents/search", json: ["name": "試験 花子", "birthDate": "1990-05-05"])
        }
        try await check("POST /v1/residents/lookup", expecting: { _ in [byClerk(person, .lookupByNumber, "counter lookup by number")] }) {
            try await clerk.call(.post, "/v1/residents/lookup", json: ["individualNumber": number])
        }
        let purpose = "窓口での手続"
        try await check("POST /v1/procedures", expecting: { _ in [byClerk(person, .openProcedure, purpose)] }) {
            try await clerk.call(.post, "/v1/procedures", json: ["residentId": person, "purpose": purpose])
        }
        let base = "/v1/residents/\(person)"
        for (endpoint, path, action) in [
            ("GET /v1/residents/{id}", base, AccessAction.readFacts), ("GET /v1/residents/{id}/number", "\(base)/number", .readNumber),
            ("GET /v1/residents/{id}/history", "\(base)/history", .readHistory), ("GET /v1/residents/{id}/access-records", "\(base)/access-records", .readAccessRecords),
            ("GET /v1/residents/{id}/linkages", "\(base)/linkages", .readLinkages), ("GET /v1/residents/{id}/provision-records", "\(base)/provision-records", .readProvisionRecords),
            ("GET /v1/residents/{id}/linkage-refusals", "\(base)/linkage-refusals", .readLinkageRefusals),
        ] {
            try await check(endpoint, expecting: { _ in [byClerk(person, action, purpose)] }) { try await clerk.call(.get, path) }
        }

        // The card at the counter.
        let applied = try await check("POST /v1/residents/{id}/cards", expecting: { _ in [byClerk(person, .cardApplication, "card application")] }) {
            try await clerk.call(.post, "\(base)/cards")
        }
        let cardID = try #require((applied["card"] as? [String: Any])?["id"] as? String)
        let card = "\(base)/cards/\(cardID)"
        var chip = try VirtualCard.new(pins: [.authentication: "1234", .textInput: "1234", .signature: "PASS1234"])
        let proven = try await CardAPITests.provenBody(&chip, clerk: clerk, path: card, pins: [.authentication: "1234", .signature: "PASS1234"])
        let issued = try await check("POST /v1/residents/{id}/cards/{card}/issue", expecting: { _ in [byClerk(person, .cardIssue, "issue")] }) {
            try await clerk.call(.post, "\(card)/issue", json: proven)
        }
        for (field, key) in [("authenticationCertificate", KeyKind.authentication), ("signatureCertificate", .signature)] {
            try chip.install(certificate: Array(try Certificate(pemEncoded: try #require(issued[field] as? String)).derBytesForTest), for: key)
        }
        try await check("GET /v1/residents/{id}/cards", expecting: { _ in [byClerk(person, .readCards, purpose)] }) { try await clerk.call(.get, "\(base)/cards") }
        try await check("POST /v1/residents/{id}/cards/{card}/suspend", expecting: { _ in [byClerk(person, .cardSuspension, "suspended at the counter")] }) {
            try await clerk.call(.post, "\(card)/suspend")
        }
        let provenAgain = try await CardAPITests.provenBody(&chip, clerk: clerk, path: card, pins: [.authentication: "1234", .signature: "PASS1234"], documents: ["passport"])
        try await check("POST /v1/residents/{id}/cards/{card}/resume", expecting: { _ in [byClerk(person, .cardResumption, "resume")] }) {
            try await clerk.call(.post, "\(card)/resume", json: provenAgain)
        }
        try await check("POST /v1/residents/{id}/cards/{card}/pin-reset", expecting: { _ in [byClerk(person, .cardPINReset, "PIN reset: authentication")] }) {
            try await clerk.call(.post, "\(card)/pin-reset", json: ["pin": "authentication", "identityDocuments": ["passport"]])
        }
        // A change of address: the change, and the signature certificate it revokes.
        try await check("PATCH /v1/residents/{id}", expecting: { _ in
            [byClerk(person, .changeFacts, "転居届"),
             Seen(resident: person, actorKind: "system", actorID: "card-office", action: "card-certificates-revoked",
                  purpose: "a basic fact changed: the signature certificate no longer matches")]
        }) {
            try await clerk.call(.patch, base, json: ["address": "東京都千代田区永田町2-3-1", "reason": "転居届"])
        }
        let provenForRenewal = try await CardAPITests.provenBody(&chip, clerk: clerk, path: card, pins: [.authentication: "1234", .signature: "PASS1234"], documents: nil)
        try await check("POST /v1/residents/{id}/cards/{card}/renew", expecting: { _ in [byClerk(person, .cardRenewal, "renew-certificates")] }) {
            try await clerk.call(.post, "\(card)/renew", json: provenForRenewal)
        }
        try await check("POST /v1/residents/{id}/cards/{card}/return", expecting: { _ in [byClerk(person, .cardReturn, "使わないため")] }) {
            try await clerk.call(.post, "\(card)/return", json: ["reason": "使わないため"])
        }
        let second = try #require(((try await clerk.call(.post, "\(base)/cards")).1["card"] as? [String: Any])?["id"] as? String)
        var fresh = try VirtualCard.new(pins: [.authentication: "5678", .textInput: "5678"])
        let freshBody = try await CardAPITests.provenBody(&fresh, clerk: clerk, path: "\(base)/cards/\(second)", pins: [.authentication: "5678"])
        #expect(try await clerk.call(.post, "\(base)/cards/\(second)/issue", json: freshBody).0 == .ok)
        try await check("POST /v1/residents/{id}/cards/{card}/loss", expecting: { _ in [byClerk(person, .cardLoss, "紛失")] }) {
            try await clerk.call(.post, "\(base)/cards/\(second)/loss", json: ["reason": "紛失"])
        }

        // Refusals, and the account, at the counter.
        try await check("POST /v1/residents/{id}/linkage-refusals", expecting: { _ in [byClerk(person, .linkageRefusal, "refuse local-tax-assessment")] }) {
            try await clerk.call(.post, "\(base)/linkage-refusals", json: ["item": "local-tax-assessment"])
        }
        try await check(
            "DELETE /v1/residents/{id}/linkage-refusals/{item}", expecting: { _ in [byClerk(person, .linkageRefusal, "withdraw refusal of local-tax-assessment")] }
        ) { try await clerk.call(.delete, "\(base)/linkage-refusals/local-tax-assessment") }
        try await check(
            "PUT /v1/residents/{id}/linkages/public-fund-account", expecting: { _ in [byClerk(person, .readFacts, "公金受取口座の登録（名義の確認）")] }
        ) {
            try await clerk.call(.put, "\(base)/linkages/public-fund-account", json: [
                "bankCode": "0005", "branchCode": "123", "accountType": "ordinary", "accountNumber": "1234567", "holderNameKana": "シケン ハナコ",
                "residentConfirmed": true,
            ])
        }

        // Agencies: a code by the number, a copy, an exchange (a provision record, not an
        // access record: the exchange is what the person sees of it).
        let insurer = try await agency("全国健康保険協会 東京支部", .healthInsurer, nil)
        let insurerCode = try await check("POST /v1/linkage/codes", expecting: { _ in
            [Seen(resident: person, actorKind: "agency", actorID: insurer.agency.id, action: "agency-code-acquisition", purpose: "code acquisition by 全国健康保険協会 東京支部")]
        }) {
            let (status, body, _) = try await insurer.call(.post, "/v1/linkage/codes", json: ["individualNumber": number])
            return (status, body)
        }["code"] as? String ?? ""
        let member: [String: Any] = [
            "insurerNumber": "01130012", "symbol": "1234", "number": "00042", "name": "試験 花子", "nameKana": "シケン ハナコ", "birthDate": "1990-05-05",
            "sex": 2, "eligible": true,
        ]
        #expect(try await insurer.call(.post, "/v1/linkage/items", json: ["code": insurerCode, "item": "health-insurance", "value": member]).0 == .ok)
        try await check(
            "PUT /v1/residents/{id}/linkages/health-insurance", expecting: { _ in [byClerk(person, .readFacts, "健康保険証の利用登録（資格の確認）")] }
        ) {
            try await clerk.call(.put, "\(base)/linkages/health-insurance", json: [
                "insurerNumber": "01130012", "symbol": "1234", "number": "00042", "residentConfirmed": true,
            ])
        }
        let tax = try await agency("千代田区 税務課", .municipalTax, "131016")
        let welfare = try await agency("千代田区 子ども支援課", .municipalWelfare, "131016")
        let taxCode = try #require(try await tax.call(.post, "/v1/linkage/codes", json: ["individualNumber": number]).1["code"] as? String)
        let welfareCode = try #require(try await welfare.call(.post, "/v1/linkage/codes", json: ["individualNumber": number]).1["code"] as? String)
        _ = try await tax.call(.post, "/v1/linkage/items", json: ["code": taxCode, "item": "local-tax-assessment", "value": ["taxableIncomeYen": 4_100_000]])
        let exchange = try await check("POST /v1/linkage/queries", expecting: { _ in [] }, provisions: { _ in
            [Provision(resident: person, requester: welfare.agency.id, item: "local-tax-assessment", outcome: "provided")]
        }) {
            let (status, body, _) = try await welfare.call(.post, "/v1/linkage/queries", json: ["code": welfareCode, "item": "local-tax-assessment", "task": "child-allowance"])
            return (status, body)
        }
        let recordID = try #require(exchange["recordId"] as? Int)
        try await log.sequence()
        try await check("GET /v1/residents/{id}/provision-records/{record}/evidence", expecting: { _ in [byClerk(person, .readProvisionEvidence, purpose)] }) {
            try await clerk.call(.get, "\(base)/provision-records/\(recordID)/evidence")
        }

        // Oversight reads without a procedure, named as oversight.
        let auditor = try await staff("auditor", role: .auditor)
        let auditorID = try await staffID(auditor)
        for (endpoint, path, action) in [
            ("GET /v1/residents/{id}/history", "\(base)/history", AccessAction.readHistory),
            ("GET /v1/residents/{id}/access-records", "\(base)/access-records", .readAccessRecords),
            ("GET /v1/residents/{id}/provision-records", "\(base)/provision-records", .readProvisionRecords),
            ("GET /v1/residents/{id}/linkage-refusals", "\(base)/linkage-refusals", .readLinkageRefusals),
            ("GET /v1/residents/{id}/provision-records/{record}/evidence", "\(base)/provision-records/\(recordID)/evidence", .readProvisionEvidence),
        ] {
            try await check(endpoint, expecting: { _ in
                [Seen(resident: person, actorKind: "oversight", actorID: auditorID, action: action.rawValue, purpose: "oversight")]
            }) { try await auditor.call(.get, path) }
        }

        // Services on the card: a kiosk, a clinic, a sign-up at the counter.
        var holder = try await TestCardHolder.issue(by: office)
        let kiosk = try await agency("コンビニ交付 1号機", .certificateKiosk, nil)
        try await check("POST /v1/kiosk/certificates", expecting: { _ in
            [Seen(resident: holder.residentID, actorKind: "agency", actorID: kiosk.agency.id, action: "certificate-issue", purpose: "住民票の写しのコンビニ交付")]
        }) {
            let (asked, challenge, _) = try await kiosk.call(.post, "/v1/card/challenges", json: ["purpose": "kiosk-certificate", "kind": "residence"])
            let body = try answer(&holder, to: (asked, challenge)).merging(["requestId": "req-1", "storeCode": "1234", "kind": "residence"]) { $1 }
            let (status, printed, _) = try await kiosk.call(.post, "/v1/kiosk/certificates", json: body)
            return (status, printed)
        }
        let holderCode = try #require(try await insurer.call(.post, "/v1/linkage/codes", json: ["individualNumber": holder.number.unmaskedDigits]).1["code"] as? String)
        #expect(try await insurer.call(.post, "/v1/linkage/items", json: ["code": holderCode, "item": "health-insurance", "value": member]).0 == .ok)
        let clinic = try await agency("千代田クリニック", .medicalInstitution, nil)
        try await check("POST /v1/eligibility/checks", expecting: { _ in
            [Seen(resident: holder.residentID, actorKind: "agency", actorID: clinic.agency.id, action: "agency-code-acquisition", purpose: "code for eligibility checks at 千代田クリニック")]
        }, provisions: { _ in [Provision(resident: holder.residentID, requester: clinic.agency.id, item: "health-insurance", outcome: "provided")] }) {
            let (asked, challenge, _) = try await clinic.call(.post, "/v1/card/challenges", json: ["purpose": "eligibility-check"])
            let (status, body, _) = try await clinic.call(.post, "/v1/eligibility/checks", json: try answer(&holder, to: (asked, challenge)))
            return (status, body)
        }
        let today = CalendarDate(inJapanAt: environment.clock.now)
        let window = Campaign.Window(from: today, until: CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 7))
        let campaign = try Campaign(
            id: "round-2", name: "マイナポイント", signUp: window, spending: window, budgetYen: 50_000, rewards: [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000)])
        try await services.mynapoint.load(Array(try JSONEncoder().encode(campaign)), by: "test")
        let provider = try await agency("みらいペイ", .cashlessProvider, nil)
        let pay = provider.agency
        _ = try await clerk.call(.delete, "/v1/procedures/current")
        _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": holder.residentID, "purpose": "マイナポイントの申込"])
        try await check("POST /v1/residents/{id}/mynapoint/sign-ups", expecting: { _ in [byClerk(holder.residentID, .mynapointSignUp, "マイナポイントの申込（マイナポイント）")] }) {
            let choice: [String: Any] = ["campaignId": "round-2", "providerId": pay.id, "providerAccount": "acct-1"]
            let challenge = try await clerk.call(
                .post, "/v1/residents/\(holder.residentID)/card-challenges", json: choice.merging(["purpose": "mynapoint-sign-up"]) { $1 })
            let body = try answer(&holder, to: challenge).merging(choice) { $1 }
            return try await clerk.call(.post, "/v1/residents/\(holder.residentID)/mynapoint/sign-ups", json: body)
        }
        // The provider reports a purchase by its customer and reads the grants it pays out:
        // the list says this customer signed up through Mynapoint, so the read is the person's.
        let purchase: [String: Any] = [
            "campaignId": "round-2", "reportId": "r-1", "account": "acct-1", "kind": "purchase", "amountYen": 8000,
            "occurredAt": ISO8601DateFormatter().string(from: environment.clock.now),
        ]
        let (reported, report, _) = try await provider.call(.post, "/v1/mynapoint/reports", json: purchase)
        #expect(reported == .created, "\(report)")
        try await check("GET /v1/mynapoint/grants", expecting: { _ in
            [Seen(resident: holder.residentID, actorKind: "agency", actorID: pay.id, action: "read-mynapoint-grants", purpose: "マイナポイントの付与の一覧（みらいペイ）")]
        }) {
            let (status, body, _) = try await provider.call(.get, "/v1/mynapoint/grants")
            return (status, body)
        }

        // A change of number (a supervisor), a move to another municipality, a death.
        _ = try await clerk.call(.delete, "/v1/procedures/current")
        let supervisor = try await staff("supervisor", role: .supervisor)
        let supervisorID = try await staffID(supervisor)
        _ = try await supervisor.call(.post, "/v1/procedures", json: ["residentId": person, "purpose": "番号の変更"])
        try await check("POST /v1/residents/{id}/number-change", expecting: { _ in
            [Seen(resident: person, actorKind: "staff", actorID: supervisorID, action: "change-number", purpose: "漏えい")]
        }) { try await supervisor.call(.post, "\(base)/number-change", json: ["authority": "ex-officio", "reason": "漏えい"]) }
        _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": person, "purpose": "転出届"])
        try await check("POST /v1/residents/{id}/move-out", expecting: { _ in [byClerk(person, .moveOut, "転出届")] }) {
            try await clerk.call(.post, "\(base)/move-out", json: ["destinationMunicipalityCode": "011002", "date": today.description, "reason": "転出届"])
        }
        let sapporo = try await staff("sapporo", municipality: "011002")
        let sapporoID = try await staffID(sapporo)
        _ = try await sapporo.call(.post, "/v1/procedures", json: ["residentId": person, "purpose": "転入届"])
        try await check("POST /v1/residents/{id}/move-in", expecting: { _ in
            [Seen(resident: person, actorKind: "staff", actorID: sapporoID, action: "move-in", purpose: "転入届")]
        }) { try await sapporo.call(.post, "\(base)/move-in", json: ["address": "北海道札幌市中央区北1条西2丁目", "date": today.description, "reason": "転入届"]) }
        try await check("POST /v1/residents/{id}/death", expecting: { _ in
            [Seen(resident: person, actorKind: "staff", actorID: sapporoID, action: "record-death", purpose: "死亡届")]
        }) { try await sapporo.call(.post, "\(base)/death", json: ["date": today.description, "reason": "死亡届"]) }
    }
}
