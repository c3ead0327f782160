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
import MynaSystem
import Prometheus

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve the API on SQLite (default) or PostgreSQL.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions

    func run() async throws {
        let logger = makeLogger("myna")
        let system = try await store.openSystem(try store.configuration(server: server), logger: logger)
        try await serve(system, store: store, server: server, logger: logger)
    }
}

/// Runs the server until SIGINT or SIGTERM, then closes the database: Hummingbird's
/// service group shuts the server down gracefully, letting requests in flight finish.
func serve(_ system: MynaSystem, store: StoreOptions, server: ServerOptions, logger: Logger, banner: String? = nil) async throws {
    let metrics = PrometheusCollectorRegistry()
    MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: metrics))
    do {
        try await system.log.sequence()
        var configuration = ServerConfiguration(host: server.resolvedHost, port: server.resolvedPort, metricsToken: server.resolvedMetricsToken)
        configuration.trustedProxies = try server.resolvedTrustedProxies()
        let app = buildApplication(system: system, configuration: configuration, metrics: metrics, logger: logger)
        let database = try store.location.redacted
        logger.info("serving", metadata: ["address": "http://\(server.resolvedHost):\(server.resolvedPort)", "database": "\(database)"])
        if let banner { FileHandle.standardOutput.write(Data(banner.utf8)) }
        try await app.runService()
    } catch {
        try? await system.close()
        throw error
    }
    try await system.close()
}
