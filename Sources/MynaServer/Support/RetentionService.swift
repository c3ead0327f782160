import Logging
import MynaCore
import MynaLinkage
import MynaPortal
import ServiceLifecycle

/// How long Myna keeps what strangers can make it write (issue 14, finding 5): expired
/// sign-in codes and challenges, refused agency requests, refused OpenID requests, and
/// sessions. Each table's owner deletes its own rows; this only says when.
public struct RetentionPolicy: Sendable {
    /// Codes and challenges past their expiry (minutes long) are useless after a day.
    public var challenges: Int64 = 86_400_000
    /// Anonymous sessions, once over; a resident's are kept so their sign-in notices last.
    public var anonymousSessions: Int64 = 86_400_000
    public var residentSessions: Int64 = 90 * 86_400_000
    /// Refusals are for oversight: ninety days.
    public var refusals: Int64 = 90 * 86_400_000

    public init() {}
}

/// Runs the purge at start and then every `interval`; a failure is logged and tried again
/// next time, and never stops the server.
struct RetentionService: Service {
    let portal: Portal
    let linkage: LinkageHub?
    let oidc: OIDCProvider?
    let policy: RetentionPolicy
    let clock: WallClock
    let logger: Logger
    var interval: Duration = .seconds(600)

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let purged = try await purge()
                    if purged > 0 { logger.info("retention purge", metadata: ["rows": "\(purged)"]) }
                } catch {
                    logger.error("retention purge failed", metadata: ["type": "\(String(reflecting: type(of: error)))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; how many rows went.
    func purge() async throws -> Int {
        let now = clock.milliseconds
        var purged = try await portal.signIn.purge(before: now - policy.challenges)
        purged += try await portal.sessions.purge(signedInBefore: now - policy.residentSessions, anonymousBefore: now - policy.anonymousSessions)
        purged += try await linkage?.agencies.purgeRejections(before: now - policy.refusals) ?? 0
        purged += try await oidc?.purge(before: now - policy.refusals) ?? 0
        return purged
    }
}
