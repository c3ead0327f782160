import Foundation

/// The whole database schema: every owning module's migrations, joined by version and
/// applied in order, each version in its own transaction, recorded in
/// `schema_migrations` (the one table this module owns).
///
/// Each module keeps the migrations of its own tables (`RegistrySchema`, `PKISchema`, …);
/// the wiring point (`MynaSchema` in MynaSystem) lists them. Where a released version
/// touched tables of several owners, each owner holds its part under the same number and
/// name, and the parts are applied together, as they were released: an existing
/// database sees the same versions it always did.
public struct Schema: Sendable {
    /// The migrations, one per version, oldest first.
    public let migrations: [Migration]

    /// Joins the owners' migrations; `owners` is in dependency order (a table's owner
    /// before the owners of tables that refer to it), which orders the parts of a version.
    public init(owners: [[Migration]]) {
        let byVersion = Dictionary(grouping: owners.flatMap { $0 }, by: \.version)
        migrations = byVersion.keys.sorted().map { Migration.joining(byVersion[$0]!) }
        precondition(migrations.map(\.version) == Array(1...migrations.count), "schema versions must run 1, 2, 3… without gaps")
    }

    /// The version a fully migrated database is at.
    public var newestVersion: Int { migrations.last?.version ?? 0 }

    /// Brings `database` to the latest schema, or to `version` (tests of an upgrade
    /// start from an older one); returns the versions it applied.
    @discardableResult
    public func migrate(_ database: any Database, through version: Int? = nil) async throws -> [Int] {
        try await database.transaction { connection in
            try await connection.query(SQL(connection.dialect.ddl("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {BIGINT} NOT NULL)
                """)))
        }
        var applied: [Int] = []
        for migration in migrations where migration.version <= version ?? .max {
            let apply = { @Sendable (connection: any SQLConnection) async throws -> Bool in
                // Two servers starting at once on PostgreSQL: the second waits here.
                try await connection.lock(.schemaMigrations)
                let done = try await connection.first(
                    SQL("SELECT version FROM schema_migrations WHERE version = ?", [.init(migration.version)]))
                guard done == nil else { return false }
                for statement in migration.statements(for: connection.dialect) {
                    try await connection.query(SQL(statement))
                }
                try await connection.query(SQL(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.init(migration.version), .text(migration.name), .integer(Int64(Date().timeIntervalSince1970 * 1000))]))
                return true
            }
            let didApply = try await migration.rebuildsTables ? database.schemaTransaction(apply) : database.transaction(apply)
            if didApply { applied.append(migration.version) }
        }
        let newest = try await database.read { connection in
            try await connection.first("SELECT MAX(version) AS version FROM schema_migrations")?.optionalInt("version")
        }
        if let newest, newest > newestVersion { throw StoreError.databaseNewerThanCode(version: newest) }
        return applied
    }
}
