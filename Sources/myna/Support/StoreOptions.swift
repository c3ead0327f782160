import ArgumentParser
import Crypto
import Foundation
import Logging
import MynaAudit
import MynaCore
import MynaCardOffice
import MynaLinkage
import MynaPortal
import MynaServer
import MynaServices
import MynaPKI
import MynaRegistry
import MynaDatabase
import MynaSystem
import MynaSecrets

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

    /// The system's configuration: this data directory and database, and what the server
    /// options say (their defaults and `MYNA_*` variables when a command has none).
    func configuration(server: ServerOptions? = nil, pushFallback: [PushEndpointPolicy.Allowance] = [], kioskHours: CertificateIssuingCentre.ServiceHours = .convenienceStore) throws -> SystemConfiguration {
        let server = try server ?? ServerOptions.parse([])
        return SystemConfiguration(
            dataDirectory: dataDirectory, database: try location, pkiURL: server.resolvedPKIURL, issuer: server.resolvedIssuer,
            kioskHours: server.resolvedKioskHours ?? kioskHours, pushPolicy: try server.pushPolicy(fallback: pushFallback))
    }

    /// Opens the whole system (migrating the database) through its one wiring point.
    func openSystem(_ configuration: SystemConfiguration, logger: Logger) async throws -> MynaSystem {
        try await MynaSystem.open(configuration, logger: logger)
    }

    /// Runs an operator's command against the system and closes it whatever happens; a
    /// refusal becomes its message and exit status 1.
    func withSystem<T: Sendable>(_ label: String, _ body: (MynaSystem) async throws -> T) async throws -> T {
        let system = try await openSystem(try configuration(), logger: makeLogger(label))
        do {
            let result = try await body(system)
            try await system.close()
            return result
        } catch {
            try? await system.close()
            if let refusal = error as? any CodedError { throw UsageFailure(refusal.description) }
            throw error
        }
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
