import Crypto
public import Foundation
import MynaCardOffice
public import MynaCore
public import MynaDatabase

/// A browser's session with the portal. Every visitor gets one (it carries the CSRF
/// token the sign-in form needs); signing in ends it and starts a new one for the
/// resident — the token changes at sign-in, so a token planted before cannot ride it
/// (session fixation, OWASP ASVS V3.2.1). Only a hash of the token is stored.
///
/// A session ends at sign-out, after `idleTimeout` without a request, and at
/// `absoluteLifetime` whatever happens: a shared terminal left signed in (domain.md §8)
/// closes itself. A signed-in session also ends on its first request after the card it
/// signed in with stops standing — suspended (hotline or counter), reported lost,
/// returned, expired, its certificate revoked, or its holder dead
/// (``CardOffice/signInStands(cardIDIn:signedInAt:)`` says why that is checked on use).
public struct PortalSession: Sendable, Hashable {
    public let residentID: String?
    public let cardID: String?
    public let csrfToken: String
    public let createdAt: Date
    public let expiresAt: Date
    public var signedIn: Bool { residentID != nil }
}

public struct PortalSessions: Sendable {
    let database: any Database
    let clock: WallClock
    public static let idleTimeout: Int64 = 15 * 60_000
    public static let absoluteLifetime: Int64 = 4 * 60 * 60_000

    public init(database: any Database, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// A new session — anonymous, or for a resident who has just signed in with a card.
    /// Returns the token (the cookie's value) and the session.
    public func start(resident residentID: String? = nil, card cardID: String? = nil, on connection: (any SQLConnection)? = nil) async throws -> (token: String, session: PortalSession) {
        let now = clock.milliseconds
        let token = Base64URL.randomToken()
        let session = PortalSession(
            residentID: residentID, cardID: cardID, csrfToken: Base64URL.randomToken(), createdAt: Date(milliseconds: now),
            expiresAt: Date(milliseconds: now + Self.absoluteLifetime))
        let insert = SQL(
            """
            INSERT INTO portal_sessions (token_hash, resident_id, card_id, csrf_token, created_at, last_seen_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [.blob(Self.hash(token)), SQLValue(residentID), SQLValue(cardID), .text(session.csrfToken), .integer(now), .integer(now),
             .integer(now + Self.absoluteLifetime)])
        if let connection {
            try await connection.query(insert)
        } else {
            try await database.transaction { try await $0.query(insert) }
        }
        return (token, session)
    }

    /// How stale `last_seen_at` may grow before a request writes it again: most requests
    /// cost a read, not a write (issue 14, finding 5). The idle time-out is fifteen
    /// minutes, so a minute of slack changes nothing a resident notices.
    public static let touchInterval: Int64 = 60_000

    /// The live session a token stands for, its idle clock reset at most once a minute;
    /// nil when unknown, ended, idle too long, past its lifetime, or signed in with a card
    /// that no longer stands. The card is checked in the same query that reads the
    /// session, and an unknown token is only read: it writes nothing.
    public func session(for token: String) async throws -> PortalSession? {
        guard token.utf8.count <= 64 else { return nil }
        let now = clock.milliseconds
        let hash = Self.hash(token)
        guard let row = try await database.read({ try await $0.first(SQL(Self.read, [.blob(hash)])) }), try row.optionalInt("ended_at") == nil
        else { return nil }
        let lastSeen = Int64(try row.int("last_seen_at"))
        let idle = now - lastSeen >= Self.idleTimeout
        let lapsed = now >= Int64(try row.int("expires_at"))
        let ending: String? = if try row.int("card_stands") == 0 { "card-ended" } else if idle || lapsed { "timeout" } else { nil }
        if let ending {
            try await database.transaction { connection in
                try await connection.query(SQL(
                    "UPDATE portal_sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? AND ended_at IS NULL",
                    [.integer(now), .text(ending), .blob(hash)]))
            }
            return nil
        }
        if now - lastSeen >= Self.touchInterval {
            try await database.transaction { connection in
                try await connection.query(SQL("UPDATE portal_sessions SET last_seen_at = ? WHERE token_hash = ?", [.integer(now), .blob(hash)]))
            }
        }
        return PortalSession(
            residentID: try row.optionalString("resident_id"), cardID: try row.optionalString("card_id"), csrfToken: try row.string("csrf_token"),
            createdAt: Date(milliseconds: try row.int("created_at")), expiresAt: Date(milliseconds: try row.int("expires_at")))
    }

    /// A visitor who has not signed in: nothing is stored for them (an anonymous request
    /// writes nothing, issue 14 finding 5). The token is their cookie's; their CSRF token
    /// is derived from it, which a page on another site cannot do — it never sees the
    /// `__Host-`, `HttpOnly` cookie.
    public func visitor(_ token: String) -> PortalSession {
        let now = clock.milliseconds
        return PortalSession(
            residentID: nil, cardID: nil, csrfToken: Base64URL.encode(SHA256.hash(data: Array("myna-portal-visitor-csrf\0\(token)".utf8))),
            createdAt: Date(milliseconds: now), expiresAt: Date(milliseconds: now + Self.absoluteLifetime))
    }

    /// Ends a session (sign-out, or replaced at sign-in).
    public func end(_ token: String, reason: String, on connection: (any SQLConnection)? = nil) async throws {
        let statement = SQL(
            "UPDATE portal_sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? AND ended_at IS NULL",
            [.integer(clock.milliseconds), .text(reason), .blob(Self.hash(token))])
        if let connection {
            try await connection.query(statement)
        } else {
            try await database.transaction { try await $0.query(statement) }
        }
    }

    /// Whether a form's token is this session's, compared in constant time.
    public static func csrfMatches(_ given: String, _ session: PortalSession) -> Bool {
        constantTimeEqual(given.utf8, session.csrfToken.utf8)
    }

    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    /// A session with whether it may go on: an anonymous one may; a signed-in one while
    /// the card it signed in with stands.
    static let read = """
        SELECT s.*, CASE WHEN s.resident_id IS NULL OR \(CardOffice.signInStands(cardIDIn: "s.card_id", signedInAt: "s.created_at"))
            THEN 1 ELSE 0 END AS card_stands
        FROM portal_sessions s WHERE s.token_hash = ?
        """
}
