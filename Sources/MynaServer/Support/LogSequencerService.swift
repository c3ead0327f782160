import Logging
import MynaAudit
import ServiceLifecycle

/// Sequences the transparency log every second — the log's maximum merge delay — so a
/// record made now is in a signed tree head within about a second. A failed round is
/// logged by type and retried at the next tick.
struct LogSequencerService: Service {
    let log: TransparencyLog
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            do {
                try await log.sequence()
            } catch {
                logger.error("log sequencing failed", metadata: ["type": "\(String(reflecting: type(of: error)))"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
