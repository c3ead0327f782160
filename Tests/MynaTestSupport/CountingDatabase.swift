public import MynaDatabase
import Synchronization

/// A database that counts what goes through it, for tests that hold a hot path to its
/// number of statements (BENCHMARKS.md, "Statements per hot path"): a boundary between
/// modules must not cost a round trip the path did not have.
public final class CountingDatabase: Database {
    public struct Counts: Sendable, Equatable {
        /// Statements sent (a bulk insert counts once).
        public var statements = 0
        /// Units of work opened: reads, transactions and autocommitted statements.
        public var reads = 0
        public var transactions = 0
        public var autocommits = 0

        public init(statements: Int = 0, reads: Int = 0, transactions: Int = 0, autocommits: Int = 0) {
            (self.statements, self.reads, self.transactions, self.autocommits) = (statements, reads, transactions, autocommits)
        }
    }

    private let base: any Database
    private let tally = Mutex(Counts())

    public init(_ base: any Database) { self.base = base }

    /// What went through since the last reset.
    public var counts: Counts { tally.withLock { $0 } }

    public func reset() { tally.withLock { $0 = Counts() } }

    fileprivate func count(_ change: (inout Counts) -> Void) { tally.withLock { change(&$0) } }

    public var dialect: SQLDialect { base.dialect }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        count { $0.reads += 1 }
        return try await base.read { try await body(CountingConnection(base: $0, owner: self)) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        count { $0.transactions += 1 }
        return try await base.transaction { try await body(CountingConnection(base: $0, owner: self)) }
    }

    public func autocommit<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        count { $0.autocommits += 1 }
        return try await base.autocommit { try await body(CountingConnection(base: $0, owner: self)) }
    }

    public func schemaTransaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await base.schemaTransaction(body)
    }

    public func close() async throws { try await base.close() }
}

private struct CountingConnection: SQLConnection {
    let base: any SQLConnection
    let owner: CountingDatabase

    var dialect: SQLDialect { base.dialect }

    func query(_ sql: SQL) async throws -> [SQLRow] {
        owner.count { $0.statements += 1 }
        return try await base.query(sql)
    }

    func query<Statement: PreparedSQL>(_ statement: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
        owner.count { $0.statements += 1 }
        return try await base.query(statement, binds)
    }

    func insertMany(into table: String, columns: [String], rows: [[SQLValue]], onConflict: String?) async throws {
        owner.count { $0.statements += 1 }
        try await base.insertMany(into: table, columns: columns, rows: rows, onConflict: onConflict)
    }
}
