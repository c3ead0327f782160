public import Foundation
public import Logging
public import MynaCore
public import MynaRegistry
public import MynaDatabase
public import MynaSecrets
import MynaSystem

/// The databases every storage-touching suite runs on. PostgreSQL joins when
/// `MYNA_TEST_POSTGRES_URL` names a server (scripts/test starts a throwaway one); with
/// `MYNA_REQUIRE_POSTGRES=1` its absence is a failure, not a silent skip.
public enum DatabaseKind: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite
    case postgres

    public static var available: [DatabaseKind] {
        ProcessInfo.processInfo.environment["MYNA_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    public static var postgresRequired: Bool { ProcessInfo.processInfo.environment["MYNA_REQUIRE_POSTGRES"] == "1" }

    public var description: String { rawValue }
}

/// A fresh, empty, migrated database with its own key directory, removed afterwards.
public struct TestEnvironment: Sendable {
    public let kind: DatabaseKind
    public let directory: URL
    public let database: any Database
    public let keys: KeyStore
    public let clock: TestClock
}

public let testLogger: Logger = {
    var logger = Logger(label: "myna.test")
    logger.logLevel = .warning
    return logger
}()

/// Runs `body` against a new database of `kind`, with the municipality directory loaded
/// and a registry whose password KDF is cheap (tests sign in often; the production cost
/// is exercised by the CLI tests). `schemaVersion` stops the migrations early, for tests
/// of an upgrade.
public func withTestRegistry<T: Sendable>(
    _ kind: DatabaseKind, schemaVersion: Int? = nil, _ body: (Registry, TestEnvironment) async throws -> T
) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let (database, cleanup) = try await makeDatabase(kind, in: directory, schemaVersion: schemaVersion)
    let clock = TestClock()
    let environment = TestEnvironment(
        kind: kind, directory: directory, database: database, keys: KeyStore(directory: directory.appendingPathComponent("keys"), environment: [:]),
        clock: clock)
    do {
        let registry = try Registry(database: database, keys: environment.keys, clock: clock.wallClock, passwordCost: 1 << 10)
        try await registry.seedMunicipalities()
        let result = try await body(registry, environment)
        try await database.close()
        try await cleanup()
        return result
    } catch {
        try? await database.close()
        try? await cleanup()
        throw error
    }
}

private func makeDatabase(_ kind: DatabaseKind, in directory: URL, schemaVersion: Int?) async throws -> (any Database, @Sendable () async throws -> Void) {
    switch kind {
    case .sqlite:
        let database = try await DatabaseLocation.sqlite(path: directory.appendingPathComponent("test.sqlite").path).open(MynaSystem.schema, logger: testLogger, schemaVersion: schemaVersion)
        return (database, {})
    case .postgres:
        guard let url = ProcessInfo.processInfo.environment["MYNA_TEST_POSTGRES_URL"], var components = URLComponents(string: url) else {
            throw TestSupportError.postgresUnavailable
        }
        let name = "myna_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let admin = try await PostgresDatabase.connect(url: url, maximumConnections: 1, logger: testLogger)
        _ = try await admin.read { try await $0.query(SQL("CREATE DATABASE \(name)")) }
        components.path = "/" + name
        let database = try await DatabaseLocation.postgres(url: components.string!).open(MynaSystem.schema, logger: testLogger, schemaVersion: schemaVersion)
        return (database, {
            _ = try await admin.read { try await $0.query(SQL("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")) }
            try await admin.close()
        })
    }
}

public enum TestSupportError: Error { case postgresUnavailable }

/// A clock that stands still until a test moves it.
public final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    public init() {}

    public var now: Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    public var wallClock: WallClock { WallClock { [self] in now } }
}
