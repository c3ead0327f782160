public import Crypto
public import Foundation
public import Logging
public import MynaAudit
public import MynaCardOffice
public import MynaCore
public import MynaDatabase
public import MynaLinkage
public import MynaPKI
public import MynaPortal
public import MynaRegistry
public import MynaSecrets
public import MynaServices

/// What a Myna deployment is opened from: where its data lives, the public addresses it
/// writes into certificates and tokens, and the policies an operator chooses.
public struct SystemConfiguration: Sendable {
    /// The data directory: the SQLite file by default, the CAs (`ca/`) and the keys (`keys/`).
    public var dataDirectory: URL
    public var database: DatabaseLocation
    /// Where the keys are; `<data dir>/keys` (or `MYNA_*_KEY` variables) by default.
    public var keys: KeyStore
    /// The public base URL of the revocation services, written into certificates.
    public var pkiURL: String
    /// The OpenID provider's issuer: the public base URL relying parties reach. Its
    /// origin is named in every statement a card signs.
    public var issuer: String
    /// When kiosks may print.
    public var kioskHours: CertificateIssuingCentre.ServiceHours
    /// Where linkage notices may be pushed.
    public var pushPolicy: PushEndpointPolicy
    /// The staff password KDF's cost (scrypt N); tests lower it.
    public var passwordCost: Int
    public var clock: WallClock

    public init(
        dataDirectory: URL, database: DatabaseLocation? = nil, keys: KeyStore? = nil, pkiURL: String = "http://127.0.0.1:8080/v1/pki",
        issuer: String = "http://127.0.0.1:8080", kioskHours: CertificateIssuingCentre.ServiceHours = .convenienceStore,
        pushPolicy: PushEndpointPolicy = PushEndpointPolicy(), passwordCost: Int = 1 << 15, clock: WallClock = .system
    ) {
        self.dataDirectory = dataDirectory
        self.database = database ?? .sqlite(path: dataDirectory.appendingPathComponent("myna.sqlite").path)
        self.keys = keys ?? KeyStore(directory: dataDirectory.appendingPathComponent("keys"))
        self.pkiURL = pkiURL
        self.issuer = issuer
        self.kioskHours = kioskHours
        self.pushPolicy = pushPolicy
        self.passwordCost = passwordCost
        self.clock = clock
    }

    /// The issuer's scheme, host and port.
    public var origin: String {
        guard let url = URL(string: issuer), let scheme = url.scheme, let host = url.host else { return issuer }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    /// The JPKI CAs' directory.
    public var authoritiesDirectory: URL { dataDirectory.appendingPathComponent("ca") }
}

/// The whole of Myna over one database: the one place its parts are wired to each other
/// (issue 15). `myna serve`, every CLI command and the tests open it here; the HTTP
/// server is built from it (`buildApplication(system:)`).
public struct MynaSystem: Sendable {
    // Variables so that a test can put a part of its own in (a CA on another clock, a
    // hub with another push policy); the server only reads them.
    public var registry: Registry
    public var pki: RevocationPublisher
    public var relyingParties: RelyingParties
    public var cards: CardOffice
    public var linkage: LinkageHub
    public var log: TransparencyLog
    public var portal: Portal
    public var oidc: OIDCProvider
    public var services: Services
    private let database: any Database

    /// Every owner's migrations, in the order of the modules' dependencies (a table's
    /// owner before the owners of tables that refer to it).
    public static let schema = Schema(owners: [
        RegistrySchema.migrations, PKISchema.migrations, CardOfficeSchema.migrations, AuditSchema.migrations,
        LinkageSchema.migrations, PortalSchema.migrations, ServicesSchema.migrations,
    ])

    /// Opens the database (migrating it to ``schema``) and everything over it. The CAs
    /// are created on first start if the key ceremony (`myna ca init`) has not been held.
    public static func open(_ configuration: SystemConfiguration, logger: Logger) async throws -> MynaSystem {
        try FileManager.default.createDirectory(
            at: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = try await configuration.database.open(schema, logger: logger)
        do {
            return try await open(configuration, on: database, logger: logger)
        } catch {
            try? await database.close()
            throw error
        }
    }

    /// Everything over a database already opened and migrated (tests make theirs).
    public static func open(_ configuration: SystemConfiguration, on database: any Database, logger: Logger) async throws -> MynaSystem {
        let clock = configuration.clock
        let keys = configuration.keys
        let registry = try Registry(database: database, keys: keys, clock: clock, passwordCost: configuration.passwordCost)
        try await registry.seedMunicipalities()
        let urls = RevocationURLs(base: configuration.pkiURL)
        let authorities: CertificateAuthorities
        if CertificateAuthorities.isInitialised(in: configuration.authoritiesDirectory) {
            authorities = try CertificateAuthorities.load(from: configuration.authoritiesDirectory, urls: urls)
        } else {
            logger.notice("no certificate authority yet: creating one", metadata: ["directory": "\(configuration.authoritiesDirectory.path)"])
            authorities = try CertificateAuthorities.initialize(in: configuration.authoritiesDirectory, urls: urls, now: clock.now)
        }
        let pki = RevocationPublisher(authorities: authorities, ledger: SQLCertificateLedger(database: database, clock: clock), clock: clock)
        let cards = try CardOffice(registry: registry, publisher: pki, keys: keys, clock: clock)
        let linkage = try await LinkageHub.open(registry: registry, keys: keys, clock: clock, pushPolicy: configuration.pushPolicy)
        let portal = Portal(registry: registry, cards: cards, linkage: linkage, clock: clock, origin: configuration.origin)
        let services = Services(
            hub: linkage, cardAnswers: portal.signIn, linkages: portal.linkages, sealKey: try P256.Signing.PrivateKey(rawRepresentation: try keys.bytes(.certificateSealing)),
            verificationBaseURL: configuration.issuer + "/v1/certificates/verifications", kioskHours: configuration.kioskHours, clock: clock)
        return MynaSystem(
            registry: registry, pki: pki, relyingParties: RelyingParties(database: database, clock: clock), cards: cards, linkage: linkage,
            log: try TransparencyLog(database: database, keys: keys, clock: clock), portal: portal,
            oidc: try await OIDCProvider.open(registry: registry, keys: keys, issuer: configuration.issuer, linkage: linkage, clock: clock),
            services: services, database: database)
    }

    /// Whether the database answers: the readiness probe.
    public func checkDatabase() async throws {
        _ = try await database.read { try await $0.query("SELECT 1 AS ok") }
    }

    /// Closes the database; nothing may be used afterwards.
    public func close() async throws {
        try await database.close()
    }
}
