import Crypto
public import Foundation
public import MynaCore
public import MynaDatabase

/// How a portal session was signed in.
public enum SignInMethod: String, Sendable, Hashable {
    /// The device holding the card answered a challenge itself.
    case card
    /// A browser showed a code and the card approved it from another device.
    case code
}

/// One sign-in to the portal, as the resident sees it: a notice for each (issue 14,
/// finding 1), and the list of sessions still open with a way to end them all — so a
/// sign-in the resident did not make is seen at once and ended in one step.
public struct SignInRecord: Sendable, Hashable {
    /// Identifies the session in the list without being its token.
    public let id: String
    public let method: SignInMethod
    public let device: SignInDevice
    public let signedInAt: Date
    public let lastSeenAt: Date
    public let expiresAt: Date
    public let endedAt: Date?
    public let endReason: String?
}

extension PortalSessions {
    /// A new session for a resident who has just signed in with the card, recording how
    /// and from what device.
    func startSignedIn(
        resident residentID: String, card cardID: String?, via method: SignInMethod, device: SignInDevice, on connection: any SQLConnection
    ) async throws -> (token: String, session: PortalSession) {
        let now = clock.milliseconds
        let token = Base64URL.randomToken()
        let session = PortalSession(
            residentID: residentID, cardID: cardID, csrfToken: Base64URL.randomToken(), createdAt: Date(milliseconds: now),
            expiresAt: Date(milliseconds: now + Self.absoluteLifetime))
        try await connection.query(SQL(
            """
            INSERT INTO portal_sessions (token_hash, resident_id, card_id, csrf_token, created_at, last_seen_at, expires_at, signed_in_via, network, user_agent)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.blob(Self.hash(token)), .text(residentID), SQLValue(cardID), .text(session.csrfToken), .integer(now), .integer(now),
             .integer(now + Self.absoluteLifetime), .text(method.rawValue), .text(device.network), .text(device.userAgent)]))
        return (token, session)
    }

    /// The resident's sign-ins, newest first: every one, ended or not.
    public func signIns(of residentID: String, limit: Int = 100) async throws -> [SignInRecord] {
        try await database.read { connection in
            try await connection.query(SQL(
                """
                SELECT token_hash, signed_in_via, network, user_agent, created_at, last_seen_at, expires_at, ended_at, end_reason
                FROM portal_sessions WHERE resident_id = ? ORDER BY created_at DESC LIMIT ?
                """, [.text(residentID), .init(min(max(limit, 1), 500))]))
            .map { row in
                SignInRecord(
                    id: Self.listID(try row.bytes("token_hash")), method: SignInMethod(rawValue: try row.optionalString("signed_in_via") ?? "") ?? .card,
                    device: SignInDevice(network: try row.optionalString("network"), userAgent: try row.optionalString("user_agent")),
                    signedInAt: Date(milliseconds: try row.int("created_at")), lastSeenAt: Date(milliseconds: try row.int("last_seen_at")),
                    expiresAt: Date(milliseconds: try row.int("expires_at")), endedAt: try row.optionalInt("ended_at").map { Date(milliseconds: $0) },
                    endReason: try row.optionalString("end_reason"))
            }
        }
    }

    /// The resident's sessions still open: not ended, not idle too long, not past their lifetime.
    public func active(of residentID: String) async throws -> [SignInRecord] {
        let now = clock.now
        return try await signIns(of: residentID, limit: 500).filter { record in
            record.endedAt == nil && record.expiresAt > now
                && now.timeIntervalSince(record.lastSeenAt) * 1000 < Double(Self.idleTimeout)
        }
    }

    /// Signs the resident out everywhere: every open session ends now, this one too.
    /// Returns how many ended.
    @discardableResult
    public func endAll(of residentID: String, reason: String = "signed-out-everywhere") async throws -> Int {
        try await database.transaction { connection in
            try await connection.query(SQL(
                "UPDATE portal_sessions SET ended_at = ?, end_reason = ? WHERE resident_id = ? AND ended_at IS NULL RETURNING token_hash",
                [.integer(clock.milliseconds), .text(reason), .text(residentID)])).count
        }
    }

    /// Forgets sessions that ended or ran out before `cutoff`: a resident's are kept until
    /// then so their sign-in notices stay readable; an anonymous one has no use once over
    /// (issue 14, finding 5). Returns how many went.
    @discardableResult
    public func purge(signedInBefore cutoff: Int64, anonymousBefore anonymousCutoff: Int64) async throws -> Int {
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                DELETE FROM portal_sessions
                WHERE (resident_id IS NULL AND (expires_at < ? OR ended_at < ? OR last_seen_at < ?))
                   OR (resident_id IS NOT NULL AND expires_at < ?)
                RETURNING token_hash
                """,
                [.integer(anonymousCutoff), .integer(anonymousCutoff), .integer(anonymousCutoff - Self.idleTimeout), .integer(cutoff)])).count
        }
    }

    /// The list's name for a session: a short hash of its token's hash, which tells
    /// sessions apart and cannot be turned back into a cookie.
    static func listID(_ tokenHash: [UInt8]) -> String { Base64URL.encode(Array(SHA256.hash(data: tokenHash)).prefix(6)) }

    /// The list's name for the session a token stands for (to mark "this browser").
    public static func listID(ofToken token: String) -> String { listID(hash(token)) }
}
