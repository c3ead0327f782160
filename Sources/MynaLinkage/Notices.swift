public import Foundation
import MynaDatabase

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

/// Where and how a subscriber's notices are pushed.
public struct PushEndpoint: Sendable, Hashable {
    public let url: URL
    /// The key the hub signs deliveries with (``NoticeSignature``); shown to the agency once.
    public let secret: [UInt8]
}

/// Notices due to be pushed to one subscriber's endpoint, claimed for one attempt.
public struct PushBatch: Sendable {
    public let agencyID: String
    public let endpoint: PushEndpoint
    public let notices: [Notice]
}

extension LinkageHub {
    /// An agency subscribes to changes of an item it may lawfully obtain for some task.
    /// With an endpoint, notices are also pushed there (the hub retries until the
    /// endpoint answers 2xx); the returned secret verifies the pushes. Without one, the
    /// agency pulls them. Subscribing again replaces the endpoint and its secret. The
    /// endpoint must pass ``PushEndpointPolicy`` (https, public addresses, unless the
    /// operator allows it).
    @discardableResult
    public func subscribe(to item: DataItem, endpoint: String? = nil, by agency: Agency) async throws -> PushEndpoint? {
        guard allowList.rows.contains(where: { $0.requester == agency.type && $0.item == item }) else {
            throw LinkageError(.notOnAllowList, "no row of the allow-list lets \(agency.type.rawValue) obtain \(item.rawValue)")
        }
        var checked: PushEndpoint?
        if let endpoint {
            guard endpoint.utf8.count <= 2048, let url = URL(string: endpoint) else {
                throw LinkageError(.invalidEndpoint, "the endpoint must be an http or https URL of at most 2,048 bytes, without credentials")
            }
            // Refused before anything is written: an endpoint on the hub's own network
            // would turn pushes into requests the agency could not make itself.
            _ = try await pushPolicy.check(url)
            checked = PushEndpoint(url: url, secret: ProvisionRecords.newSalt())
        }
        let push = checked
        let now = clock.milliseconds
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                INSERT INTO linkage_subscriptions (agency_id, item, created_at, endpoint, secret) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (agency_id, item) DO UPDATE SET endpoint = excluded.endpoint, secret = excluded.secret
                """,
                [.text(agency.id), .text(item.rawValue), .integer(now), SQLValue(push?.url.absoluteString), push.map { .blob($0.secret) } ?? .null]))
        }
        return push
    }

    /// Claims the notices due for a push — pending, subscribed with an endpoint, and not
    /// waiting out a back-off — grouped per subscriber. A claim holds a notice for a
    /// minute, so two servers on one database do not push it at once; it is then either
    /// acknowledged (``acknowledge(_:for:)``) or put back with a back-off
    /// (``pushFailed(_:for:)``). A server that dies mid-push loses nothing: the claim lapses.
    public func claimPushes(limit: Int = 500) async throws -> [PushBatch] {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            let rows = try await connection.query(SQL(
                """
                SELECT n.*, s.endpoint, s.secret FROM linkage_notices n
                JOIN linkage_subscriptions s ON s.agency_id = n.agency_id AND s.item = n.item
                WHERE n.delivered_at IS NULL AND s.endpoint IS NOT NULL AND (n.next_attempt_at IS NULL OR n.next_attempt_at <= ?)
                ORDER BY n.id LIMIT ?
                """, [.integer(now), .init(min(max(limit, 1), 5000))]))
            guard !rows.isEmpty else { return [] }
            try await connection.query(
                "UPDATE linkage_notices SET attempts = attempts + 1, next_attempt_at = ? WHERE id IN {IN}", [.integer(now + 60_000)],
                in: try rows.map { .init(try $0.int("id")) })
            var batches: [String: (endpoint: PushEndpoint, notices: [Notice])] = [:]
            for row in rows {
                let agencyID = try row.string("agency_id")
                guard let url = URL(string: try row.string("endpoint")) else { continue }
                var notice = try Self.notice(from: row)
                notice = Notice(
                    idempotencyKey: notice.idempotencyKey, code: notice.code, item: notice.item, providerID: notice.providerID, version: notice.version,
                    createdAt: notice.createdAt, attempts: notice.attempts + 1)
                let endpoint = PushEndpoint(url: url, secret: try row.bytes("secret"))
                batches[agencyID, default: (endpoint, [])].notices.append(notice)
            }
            return batches.map { PushBatch(agencyID: $0.key, endpoint: $0.value.endpoint, notices: $0.value.notices) }.sorted { $0.agencyID < $1.agencyID }
        }
    }

    /// A push was not taken (no answer, or not 2xx): the notices wait, doubling from
    /// five seconds to an hour, and stay pending for the agency to pull meanwhile.
    public func pushFailed(_ keys: [String], for agencyID: String) async throws {
        let now = clock.milliseconds
        try await database.transaction { connection in
            for key in keys {
                try await connection.query(SQL(
                    """
                    UPDATE linkage_notices SET next_attempt_at = ? + CASE WHEN attempts >= 10 THEN 3600000 ELSE 5000 * (1 << (attempts - 1)) END
                    WHERE agency_id = ? AND idempotency_key = ? AND delivered_at IS NULL
                    """, [.integer(now), .text(agencyID), .text(key)]))
            }
        }
    }

    static func notice(from row: SQLRow) throws -> Notice {
        Notice(
            idempotencyKey: try row.string("idempotency_key"), code: try row.string("code"),
            item: DataItem(rawValue: try row.string("item")) ?? .residentRecord, providerID: try row.string("provider_id"),
            version: try row.int("version"), createdAt: Date(timeIntervalSince1970: Double(try row.int("created_at")) / 1000),
            attempts: try row.int("attempts"))
    }

    /// Queues notices of new copies (person → version) for every subscriber holding a
    /// code for the person, inside the provider's transaction (the outbox). A subscriber
    /// whose every lawful use of the item is one the person refused gets none.
    func queueNotices(item: DataItem, versions: [String: Int], provider: Agency, at millis: Int64, on connection: any SQLConnection) async throws {
        let residentIDs = versions.keys.map(SQLValue.text)
        let subscribers = try await connection.query(
            """
            SELECT s.agency_id, a.agency_type, c.code, c.resident_id FROM linkage_subscriptions s JOIN agencies a ON a.id = s.agency_id
            JOIN agency_codes c ON c.agency_id = s.agency_id
            WHERE s.item = ? AND s.agency_id <> ? AND a.revoked_at IS NULL AND c.resident_id IN {IN}
            """, [.text(item.rawValue), .text(provider.id)], in: residentIDs)
        guard !subscribers.isEmpty else { return }
        let refused = Set(try await connection.query(
            "SELECT resident_id FROM linkage_refusals WHERE item = ? AND resident_id IN {IN}", [.text(item.rawValue)], in: residentIDs
        ).map { try $0.string("resident_id") })
        var rows: [[SQLValue]] = []
        for subscriber in subscribers {
            let residentID = try subscriber.string("resident_id")
            let type = AgencyType(rawValue: try subscriber.string("agency_type"))
            let lawful = allowList.rows.filter { $0.requester == type && $0.item == item }
            if refused.contains(residentID), lawful.allSatisfy(\.optional) { continue }
            rows.append([
                .text(try subscriber.string("agency_id")), .text("ntc_" + UUID().uuidString.lowercased()), .text(try subscriber.string("code")),
                .text(item.rawValue), .text(provider.id), .init(versions[residentID] ?? 0), .integer(millis), .init(0),
            ])
        }
        guard !rows.isEmpty else { return }
        try await connection.insertMany(
            into: "linkage_notices", columns: ["agency_id", "idempotency_key", "code", "item", "provider_id", "version", "created_at", "attempts"], rows: rows)
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
                let notice = try Self.notice(from: row)
                notices.append(Notice(
                    idempotencyKey: notice.idempotencyKey, code: notice.code, item: notice.item, providerID: notice.providerID,
                    version: notice.version, createdAt: notice.createdAt, attempts: attempts))
            }
            return notices
        }
    }

    /// Marks notices handled; returns how many of these keys were this agency's and pending.
    @discardableResult
    public func acknowledge(_ keys: [String], for agency: Agency) async throws -> Int {
        try await acknowledge(keys, forAgencyID: agency.id)
    }

    @discardableResult
    public func acknowledge(_ keys: [String], forAgencyID agencyID: String) async throws -> Int {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            var count = 0
            for key in keys.prefix(1000) where key.count <= 64 {
                count += try await connection.query(SQL(
                    "UPDATE linkage_notices SET delivered_at = ? WHERE agency_id = ? AND idempotency_key = ? AND delivered_at IS NULL RETURNING id",
                    [.integer(now), .text(agencyID), .text(key)])).count
            }
            return count
        }
    }
}
