public import Foundation
import MynaAudit
public import MynaDatabase

/// 閲覧記録 — what was done with a resident's data, by whom, for what, under which
/// procedure. Written in the same transaction as the read or change it describes, so a
/// read or change without its record cannot exist. A record made by a party — staff,
/// oversight, an agency, an app (``ActorKind/isLogged``) — is also committed to the
/// transparency log (MynaAudit) in that transaction, with a random salt, so the person
/// and oversight can prove it was neither changed nor dropped.
public struct AccessRecord: Sendable, Hashable, Codable {
    public let id: Int
    public let residentID: String
    public let actorKind: ActorKind
    public let actorID: String
    public let action: AccessAction
    public let purpose: String
    public let procedureID: String?
    public let occurredAt: Date
    /// The salt of the record's commitment in the transparency log (logged kinds only).
    public var salt: [UInt8]? = nil

    /// The kind of log entry an access record makes.
    public static let logKind = "access-record"

    /// What the record's commitment commits to (see ``ProvisionRecord`` for the same idea).
    public var canonicalBytes: [UInt8] {
        CanonicalJSON.object([
            ("kind", .string(Self.logKind)), ("id", .init(id)), ("residentId", .string(residentID)), ("actorKind", .string(actorKind.rawValue)),
            ("actorId", .string(actorID)), ("action", .string(action.rawValue)), ("purpose", .string(purpose)), ("procedureId", .init(procedureID)),
            ("occurredAt", .integer(Int64((occurredAt.timeIntervalSince1970 * 1000).rounded()))),
        ])
    }

    enum CodingKeys: String, CodingKey {
        case id, residentID = "residentId", actorKind, actorID = "actorId", action, purpose
        case procedureID = "procedureId", occurredAt
    }
}

public enum AccessAction: String, Sendable, Hashable, Codable, CaseIterable {
    case register
    case readFacts = "read-facts"
    case readNumber = "read-number"
    case readHistory = "read-history"
    case readAccessRecords = "read-access-records"
    case searchMatch = "search-match"
    case lookupByNumber = "lookup-by-number"
    case openProcedure = "open-procedure"
    case changeFacts = "change-facts"
    case moveOut = "move-out"
    case moveIn = "move-in"
    case recordDeath = "record-death"
    case changeNumber = "change-number"
    // The card's steps (MynaCardOffice), recorded with the resident's other accesses so
    // the person sees every use of their record in one list.
    case cardApplication = "card-application"
    case cardIssue = "card-issue"
    case cardSuspension = "card-suspension"
    case cardResumption = "card-resumption"
    case cardLoss = "card-loss"
    case cardReturn = "card-return"
    case cardRenewal = "card-renewal"
    case cardPINReset = "card-pin-reset"
    case cardCertificatesRevoked = "card-certificates-revoked"
    // The linkage hub (MynaLinkage).
    case agencyCodeAcquisition = "agency-code-acquisition"
    case linkageRefusal = "linkage-refusal"
    /// Facts handed to a relying party the resident consented to (OpenID Connect userinfo).
    case appDisclosure = "app-disclosure"
    /// A certificate printed from the register (住民票の写し at a kiosk).
    case certificateIssue = "certificate-issue"
    // Reads at the counter and by oversight of what services hold about the person: each
    // shows personal data, so each is recorded like a read of the facts.
    /// The person's cards with their history and certificates.
    case readCards = "read-cards"
    /// The public-fund account, the health-insurance linkage and the person's answers (確認書).
    case readLinkages = "read-linkages"
    /// The provision records of exchanges about the person.
    case readProvisionRecords = "read-provision-records"
    /// One provision record with its proof of inclusion in the log.
    case readProvisionEvidence = "read-provision-evidence"
    /// The linkages the person has refused.
    case readLinkageRefusals = "read-linkage-refusals"
    /// A Mynapoint sign-up made by staff at the counter (MynaServices).
    case mynapointSignUp = "mynapoint-sign-up"
    /// A cashless provider read the points granted to the person's account with it: the
    /// list tells it that this customer signed up through Mynapoint (issue 14, finding 8).
    case readMynapointGrants = "read-mynapoint-grants"
}

enum AccessLog {
    static func record(
        _ action: AccessAction, residentIDs: [String], by actor: RegistryActor, purpose: String,
        at milliseconds: Int64, on connection: any SQLConnection
    ) async throws {
        guard actor.kind.isLogged else {
            // Myna's own acts (bulk import, demo seeding, sweeps) and the person's own
            // reads are recorded, not logged: the log is for what others do with a
            // person's data. One statement for all the people, their ids as a JSON array
            // and the rest bound once: on SQLite a statement per row also reads and
            // writes `sqlite_sequence` (AUTOINCREMENT) per row, which cost a bulk import a
            // second per million people.
            var ids: [UInt8] = [UInt8(ascii: "[")]
            for id in residentIDs {
                if ids.count > 1 { ids.append(UInt8(ascii: ",")) }
                HistoryFacts.appendQuoted(id, to: &ids)
            }
            ids.append(UInt8(ascii: "]"))
            let elements = connection.dialect.jsonArrayElements
            try await connection.query(SQL(
                """
                INSERT INTO access_records (resident_id, actor_kind, actor_id, action, purpose, procedure_id, occurred_at)
                SELECT value, ?, ?, ?, ?, ?, ? FROM \(elements) ORDER BY key
                """,
                [.text(actor.kind.rawValue), .text(actor.id), .text(action.rawValue), .text(purpose), SQLValue(actor.procedureID),
                 .integer(milliseconds), .text(String(decoding: ids, as: UTF8.self))]))
            return
        }
        // A party's accesses, each with its own salt and log commitment. A list of many
        // people (a counter search) costs two statements per `loggedRowsPerStatement`
        // people — the records, then their commitments — not two per person.
        var start = residentIDs.startIndex
        while start < residentIDs.endIndex {
            let chunk = residentIDs[start..<min(start + loggedRowsPerStatement, residentIDs.endIndex)]
            start = chunk.endIndex
            var binds: [SQLValue] = []
            binds.reserveCapacity(chunk.count * 8)
            for residentID in chunk {
                binds += [.text(residentID), .text(actor.kind.rawValue), .text(actor.id), .text(action.rawValue), .text(purpose),
                          SQLValue(actor.procedureID), .integer(milliseconds), .blob(RecordCommitment.newSalt())]
            }
            let rows = try await connection.query(SQL(
                """
                INSERT INTO access_records (resident_id, actor_kind, actor_id, action, purpose, procedure_id, occurred_at, salt)
                VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?)", count: chunk.count).joined(separator: ", ")) RETURNING id, resident_id, salt
                """, binds))
            guard rows.count == chunk.count else { throw StoreError.unexpectedColumn("id") }
            let queued = try rows.map { row in
                let salt = try row.bytes("salt")
                let record = AccessRecord(
                    id: try row.int("id"), residentID: try row.string("resident_id"), actorKind: actor.kind, actorID: actor.id, action: action,
                    purpose: purpose, procedureID: actor.procedureID, occurredAt: Date(milliseconds: Int(milliseconds)), salt: salt)
                return try TransparencyLog.queueBinds(kind: AccessRecord.logKind, recordID: record.id, record: record.canonicalBytes, salt: salt, at: milliseconds)
            }
            try await TransparencyLog.enqueue(queued, on: connection)
        }
    }

    /// Access records per statement when each is logged: 8 values a row, well under
    /// SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
    static let loggedRowsPerStatement = 500

    static func list(residentID: String, limit: Int, before: Int?, kinds: Set<ActorKind>? = nil, on connection: any SQLConnection) async throws -> [AccessRecord] {
        let chosen = (kinds ?? Set(ActorKind.allCases)).map(\.rawValue).sorted()
        guard !chosen.isEmpty else { return [] }
        let rows = try await connection.query(SQL(
            """
            SELECT id, resident_id, actor_kind, actor_id, action, purpose, procedure_id, occurred_at, salt
            FROM access_records WHERE resident_id = ? AND id < ? AND actor_kind IN (\(Array(repeating: "?", count: chosen.count).joined(separator: ", ")))
            ORDER BY id DESC LIMIT ?
            """, [.text(residentID), .integer(Int64(before ?? Int.max))] + chosen.map(SQLValue.text) + [.integer(Int64(limit))]))
        return try rows.map { row in
            AccessRecord(
                id: try row.int("id"), residentID: try row.string("resident_id"),
                actorKind: ActorKind(rawValue: try row.string("actor_kind")) ?? .system, actorID: try row.string("actor_id"),
                action: AccessAction(rawValue: try row.string("action")) ?? .readFacts,
                purpose: try row.string("purpose"), procedureID: try row.optionalString("procedure_id"),
                occurredAt: Date(milliseconds: try row.int("occurred_at")), salt: try? row.bytes("salt"))
        }
    }
}
