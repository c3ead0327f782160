import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import HummingbirdTesting
import MynaAudit
import MynaCore
import MynaLinkage
import MynaRegistry
@testable import MynaServer
import MynaTestSupport
import NIOCore
import Synchronization
import Testing

@Suite("Linkage API")
struct LinkageAPITests {
    /// An agency's signed client over the test router.
    struct AgencyAPI {
        let client: any TestClientProtocol
        let agency: Agency
        let keyID: String
        let key: P256.Signing.PrivateKey
        let clock: TestClock

        func call(_ method: HTTPRequest.Method, _ path: String, json: [String: Any]? = nil, assertion: String? = nil) async throws -> (HTTPResponse.Status, [String: Any], String) {
            let body = try json.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) } ?? Data()
            let token = try assertion ?? RequestAssertion.sign(
                agencyID: agency.id, keyID: keyID, key: key, method: method.rawValue, path: path, body: Array(body), now: clock.now)
            var headers: HTTPFields = [.authorization: "MynaAgency \(token)"]
            if json != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(uri: path, method: method, headers: headers, body: json == nil ? nil : ByteBuffer(bytes: body))
            let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
            return (response.status, object, token)
        }
    }

    /// A signed agency registered on the spot.
    typealias AgencyMaker = @Sendable (String, AgencyType, MunicipalityCode?) async throws -> AgencyAPI

    /// The router over a fresh hub, with 佐藤 花子 of 千代田区 registered.
    func withHubRouter(
        _ kind: DatabaseKind,
        _ body: @escaping @Sendable (Registry, TestEnvironment, LinkageHub, TransparencyLog, any TestClientProtocol, RegisteredResident, AgencyMaker) async throws -> Void
    ) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
            let log = try TransparencyLog(database: registry.database, keys: environment.keys, clock: environment.clock.wallClock)
            let app = buildApplication(system: try await makeTestSystem(registry, environment, linkage: hub, log: log), configuration: .testing(), logger: testLogger)
            try await app.test(.router) { client in
                let registered = try await registry.residents.register(
                    try BasicInfo(
                        name: "佐藤 花子", nameKana: "サトウ ハナコ", address: try Address(municipality: try MunicipalityCode("131016"), text: "東京都千代田区九段南1-2-1"),
                        birthDate: try CalendarDate(iso: "1988-03-03"), sex: .female),
                    by: .system("test"), reason: "test")
                let agency: AgencyMaker = { name, type, municipality in
                    let made = try await hub.agencies.register(name: name, type: type, municipality: municipality)
                    return AgencyAPI(client: client, agency: made.agency, keyID: made.keyID, key: made.privateKey, clock: environment.clock)
                }
                try await body(registry, environment, hub, log, client, registered, agency)
            }
        }
    }

    @Test("a kiosk, a clinic and a cashless provider cannot present numbers: identical 403s for issued and unissued numbers; a tax office gets its code", arguments: DatabaseKind.available)
    func codesOnlyForNumberedProcedures(kind: DatabaseKind) async throws {
        try await withHubRouter(kind) { registry, _, _, _, _, registered, agency in
            do {
                let issued = registered.number.unmaskedDigits
                // A valid check digit, but no one was ever given this number.
                let unissued = "123456789018"
                #expect(try await registry.residents.residentID(holding: try IndividualNumber(unissued)) == nil)
                for (name, type) in [("コンビニ端末", AgencyType.certificateKiosk), ("山田クリニック", .medicalInstitution), ("ペイ株式会社", .cashlessProvider)] {
                    let party = try await agency(name, type, nil)
                    var answers: [String] = []
                    for number in [issued, unissued] {
                        let (status, problem, _) = try await party.call(.post, "/v1/linkage/codes", json: ["individualNumber": number])
                        #expect(status == .forbidden && problem["code"] as? String == "numbers-not-permitted", "\(name): \(status)")
                        answers.append("\(status.code) \(problem["code"] ?? "") \(problem["detail"] ?? "")")
                    }
                    #expect(answers[0] == answers[1], "\(name) told an issued number from an unissued one")
                }
                // Nothing was read of the person, so nothing was recorded.
                let records = try await registry.residents.accessRecords(of: registered.resident.id, by: .system("test"), purpose: "test")
                #expect(!records.contains { $0.action == .agencyCodeAcquisition })
                let tax = try await agency("麹町税務署", .nationalTax, nil)
                let (created, code, _) = try await tax.call(.post, "/v1/linkage/codes", json: ["individualNumber": issued])
                #expect(created == .created && (code["code"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("agencies acquire codes, register copies and query through the hub, signed; the counter sees the records", arguments: DatabaseKind.available)
    func exchange(kind: DatabaseKind) async throws {
        try await withHubRouter(kind) { registry, environment, hub, log, client, registered, agency in
            do {
                let chiyoda = try MunicipalityCode("131016")
                let tax = try await agency("千代田区 税務課", .municipalTax, chiyoda)
                let welfare = try await agency("千代田区 子ども支援課", .municipalWelfare, chiyoda)
                let number = registered.number.unmaskedDigits

                let (_, taxCode, _) = try await tax.call(.post, "/v1/linkage/codes", json: ["individualNumber": number])
                let (created, welfareCode, _) = try await welfare.call(.post, "/v1/linkage/codes", json: ["individualNumber": number])
                #expect(created == .created && taxCode["code"] as? String != welfareCode["code"] as? String)
                let (stored, version, _) = try await tax.call(.post, "/v1/linkage/items", json: [
                    "code": taxCode["code"]!, "item": "local-tax-assessment", "value": ["taxableIncomeYen": 4_100_000, "exempt": false],
                ])
                #expect(stored == .ok && version["version"] as? Int == 1)
                let query: [String: Any] = ["code": welfareCode["code"]!, "item": "local-tax-assessment", "task": "child-allowance"]
                let (answered, answer, token) = try await welfare.call(.post, "/v1/linkage/queries", json: query)
                #expect(answered == .ok && (answer["value"] as? [String: Any])?["taxableIncomeYen"] as? Int == 4_100_000)
                #expect((answer["value"] as? [String: Any])?["exempt"] as? Bool == false)
                #expect((answer["provider"] as? [String: Any])?["id"] as? String == tax.agency.id)

                // The same assertion again, an assertion for another body, none at all.
                #expect(try await welfare.call(.post, "/v1/linkage/queries", json: query, assertion: token).1["code"] as? String == "replayed-assertion")
                let other = try RequestAssertion.sign(
                    agencyID: welfare.agency.id, keyID: welfare.keyID, key: welfare.key, method: "POST", path: "/v1/linkage/queries",
                    body: Array("{}".utf8), now: environment.clock.now)
                #expect(try await welfare.call(.post, "/v1/linkage/queries", json: query, assertion: other).1["code"] as? String == "invalid-assertion")
                let unsigned = try await client.execute(
                    uri: "/v1/linkage/queries", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: query)))
                #expect(unsigned.status == .unauthorized)
                // Another agency's code is unknown; an item off the list is refused.
                let (unknown, problem, _) = try await welfare.call(.post, "/v1/linkage/queries", json: [
                    "code": taxCode["code"]!, "item": "local-tax-assessment", "task": "child-allowance",
                ])
                #expect(unknown == .notFound && problem["code"] as? String == "unknown-code")
                #expect(try await welfare.call(.post, "/v1/linkage/queries", json: [
                    "code": welfareCode["code"]!, "item": "pension-benefit", "task": "child-allowance",
                ]).1["code"] as? String == "not-on-allow-list")
                #expect(try await welfare.call(.post, "/v1/linkage/items", json: [
                    "code": welfareCode["code"]!, "item": "local-tax-assessment", "value": ["x": 1],
                ]).1["code"] as? String == "not-a-provider")

                let (_, records, _) = try await welfare.call(.get, "/v1/linkage/records")
                let outcomes = (records["records"] as? [[String: Any]] ?? []).compactMap { $0["outcome"] as? String }
                #expect(outcomes == ["refused:not-on-allow-list", "refused:unknown-code", "provided"])
                #expect(try await client.execute(uri: "/v1/linkage/allow-list", method: .get).status == .ok)

                // The counter: the person's records, and a refusal of an optional linkage.
                let clerk = try await API(client: client).signedIn(registry, environment, username: "clerk")
                _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": registered.resident.id, "purpose": "情報提供等記録の確認"])
                let (_, seen) = try await clerk.call(.get, "/v1/residents/\(registered.resident.id)/provision-records")
                #expect((seen["records"] as? [[String: Any]])?.count == 2)  // the refusal for another agency's code names no one
                let compulsory = try await clerk.call(.post, "/v1/residents/\(registered.resident.id)/linkage-refusals", json: ["item": "pension-benefit"])
                #expect(compulsory.0 == .forbidden && compulsory.1["code"] as? String == "not-refusable")
                #expect(try await clerk.call(.post, "/v1/residents/\(registered.resident.id)/linkage-refusals", json: ["item": "local-tax-assessment"]).0 == .noContent)
                let (refused, _, _) = try await welfare.call(.post, "/v1/linkage/queries", json: [
                    "code": welfareCode["code"]!, "item": "local-tax-assessment", "task": "municipal-medical-subsidy",
                ])
                #expect(refused == .forbidden)
                #expect(try await clerk.call(.delete, "/v1/residents/\(registered.resident.id)/linkage-refusals/local-tax-assessment").0 == .noContent)

                // The person's record is in the public log: evidence checks against the signed head.
                let recordID = try #require(answer["recordId"] as? Int)
                // The log's merge delay is about a second (the server's sequencer runs every
                // second, and so may this test): ask until the record is in a signed head.
                var (status, evidence) = (HTTPResponse.Status.notFound, [String: Any]())
                for _ in 0..<30 where status != .ok {
                    try await log.sequence()
                    (status, evidence) = try await clerk.call(.get, "/v1/residents/\(registered.resident.id)/provision-records/\(recordID)/evidence")
                    if status != .ok { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(status == .ok, "\(evidence)")
                let head = try SignedTreeHead(jsonRepresentation: try JSONSerialization.data(withJSONObject: try #require(evidence["treeHead"])))
                let commitment = try RecordCommitment.commit(
                    record: Array(try #require(evidence["record"] as? String).utf8), salt: Array(Data(base64Encoded: try #require(evidence["salt"] as? String))!))
                let path = try #require(evidence["auditPath"] as? [String]).map { Array(Data(base64Encoded: $0)!) }
                #expect(head.verify(publicKey: log.publicKey))
                #expect(MerkleTree.verifyInclusion(
                    leafHash: MerkleHash.leaf(commitment), index: try #require(evidence["leafIndex"] as? Int), treeSize: Int(head.treeSize), proof: path,
                    root: head.rootHash))
                #expect((evidence["record"] as? String)?.contains(welfare.agency.id) == true)
                let sth = try await client.execute(uri: "/v1/log/get-sth", method: .get)
                let served = try SignedTreeHead(jsonRepresentation: Data(sth.body.readableBytesView))
                // Reading the evidence is itself recorded and logged (issue 14), so the
                // sequencer may have signed a larger head since: the served head is that
                // one or a later one, signed by the same key.
                #expect(sth.status == .ok && served.treeSize >= head.treeSize && served.verify(publicKey: log.publicKey))
                #expect(try await client.execute(uri: "/v1/log/get-entries?start=5&end=1", method: .get).status == .badRequest)
            }
        }
    }
}

@Suite("Pushed notices")
struct NoticePushTests {
    struct Delivery: Sendable {
        let status: HTTPResponse.Status
        let keys: [String]
        let signed: Bool
    }

    @Test("notices are pushed to the subscriber's endpoint, signed, retried with back-off until taken, then not again", arguments: DatabaseKind.available)
    func push(kind: DatabaseKind) async throws {
        let secret = Mutex<[UInt8]>([])
        let deliveries = Mutex<[Delivery]>([])
        // The agency's endpoint: refuses the first delivery, takes the rest.
        let router = Router()
        router.post("/notices") { request, _ -> Response in
            let bytes = Array(try await request.body.collect(upTo: 1 << 20).readableBytesView)
            let header = request.headers.first { $0.name.canonicalName == "myna-signature" }?.value ?? ""
            let signed = NoticeSignature.verify(header, body: bytes, secret: secret.withLock { $0 }, now: Date())
            let notices = (try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])?["notices"] as? [[String: Any]] ?? []
            let status: HTTPResponse.Status = deliveries.withLock { $0.isEmpty } ? .serviceUnavailable : .noContent
            deliveries.withLock { $0.append(Delivery(status: status, keys: notices.compactMap { $0["idempotencyKey"] as? String }, signed: signed)) }
            return Response(status: status)
        }
        try await withLoopbackListener(router) { port in
            // The endpoint is on this machine: loopback is allowed, as `myna demo` allows it.
            try await PushScene.run(kind, policy: PushEndpointPolicy(allowing: PushEndpointPolicy.loopback)) { scene in
                let bad = try await scene.subscribe("ftp://example.jp/x")
                #expect(bad.0 == .unprocessableContent && bad.1["code"] as? String == "invalid-endpoint")
                let (created, subscription) = try await scene.subscribe("http://127.0.0.1:\(port)/notices")
                #expect(created == .created)
                secret.withLock { $0 = Array(Data(base64Encoded: subscription["secret"] as? String ?? "") ?? Data()) }
                try await scene.registerCopy()

                // An attempt the endpoint does not answer in time (a loaded machine) counts
                // like a refusal: back off, try again. So push until it is taken.
                let pusher = NoticePushService(hub: scene.hub, logger: testLogger)
                try await pusher.pushDue()
                // An attempt that timed out may still reach the endpoint late; wait for it,
                // so only what the next push sends is counted against it.
                for _ in 0..<300 where deliveries.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(100)) }
                let afterFirst = deliveries.withLock { $0.count }
                try await pusher.pushDue()  // backing off: nothing due yet
                #expect(deliveries.withLock { $0.count } == afterFirst)
                // Until acknowledged: a 204 that came after the attempt's deadline is not taken.
                for _ in 0..<6 where try await scene.undelivered() > 0 {
                    scene.environment.clock.advance(by: 3601)
                    try await pusher.pushDue()
                }
                let taken = deliveries.withLock { $0.count }
                scene.environment.clock.advance(by: 3601)
                try await pusher.pushDue()  // taken: never again
                let seen = deliveries.withLock { $0 }
                #expect(seen.count == taken && seen.first?.status == .serviceUnavailable && seen.last?.status == .noContent)
                #expect(seen.allSatisfy(\.signed) && seen.allSatisfy { $0.keys.count == 1 } && Set(seen.flatMap(\.keys)).count == 1)
                #expect(try await scene.pending() == 0)
                // A forged signature is not one.
                #expect(!NoticeSignature.verify(
                    NoticeSignature.sign(body: [1], secret: Array(repeating: 7, count: 32), at: Date()), body: [1], secret: secret.withLock { $0 }, now: Date()))
            }
        }
    }
}
