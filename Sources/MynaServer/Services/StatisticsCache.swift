import Foundation
import MynaCore
import MynaServices

/// The public statistics, computed at most once every `lifetime` however many ask: the
/// report runs some fifteen aggregates over whole tables, and `/v1/stats` needs no sign-in
/// (issue 14, finding 5). Concurrent askers of a stale report wait for one computation.
actor StatisticsCache {
    let statistics: Statistics
    nonisolated let lifetime: Int64
    let clock: WallClock
    private var cached: (report: StatisticsReport, at: Int64)?
    private var running: Task<StatisticsReport, any Error>?

    init(_ statistics: Statistics, lifetime: Int64 = 5_000, clock: WallClock = .system) {
        (self.statistics, self.lifetime, self.clock) = (statistics, lifetime, clock)
    }

    func report() async throws -> StatisticsReport {
        let now = clock.milliseconds
        if let cached, now - cached.at < lifetime { return cached.report }
        if let running { return try await running.value }
        computed += 1
        let task = Task { try await statistics.report() }
        running = task
        defer { running = nil }
        let report = try await task.value
        cached = (report, now)
        return report
    }

    /// How many times the report has been computed (for the test that floods it).
    private(set) var computed = 0
}
