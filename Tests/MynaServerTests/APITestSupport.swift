import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MynaCardOffice
import MynaCore
import MynaPKI
import MynaRegistry
import MynaAudit
import MynaLinkage
import MynaPortal
import MynaServices
import MynaServer
import MynaTestSupport
import NIOCore
import Testing

/// A log handler that keeps every line, so tests can prove what never reaches a log.
final class CapturedLog: LogHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        lock.withLock { lines.append("\(event.level) \(event.message) \(merged) \(event.source)") }
    }

    var text: String { lock.withLock { lines.joined(separator: "\n") } }
    var logger: Logger { Logger(label: "myna.test.captured") { _ in self } }
}

/// Sends JSON and reads JSON or problem documents.
struct API {
    let client: any TestClientProtocol
    var token: String?

    func call(_ method: HTTPRequest.Method, _ uri: String, json: Any? = nil, raw: [UInt8]? = nil, contentType: String = "application/json")
        async throws -> (HTTPResponse.Status, [String: Any])
    {
        var headers = HTTPFields()
        var body: ByteBuffer?
        if let json {
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
        } else if let raw {
            body = ByteBuffer(bytes: raw)
        }
        if body != nil { headers[.contentType] = contentType }
        if let token { headers[.authorization] = "Bearer \(token)" }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: body)
        let object = (try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// Creates a staff member and signs them in; returns a client carrying their token.
    func signedIn(_ registry: Registry, _ environment: TestEnvironment, username: String, role: StaffRole = .clerk,
                  municipality: String = "131016") async throws -> API
    {
        let account = try await registry.staff.create(
            username: username, displayName: "職員", role: role, municipality: try MunicipalityCode(municipality),
            password: "correct horse battery")
        let (status, body) = try await call(.post, "/v1/staff/sessions", json: [
            "username": username, "password": "correct horse battery",
            "totp": TOTP(secret: account.totpSecret).code(at: environment.clock.now),
        ])
        guard status == .created, let token = body["token"] as? String else { throw APITestError.signInFailed(status.code) }
        var api = self
        api.token = token
        return api
    }
}

enum APITestError: Error { case signInFailed(Int) }

extension ServerConfiguration {
    /// The server as the tests run it: each test drives the background work it is about
    /// (a sweep, a push round) itself, so the application's own is off and never races it.
    static func testing(
        host: String = "127.0.0.1", port: Int = 8080, metricsToken: MetricsToken? = nil, limits: SourceLimits = SourceLimits()
    ) -> ServerConfiguration {
        var configuration = ServerConfiguration(host: host, port: port, metricsToken: metricsToken, limits: limits)
        configuration.backgroundWork = false
        return configuration
    }
}

var demoResident: [String: Any] { [
    "name": "試験　花子", "nameKana": "シケン　ハナコ", "birthDate": "1990-05-05", "sex": 2,
    "address": ["municipalityCode": "131016", "text": "東京都千代田区丸の内1-1-1"], "reason": "出生届",
] }

/// A certificate authority in the test's directory, with its CRL publisher.
func makePublisher(_ environment: TestEnvironment, directory name: String = "ca") throws -> RevocationPublisher {
    let authorities = try CertificateAuthorities.initialize(
        in: environment.directory.appendingPathComponent(name), urls: RevocationURLs(base: "http://127.0.0.1:8080/v1/pki"))
    return RevocationPublisher(authorities: authorities, ledger: SQLCertificateLedger(database: environment.database))
}

/// A fresh registry of `kind` behind the application's router (with the PKI routes when
/// `pki` is set), and a client for it.
func withRouter(
    _ kind: DatabaseKind, logger: Logger = testLogger, pki: Bool = false, cards: Bool = false, linkage: Bool = false, portal: Bool = false,
    _ body: @escaping @Sendable (Registry, TestEnvironment, any TestClientProtocol) async throws -> Void
) async throws {
    try await withTestRegistry(kind) { registry, environment in
        let publisher = pki ? try makePublisher(environment) : nil
        let office = cards ? try makeTestCardOffice(registry, environment) : nil
        let hub = linkage ? try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock) : nil
        let log = linkage ? try TransparencyLog(database: registry.database, keys: environment.keys, clock: environment.clock.wallClock) : nil
        let resident = portal ? office.map { Portal(registry: registry, cards: $0, linkage: hub, clock: environment.clock.wallClock) } : nil
        let services = try resident.flatMap { portal in try hub.map { try makeTestServices(portal, $0, environment) } }
        let app = buildApplication(system: try await makeTestSystem(registry, environment, pki: publisher, cards: office, linkage: hub, log: log, portal: resident, services: services), configuration: .testing(), logger: logger)
        try await app.test(.router) { client in try await body(registry, environment, client) }
    }
}

/// The services on the card, with a throwaway sealing key and kiosks open at any hour.
func makeTestServices(_ portal: Portal, _ hub: LinkageHub, _ environment: TestEnvironment) throws -> Services {
    Services(
        hub: hub, cardAnswers: portal.signIn, linkages: portal.linkages, sealKey: P256.Signing.PrivateKey(), verificationBaseURL: "http://127.0.0.1:8080/v1/certificates/verifications",
        kioskHours: .always, clock: environment.clock.wallClock)
}

extension TestCardHolder {
    /// The card's answer to a challenge as the server sent it (`challengeId`, `signingInput`):
    /// its authentication certificate and its signature after the PIN. The card signs
    /// whatever statement it is handed, as a reader drives it; what the answer is good for
    /// is the server's to check.
    mutating func answer(_ challenge: [String: Any]) throws -> [String: Any] {
        let id = try #require(challenge["challengeId"] as? String)
        let input = try #require((challenge["signingInput"] as? String).flatMap(Base64URL.decode))
        return [
            "challengeId": id, "certificate": Data(try #require(issued.authentication)).base64EncodedString(),
            "signature": Data(try #require(try authenticate(input))).base64EncodedString(),
        ]
    }
}

/// A card office, a linkage hub and a portal over `registry`, all on the test's clock: what
/// every test of the card's services starts from.
func makeTestPortal(_ registry: Registry, _ environment: TestEnvironment) async throws -> (office: CardOffice, hub: LinkageHub, portal: Portal) {
    let office = try makeTestCardOffice(registry, environment)
    let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
    return (office, hub, Portal(registry: registry, cards: office, linkage: hub, clock: environment.clock.wallClock))
}

/// Loads Mynapoint's "round-2" with its sign-up and spending open this week.
func openRoundTwo(_ services: Services, _ environment: TestEnvironment, rewards: [Campaign.Reward]) async throws {
    let today = CalendarDate(inJapanAt: environment.clock.now)
    let window = Campaign.Window(from: today, until: CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 7))
    let campaign = try Campaign(id: "round-2", name: "マイナポイント", signUp: window, spending: window, budgetYen: 50_000, rewards: rewards)
    try await services.mynapoint.load(Array(try JSONEncoder().encode(campaign)), by: "test")
}
