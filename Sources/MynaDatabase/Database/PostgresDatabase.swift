public import Foundation
public import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// PostgreSQL through postgres-nio's pooled client: the production store and the road
/// past one machine (read replicas, a distributed PostgreSQL-compatible engine).
public final class PostgresDatabase: Database {
    public var dialect: SQLDialect { .postgres }
    private let client: PostgresClient
    private let runner: Task<Void, Never>
    private let logger: Logger

    /// Connects to `postgres://user[:password]@host[:port]/database[?sslmode=disable|require]`.
    public static func connect(url: String, maximumConnections: Int = 16, logger: Logger) async throws -> PostgresDatabase {
        guard let components = URLComponents(string: url), let host = components.host,
            ["postgres", "postgresql"].contains(components.scheme ?? "")
        else { throw StoreError.unsupportedURL }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432,
            username: components.user ?? "postgres", password: components.password,
            database: components.path.isEmpty ? nil : String(components.path.dropFirst()),
            tls: sslMode == "require" ? .require(.makeClientConfiguration()) : .disable)
        configuration.options.maximumConnections = maximumConnections
        let database = PostgresDatabase(client: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        // Let the client's run loop start before the first lease (otherwise postgres-nio
        // logs a warning, though the lease would wait), then fail early on a bad URL.
        try await Task.sleep(for: .milliseconds(20))
        _ = try await database.read { try await $0.query("SELECT 1 AS ok") }
        return database
    }

    private init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
        runner = Task { await client.run() }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(PostgresSQLConnection(connection: connection, logger: logger))
        }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await body(PostgresSQLConnection(connection: connection, logger: logger))
            }
        } catch let error as PostgresTransactionError {
            // Surface the error the body threw (a domain error), not the wrapper.
            if let closureError = error.closureError { throw closureError }
            throw error
        }
    }

    public func autocommit<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await read(body)
    }

    public func close() async throws {
        runner.cancel()
        _ = await runner.value
    }
}

struct PostgresSQLConnection: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger
    var dialect: SQLDialect { .postgres }

    @discardableResult
    func query(_ sql: SQL) async throws -> [SQLRow] {
        let query = PostgresQuery(unsafeSQL: Self.numberedPlaceholders(sql.text), binds: Self.bindings(sql.binds))
        return try await rows { try await connection.query(query, logger: logger) }
    }

    @discardableResult
    func query<Statement: PreparedSQL>(_ statement: Statement.Type, _ binds: [SQLValue]) async throws -> [SQLRow] {
        try await rows { try await connection.execute(Prepared<Statement>(binds: binds), logger: logger) }
    }

    /// Streams the rows with `COPY … FROM STDIN` in its text format: no statement to
    /// parse and no binds to decode per row, PostgreSQL's fastest way in (BENCHMARKS.md,
    /// registry). `COPY` has no `ON CONFLICT`, so rows that need one go in statements.
    func insertMany(into table: String, columns: [String], rows: [[SQLValue]], onConflict: String?) async throws {
        guard !rows.isEmpty else { return }
        if let onConflict {
            return try await insertManyInStatements(into: table, columns: columns, rows: rows, onConflict: onConflict)
        }
        try await mappingErrors {
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                var buffer = ByteBuffer()
                buffer.reserveCapacity(Self.copyChunk)
                for row in rows {
                    for (index, value) in row.enumerated() {
                        if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                        Self.writeCopyText(value, to: &buffer)
                    }
                    buffer.writeInteger(UInt8(ascii: "\n"))
                    if buffer.readableBytes >= Self.copyChunk {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
    }

    private static let copyChunk = 1 << 20

    /// One value in `COPY`'s text format (PostgreSQL 15 documentation, COPY, "Text
    /// Format"): `\N` is null; a backslash, tab, newline or carriage return in text is
    /// escaped with a backslash; bytea is its hex input form, `\x…`, whose backslash is
    /// itself escaped.
    static func writeCopyText(_ value: SQLValue, to buffer: inout ByteBuffer) {
        switch value {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let int): buffer.writeString(String(int))
        case .real(let double): buffer.writeString(double.description)  // "inf", "-inf", "nan" are float8 input too
        case .text(let text):
            for byte in text.utf8 {
                switch byte {
                case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                default: buffer.writeInteger(byte)
                }
            }
        case .blob(let bytes):
            buffer.writeStaticString("\\\\x")
            for byte in bytes {
                buffer.writeInteger(hexDigits[Int(byte >> 4)])
                buffer.writeInteger(hexDigits[Int(byte & 0xF)])
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// postgres-nio prepares a statement type once per connection, by its name.
    struct Prepared<Statement: PreparedSQL>: PostgresPreparedStatement {
        static var name: String { "myna.\(String(reflecting: Statement.self))" }
        static var sql: String { PreparedText.numbered(Statement.self) }
        let binds: [SQLValue]

        func makeBindings() throws -> PostgresBindings { PostgresSQLConnection.bindings(binds) }
        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }

    static func bindings(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .integer(let int): bindings.append(int)
            case .text(let text): bindings.append(text)
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes))
            case .real(let double): bindings.append(double)
            case .null: bindings.appendNull()
            }
        }
        return bindings
    }

    private func rows<Rows: AsyncSequence>(_ run: () async throws -> Rows) async throws -> [SQLRow] where Rows.Element == PostgresRow {
        try await mappingErrors {
            var rows: [SQLRow] = []
            for try await row in try await run() {
                var names: [String] = []
                var values: [SQLValue] = []
                for cell in row {
                    names.append(cell.columnName)
                    values.append(try Self.value(of: cell))
                }
                rows.append(SQLRow(names: names, values: values))
            }
            return rows
        }
    }

    /// A unique violation becomes ``StoreError/uniqueViolation``, as on SQLite.
    private func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as PSQLError {
            if error.serverInfo?[.sqlState] == "23505" { throw StoreError.uniqueViolation }
            throw error
        }
    }

    private static func value(of cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .bytea: return .blob(Array(try cell.decode(ByteBuffer.self).readableBytesView))
        default: return .text(try cell.decode(String.self))
        }
    }

    /// `?` → `$n`, outside quoted literals and identifiers.
    static func numberedPlaceholders(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Each prepared statement's text with `$n` placeholders, converted once per type
/// (postgres-nio reads it on every execution).
private enum PreparedText {
    static let cache = Mutex<[ObjectIdentifier: String]>([:])

    static func numbered<Statement: PreparedSQL>(_ statement: Statement.Type) -> String {
        if let text = cache.withLock({ $0[ObjectIdentifier(statement)] }) { return text }
        let text = PostgresSQLConnection.numberedPlaceholders(Statement.text)
        cache.withLock { $0[ObjectIdentifier(statement)] = text }
        return text
    }
}
