import Crypto
public import Foundation
import MynaAudit
public import MynaStore

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
        func millis(_ date: Date?) -> Any { date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? NSNull() }
        let fields: [String: Any] = [
            "kind": ProvisionRecords.logKind, "id": id, "residentId": residentID ?? NSNull(), "requesterId": requesterID,
            "providerId": providerID ?? NSNull(), "item": item, "task": task, "legalBasis": legalBasis ?? NSNull(),
            "requestedAt": millis(requestedAt), "providedAt": millis(providedAt), "outcome": outcome, "undisclosedUntil": millis(undisclosedUntil),
        ]
        return Array((try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}

public enum ProvisionRecords {
    /// The kind of log entry a provision record makes.
    public static let logKind = "provision-record"

    /// Appends a record inside the exchange's transaction; returns its id. Each record
    /// gets a random salt, so its commitment in the public log says nothing about it.
    static func append(
        resident: String?, requester: String, provider: String?, item: String, task: String, legalBasis: String?,
        requestedAt: Int64, providedAt: Int64?, outcome: String, undisclosedUntil: Int64? = nil, on connection: any SQLConnection
    ) async throws -> Int {
        var salt = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255, using: &generator) }
        let row = try await connection.first(SQL(
            """
            INSERT INTO provision_records (resident_id, requester_id, provider_id, item, task, legal_basis, requested_at, provided_at,
                outcome, undisclosed_until, salt) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *
            """,
            [SQLValue(resident), .text(requester), SQLValue(provider), .text(item), .text(task), SQLValue(legalBasis), .integer(requestedAt),
             providedAt.map(SQLValue.integer) ?? .null, .text(outcome), undisclosedUntil.map(SQLValue.integer) ?? .null, .blob(salt)]))
        guard let row else { throw StoreError.unexpectedColumn("id") }
        let record = try record(from: row)
        // In the same transaction: the record and its place in the public log stand or fall together.
        try await TransparencyLog.enqueue(
            kind: logKind, recordID: record.id, record: record.canonicalBytes, salt: salt, at: requestedAt, on: connection)
        return record.id
    }

    /// The person's records, newest first; a record under a running non-disclosure
    /// period is left out until it ends.
    public static func of(resident residentID: String, in database: any Database, now: Date, limit: Int = 100) async throws -> [ProvisionRecord] {
        try await database.read { connection in
            try await connection.query(SQL(
                """
                SELECT * FROM provision_records WHERE resident_id = ? AND (undisclosed_until IS NULL OR undisclosed_until <= ?)
                ORDER BY id DESC LIMIT ?
                """, [.text(residentID), .integer(Int64(now.timeIntervalSince1970 * 1000)), .init(limit)])).map(record(from:))
        }
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
