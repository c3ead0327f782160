import NIOPosix
// The system's SQLite (Debian's libsqlite3, 3.38 or later: `RETURNING`, JSON built in,
// `SQLITE_OPEN_EXRESCODE`), called through its C API rather than a Swift wrapper such as
// sqlite-nio: Myna keeps its own statements prepared for the life of a connection and
// binds values straight from `SQLValue`, where sqlite-nio compiles every statement anew
// and converts every value twice. A bulk import spends most of its database time there
// (BENCHMARKS.md, registry at 1,000,000 residents).
internal import CSQLite

/// One SQLite connection. It is never used by two threads at once: ``SQLiteDatabase``
/// lends it to one borrower at a time, and each call runs on the database's thread pool
/// so a statement that waits on the disk never blocks Swift's cooperative threads.
final class SQLiteHandle: @unchecked Sendable {
    private var connection: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    private let threadPool: NIOThreadPool

    /// Statements kept prepared per connection. Myna's statements are literals, but a
    /// few are built per call (an `IN` list as long as its values), so the cache is
    /// bounded and simply starts over when full.
    private static let statementCacheSize = 256

    private init(connection: OpaquePointer, threadPool: NIOThreadPool) {
        self.connection = connection
        self.threadPool = threadPool
    }

    /// The library's process-wide settings, made once before its first use.
    private static let configured: Int32 = myna_sqlite3_configure()

    static func open(path: String, threadPool: NIOThreadPool) async throws -> SQLiteHandle {
        _ = configured
        return try await threadPool.runIfActive {
            var connection: OpaquePointer?
            // NOMUTEX: the pool already guarantees one user at a time.
            let flags = SQLITE_OPEN_CREATE | SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
            let status = sqlite3_open_v2(path, &connection, flags, nil)
            guard status == SQLITE_OK, let connection else {
                sqlite3_close(connection)
                throw SQLiteFailure(code: status, message: "the database file could not be opened")
            }
            return SQLiteHandle(connection: connection, threadPool: threadPool)
        }
    }

    /// Runs `body` with the connection on the thread pool.
    func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteHandle) throws -> T) async throws -> T {
        try await threadPool.runIfActive { try body(self) }
    }

    func close() async throws {
        try await run { handle in
            for statement in handle.statements.values { sqlite3_finalize(statement) }
            handle.statements = [:]
            sqlite3_close(handle.connection)
            handle.connection = nil
        }
    }

    // MARK: On the thread pool

    /// Runs one statement and returns its rows.
    func execute(_ text: String, _ binds: [SQLValue]) throws -> [SQLRow] {
        let statement = try prepared(text)
        defer { sqlite3_reset(statement) }
        try bind(binds, to: statement)
        var rows: [SQLRow] = []
        var names: [String]?
        while true {
            let status = sqlite3_step(statement)
            if status == SQLITE_DONE { return rows }
            guard status == SQLITE_ROW else { throw failure(status) }
            let count = sqlite3_column_count(statement)
            if names == nil {
                names = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
            }
            rows.append(SQLRow(names: names!, values: (0..<count).map { column(statement, $0) }))
        }
    }

    /// Runs one statement once per row of binds, prepared once: the bulk path. (Packing
    /// 64 rows into each statement measured 28% slower.)
    func executeForEach(_ text: String, rows: [[SQLValue]]) throws {
        let statement = try prepared(text)
        defer { sqlite3_reset(statement) }
        for row in rows {
            try bind(row, to: statement)
            let status = sqlite3_step(statement)
            guard status == SQLITE_DONE || status == SQLITE_ROW else { throw failure(status) }
            sqlite3_reset(statement)
        }
    }

    private func prepared(_ text: String) throws -> OpaquePointer {
        if let statement = statements[text] { return statement }
        var statement: OpaquePointer?
        let status = sqlite3_prepare_v3(connection, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard status == SQLITE_OK, let statement else { throw failure(status) }
        if statements.count >= Self.statementCacheSize {
            for cached in statements.values { sqlite3_finalize(cached) }
            statements = [:]
        }
        statements[text] = statement
        return statement
    }

    private func bind(_ values: [SQLValue], to statement: OpaquePointer) throws {
        sqlite3_clear_bindings(statement)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let status: Int32
            switch value {
            case .integer(let int): status = sqlite3_bind_int64(statement, index, int)
            case .real(let double): status = sqlite3_bind_double(statement, index, double)
            case .null: status = sqlite3_bind_null(statement, index)
            case .text(var text):
                status = text.withUTF8 { bytes in
                    // A zero-length text still needs a non-null pointer, or SQLite binds NULL.
                    guard let base = bytes.baseAddress, !bytes.isEmpty else {
                        return sqlite3_bind_text(statement, index, "", 0, Self.transient)
                    }
                    return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                        sqlite3_bind_text(statement, index, $0, Int32(bytes.count), Self.transient)
                    }
                }
            case .blob(let bytes):
                status = bytes.isEmpty
                    ? sqlite3_bind_zeroblob(statement, index, 0)
                    : bytes.withUnsafeBytes { sqlite3_bind_blob(statement, index, $0.baseAddress, Int32($0.count), Self.transient) }
            }
            guard status == SQLITE_OK else { throw failure(status) }
        }
    }

    private func column(_ statement: OpaquePointer, _ index: Int32) -> SQLValue {
        switch sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(statement, index))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard let text = sqlite3_column_text(statement, index) else { return .text("") }
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self))
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, index))
            guard count > 0, let blob = sqlite3_column_blob(statement, index) else { return .blob([]) }
            return .blob(Array(UnsafeRawBufferPointer(start: blob, count: count)))
        default: return .null
        }
    }

    /// The error for a failed call, classified where Myna's code acts on the kind.
    /// Only SQLite's message goes with it: it names tables and columns, never values.
    private func failure(_ status: Int32) -> any Error {
        let extended = sqlite3_extended_errcode(connection)
        // SQLITE_CONSTRAINT_UNIQUE and _PRIMARYKEY, which Swift does not import (macros
        // built from other macros).
        if extended == SQLITE_CONSTRAINT | 8 << 8 || extended == SQLITE_CONSTRAINT | 6 << 8 { return StoreError.uniqueViolation }
        if status & 0xFF == SQLITE_BUSY || extended & 0xFF == SQLITE_BUSY { return StoreError.busy }
        return SQLiteFailure(code: extended, message: String(cString: sqlite3_errmsg(connection)))
    }

    /// SQLITE_TRANSIENT: SQLite copies the value before the call returns.
    private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
}

/// A statement SQLite refused or could not finish, with its extended result code.
public struct SQLiteFailure: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var description: String { "SQLite error \(code): \(message)" }
}
