import Foundation
import Hummingbird
import HummingbirdTesting
import MynaCore
import MynaLinkage
import MynaRegistry
import MynaDatabase
@testable import MynaServer
import MynaTestSupport
import NIOCore
import Synchronization
import Testing

/// A hub whose pushes go where `policy` lets them, the API over it, and two agencies with
/// codes for one person: the tax office registers copies, the welfare office subscribes.
struct PushScene {
    let hub: LinkageHub
    let environment: TestEnvironment
    let tax: LinkageAPITests.AgencyAPI
    let welfare: LinkageAPITests.AgencyAPI
    let taxCode: String

    /// The welfare office subscribes to the tax figure, pushed to `endpoint`.
    func subscribe(_ endpoint: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, body, _) = try await welfare.call(.post, "/v1/linkage/subscriptions", json: ["item": "local-tax-assessment", "endpoint": endpoint])
        return (status, body)
    }

    /// A new tax figure: one notice for the welfare office.
    func registerCopy(_ income: Int = 1) async throws {
        let (status, _, _) = try await tax.call(.post, "/v1/linkage/items", json: ["code": taxCode, "item": "local-tax-assessment", "value": ["taxableIncomeYen": income]])
        #expect(status == .created || status == .ok)
    }

    /// Pushes until `arrived` says the endpoint saw it: on a loaded machine an attempt may
    /// time out before it arrives, and the next one comes only past the back-off.
    func push(until arrived: () -> Bool) async throws {
        let pusher = NoticePushService(hub: hub, logger: testLogger)
        for _ in 0..<5 where !arrived() {
            try await pusher.pushDue()
            for _ in 0..<50 where !arrived() { try await Task.sleep(for: .milliseconds(100)) }
            if !arrived() { environment.clock.advance(by: 3601) }
        }
    }

    /// Notices not yet acknowledged, read without handing them out.
    func undelivered() async throws -> Int {
        try await environment.database.read { try await $0.first(SQL("SELECT COUNT(*) AS n FROM linkage_notices WHERE delivered_at IS NULL"))!.int("n") }
    }

    func pending() async throws -> Int { try await hub.pendingNotices(for: welfare.agency).count }

    /// Endpoints the welfare office has subscribed; nothing else writes them.
    func storedEndpoints() async throws -> [String] {
        try await environment.database.read {
            try await $0.query(SQL("SELECT endpoint FROM linkage_subscriptions WHERE endpoint IS NOT NULL")).map { try $0.string("endpoint") }
        }
    }

    static func run(_ kind: DatabaseKind, policy: PushEndpointPolicy, _ body: @escaping @Sendable (PushScene) async throws -> Void) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock, pushPolicy: policy)
            let server = buildApplication(system: try await makeTestSystem(registry, environment, linkage: hub), configuration: .testing(), logger: testLogger)
            try await server.test(.router) { client in
                let chiyoda = try MunicipalityCode("131016")
                let number = try await registry.residents.register(
                    try BasicInfo(
                        name: "佐藤 花子", nameKana: "サトウ ハナコ", address: try Address(municipality: chiyoda, text: "東京都千代田区九段南1-2-1"),
                        birthDate: try CalendarDate(iso: "1988-03-03"), sex: .female),
                    by: .system("test"), reason: "test").number
                func agency(_ name: String, _ type: AgencyType) async throws -> LinkageAPITests.AgencyAPI {
                    let made = try await hub.agencies.register(name: name, type: type, municipality: chiyoda)
                    return LinkageAPITests.AgencyAPI(client: client, agency: made.agency, keyID: made.keyID, key: made.privateKey, clock: environment.clock)
                }
                let tax = try await agency("千代田区 税務課", .municipalTax)
                let welfare = try await agency("千代田区 子ども支援課", .municipalWelfare)
                let taxCode = try await tax.call(.post, "/v1/linkage/codes", json: ["individualNumber": number.unmaskedDigits]).1["code"] as? String
                _ = try await welfare.call(.post, "/v1/linkage/codes", json: ["individualNumber": number.unmaskedDigits])
                try await body(PushScene(hub: hub, environment: environment, tax: tax, welfare: welfare, taxCode: try #require(taxCode)))
            }
        }
    }
}

/// Runs `body` with a live HTTP listener on 127.0.0.1 and the port it got.
func withLoopbackListener(_ router: Router<BasicRequestContext>, _ body: @escaping @Sendable (Int) async throws -> Void) async throws {
    let listener = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: testLogger)
    try await listener.test(.live) { client in try await body(try #require(client.port)) }
}

/// A value tests and the handlers or resolvers they start share.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func update(_ change: (inout Value) -> Void) { mutex.withLock { change(&$0) } }
}

/// A loopback listener that counts what reaches it and answers 204.
func countingRouter(_ hits: Shared<Int>) -> Router<BasicRequestContext> {
    let router = Router()
    router.post("/notices") { _, _ -> Response in
        hits.update { $0 += 1 }
        return Response(status: .noContent)
    }
    return router
}

/// Server-side request forgery through notice subscriptions (issue 14, item 7): an
/// agency names the URL, the hub makes the request from inside the operator's network.
/// Nothing here connects anywhere but 127.0.0.1: the other addresses are only refused.
@Suite("Push endpoints refuse the hub's own network")
struct PushEndpointTests {
    /// Names answer from a table, so no test looks anything up on the network;
    /// `localhost` goes to the system's resolver (the hosts file).
    static func resolver(_ table: Shared<[String: [IPAddress]]>) -> HostResolver {
        HostResolver { name in
            if name.lowercased().hasPrefix("localhost") { return try await HostResolver.system.resolve(name) }
            return table.value[name] ?? []
        }
    }

    @Test("subscribing loopback, link-local, metadata, private, mapped and oddly spelled addresses, or a name resolving to one, is refused; nothing is written",
          arguments: DatabaseKind.available)
    func subscriptionsRefused(kind: DatabaseKind) async throws {
        let names = Shared<[String: [IPAddress]]>(["mixed.example": [.v4(0x5db8_d822), .v4(0x0a00_0001)], "agency.example": [.v4(0x5db8_d822)]])
        try await PushScene.run(kind, policy: PushEndpointPolicy(resolver: Self.resolver(names))) { scene in
            // A pull subscription first: a refused endpoint must not replace it either.
            #expect(try await scene.welfare.call(.post, "/v1/linkage/subscriptions", json: ["item": "local-tax-assessment"]).0 == .noContent)
            let attacks = [
                "http://127.0.0.1:8080/v1/residents", "https://127.0.0.1/", "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
                "http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://0.0.0.0:8080/",
                "http://224.0.0.1/", "http://255.255.255.255/", "http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://[::ffff:a9fe:a9fe]/",
                "http://[fe80::1]/", "http://[fd00::1]/", "http://[::]/", "http://[ff02::1]/", "http://[64:ff9b::a9fe:a9fe]/", "http://[2002:7f00:1::1]/",
                "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/", "http://0x7f000001/", "http://127.1/", "http://0251.0376.0251.0376/",
                "http://localhost:8080/", "http://LocalHost/", "https://localhost/", "https://mixed.example/notices",
            ]
            for attack in attacks {
                let (status, problem) = try await scene.subscribe(attack)
                #expect(status == .unprocessableContent && problem["code"] as? String == "endpoint-not-public", "\(attack): \(status) \(problem)")
            }
            let (plain, problem) = try await scene.subscribe("http://agency.example/notices")
            #expect(plain == .unprocessableContent && problem["code"] as? String == "endpoint-not-https")
            #expect(try await scene.subscribe("https://unknown.example/notices").1["code"] as? String == "endpoint-unresolvable")
            #expect(try await scene.subscribe("ftp://example.jp/x").1["code"] as? String == "invalid-endpoint")
            #expect(try await scene.storedEndpoints().isEmpty)
            // An https endpoint at a public address is taken (and not connected to here).
            #expect(try await scene.subscribe("https://agency.example/notices").0 == .created)
            #expect(try await scene.storedEndpoints() == ["https://agency.example/notices"])
        }
    }

    @Test("a name that resolved to an allowed address at subscription and to loopback at push time is not pushed to (DNS rebinding)",
          arguments: DatabaseKind.available)
    func rebinding(kind: DatabaseKind) async throws {
        // 203.0.113.7 stands for an agency's server the operator allows over http; it is
        // only ever checked, never connected to.
        let names = Shared<[String: [IPAddress]]>(["agency.test": [.v4(0xcb00_7107)]])
        let hits = Shared(0)
        let policy = PushEndpointPolicy(allowing: [.addresses(try #require(AddressRange("203.0.113.7")))], resolver: Self.resolver(names))
        try await withLoopbackListener(countingRouter(hits)) { port in
            try await PushScene.run(kind, policy: policy) { scene in
                #expect(try await scene.subscribe("http://agency.test:\(port)/notices").0 == .created)
                try await scene.registerCopy()
                names.update { $0["agency.test"] = [.v4(0x7f00_0001)] }  // the attacker's DNS now answers 127.0.0.1
                try await NoticePushService(hub: scene.hub, logger: testLogger).pushDue()
                #expect(hits.value == 0)
                #expect(try await scene.pending() == 1)
            }
        }
    }

    @Test("a push goes to the address checked, not to what the client would look up itself", arguments: DatabaseKind.available)
    func pinned(kind: DatabaseKind) async throws {
        // `agency.test` resolves only through the policy's resolver: the client can reach
        // the listener only by connecting to the address the policy checked.
        let names = Shared<[String: [IPAddress]]>(["agency.test": [.v4(0x7f00_0001)]])
        let hits = Shared(0)
        let policy = PushEndpointPolicy(allowing: PushEndpointPolicy.loopback, resolver: Self.resolver(names))
        try await withLoopbackListener(countingRouter(hits)) { port in
            try await PushScene.run(kind, policy: policy) { scene in
                #expect(try await scene.subscribe("http://agency.test:\(port)/notices").0 == .created)
                try await scene.registerCopy()
                try await scene.push(until: { hits.value > 0 })
                #expect(hits.value >= 1)  // only the pinned address leads to this listener
            }
        }
    }

    @Test("an allowed endpoint answering 302 to another loopback listener is not followed: the second sees nothing", arguments: DatabaseKind.available)
    func redirectNotFollowed(kind: DatabaseKind) async throws {
        let hits = Shared(0)
        let redirected = Shared(0)
        try await withLoopbackListener(countingRouter(hits)) { target in
            let router = Router()
            router.post("/notices") { _, _ -> Response in
                redirected.update { $0 += 1 }
                return Response(status: .found, headers: [.location: "http://127.0.0.1:\(target)/notices"])
            }
            try await withLoopbackListener(router) { port in
                try await PushScene.run(kind, policy: PushEndpointPolicy(allowing: PushEndpointPolicy.loopback)) { scene in
                    #expect(try await scene.subscribe("http://127.0.0.1:\(port)/notices").0 == .created)
                    try await scene.registerCopy()
                    try await scene.push(until: { redirected.value > 0 })
                    try await Task.sleep(for: .milliseconds(500))  // time for a followed redirect to land
                    #expect(redirected.value >= 1 && hits.value == 0)
                    #expect(try await scene.pending() == 1)  // a redirect is not a 2xx: it waits
                }
            }
        }
    }

    @Test("a huge, a slow and a never-ending answer are cut off within the push's deadline and cap", arguments: DatabaseKind.available)
    func answersCapped(kind: DatabaseKind) async throws {
        let router = Router()
        router.post("/huge") { _, _ -> Response in
            Response(status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "a"), count: 16 << 20)))
        }
        router.post("/slow") { _, _ -> Response in
            try? await Task.sleep(for: .seconds(30))
            return Response(status: .noContent)
        }
        router.post("/trickle") { _, _ -> Response in
            Response(status: .ok, body: ResponseBody { writer in
                for _ in 0..<600 {
                    try await writer.write(ByteBuffer(string: "a"))
                    try await Task.sleep(for: .milliseconds(50))
                }
                try await writer.finish(nil)
            })
        }
        try await withLoopbackListener(router) { port in
            try await PushScene.run(kind, policy: PushEndpointPolicy(allowing: PushEndpointPolicy.loopback)) { scene in
                let pusher = NoticePushService(hub: scene.hub, logger: testLogger, timeout: .milliseconds(1500))
                for (index, path) in ["huge", "slow", "trickle"].enumerated() {
                    #expect(try await scene.subscribe("http://127.0.0.1:\(port)/\(path)").0 == .created)
                    try await scene.registerCopy(index + 10)
                    scene.environment.clock.advance(by: 3601)  // past any back-off from the round before
                    let started = ContinuousClock.now
                    try await pusher.pushDue()
                    let took = ContinuousClock.now - started
                    // The answers take 30 s or more in full; cut off at the 1.5 s deadline, a push
                    // round ends well before, however loaded the machine.
                    #expect(took < .seconds(20), "\(path) took \(took)")
                    #expect(try await scene.pending() == index + 1, "\(path)")  // not taken: it waits
                }
            }
        }
    }
}
