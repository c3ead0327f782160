public import Foundation
import MynaStore

/// A push notice: a provider registered a new copy of an item for a person this agency
/// holds a code for. The person appears only as the agency's own code.
public struct Notice: Sendable, Hashable {
    public let idempotencyKey: String
    public let code: String
    public let item: DataItem
    public let providerID: String
    public let version: Int
    public let createdAt: Date
    /// How many times it has been handed out, this time included.
    public let attempts: Int
}

extension LinkageHub {
    /// An agency subscribes to changes of an item it may lawfully obtain for some task.
    public func subscribe(to item: DataItem, by agency: Agency) async throws {
        guard allowList.rows.contains(where: { $0.requester == agency.type && $0.item == item }) else {
            throw LinkageError(.notOnAllowList, "no row of the allow-list lets \(agency.type.rawValue) obtain \(item.rawValue)")
        }
        let now = clock.milliseconds
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO linkage_subscriptions (agency_id, item, created_at) VALUES (?, ?, ?) ON CONFLICT (agency_id, item) DO NOTHING",
                [.text(agency.id), .text(item.rawValue), .integer(now)]))
        }
    }

    /// Queues notices of a new copy for every subscriber holding a code for the person,
    /// inside the provider's transaction (the outbox). A subscriber whose every lawful use
    /// of the item is one the person refused gets none.
    func queueNotices(item: DataItem, residentID: String, provider: Agency, version: Int, at millis: Int64, on connection: any SQLConnection) async throws {
        let subscribers = try await connection.query(SQL(
            """
            SELECT s.agency_id, a.agency_type, c.code FROM linkage_subscriptions s JOIN agencies a ON a.id = s.agency_id
            JOIN agency_codes c ON c.agency_id = s.agency_id AND c.resident_id = ?
            WHERE s.item = ? AND s.agency_id <> ? AND a.revoked_at IS NULL
            """, [.text(residentID), .text(item.rawValue), .text(provider.id)]))
        let refused = try await connection.first(SQL(
            "SELECT item FROM linkage_refusals WHERE resident_id = ? AND item = ?", [.text(residentID), .text(item.rawValue)])) != nil
        var rows: [[SQLValue]] = []
        for subscriber in subscribers {
            let type = AgencyType(rawValue: try subscriber.string("agency_type"))
            let lawful = allowList.rows.filter { $0.requester == type && $0.item == item }
            if refused, lawful.allSatisfy(\.optional) { continue }
            rows.append([
                .text(try subscriber.string("agency_id")), .text("ntc_" + UUID().uuidString.lowercased()), .text(try subscriber.string("code")),
                .text(item.rawValue), .text(provider.id), .init(version), .integer(millis), .init(0),
            ])
        }
        guard !rows.isEmpty else { return }
        try await connection.insertMany(
            "INSERT INTO linkage_notices (agency_id, idempotency_key, code, item, provider_id, version, created_at, attempts)", rows: rows)
    }

    /// The agency's notices not yet acknowledged, oldest first. Handing one out again
    /// (the agency crashed before acknowledging) keeps its idempotency key.
    public func pendingNotices(for agency: Agency, limit: Int = 100) async throws -> [Notice] {
        try await database.transaction { connection in
            let rows = try await connection.query(SQL(
                "SELECT * FROM linkage_notices WHERE agency_id = ? AND delivered_at IS NULL ORDER BY id LIMIT ?",
                [.text(agency.id), .init(min(max(limit, 1), 1000))]))
            var notices: [Notice] = []
            for row in rows {
                let attempts = try row.int("attempts") + 1
                try await connection.query(SQL("UPDATE linkage_notices SET attempts = ? WHERE id = ?", [.init(attempts), .init(try row.int("id"))]))
                notices.append(Notice(
                    idempotencyKey: try row.string("idempotency_key"), code: try row.string("code"),
                    item: DataItem(rawValue: try row.string("item")) ?? .residentRecord, providerID: try row.string("provider_id"),
                    version: try row.int("version"), createdAt: Date(timeIntervalSince1970: Double(try row.int("created_at")) / 1000), attempts: attempts))
            }
            return notices
        }
    }

    /// Marks notices handled; returns how many of these keys were this agency's and pending.
    @discardableResult
    public func acknowledge(_ keys: [String], for agency: Agency) async throws -> Int {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            var count = 0
            for key in keys.prefix(1000) where key.count <= 64 {
                count += try await connection.query(SQL(
                    "UPDATE linkage_notices SET delivered_at = ? WHERE agency_id = ? AND idempotency_key = ? AND delivered_at IS NULL RETURNING id",
                    [.integer(now), .text(agency.id), .text(key)])).count
            }
            return count
        }
    }
}
