public import Foundation
public import MynaCore
import Crypto
public import MynaDatabase
public import MynaSecrets

/// Staff accounts, sign-in with password and TOTP, sessions and counter procedures.
///
/// A shared terminal never carries one resident into the next person's business: a
/// session holds at most one open procedure (a unique index, not a convention), every
/// resident read checks that the procedure is for that resident, and the procedure is
/// closed on request, on sign-out and after inactivity (domain.md §8: 748 public-fund
/// accounts were registered to the wrong person because terminals were not logged out).
public struct StaffDirectory: Sendable {
    let database: any Database
    let secretsKey: SymmetricKey
    let clock: WallClock
    let hasher: PasswordHasher
    let sources: SourceKeys

    /// Failed sign-ins within ``lockoutDuration`` that lock an account *from one source*
    /// (a network address). Counted per account and source, so a stranger who knows a
    /// username locks only their own address out, never the member at the counter.
    public static let lockoutThreshold = 5
    public static let lockoutDuration: TimeInterval = 15 * 60
    /// Failed sign-ins within ``lockoutDuration`` from all sources together that lock the
    /// account everywhere: a ceiling against guessing from many addresses at once, 20 times
    /// the per-source limit so that it takes a deliberate distributed attack to reach it
    /// (which then costs the member a quarter of an hour, and shows in the metrics).
    public static let lockoutCeiling = 100
    /// A session ends after this long without a request, and in any case after a shift.
    public static let sessionIdleTimeout: TimeInterval = 15 * 60
    public static let sessionMaximumLength: TimeInterval = 8 * 3600
    public static let procedureIdleTimeout: TimeInterval = 10 * 60
    public static let minimumPasswordLength = 12

    public init(database: any Database, keys: KeyStore, clock: WallClock = .system, passwordCost: Int = 1 << 15) throws {
        self.database = database
        self.secretsKey = try keys.key(.staffSecrets)
        self.clock = clock
        self.hasher = PasswordHasher(rounds: passwordCost)
        self.sources = try SourceKeys(keys: keys)
    }

    // MARK: Accounts

    public func create(
        username: String, displayName: String, role: StaffRole, municipality: MunicipalityCode, password: String
    ) async throws -> NewStaffAccount {
        guard username.count <= 64, !username.isEmpty,
            username.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) })
        else { throw RegistryError(.invalidRequest, "a username is 1–64 ASCII letters, digits, dots, hyphens or underscores") }
        // Lengths in code points, the unit of the API document's minLength and maxLength.
        guard !displayName.isEmpty, displayName.unicodeScalars.count <= 100 else { throw RegistryError(.invalidRequest, "a display name is 1–100 characters") }
        guard password.unicodeScalars.count >= Self.minimumPasswordLength, password.unicodeScalars.count <= 1024 else {
            throw RegistryError(.weakPassword, "a password has at least \(Self.minimumPasswordLength) characters")
        }
        let id = UUID().uuidString.lowercased()
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Array($0) }
        let hash = try hasher.hash(password, salt: salt)
        let secret = TOTP.newSecret()
        let sealed = Array(try AES.GCM.seal(secret, using: secretsKey, authenticating: Array(id.utf8)).combined!)
        let now = clock.milliseconds
        let member = StaffMember(id: id, username: username, displayName: displayName, role: role, municipality: municipality)
        try await database.transaction { connection in
            try await ResidentRegistry.requireKnownMunicipalities([municipality], on: connection)
            do {
                try await connection.query(SQL(
                    """
                    INSERT INTO staff (id, username, display_name, role, municipality_code, password_hash, password_salt,
                        password_kdf, totp_secret_sealed, last_totp_step, failed_attempts, locked_until, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0, ?)
                    """,
                    [.text(id), .text(username), .text(displayName), .text(role.rawValue), .text(municipality.digits),
                     .blob(hash), .blob(salt), .text(hasher.parameters), .blob(sealed), .integer(now)]))
            } catch StoreError.uniqueViolation {
                throw RegistryError(.usernameTaken, "the username is taken")
            }
        }
        return NewStaffAccount(member: member, totpSecret: secret)
    }

    // MARK: Sign-in

    /// Password and a current TOTP code, both required, from `source` (the caller's network
    /// address, kept only as a keyed hash).
    ///
    /// An unknown username, a wrong password or code, a replayed code and a locked account
    /// all get the same `invalid-credentials`, after the same work — the password KDF runs
    /// against a dummy hash for an unknown user and against the real one for a locked
    /// account — so the answer tells neither which usernames exist nor which are locked.
    public func signIn(username: String, password: String, code: String, source: String) async throws -> SignedIn {
        let refused = RegistryError(.invalidCredentials, "the username, password or one-time code is wrong")
        let now = clock.now
        let nowMS = clock.milliseconds
        let sourceKey = sources.key(for: source, in: .staffSignIn)
        guard username.utf8.count <= 256, let row = try await database.read({ connection in
            try await connection.first(SQL("SELECT * FROM staff WHERE username = ?", [.text(username)]))
        }) else {
            _ = try? PasswordHasher.verify(password, salt: Self.dummySalt, hash: Self.dummySalt + Self.dummySalt, parameters: hasher.parameters)
            throw refused
        }
        let member = try Self.member(from: row)
        let windowStart = nowMS - Int64(Self.lockoutDuration * 1000)
        let (fromSource, fromAll) = try await database.read { connection in
            let row = try await connection.first(SQL(
                """
                SELECT count(*) AS total, CAST(COALESCE(SUM(CASE WHEN source_key = ? THEN 1 ELSE 0 END), 0) AS BIGINT) AS here
                FROM staff_sign_in_failures WHERE staff_id = ? AND occurred_at > ?
                """, [.blob(sourceKey), .text(member.id), .integer(windowStart)]))
            return (try row?.int("here") ?? 0, try row?.int("total") ?? 0)
        }
        let locked = fromSource >= Self.lockoutThreshold || fromAll >= Self.lockoutCeiling
        let passwordOK = try PasswordHasher.verify(
            password, salt: try row.bytes("password_salt"), hash: try row.bytes("password_hash"), parameters: try row.string("password_kdf"))
        let secret = try AES.GCM.open(
            try AES.GCM.SealedBox(combined: try row.bytes("totp_secret_sealed")), using: secretsKey, authenticating: Array(member.id.utf8))
        let step = TOTP(secret: Array(secret)).matchingStep(code, at: now)
        // A code is good once: a step at or before the last one used is a replay.
        let lastStep = Int64(try row.int("last_totp_step"))
        let codeOK = step.map { $0 > lastStep } ?? false

        guard !locked, passwordOK, codeOK, let step else {
            try await database.transaction { connection in
                // Rows past the window count for nothing: each failure clears this member's.
                try await connection.query(SQL(
                    "DELETE FROM staff_sign_in_failures WHERE staff_id = ? AND occurred_at <= ?", [.text(member.id), .integer(windowStart)]))
                try await connection.query(SQL(
                    "INSERT INTO staff_sign_in_failures (staff_id, source_key, occurred_at) VALUES (?, ?, ?)",
                    [.text(member.id), .blob(sourceKey), .integer(nowMS)]))
            }
            throw refused
        }
        let token = Base64URL.randomToken()
        let tokenHash = Array(SHA256.hash(data: Array(token.utf8)))
        let expires = nowMS + Int64(Self.sessionMaximumLength * 1000)
        try await database.transaction { connection in
            // Conditional on the step, so two sign-ins racing with one code cannot both win.
            let updated = try await connection.query(SQL(
                "UPDATE staff SET last_totp_step = ? WHERE id = ? AND last_totp_step < ? RETURNING id",
                [.integer(step), .text(member.id), .integer(step)]))
            guard !updated.isEmpty else { throw refused }
            // A success from this source clears its count; other sources keep theirs.
            try await connection.query(SQL(
                "DELETE FROM staff_sign_in_failures WHERE staff_id = ? AND source_key = ?", [.text(member.id), .blob(sourceKey)]))
            try await connection.query(SQL(
                "INSERT INTO staff_sessions (token_hash, staff_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [.blob(tokenHash), .text(member.id), .integer(nowMS), .integer(nowMS), .integer(expires)]))
        }
        return SignedIn(
            token: token,
            session: StaffSession(member: member, tokenHash: tokenHash, expiresAt: Date(milliseconds: Int(expires)), procedure: nil))
    }

    /// What an unknown username's password is checked against, so that it costs the same.
    private static let dummySalt = [UInt8](repeating: 0, count: 16)

    /// How stale a session's (and its procedure's) last-seen time may grow before a request
    /// writes it again: a token costs a read, not a write, on most requests — and an
    /// unknown token (`Authorization: Bearer x`) never takes the database's writer (issue
    /// 14, finding 5). The idle time-outs are minutes, so a minute of slack changes nothing.
    public static let touchInterval: Int64 = 60_000

    /// The session behind a bearer token, refreshed; `nil` when unknown, ended or expired.
    /// An open procedure idle for too long is closed here, before anyone can use it.
    public func session(token: String) async throws -> StaffSession? {
        guard token.utf8.count <= 128 else { return nil }
        let tokenHash = Array(SHA256.hash(data: Array(token.utf8)))
        let now = clock.milliseconds
        let found = try await database.read { connection -> (SQLRow, SQLRow?)? in
            guard let row = try await connection.first(SQL(
                """
                SELECT s.token_hash, s.last_seen_at, s.expires_at, s.ended_at, m.*
                FROM staff_sessions s JOIN staff m ON m.id = s.staff_id WHERE s.token_hash = ?
                """, [.blob(tokenHash)])), try row.optionalInt("ended_at") == nil
            else { return nil }
            let procedure = try await connection.first(SQL(
                "SELECT * FROM procedures WHERE session_hash = ? AND closed_at IS NULL", [.blob(tokenHash)]))
            return (row, procedure)
        }
        guard let (row, openProcedure) = found else { return nil }
        let idleLimit = Int64(try row.int("last_seen_at")) + Int64(Self.sessionIdleTimeout * 1000)
        guard now < Int64(try row.int("expires_at")), now < idleLimit else {
            try await database.transaction { try await end(tokenHash, reason: "session-timeout", at: now, on: $0) }
            return nil
        }
        var procedure = try openProcedure.map(Self.procedure(from:))
        let procedureIdle = procedure.map { now - $0.lastActivityAt.milliseconds >= Int64(Self.procedureIdleTimeout * 1000) } ?? false
        let stale = now - Int64(try row.int("last_seen_at")) >= Self.touchInterval
            || procedure.map { now - $0.lastActivityAt.milliseconds >= Self.touchInterval } ?? false
        if procedureIdle || stale {
            procedure = try await database.transaction { connection in
                try await connection.query(SQL("UPDATE staff_sessions SET last_seen_at = ? WHERE token_hash = ?", [.integer(now), .blob(tokenHash)]))
                try await connection.query(SQL(
                    "UPDATE procedures SET closed_at = ?, close_reason = 'timeout' WHERE session_hash = ? AND closed_at IS NULL AND last_activity_at < ?",
                    [.integer(now), .blob(tokenHash), .integer(now - Int64(Self.procedureIdleTimeout * 1000))]))
                return try await connection.first(SQL(
                    "UPDATE procedures SET last_activity_at = ? WHERE session_hash = ? AND closed_at IS NULL RETURNING *",
                    [.integer(now), .blob(tokenHash)])).map(Self.procedure(from:))
            }
        }
        return StaffSession(
            member: try Self.member(from: row), tokenHash: tokenHash,
            expiresAt: Date(milliseconds: try row.int("expires_at")), procedure: procedure)
    }

    /// Ends the session and closes its procedure.
    public func signOut(_ session: StaffSession) async throws {
        try await database.transaction { connection in
            try await end(session.tokenHash, reason: "sign-out", at: clock.milliseconds, on: connection)
        }
    }

    private func end(_ tokenHash: [UInt8], reason: String, at now: Int64, on connection: any SQLConnection) async throws {
        try await connection.query(SQL(
            "UPDATE procedures SET closed_at = ?, close_reason = ? WHERE session_hash = ? AND closed_at IS NULL",
            [.integer(now), .text(reason), .blob(tokenHash)]))
        try await connection.query(SQL(
            "UPDATE staff_sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL", [.integer(now), .blob(tokenHash)]))
    }

    // MARK: Procedures

    /// Opens a procedure for one resident the member's municipality serves: its own
    /// residents, and those who moved out towards it (to complete the move-in).
    public func openProcedure(
        in session: StaffSession, for residentID: String, purpose: String, registry: ResidentRegistry
    ) async throws -> Procedure {
        guard session.member.role.may(.openProcedure) else {
            throw RegistryError(.roleNotPermitted, "this role does not open counter procedures")
        }
        let trimmedPurpose = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmedPurpose.isEmpty, purpose.unicodeScalars.count <= 200 else {
            throw RegistryError(.invalidRequest, "a procedure needs a purpose of at most 200 characters")
        }
        let resident = try await registry.peek(residentID)
        try Self.requireJurisdiction(session.member, over: resident)
        let id = UUID().uuidString.lowercased()
        let now = clock.milliseconds
        return try await database.transaction { connection in
            do {
                try await connection.query(SQL(
                    """
                    INSERT INTO procedures (id, session_hash, staff_id, resident_id, purpose, opened_at, last_activity_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.text(id), .blob(session.tokenHash), .text(session.member.id), .text(residentID), .text(trimmedPurpose),
                     .integer(now), .integer(now)]))
            } catch StoreError.uniqueViolation {
                throw RegistryError(.procedureAlreadyOpen, "close the open procedure before starting another")
            }
            try await AccessLog.record(
                .openProcedure, residentIDs: [residentID], by: .staff(id: session.member.id, procedureID: id),
                purpose: trimmedPurpose, at: now, on: connection)
            return Procedure(id: id, residentID: residentID, purpose: trimmedPurpose, openedAt: Date(milliseconds: Int(now)), lastActivityAt: Date(milliseconds: Int(now)))
        }
    }

    /// Closes the session's open procedure; returns whether there was one.
    @discardableResult
    public func closeProcedure(in session: StaffSession) async throws -> Bool {
        try await database.transaction { connection in
            !(try await connection.query(SQL(
                "UPDATE procedures SET closed_at = ?, close_reason = 'closed' WHERE session_hash = ? AND closed_at IS NULL RETURNING id",
                [.integer(clock.milliseconds), .blob(session.tokenHash)]))).isEmpty
        }
    }

    /// The procedure the session holds, which must be for `residentID`. Every resident
    /// read and write at the counter passes through here.
    public static func procedure(in session: StaffSession, for residentID: String) throws -> Procedure {
        guard let procedure = session.procedure else {
            throw RegistryError(.procedureRequired, "open a procedure for the resident first")
        }
        guard procedure.residentID == residentID else {
            throw RegistryError(.procedureForAnotherResident, "the open procedure is for another resident")
        }
        return procedure
    }

    static func requireJurisdiction(_ member: StaffMember, over resident: Resident) throws {
        guard resident.isServed(by: member.municipality) else {
            throw RegistryError(.outsideJurisdiction, "the resident is not registered in this municipality")
        }
    }

    // MARK: Rows

    static func member(from row: SQLRow) throws -> StaffMember {
        guard let role = StaffRole(rawValue: try row.string("role")) else { throw StoreError.unexpectedColumn("role") }
        return StaffMember(
            id: try row.string("id"), username: try row.string("username"), displayName: try row.string("display_name"),
            role: role,
            municipality: try MunicipalityCode(try row.string("municipality_code")))
    }

    static func procedure(from row: SQLRow) throws -> Procedure {
        Procedure(
            id: try row.string("id"), residentID: try row.string("resident_id"), purpose: try row.string("purpose"),
            openedAt: Date(milliseconds: try row.int("opened_at")), lastActivityAt: Date(milliseconds: try row.int("last_activity_at")))
    }
}
