import Crypto
public import Foundation
import MynaAudit
public import MynaDatabase

/// 情報提供等記録 (番号法 第23条): one row per exchange, answered or refused, kept for
/// both sides — requester, provider, item, task, legal basis, when it was asked, when it
/// was answered, the outcome — and shown to the person unless a lawful non-disclosure
/// period is still running.
public struct ProvisionRecord: Sendable, Hashable {
    public let id: Int
    public let residentID: String?
    public let requesterID: String
    public let providerID: String?
    public let item: String
    public let task: String
    public let legalBasis: String?
    public let requestedAt: Date
    public let providedAt: Date?
    /// `provided`, or `refused:<code>`.
    public let outcome: String
    public let undisclosedUntil: Date?
    /// The random salt of the record's commitment in the transparency log.
    public let salt: [UInt8]

    /// The record's canonical bytes: what its commitment in the log commits to, handed
    /// to the person with the salt so they can check the record against a tree head.
    public var canonicalBytes: [UInt8] {
        func millis(_ date: Date?) -> CanonicalJSON.Value { .init(date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) }) }
        return CanonicalJSON.object([
            ("kind", .string(ProvisionRecords.logKind)), ("id", .init(id)), ("residentId", .init(residentID)), ("requesterId", .string(requesterID)),
            ("providerId", .init(providerID)), ("item", .string(item)), ("task", .string(task)), ("legalBasis", .init(legalBasis)),
            ("requestedAt", millis(requestedAt)), ("providedAt", millis(providedAt)), ("outcome", .string(outcome)),
            ("undisclosedUntil", millis(undisclosedUntil)),
        ])
    }
}

/// What an exchange records, before it has an id and a salt.
struct ProvisionDraft: Sendable {
    var resident: String?
    var requester: String
    var provider: String?
    var item: String
    var task: String
    var legalBasis: String?
    var requestedAt: Int64
    var providedAt: Int64?
    var outcome: String
    var undisclosedUntil: Int64?

    func record(id: Int, salt: [UInt8]) -> ProvisionRecord {
        func date(_ millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
        return ProvisionRecord(
            id: id, residentID: resident, requesterID: requester, providerID: provider, item: item, task: task, legalBasis: legalBasis,
            requestedAt: date(requestedAt), providedAt: providedAt.map(date), outcome: outcome, undisclosedUntil: undisclosedUntil.map(date),
            salt: salt)
    }

    var binds: [SQLValue] {
        [SQLValue(resident), .text(requester), SQLValue(provider), .text(item), .text(task), SQLValue(legalBasis), .integer(requestedAt),
         providedAt.map(SQLValue.integer) ?? .null, .text(outcome), undisclosedUntil.map(SQLValue.integer) ?? .null]
    }
}

/// Writes each provision record together with its commitment in the transparency log:
/// both commit or neither does. Every record gets a random salt, so its commitment in the
/// public log says nothing about it.
///
/// On PostgreSQL the record and its commitment go in one autocommitted statement (a CTE),
/// one round trip instead of four (`BEGIN`, two inserts, `COMMIT`); the commitment names
/// the record's id, so ids are reserved from the table's sequence in blocks beforehand.
/// On SQLite, in process, a transaction costs no round trips and the insert returns the id.
struct ProvisionRecorder: Sendable {
    let database: any Database
    private let reserved: ReservedIDs?

    init(database: any Database) {
        self.database = database
        reserved = database.dialect.statementsAreRoundTrips ? ReservedIDs(database: database) : nil
    }

    func append(_ draft: ProvisionDraft) async throws -> Int {
        let salt = ProvisionRecords.newSalt()
        guard let reserved else {
            return try await database.transaction { connection in
                guard let row = try await connection.first(SQL(
                    "INSERT INTO provision_records (\(ProvisionRecords.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    draft.binds + [.blob(salt)]))
                else { throw StoreError.unexpectedColumn("id") }
                let record = draft.record(id: try row.int("id"), salt: salt)
                try await connection.query(SQL(TransparencyLog.queueInsert, try Self.queueBinds(record, at: draft.requestedAt)))
                return record.id
            }
        }
        let record = draft.record(id: try await reserved.next(), salt: salt)
        let binds = [.init(record.id)] + draft.binds + [.blob(salt)] + (try Self.queueBinds(record, at: draft.requestedAt))
        try await database.autocommit { try await $0.query(RecordAndCommitment.self, binds) }
        return record.id
    }

    /// The record and its queued commitment, one statement.
    enum RecordAndCommitment: PreparedSQL {
        static let text = "WITH record AS (INSERT INTO provision_records (id, \(ProvisionRecords.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)) "
            + TransparencyLog.queueInsert
    }

    private static func queueBinds(_ record: ProvisionRecord, at millis: Int64) throws -> [SQLValue] {
        try TransparencyLog.queueBinds(kind: ProvisionRecords.logKind, recordID: record.id, record: record.canonicalBytes, salt: record.salt, at: millis)
    }
}

/// Provision-record ids taken from PostgreSQL's sequence a block at a time. Blocks taken
/// by overlapping refills all join the pool, so no id is lost or handed out twice; ids
/// are unique, not gapless, and only roughly in time order across concurrent exchanges.
actor ReservedIDs {
    let database: any Database
    private var available: [Int] = []
    static let block = 128

    init(database: any Database) { self.database = database }

    enum Reserve: PreparedSQL {
        static let text = SQLDialect.reserveIdentities(table: "provision_records", column: "id")
    }

    func next() async throws -> Int {
        if available.isEmpty {
            let rows = try await database.autocommit { try await $0.query(Reserve.self, [.init(Self.block)]) }
            available += try rows.map { try $0.int("id") }.reversed()
        }
        return available.removeLast()
    }
}

public enum ProvisionRecords {
    /// The kind of log entry a provision record makes.
    public static let logKind = "provision-record"

    static let columns = "resident_id, requester_id, provider_id, item, task, legal_basis, requested_at, provided_at, outcome, undisclosed_until, salt"

    static func newSalt() -> [UInt8] {
        // Four draws of the system generator, not 32: each draw is a system call.
        var generator = SystemRandomNumberGenerator()
        return (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next() as UInt64) { Array($0) } }
    }

    /// The person's records, newest first; a record under a running non-disclosure
    /// period is left out until it ends.
    public static func of(resident residentID: String, in database: any Database, now: Date, limit: Int = 100) async throws -> [ProvisionRecord] {
        try await database.read { try await of(resident: residentID, on: $0, now: now, limit: limit) }
    }

    static func of(resident residentID: String, on connection: any SQLConnection, now: Date, limit: Int) async throws -> [ProvisionRecord] {
        try await connection.query(SQL(
            """
            SELECT * FROM provision_records WHERE resident_id = ? AND (undisclosed_until IS NULL OR undisclosed_until <= ?)
            ORDER BY id DESC LIMIT ?
            """, [.text(residentID), .integer(Int64(now.timeIntervalSince1970 * 1000)), .init(limit)])).map(record(from:))
    }

    /// One of the person's records by its id, nil when it is another's, unknown, or still
    /// withheld from the person.
    static func one(_ id: Int, of residentID: String, on connection: any SQLConnection, now: Date) async throws -> ProvisionRecord? {
        try await connection.first(SQL(
            """
            SELECT * FROM provision_records WHERE id = ? AND resident_id = ? AND (undisclosed_until IS NULL OR undisclosed_until <= ?)
            """, [.integer(Int64(id)), .text(residentID), .integer(Int64(now.timeIntervalSince1970 * 1000))])).map(record(from:))
    }

    /// An agency's side: every record where it asked or answered, newest first.
    public static func of(agency agencyID: String, in database: any Database, limit: Int = 100) async throws -> [ProvisionRecord] {
        try await database.read { connection in
            try await connection.query(SQL(
                "SELECT * FROM provision_records WHERE requester_id = ? OR provider_id = ? ORDER BY id DESC LIMIT ?",
                [.text(agencyID), .text(agencyID), .init(limit)])).map(record(from:))
        }
    }

    static func record(from row: SQLRow) throws -> ProvisionRecord {
        func date(_ column: String) throws -> Date? {
            try row.optionalInt(column).map { Date(timeIntervalSince1970: Double($0) / 1000) }
        }
        return ProvisionRecord(
            id: try row.int("id"), residentID: try row.optionalString("resident_id"), requesterID: try row.string("requester_id"),
            providerID: try row.optionalString("provider_id"), item: try row.string("item"), task: try row.string("task"),
            legalBasis: try row.optionalString("legal_basis"), requestedAt: Date(timeIntervalSince1970: Double(try row.int("requested_at")) / 1000),
            providedAt: try date("provided_at"), outcome: try row.string("outcome"), undisclosedUntil: try date("undisclosed_until"),
            salt: try row.bytes("salt"))
    }
}
