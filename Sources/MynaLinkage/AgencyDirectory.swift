public import Crypto
public import Foundation
public import MynaCore
public import MynaDatabase

/// The agencies on the network and the keys their requests are signed with.
public struct AgencyDirectory: Sendable {
    let database: any Database
    let clock: WallClock

    public init(database: any Database, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    /// A new agency and its first request key. The private key is generated here and
    /// handed back once, for the agency to keep; Myna stores the public half only.
    public func register(name: String, type: AgencyType, municipality: MunicipalityCode?) async throws -> (agency: Agency, keyID: String, privateKey: P256.Signing.PrivateKey) {
        guard type.isMunicipal == (municipality != nil) else {
            throw LinkageError(.unknownAgency, "a municipal agency names its municipality, and only a municipal agency does")
        }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(trimmed.count) else { throw LinkageError(.unknownAgency, "an agency's name is 1–200 characters") }
        let id = "ag_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(20)
        let key = P256.Signing.PrivateKey()
        let keyID = "key_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let now = clock.milliseconds
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO agencies (id, name, agency_type, municipality_code, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(id), .text(trimmed), .text(type.rawValue), SQLValue(municipality?.digits), .integer(now)]))
            try await connection.query(SQL(
                "INSERT INTO agency_keys (key_id, agency_id, public_key, created_at) VALUES (?, ?, ?, ?)",
                [.text(keyID), .text(id), .blob(Array(key.publicKey.derRepresentation)), .integer(now)]))
        }
        return (Agency(id: id, name: trimmed, type: type, municipality: municipality, createdAt: Date(timeIntervalSince1970: Double(now) / 1000)), keyID, key)
    }

    public func agency(_ id: String) async throws -> Agency? {
        try await database.read { try await Self.agency(id, on: $0) }
    }

    public func all() async throws -> [Agency] {
        try await database.read { connection in
            try await connection.query("SELECT * FROM agencies WHERE revoked_at IS NULL ORDER BY agency_type, name").map(Self.agency(from:))
        }
    }

    /// The agency behind a request, or why not: the assertion parses, its key is
    /// registered and live, the key made the signature, the claims fit this request and
    /// the clock, and its id was never seen before (recorded now, so a replay fails).
    public func authenticate(assertion token: String, method: String, path: String, body: [UInt8]) async throws -> Agency {
        do {
            return try await verify(assertion: token, method: method, path: path, body: body)
        } catch let error as LinkageError {
            // Refused before any agency was proven: recorded for oversight with what the
            // request claimed (never its body), then refused.
            let claimed = try? RequestAssertion(parsing: token)
            try? await database.transaction { connection in
                try await connection.query(SQL(
                    "INSERT INTO agency_rejections (key_id, claimed_agency, reason, path, occurred_at) VALUES (?, ?, ?, ?, ?)",
                    [SQLValue(claimed.map { String($0.keyID.prefix(64)) }), SQLValue(claimed.map { String($0.claims.iss.prefix(64)) }),
                     .text(error.code.rawValue), .text(String(path.prefix(200))), .integer(clock.milliseconds)]))
            }
            throw error
        }
    }

    /// Forgets rejections older than `cutoff` (milliseconds): anyone can cause one, so they
    /// are kept for a while for oversight, not for ever (issue 14, finding 5). Returns how many.
    @discardableResult
    public func purgeRejections(before cutoff: Int64) async throws -> Int {
        try await database.transaction { connection in
            try await connection.query(SQL("DELETE FROM agency_rejections WHERE occurred_at < ? RETURNING id", [.integer(cutoff)])).count
        }
    }

    /// Rejections of unproven requests, newest first (for oversight).
    public func rejections(limit: Int = 100) async throws -> [(keyID: String?, claimedAgency: String?, reason: String, at: Date)] {
        try await database.read { connection in
            try await connection.query(SQL("SELECT * FROM agency_rejections ORDER BY id DESC LIMIT ?", [.init(limit)])).map { row in
                (try row.optionalString("key_id"), try row.optionalString("claimed_agency"), try row.string("reason"),
                 Date(timeIntervalSince1970: Double(try row.int("occurred_at")) / 1000))
            }
        }
    }

    private func verify(assertion token: String, method: String, path: String, body: [UInt8]) async throws -> Agency {
        let assertion = try RequestAssertion(parsing: token)
        let now = clock.now
        try assertion.check(method: method, path: path, body: body, now: now)
        return try await database.transaction { connection in
            guard let row = try await connection.first(SQL(
                """
                SELECT k.public_key, a.* FROM agency_keys k JOIN agencies a ON a.id = k.agency_id
                WHERE k.key_id = ? AND k.revoked_at IS NULL AND a.revoked_at IS NULL
                """, [.text(assertion.keyID)])),
                let key = try? P256.Signing.PublicKey(derRepresentation: try row.bytes("public_key"))
            else { throw LinkageError(.unknownAgency, "no live agency key has that id") }
            let agency = try Self.agency(from: row)
            // The key is the agency's: an assertion naming another agency as issuer is refused.
            guard assertion.claims.iss == agency.id, assertion.verify(with: key) else {
                throw LinkageError(.invalidAssertion, "the assertion's signature or issuer does not match the key")
            }
            let millis = Int64(now.timeIntervalSince1970 * 1000)
            try await connection.query(SQL("DELETE FROM agency_request_ids WHERE expires_at < ?", [.integer(millis - 1000)]))
            let inserted = try await connection.query(SQL(
                "INSERT INTO agency_request_ids (agency_id, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING RETURNING jti",
                [.text(agency.id), .text(assertion.claims.jti), .integer(assertion.claims.exp * 1000)]))
            guard !inserted.isEmpty else { throw LinkageError(.replayedAssertion, "that request assertion was already used") }
            return agency
        }
    }

    /// An SQL expression for the registered name of the agency whose id `column` holds,
    /// for other modules' lists that show it (a sign-up's provider, a linked insurer), so
    /// the agencies' columns stay named here.
    public static func name(ofAgencyIn column: String) -> String {
        "(SELECT agency_name.name FROM agencies agency_name WHERE agency_name.id = \(column))"
    }

    static func agency(_ id: String, on connection: any SQLConnection) async throws -> Agency? {
        try await connection.first(SQL("SELECT * FROM agencies WHERE id = ?", [.text(id)])).map(agency(from:))
    }

    static func agency(from row: SQLRow) throws -> Agency {
        Agency(
            id: try row.string("id"), name: try row.string("name"),
            type: AgencyType(rawValue: try row.string("agency_type")) ?? .municipalWelfare,
            municipality: try row.optionalString("municipality_code").flatMap { try? MunicipalityCode($0) },
            createdAt: Date(timeIntervalSince1970: Double(try row.int("created_at")) / 1000))
    }
}
