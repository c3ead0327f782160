import Foundation
import Hummingbird
import HummingbirdTesting
import MynaCore
import MynaLinkage
import MynaPKI
import MynaPortal
@testable import MynaServer
import MynaDatabase
import MynaTestSupport
import NIOCore
import Synchronization
import Testing

/// Issue 14, finding 5: anyone could make Myna write and work without signing in. Each
/// test floods one thing as a stranger and shows what it costs now.
@Suite("Attacks: anonymous requests that write or work")
struct AnonymousCostAttackTests {
    func count(_ table: String, in database: any Database) async throws -> Int {
        try await database.read { try await $0.first(SQL("SELECT count(*) AS n FROM \(table)"))?.int("n") ?? 0 }
    }

    @Test("a stranger's cookie-less visits to the portal write no session rows", arguments: DatabaseKind.available)
    func anonymousPortalVisitsWriteNothing(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true, portal: true) { registry, _, client in
            for path in ["/portal/sign-in/wait?pending=x", "/portal/usage", "/portal/static/portal.css", "/portal/nowhere", "/portal?lang=en"] {
                for _ in 0..<20 { _ = try await client.execute(uri: path, method: .get) }
            }
            // With a cookie that names no session, too.
            for _ in 0..<20 {
                _ = try await client.execute(uri: "/portal/usage", method: .get, headers: [.cookie: "__Host-myna-portal=\(Base64URL.randomToken())"])
            }
            #expect(try await count("portal_sessions", in: registry.database) == 0)
        }
    }

    @Test("an unknown bearer token costs a read: it never waits for the database's writer", arguments: DatabaseKind.available)
    func bogusBearerTakesNoWriter(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            // The writer holds its transaction until the lookups are done (or two minutes pass): if
            // a lookup needed the writer, the lookups would finish only after it let go.
            let lookupsDone = Atomic<Bool>(false)
            let writerLetGo = Atomic<Bool>(false)
            let writer = Task {
                try await registry.database.transaction { connection in
                    try await connection.query("UPDATE numbering_state SET next_sequence = next_sequence WHERE id = 1")
                    let started = ContinuousClock.now
                    while !lookupsDone.load(ordering: .sequentiallyConsistent), ContinuousClock.now - started < .seconds(120) {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                }
                writerLetGo.store(true, ordering: .sequentiallyConsistent)
            }
            try await Task.sleep(for: .milliseconds(300))
            // Ten lookups, given two minutes however loaded the machine: a lookup that needed
            // the writer would not finish before the writer lets go.
            for _ in 0..<10 {
                let found = try await registry.staff.session(token: "x")
                #expect(found == nil)
            }
            let finishedFirst = !writerLetGo.load(ordering: .sequentiallyConsistent)
            lookupsDone.store(true, ordering: .sequentiallyConsistent)
            #expect(finishedFirst)
            try await writer.value
        }
    }

    @Test("staff sign-in, sign-in codes, card challenges and OCSP are limited per source, with Retry-After; other sources go on")
    func perSourceLimits() throws {
        let limits = SourceLimits()
        let now: Int64 = 1_000_000
        func refusals(_ limiter: SourceLimiter, _ tries: Int, from source: String) -> Int {
            (0..<tries).filter { _ in limiter.take(source, now: now) != nil }.count
        }
        #expect(limits.limiter(for: .post, path: "/v1/staff/sessions") === limits.staffSignIn)
        #expect(limits.limiter(for: .post, path: "/v1/card/challenges") === limits.challenges)
        #expect(limits.limiter(for: .get, path: "/portal/sign-in") === limits.challenges)
        #expect(limits.limiter(for: .get, path: "/v1/pki/ocsp/authentication/MEIw") === limits.ocsp)
        #expect(limits.limiter(for: .get, path: "/v1/stats") == nil)
        #expect(SourceLimits.unlimited.limiter(for: .post, path: "/v1/staff/sessions") == nil)
        // The figures docs/operations.md gives.
        #expect((limits.staffSignIn.burst, limits.staffSignIn.perMinute) == (10, 10))
        #expect((limits.challenges.burst, limits.challenges.perMinute) == (60, 30))
        #expect((limits.hotline.burst, limits.hotline.perMinute) == (20, 20))
        #expect((limits.ocsp.burst, limits.ocsp.perMinute) == (120, 600))
        #expect(limits.limiter(for: .post, path: "/v1/cards/suspension") === limits.hotline)

        #expect(refusals(limits.staffSignIn, 25, from: "198.51.100.7") == 15)
        #expect(refusals(limits.staffSignIn, 5, from: "203.0.113.9") == 0)  // another source is not held up
        let wait = try #require(limits.staffSignIn.take("198.51.100.7", now: now))
        #expect(wait >= 1 && wait <= 6)
        #expect(limits.staffSignIn.take("198.51.100.7", now: now + 6_000) == nil)  // refilled: 10 a minute

        // A flood of distinct sources does not grow the map without end.
        let small = SourceLimiter("test", burst: 1, perMinute: 1, maximumSources: 1000)
        for index in 0..<5000 { _ = small.take("10.0.\(index / 256).\(index % 256)", now: now) }
        #expect(small.count <= 1000)
    }

    @Test("X-Forwarded-For cannot buy a client a fresh limit: believed only from the operator's proxies, and read from the right")
    func forwardedForIsNotTrustedByDefault() throws {
        let proxies = [try #require(AddressRange("10.0.0.0/8")), try #require(AddressRange("::1"))]
        // No proxies configured, or a client connecting directly: the header is ignored.
        #expect(ClientAddressMiddleware.client(connectedFrom: "198.51.100.7", forwardedFor: ["203.0.113.1"], trusting: []) == "198.51.100.7")
        #expect(ClientAddressMiddleware.client(connectedFrom: "198.51.100.7", forwardedFor: ["203.0.113.1"], trusting: proxies) == "198.51.100.7")
        // Through the proxy: the last hop that is not a proxy, whatever the client wrote before it.
        #expect(ClientAddressMiddleware.client(
            connectedFrom: "10.1.2.3", forwardedFor: ["1.2.3.4, 198.51.100.7", "10.9.9.9"], trusting: proxies) == "198.51.100.7")
        #expect(ClientAddressMiddleware.client(connectedFrom: "::1", forwardedFor: ["2001:db8::5"], trusting: proxies) == "2001:db8::5")
        // Garbage where the client should be: the proxy itself counts, not a name the client chose.
        #expect(ClientAddressMiddleware.client(connectedFrom: "10.1.2.3", forwardedFor: ["evil, not-an-address"], trusting: proxies) == "10.1.2.3")
        #expect(ClientAddressMiddleware.client(connectedFrom: "10.1.2.3", forwardedFor: [], trusting: proxies) == "10.1.2.3")
    }

    @Test("a flood of staff sign-ins from one address is refused before any password is checked", arguments: DatabaseKind.available)
    func staffSignInFlood(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            // The limiter's clock stands still, so exactly the burst goes through.
            let app = buildApplication(system: try await makeTestSystem(registry, environment), configuration: .testing(limits: SourceLimits(clock: environment.clock.wallClock)), logger: testLogger)
            try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<30 {
                let response = try await client.execute(
                    uri: "/v1/staff/sessions", method: .post, headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"username":"nobody","password":"guess-guess-guess","totp":"000000"}"#))
                statuses.append(response.status)
                if response.status == .tooManyRequests { retryAfter = response.headers[.retryAfter] }
            }
            // Ten at once, then ten a minute: the rest of the flood is turned away before the
            // password hash runs.
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.dropFirst(10).allSatisfy { $0 == .tooManyRequests } && retryAfter != nil)
            }
        }
    }

    @Test("the statistics run once however many ask at once", arguments: DatabaseKind.available)
    func statisticsAreCached(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let (_, hub, portal) = try await makeTestPortal(registry, environment)
            let cache = StatisticsCache(try makeTestServices(portal, hub, environment).statistics, lifetime: 60_000)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<50 { group.addTask { _ = try await cache.report() } }
                try await group.waitForAll()
            }
            #expect(await cache.computed == 1)
            #expect(StatisticsCache(try makeTestServices(portal, hub, environment).statistics).lifetime == 5_000)
        }
    }

    @Test("OCSP: a request about many certificates is refused; unknown serials are not kept", arguments: DatabaseKind.available)
    func ocspCostIsBounded(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let publisher = try makePublisher(environment)
            let app = buildApplication(system: try await makeTestSystem(registry, environment, pki: publisher), configuration: .testing(), logger: testLogger)
            let issuer = environment.directory.appendingPathComponent("issuer.pem")
            try Data(try publisher.authorities.authentication.pemRepresentation.utf8).write(to: issuer)
            @Sendable func request(serials: Range<Int>) throws -> [UInt8] {
                let out = environment.directory.appendingPathComponent("req-\(serials.count).der")
                let made = try OpenSSL.run(["ocsp", "-issuer", issuer.path] + serials.flatMap { ["-serial", "0x\(String($0 + 0x1000, radix: 16))"] }
                    + ["-no_nonce", "-reqout", out.path])
                #expect(made.status == 0, "\(made.output)")
                return Array(try Data(contentsOf: out))
            }
            try await app.test(.router) { client in
                func status(of body: [UInt8]) async throws -> UInt8? {
                    let response = try await client.execute(
                        uri: "/v1/pki/ocsp/authentication", method: .post, headers: [.contentType: "application/ocsp-request"], body: ByteBuffer(bytes: body))
                    // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED, … }: past the
                    // SEQUENCE's tag and length, then the ENUMERATED's tag (0x0A) and length (1).
                    let der = Array(response.body.readableBytesView)
                    guard der.count > 2 else { return nil }
                    let lengthBytes = der[1] & 0x80 == 0 ? 1 : 1 + Int(der[1] & 0x7F)
                    let at = 1 + lengthBytes
                    guard der.count > at + 2, der[at] == 0x0A, der[at + 1] == 1 else { return nil }
                    return der[at + 2]
                }
                let many = try request(serials: 0..<11), ten = try request(serials: 0..<10)
                #expect(try await status(of: many) == 1)  // malformedRequest
                #expect(try await status(of: ten) == 0)  // successful
                for serial in 0..<20 {
                    let one = try request(serials: serial..<(serial + 1))
                    #expect(try await status(of: one) == 0)
                }
            }
            #expect(OCSPResponder.maximumCertIDs == 10 && OCSPResponder.maximumCached == 100_000)
            let responder = try #require(publisher.responder(.authentication))
            #expect(await responder.cachedCount == 0)
        }
    }

    @Test("the retention purge forgets expired codes, failures, refusals and anonymous sessions, and keeps what is live", arguments: DatabaseKind.available)
    func retentionPurges(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let (_, hub, portal) = try await makeTestPortal(registry, environment)
            // A stranger's leftovers: codes, failed codes, a forged agency request.
            for _ in 0..<5 { _ = try await portal.signIn.begin(for: Base64URL.randomToken()) }
            for _ in 0..<3 { _ = try? await portal.signIn.challenge(forCode: "ZZZZ-ZZZZ", source: "stranger") }
            _ = try? await hub.agencies.authenticate(assertion: "forged", method: "POST", path: "/v1/linkage/queries", body: [])
            let live = try await portal.signIn.challenge()
            #expect(try await count("portal_sign_ins", in: registry.database) == 6)
            #expect(try await count("agency_rejections", in: registry.database) == 1)

            let service = RetentionService(
                portal: portal, linkage: hub, oidc: nil, policy: RetentionPolicy(), clock: environment.clock.wallClock, logger: testLogger)
            #expect(try await service.purge() == 0)  // nothing is old yet
            let policy = RetentionPolicy()
            #expect(policy.challenges == 86_400_000 && policy.anonymousSessions == 86_400_000)
            #expect(policy.residentSessions == 90 * 86_400_000 && policy.refusals == 90 * 86_400_000 && service.interval == .seconds(600))
            environment.clock.advance(by: 91 * 86_400)
            _ = try await portal.signIn.challenge()  // made now: kept
            #expect(try await service.purge() == 5 + 1 + 3 + 1)
            #expect(try await count("portal_sign_ins", in: registry.database) == 1)
            #expect(try await count("portal_sign_in_failures", in: registry.database) == 0)
            #expect(try await count("agency_rejections", in: registry.database) == 0)
            _ = live
        }
    }
}
