/// What differs between SQLite and PostgreSQL, said once, here, so that no domain module
/// tests the dialect (issue 15): each verb is the piece of SQL, or the capability, a
/// domain statement needs, in the connection's own dialect.
extension SQLDialect {
    /// A table expression over the elements of a JSON array of strings bound at `?`, with
    /// columns `value` (the element) and `key` (its position, for `ORDER BY key`).
    public var jsonArrayElements: String {
        switch self {
        case .sqlite: "json_each(?)"
        case .postgres: "json_array_elements_text(CAST(? AS json)) WITH ORDINALITY AS element(value, key)"
        }
    }

    /// The clause that locks the rows a `SELECT` reads until the transaction ends. SQLite
    /// has none and needs none: it runs one write transaction at a time.
    public var forUpdate: String {
        switch self {
        case .sqlite: ""
        case .postgres: " FOR UPDATE"
        }
    }

    /// Whether each statement is a round trip to another process. PostgreSQL's are, so a
    /// hot path folds its statements into one (a CTE); SQLite runs in process, where a
    /// transaction of several statements costs nothing extra.
    public var statementsAreRoundTrips: Bool { self == .postgres }

    /// A PostgreSQL query that takes `?` values of `table`'s identity `column` from its
    /// sequence ahead of the inserts that will use them, as rows of `id`: how a hot path
    /// where ``statementsAreRoundTrips`` names a new row's id inside the one statement
    /// that inserts it.
    public static func reserveIdentities(table: String, column: String) -> String {
        "SELECT nextval(pg_get_serial_sequence('\(table)', '\(column)')) AS id FROM generate_series(1, ?)"
    }
}

/// A lock named for what it guards, held until the transaction that takes it ends: two
/// servers on one PostgreSQL queue on it. `key` is PostgreSQL's advisory-lock key; the
/// released locks keep the keys they were released with, so servers of two versions
/// still exclude each other during an upgrade.
public struct AdvisoryLock: Sendable, Hashable {
    public let name: String
    public let key: Int64

    public init(_ name: String, key: Int64) {
        self.name = name
        self.key = key
    }

    /// Schema migrations: two servers starting at once apply each version once.
    public static let schemaMigrations = AdvisoryLock("schema-migrations", key: 4_242_424_242)
}

extension SQLConnection {
    /// Takes `lock` for the rest of the transaction. On SQLite, whose writers already run
    /// one at a time, this does nothing.
    public func lock(_ lock: AdvisoryLock) async throws {
        guard dialect == .postgres else { return }
        try await query(SQL("SELECT pg_advisory_xact_lock(?)", [.integer(lock.key)]))
    }
}
