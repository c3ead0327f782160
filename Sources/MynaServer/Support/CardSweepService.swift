import Logging
import MynaCardOffice
import MynaPKI
import ServiceLifecycle

/// Runs the card office's sweep at start and then on a schedule, and keeps each CA's CRL
/// fresh even when no one fetches it (RFC 5280 §5: a new list before nextUpdate). A
/// failed sweep is logged and retried at the next tick; it never stops the server.
struct CardSweepService: Service {
    let office: CardOffice
    let logger: Logger
    var interval: Duration = .seconds(60)

    func run() async throws {
        // The loop ends when the server shuts down: the sleep is cancelled, not awaited.
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            do {
                let report = try await office.sweep()
                for role in CertificateAuthority.Role.allCases { _ = try await office.publisher.crl(role) }
                if !report.isEmpty {
                    logger.notice("card sweep", metadata: [
                        "factsRevoked": "\(report.factsRevoked)", "deceasedRevoked": "\(report.deceasedRevoked)",
                        "abandonedRevoked": "\(report.abandonedRevoked)", "duplicatesRevoked": "\(report.duplicatesRevoked)",
                        "recordsEnded": "\(report.recordsEnded)", "cardsExpired": "\(report.cardsExpired)",
                    ])
                }
            } catch {
                logger.error("card sweep failed", metadata: ["type": "\(String(reflecting: type(of: error)))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
