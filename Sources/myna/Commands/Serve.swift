import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import MynaCardOffice
import MynaLinkage
import MynaRegistry
import MynaPortal
import MynaServer
import MynaServices
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API on SQLite (default) or PostgreSQL.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let logger = makeLogger("myna")
        let registry = try await store.openRegistry(logger: logger)
        let cards = try store.openCardOffice(registry: registry, urlBase: server.resolvedPKIURL, logger: logger)
        let linkage = try await store.openLinkage(registry: registry, pushPolicy: try server.pushPolicy())
        try await serve(registry: registry, cards: cards, linkage: linkage, store: store, server: server, logger: logger)
    }
}

/// Runs the server until SIGINT or SIGTERM, then closes the database: Hummingbird's
/// service group shuts the server down gracefully, letting requests in flight finish.
func serve(
    registry: Registry, cards: CardOffice, linkage: LinkageHub, store: StoreOptions, server: ServerOptions, logger: Logger,
    banner: String? = nil, kioskHours: CertificateIssuingCentre.ServiceHours = .convenienceStore
) async throws {
    let metrics = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
    let log = try store.openLog(registry: registry)
    try await log.sequence()
    let portal = Portal(registry: registry, cards: cards, linkage: linkage, origin: server.resolvedOrigin)
    var configuration = ServerConfiguration(host: server.resolvedHost, port: server.resolvedPort, metricsToken: server.resolvedMetricsToken)
    configuration.trustedProxies = try server.resolvedTrustedProxies()
    let app = buildApplication(
        registry: registry, cards: cards, linkage: linkage, log: log, portal: portal,
        oidc: try await store.openOIDC(registry: registry, issuer: server.resolvedIssuer, linkage: linkage),
        services: try store.openServices(portal: portal, linkage: linkage, publicURL: server.resolvedIssuer, kioskHours: server.resolvedKioskHours ?? kioskHours),
        configuration: configuration,
        metrics: metrics, logger: logger)
    let database = try store.location.redacted
    logger.info("serving", metadata: ["address": "http://\(server.resolvedHost):\(server.resolvedPort)", "database": "\(database)"])
    if let banner { FileHandle.standardOutput.write(Data(banner.utf8)) }
    do {
        try await app.runService()
    } catch {
        try? await registry.database.close()
        throw error
    }
    try await registry.database.close()
}
