public import Foundation
public import Logging
import NIOPosix

/// The embedded default: one SQLite file in the data directory, in WAL mode with
/// `synchronous=FULL` so a committed change survives power loss.
///
/// SQLite allows one writer at a time. Writes are serialised here, in the process, on a
/// single writer connection (`BEGIN IMMEDIATE`), while readers use their own connections
/// and see the last committed state (WAL). Serialising in the process rather than in
/// SQLite's busy handler keeps threads from spinning on the file lock.
public final class SQLiteDatabase: Database {
    public var dialect: SQLDialect { .sqlite }
    private let writer: ResourcePool<SQLiteHandle>
    private let readers: ResourcePool<SQLiteHandle>
    private let threadPool: NIOThreadPool
    private let checkpoints: BackgroundCheckpoints

    public static func open(path: String, readers readerCount: Int = 3, logger: Logger) async throws -> SQLiteDatabase {
        let threadPool = NIOThreadPool(numberOfThreads: readerCount + 2)
        threadPool.start()
        var connections: [SQLiteHandle] = []
        for index in 0...(readerCount + 1) {
            let connection = try await SQLiteHandle.open(path: path, threadPool: threadPool)
            // The first connection is the writer and sets the page size (for a new file)
            // and the journal mode, both stored in the file. 16 KiB pages made a large
            // import faster than 8 or 4 KiB ones: its commit writes half as many WAL
            // frames as with 8 KiB (BENCHMARKS.md). The page caches are sized for a registry of
            // millions: with SQLite's 2 MB default, inserts into indexes of random keys
            // (number hashes, resident codes) turn into a read system call per page as
            // soon as the file outgrows the cache, and the writer's 2 GiB (a limit, not
            // an allocation) holds all the pages a million-resident import changes, so
            // none is spilled and written twice. Reads go through a memory map. The last
            // connection only checkpoints (see BackgroundCheckpoints).
            let common = ["PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=10000",
                          "PRAGMA mmap_size=4294967296", "PRAGMA temp_store=MEMORY"]
            let pragmas = switch index {
            case 0: ["PRAGMA page_size=16384", "PRAGMA journal_mode=WAL", "PRAGMA cache_size=-2097152", "PRAGMA wal_autocheckpoint=0"] + common
            case readerCount + 1: common
            default: ["PRAGMA cache_size=-65536", "PRAGMA query_only=ON"] + common
            }
            for pragma in pragmas { _ = try await connection.run { try $0.execute(pragma, []) } }
            connections.append(connection)
        }
        return SQLiteDatabase(
            writer: ResourcePool([connections[0]]), readers: ResourcePool(Array(connections[1...readerCount])),
            checkpoints: BackgroundCheckpoints(connections[readerCount + 1]), threadPool: threadPool)
    }

    private init(
        writer: ResourcePool<SQLiteHandle>, readers: ResourcePool<SQLiteHandle>, checkpoints: BackgroundCheckpoints,
        threadPool: NIOThreadPool
    ) {
        self.writer = writer
        self.readers = readers
        self.checkpoints = checkpoints
        self.threadPool = threadPool
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await readers.with { try await body(SQLiteSQLConnection(handle: $0)) }
    }

    public func transaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await writer.with { try await inTransaction(on: SQLiteSQLConnection(handle: $0), body) }
    }

    public func schemaTransaction<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        try await writer.with { connection in
            let sql = SQLiteSQLConnection(handle: connection)
            try await sql.query("PRAGMA foreign_keys=OFF")
            do {
                let result = try await inTransaction(on: sql) { sql in
                    let result = try await body(sql)
                    guard try await sql.query("PRAGMA foreign_key_check").isEmpty else { throw StoreError.foreignKeyViolation }
                    return result
                }
                try await sql.query("PRAGMA foreign_keys=ON")
                return result
            } catch {
                _ = try? await sql.query("PRAGMA foreign_keys=ON")
                throw error
            }
        }
    }

    private func inTransaction<T: Sendable>(
        on sql: SQLiteSQLConnection, _ body: @Sendable (SQLiteSQLConnection) async throws -> T
    ) async throws -> T {
        try await sql.query("BEGIN IMMEDIATE")
        do {
            let result = try await body(sql)
            try await sql.query("COMMIT")
            checkpoints.committed()
            return result
        } catch {
            _ = try? await sql.query("ROLLBACK")
            throw error
        }
    }

    public func close() async throws {
        await checkpoints.stop()
        for connection in await writer.drain() + readers.drain() + [checkpoints.connection] { try await connection.close() }
        try await threadPool.shutdownGracefully()
    }
}

/// WAL checkpoints (copying committed pages from the log into the database file) on a
/// connection of their own, after commits, at most about once a second — instead of
/// SQLite's default of checkpointing inside whichever commit finds the log long. A
/// commit then costs the same whether or not the log is long: the commit that ends a
/// million-row import no longer spends seconds copying, nor does the counter's commit
/// that happens to come after it. A passive checkpoint waits for no one and blocks no
/// one; what it cannot copy yet, the next one does. (SQLite's documentation suggests
/// exactly this for write-heavy applications: `wal_autocheckpoint=0` and a checkpoint
/// thread.) The last connection to close checkpoints whatever is left.
final class BackgroundCheckpoints: Sendable {
    let connection: SQLiteHandle
    private let commits: AsyncStream<Void>.Continuation
    private let loop: Task<Void, Never>

    init(_ connection: SQLiteHandle, pause: Duration = .seconds(1)) {
        self.connection = connection
        // Commits while a checkpoint runs or during the pause fold into one signal.
        let (signals, commits) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        self.commits = commits
        loop = Task {
            for await _ in signals {
                _ = try? await connection.run { try $0.execute("PRAGMA wal_checkpoint(PASSIVE)", []) }
                try? await Task.sleep(for: pause)
            }
        }
    }

    func committed() { commits.yield() }

    /// Ends the loop; a checkpoint under way finishes first.
    func stop() async {
        commits.finish()
        loop.cancel()
        await loop.value
    }
}

struct SQLiteSQLConnection: SQLConnection {
    let handle: SQLiteHandle
    var dialect: SQLDialect { .sqlite }

    @discardableResult
    func query(_ sql: SQL) async throws -> [SQLRow] {
        try await handle.run { try $0.execute(sql.text, sql.binds) }
    }

    /// One statement prepared once and stepped per row, all in one trip to the thread
    /// pool: SQLite runs in process, so there is no round trip to save by packing rows
    /// into one long statement as PostgreSQL needs.
    func insertMany(into table: String, columns: [String], rows: [[SQLValue]], onConflict: String?) async throws {
        guard !rows.isEmpty else { return }
        let text = SQLDialect.insertPrefix(into: table, columns: columns)
            + " VALUES (" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")" + (onConflict.map { " " + $0 } ?? "")
        try await handle.run { try $0.executeForEach(text, rows: rows) }
    }
}
