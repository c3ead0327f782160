/// One versioned schema change, or one owner's part of it. A migration is never edited
/// once released: new needs get a new version. DDL tokens (`{ID}`, `{BLOB}`, `{BIGINT}`)
/// are expanded per dialect (``SQLDialect/ddl(_:)``).
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    private let sqlite: [String]
    private let postgres: [String]
    /// Whether the migration rebuilds a table that other tables refer to, which SQLite
    /// allows only with foreign keys off (see ``Database/schemaTransaction(_:)``).
    public let rebuildsTables: Bool

    /// A migration whose statements are the same on both databases.
    public init(version: Int, name: String, statements: [String]) {
        self.init(version: version, name: name, sqlite: statements, postgres: statements)
    }

    public init(version: Int, name: String, sqlite: [String], postgres: [String], rebuildsTables: Bool = false) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
        self.rebuildsTables = rebuildsTables
    }

    /// The statements for `dialect`, DDL tokens expanded.
    public func statements(for dialect: SQLDialect) -> [String] {
        (dialect == .sqlite ? sqlite : postgres).map(dialect.ddl)
    }

    /// The owners' parts of one version, as the single migration it was released as:
    /// the statements in the order of `parts`, applied in one transaction.
    static func joining(_ parts: [Migration]) -> Migration {
        let first = parts[0]
        precondition(
            parts.allSatisfy { $0.version == first.version && $0.name == first.name },
            "the parts of migration \(first.version) disagree on its name")
        return Migration(
            version: first.version, name: first.name, sqlite: parts.flatMap(\.sqlite), postgres: parts.flatMap(\.postgres),
            rebuildsTables: parts.contains(where: \.rebuildsTables))
    }
}
