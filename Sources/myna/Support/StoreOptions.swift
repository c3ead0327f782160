import ArgumentParser
import Crypto
import Foundation
import Logging
import MynaAudit
import MynaCardOffice
import MynaLinkage
import MynaPortal
import MynaServer
import MynaServices
import MynaPKI
import MynaRegistry
import MynaStore

/// Options every command that opens the registry shares. Each has a `MYNA_*`
/// environment equivalent; the flag wins when both are given.
struct StoreOptions: ParsableArguments {
    @Option(help: "Database: a postgres:// URL, or sqlite:PATH. Default: SQLite in the data directory. Env: MYNA_DATABASE_URL.")
    var database: String?

    @Option(help: "Data directory for the SQLite file, keys and demo.json. Default ./.myna. Env: MYNA_DATA_DIR.")
    var dataDir: String?

    var dataDirectory: URL {
        URL(fileURLWithPath: dataDir ?? ProcessInfo.processInfo.environment["MYNA_DATA_DIR"] ?? ".myna", isDirectory: true)
    }

    var location: DatabaseLocation {
        get throws {
            try DatabaseLocation(database ?? ProcessInfo.processInfo.environment["MYNA_DATABASE_URL"], dataDirectory: dataDirectory)
        }
    }

    /// Opens the database (migrating it), the key store and the registry services.
    func openRegistry(logger: Logger, passwordCost: Int = 1 << 15) async throws -> Registry {
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = try await location.open(logger: logger)
        let registry = try Registry(
            database: database, keys: KeyStore(directory: dataDirectory.appendingPathComponent("keys")), passwordCost: passwordCost)
        try await registry.seedMunicipalities()
        return registry
    }
}

extension StoreOptions {
    /// The JPKI CAs of this data directory, created on first start (the explicit
    /// ceremony is `myna ca init`), with the publisher of their CRLs.
    func openPKI(registry: Registry, urlBase: String, logger: Logger) throws -> RevocationPublisher {
        let directory = dataDirectory.appendingPathComponent("ca")
        let urls = RevocationURLs(base: urlBase)
        let authorities: CertificateAuthorities
        if CertificateAuthorities.isInitialised(in: directory) {
            authorities = try CertificateAuthorities.load(from: directory, urls: urls)
        } else {
            logger.notice("no certificate authority yet: creating one", metadata: ["directory": "\(directory.path)"])
            authorities = try CertificateAuthorities.initialize(in: directory, urls: urls)
        }
        return RevocationPublisher(authorities: authorities, ledger: SQLCertificateLedger(database: registry.database))
    }

    /// The linkage hub over the registry, with the allow-list of this build loaded and
    /// notices pushed only where `pushPolicy` lets them go.
    func openLinkage(registry: Registry, pushPolicy: PushEndpointPolicy = PushEndpointPolicy()) async throws -> LinkageHub {
        try await LinkageHub.open(registry: registry, keys: KeyStore(directory: dataDirectory.appendingPathComponent("keys")), pushPolicy: pushPolicy)
    }

    /// Mynapoint on its own, for the operator's commands.
    func openCampaigns(registry: Registry) async throws -> Mynapoint {
        Mynapoint(
            database: registry.database, clock: .system, mykey: MykeyPlatform(database: registry.database, clock: .system),
            agencies: AgencyDirectory(database: registry.database), residents: registry.residents)
    }

    /// Runs an operator's command against Mynapoint and closes the database whatever
    /// happens; a refusal becomes its message and exit status 1.
    func withCampaigns<T: Sendable>(_ body: (Mynapoint) async throws -> T) async throws -> T {
        let registry = try await openRegistry(logger: makeLogger("myna.campaign"))
        do {
            let result = try await body(try await openCampaigns(registry: registry))
            try await registry.database.close()
            return result
        } catch {
            try? await registry.database.close()
            if let refusal = error as? ServiceError { throw UsageFailure(refusal.description) }
            throw error
        }
    }

    /// The OpenID provider, signing with this data directory's key.
    func openOIDC(registry: Registry, issuer: String, linkage: LinkageHub? = nil) async throws -> OIDCProvider {
        try await OIDCProvider.open(
            registry: registry, keys: KeyStore(directory: dataDirectory.appendingPathComponent("keys")), issuer: issuer, linkage: linkage)
    }

    /// The services on the card, with this data directory's sealing key. Kiosk hours are
    /// enforced unless `kioskHours` says `always` (the demo's choice).
    func openServices(
        portal: Portal, linkage: LinkageHub, publicURL: String, kioskHours: CertificateIssuingCentre.ServiceHours = .convenienceStore
    ) throws -> Services {
        let keys = KeyStore(directory: dataDirectory.appendingPathComponent("keys"))
        return Services(
            portal: portal, hub: linkage, sealKey: try P256.Signing.PrivateKey(rawRepresentation: try keys.bytes(.certificateSealing)),
            verificationBaseURL: publicURL + "/v1/certificates/verifications", kioskHours: kioskHours)
    }

    /// The transparency log, signed with this data directory's log key.
    func openLog(registry: Registry) throws -> TransparencyLog {
        try TransparencyLog(database: registry.database, keys: KeyStore(directory: dataDirectory.appendingPathComponent("keys")))
    }

    /// The card office over the registry and this data directory's CAs.
    func openCardOffice(registry: Registry, urlBase: String, logger: Logger) throws -> CardOffice {
        try CardOffice(
            registry: registry, publisher: try openPKI(registry: registry, urlBase: urlBase, logger: logger),
            keys: KeyStore(directory: dataDirectory.appendingPathComponent("keys")))
    }
}

struct ServerOptions: ParsableArguments {
    @Option(help: "Address to listen on. Default 127.0.0.1. Env: MYNA_HOST.")
    var host: String?

    @Option(help: "Port to listen on. Default 8080. Env: MYNA_PORT.")
    var port: Int?

    @Option(help: "Public base URL written into certificates for OCSP and CRLs. Default http://<host>:<port>/v1/pki. Env: MYNA_PKI_URL.")
    var pkiURL: String?

    var resolvedPKIURL: String {
        pkiURL ?? ProcessInfo.processInfo.environment["MYNA_PKI_URL"] ?? "http://\(resolvedHost):\(resolvedPort)/v1/pki"
    }

    @Option(help: "The OpenID provider's issuer: the public base URL relying parties reach. Default http://<host>:<port>. Env: MYNA_ISSUER.")
    var issuer: String?

    var resolvedIssuer: String { issuer ?? ProcessInfo.processInfo.environment["MYNA_ISSUER"] ?? "http://\(resolvedHost):\(resolvedPort)" }

    /// The issuer's scheme, host and port: the origin every statement a card signs names.
    var resolvedOrigin: String {
        guard let url = URL(string: resolvedIssuer), let scheme = url.scheme, let host = url.host else { return resolvedIssuer }
        return "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
    }

    @Option(help: "When kiosks may print: store (06:30–23:00 Japan time, closed 29 Dec–3 Jan) or always. Default store; the demo: always. Env: MYNA_KIOSK_HOURS.")
    var kioskHours: String?

    @Option(help: "The operator's token for GET /metrics (Authorization: Bearer <token>), at least 32 visible ASCII characters. Without one, /metrics is not served. Prefer the environment, which other users cannot list: MYNA_METRICS_TOKEN.")
    var metricsToken: String?

    @Option(help: """
        Hosts and address blocks (CIDR) notices may be pushed to over plain http and at non-public addresses, comma-separated, \
        e.g. 127.0.0.0/8,::1,localhost. Default none: https to public addresses only; the demo: loopback. Env: MYNA_PUSH_ALLOW.
        """)
    var pushAllow: String?

    func validate() throws {
        if let kioskHours, !["store", "always"].contains(kioskHours) { throw ValidationError("--kiosk-hours is store or always") }
        if let token = metricsToken ?? ProcessInfo.processInfo.environment["MYNA_METRICS_TOKEN"], MetricsToken(token) == nil {
            throw ValidationError("the metrics token is at least \(MetricsToken.minimumLength) visible ASCII characters (e.g. openssl rand -hex 32)")
        }
        if let pushAllow, PushEndpointPolicy(allowing: pushAllow) == nil {
            throw ValidationError("--push-allow lists host names and address blocks such as 127.0.0.0/8, separated by commas")
        }
    }

    var resolvedMetricsToken: MetricsToken? {
        (metricsToken ?? ProcessInfo.processInfo.environment["MYNA_METRICS_TOKEN"]).flatMap(MetricsToken.init)
    }

    /// Where notices may be pushed (docs/linkage.md, "Where notices may go"); `fallback`
    /// when neither the flag nor MYNA_PUSH_ALLOW says.
    func pushPolicy(fallback: [PushEndpointPolicy.Allowance] = []) throws -> PushEndpointPolicy {
        guard let text = pushAllow ?? ProcessInfo.processInfo.environment["MYNA_PUSH_ALLOW"] else { return PushEndpointPolicy(allowing: fallback) }
        guard let policy = PushEndpointPolicy(allowing: text) else {
            throw UsageFailure("MYNA_PUSH_ALLOW lists host names and address blocks such as 127.0.0.0/8, separated by commas")
        }
        return policy
    }

    var resolvedKioskHours: CertificateIssuingCentre.ServiceHours? {
        switch kioskHours ?? ProcessInfo.processInfo.environment["MYNA_KIOSK_HOURS"] {
        case nil: nil
        case "always": .always
        default: .convenienceStore
        }
    }

    var resolvedHost: String { host ?? ProcessInfo.processInfo.environment["MYNA_HOST"] ?? "127.0.0.1" }

    @Option(help: "Reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For names the client, for per-source limits. Default none: the connection's address counts. Env: MYNA_TRUSTED_PROXIES.")
    var trustedProxy: String?

    /// The proxies whose `X-Forwarded-For` is believed; a malformed entry stops the server.
    func resolvedTrustedProxies() throws -> [AddressRange] {
        guard let text = trustedProxy ?? ProcessInfo.processInfo.environment["MYNA_TRUSTED_PROXIES"] else { return [] }
        return try text.split(separator: ",").map { entry in
            guard let range = AddressRange(entry.trimmingCharacters(in: .whitespaces)[...]) else {
                throw UsageFailure("--trusted-proxy lists addresses or CIDR blocks such as 10.0.0.0/8, separated by commas")
            }
            return range
        }
    }
    var resolvedPort: Int { port ?? ProcessInfo.processInfo.environment["MYNA_PORT"].flatMap(Int.init) ?? 8080 }
}

/// Logs go to standard error at the level of MYNA_LOG_LEVEL (default info).
func makeLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["MYNA_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
    return logger
}

/// A failure the user can act on: printed plainly, exit code 1.
struct UsageFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}
