import Crypto
public import Foundation
public import MynaCore
public import MynaPKI
public import MynaStore
import X509

/// A nonce for the card to sign: the card's authentication key signs `signingInput`
/// after its 4-digit PIN, so a sign-in proves possession of the card and knowledge of
/// the PIN, and never involves the individual number.
public struct SignInChallenge: Sendable, Hashable {
    public let id: String
    public let nonce: [UInt8]
    public let expiresAt: Date

    /// What the card signs: the purpose, the challenge and its nonce, so a signature made
    /// for anything else (a document, another challenge) is not a sign-in.
    public var signingInput: [UInt8] { Self.signingInput(id: id, nonce: nonce) }

    public static func signingInput(id: String, nonce: [UInt8]) -> [UInt8] {
        Array("myna-portal-sign-in-v1\n\(id)\n\(Base64URL.encode(nonce))".utf8)
    }
}

/// A cross-device sign-in the browser is waiting for (like the real QR login): the
/// browser shows `code`; the resident's card approves it from another device.
public struct PendingSignIn: Sendable, Hashable {
    public let id: String
    /// For display: eight Crockford base-32 characters as `XXXX-XXXX`.
    public let code: String
    public let expiresAt: Date
}

/// What an accepted card signature did.
public enum SignInApproval: Sendable, Hashable {
    /// A direct sign-in: a new session for the card's holder.
    case signedIn(token: String, residentID: String)
    /// A cross-device sign-in: the waiting browser may now complete it.
    case approved(residentID: String)
}

/// Sign-in with the My Number card (利用者証明用電子証明書), both ways the real portal
/// offers: directly (the device with the card answers a challenge) and across devices
/// (the browser shows a short code; `myna card login --code` answers the challenge bound
/// to it). Either way the certificate is checked against the ledger at that moment —
/// chain, validity, revocation — never a cached status, and the card behind it must be
/// in use: a suspended, returned, abolished or expired card signs no one in.
public struct CardSignIn: Sendable {
    let database: any Database
    let clock: WallClock
    let verifier: CertificateVerifier
    let sessions: PortalSessions

    public static let codeLifetime: Int64 = 5 * 60_000
    public static let challengeLifetime: Int64 = 2 * 60_000
    /// Failed codes and signatures per source in `failureWindow` before it is turned away.
    public static let failuresPerSource = 10
    public static let failureWindow: Int64 = 10 * 60_000
    /// Failed signatures a code survives.
    static let failuresPerCode = 5

    public init(database: any Database, clock: WallClock, verifier: CertificateVerifier, sessions: PortalSessions) {
        self.database = database
        self.clock = clock
        self.verifier = verifier
        self.sessions = sessions
    }

    // MARK: Cross-device: the browser

    /// The browser asks to sign in: a code to show, bound to its session, and where to go
    /// afterwards (a path on this server only — never another site).
    public func begin(for sessionToken: String, returnTo: String? = nil) async throws -> PendingSignIn {
        let now = clock.milliseconds
        let code = Self.newCode()
        let id = "si_" + Base64URL.randomToken(byteCount: 16)
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                INSERT INTO portal_sign_ins (id, code_hash, session_hash, nonce, return_to, created_at, expires_at, failures)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0)
                """,
                [.text(id), .blob(Self.codeHash(code)), .blob(PortalSessions.hash(sessionToken)), .blob(Self.nonce()),
                 SQLValue(returnTo.flatMap(Self.localPath)), .integer(now), .integer(now + Self.codeLifetime)]))
        }
        return PendingSignIn(id: id, code: String(code.prefix(4)) + "-" + String(code.suffix(4)), expiresAt: Date(milliseconds: now + Self.codeLifetime))
    }

    /// The waiting browser checks in: nil while the card has not approved; once it has,
    /// the browser's session is replaced by a new one for the resident (the old token
    /// dies here), and the token and the path to return to are handed over — once.
    public func complete(_ id: String, sessionToken: String) async throws -> (token: String, residentID: String, returnTo: String?)? {
        guard id.utf8.count <= 64 else { throw PortalError(.challengeExpired, "no such sign-in") }
        let now = clock.milliseconds
        return try await database.transaction { connection in
            guard let row = try await connection.first(SQL(
                "SELECT * FROM portal_sign_ins WHERE id = ? AND session_hash = ?", [.text(id), .blob(PortalSessions.hash(sessionToken))]))
            else { throw PortalError(.challengeExpired, "no such sign-in for this browser") }
            guard try row.optionalInt("consumed_at") == nil else { throw PortalError(.challengeUsed, "this sign-in is complete already") }
            guard let residentID = try row.optionalString("resident_id"), try row.optionalInt("approved_at") != nil else {
                guard now < Int64(try row.int("expires_at")) else { throw PortalError(.challengeExpired, "the code has expired; ask for a new one") }
                return nil
            }
            try await connection.query(SQL("UPDATE portal_sign_ins SET consumed_at = ? WHERE id = ?", [.integer(now), .text(id)]))
            try await sessions.end(sessionToken, reason: "signed-in", on: connection)
            let (token, _) = try await sessions.start(resident: residentID, card: try row.optionalString("card_id"), on: connection)
            return (token, residentID, try row.optionalString("return_to"))
        }
    }

    // MARK: The card's side

    /// The challenge bound to a code the browser shows. An unknown, expired or used code
    /// counts against the source; ten in ten minutes and the source is turned away.
    public func challenge(forCode code: String, source: String) async throws -> SignInChallenge {
        let now = clock.milliseconds
        try await refuseIfThrottled(source, now: now)
        let normalised = Self.normalise(code)
        let row = try await database.transaction { connection -> SQLRow? in
            guard let normalised, let row = try await connection.first(SQL(
                "SELECT * FROM portal_sign_ins WHERE code_hash = ? AND approved_at IS NULL AND expires_at > ? AND failures < ?",
                [.blob(Self.codeHash(normalised)), .integer(now), .init(Self.failuresPerCode)]))
            else { return nil }
            try await connection.query(SQL("UPDATE portal_sign_ins SET challenged_at = ? WHERE id = ?", [.integer(now), .text(try row.string("id"))]))
            return row
        }
        guard let row else {
            try await recordFailure(source, reason: "invalid-code", now: now)
            throw PortalError(.invalidCode, "no sign-in is waiting for that code; it may have expired")
        }
        return SignInChallenge(id: try row.string("id"), nonce: try row.bytes("nonce"), expiresAt: Date(milliseconds: try row.int("expires_at")))
    }

    /// A challenge for a direct sign-in (the device holding the card is the one signing in).
    public func challenge() async throws -> SignInChallenge {
        let now = clock.milliseconds
        let id = "si_" + Base64URL.randomToken(byteCount: 16)
        let nonce = Self.nonce()
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO portal_sign_ins (id, nonce, created_at, expires_at, challenged_at, failures) VALUES (?, ?, ?, ?, ?, 0)",
                [.text(id), .blob(nonce), .integer(now), .integer(now + Self.challengeLifetime), .integer(now)]))
        }
        return SignInChallenge(id: id, nonce: nonce, expiresAt: Date(milliseconds: now + Self.challengeLifetime))
    }

    /// The card's answer: its authentication certificate and its signature over the
    /// challenge's signing input. Checked now against the ledger; the challenge is
    /// good for one accepted answer.
    public func respond(to challengeID: String, certificateDER: [UInt8], signature: [UInt8], source: String) async throws -> SignInApproval {
        try await answer(challengeID, certificateDER: certificateDER, signature: signature, source: source, startSession: true)
    }

    /// The same checks for an act that needs the card in hand but no session (creating a
    /// Mykey ID, attaching a municipal card): the holder, or a refusal; the challenge is
    /// used up either way.
    public func cardHolder(answering challengeID: String, certificateDER: [UInt8], signature: [UInt8], source: String) async throws -> String {
        switch try await answer(challengeID, certificateDER: certificateDER, signature: signature, source: source, startSession: false) {
        case .approved(let residentID), .signedIn(_, let residentID): residentID
        }
    }

    private func answer(
        _ challengeID: String, certificateDER: [UInt8], signature: [UInt8], source: String, startSession: Bool
    ) async throws -> SignInApproval {
        let now = clock.milliseconds
        try await refuseIfThrottled(source, now: now)
        guard challengeID.utf8.count <= 64, certificateDER.count <= 8192, signature.count <= 1024,
            let row = try await database.read({ try await $0.first(SQL("SELECT * FROM portal_sign_ins WHERE id = ?", [.text(challengeID)])) })
        else { throw PortalError(.challengeExpired, "no such challenge") }
        guard try row.optionalInt("approved_at") == nil, try row.optionalInt("consumed_at") == nil else {
            throw PortalError(.challengeUsed, "this challenge has been answered")
        }
        guard now < Int64(try row.int("expires_at")), try row.optionalInt("challenged_at") != nil, try row.int("failures") < Self.failuresPerCode else {
            throw PortalError(.challengeExpired, "the challenge has expired; start again")
        }

        let input = SignInChallenge.signingInput(id: challengeID, nonce: try row.bytes("nonce"))
        let report = try await verifier.verify(certificateDER: certificateDER, data: input, signature: signature)
        guard report.acceptable, report.kind == .authentication, let serial = try? Array(Certificate(derEncoded: certificateDER).serialNumber.bytes) else {
            try await database.transaction { connection in
                try await connection.query(SQL("UPDATE portal_sign_ins SET failures = failures + 1 WHERE id = ?", [.text(challengeID)]))
            }
            try await recordFailure(source, reason: report.problems.first ?? "not-authentication", now: now)
            if report.revocation == "revoked" { throw PortalError(.certificateRevoked, "the card's certificate is revoked") }
            if report.signatureValid == false { throw PortalError(.signatureInvalid, "the signature does not verify with the certificate") }
            throw PortalError(.certificateNotAccepted, "a valid user-authentication certificate of a Myna card is needed")
        }

        return try await database.transaction { connection in
            let holder = try await Self.holder(ofSerial: serial, on: connection)
            let residentID = try holder.string("resident_id")
            // Claimed once: a second answer to the same challenge finds it approved.
            let claimed = try await connection.query(SQL(
                "UPDATE portal_sign_ins SET approved_at = ?, resident_id = ?, card_id = ? WHERE id = ? AND approved_at IS NULL RETURNING id",
                [.integer(now), .text(residentID), .text(try holder.string("card_id")), .text(challengeID)]))
            guard !claimed.isEmpty else { throw PortalError(.challengeUsed, "this challenge has been answered") }
            guard try row.optionalBytes("code_hash") == nil else { return .approved(residentID: residentID) }
            try await connection.query(SQL("UPDATE portal_sign_ins SET consumed_at = ? WHERE id = ?", [.integer(now), .text(challengeID)]))
            guard startSession else { return .approved(residentID: residentID) }
            let (token, _) = try await sessions.start(resident: residentID, card: try holder.string("card_id"), on: connection)
            return .signedIn(token: token, residentID: residentID)
        }
    }

    /// The holder of a card whose user-authentication certificate is presented without a
    /// signature — what a reader gets from the card without its PIN, for services that
    /// then identify the person another way (a medical institution's visual check, with
    /// the staff member recorded). The same checks as a sign-in, but for the signature.
    public func cardHolder(presenting certificateDER: [UInt8]) async throws -> String {
        guard certificateDER.count <= 8192 else { throw PortalError(.certificateNotAccepted, "a valid user-authentication certificate of a Myna card is needed") }
        let report = try await verifier.verify(certificateDER: certificateDER)
        guard report.acceptable, report.kind == .authentication, let serial = try? Array(Certificate(derEncoded: certificateDER).serialNumber.bytes) else {
            if report.revocation == "revoked" { throw PortalError(.certificateRevoked, "the card's certificate is revoked") }
            throw PortalError(.certificateNotAccepted, "a valid user-authentication certificate of a Myna card is needed")
        }
        return try await database.read { try await Self.holder(ofSerial: serial, on: $0).string("resident_id") }
    }

    /// The card a certificate sits on and its holder — refused unless the card is active
    /// and the holder's record open.
    static func holder(ofSerial serial: [UInt8], on connection: any SQLConnection) async throws -> SQLRow {
        guard let holder = try await connection.first(SQL(
            """
            SELECT c.card_id, c.resident_id, k.status AS card_status, r.status AS resident_status
            FROM card_certificates c JOIN cards k ON k.id = c.card_id JOIN residents r ON r.id = c.resident_id
            WHERE c.serial = ? AND c.kind = 'authentication'
            """, [.blob(serial)]))
        else { throw PortalError(.certificateNotAccepted, "the certificate is not on a card Myna issued") }
        guard try holder.string("card_status") == "active" else {
            throw PortalError(.cardNotUsable, "the card is \(try holder.string("card_status")); it cannot be used")
        }
        guard try holder.string("resident_status") != "deceased" else { throw PortalError(.holderNotEligible, "the holder's record is closed") }
        return holder
    }

    // MARK: Throttling

    private func refuseIfThrottled(_ source: String, now: Int64) async throws {
        let recent = try await database.read { connection in
            try await connection.first(SQL(
                "SELECT count(*) AS n FROM portal_sign_in_failures WHERE source_key = ? AND occurred_at > ?",
                [.blob(Self.sourceKey(source)), .integer(now - Self.failureWindow)]))?.int("n") ?? 0
        }
        guard recent < Self.failuresPerSource else { throw PortalError(.tooManyAttempts, "too many failed sign-in attempts; try again later") }
    }

    private func recordFailure(_ source: String, reason: String, now: Int64) async throws {
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO portal_sign_in_failures (source_key, reason, occurred_at) VALUES (?, ?, ?)",
                [.blob(Self.sourceKey(source)), .text(String(reason.prefix(64))), .integer(now)]))
        }
    }

    /// Sources are kept as hashes: enough to count, not to list who tried.
    static func sourceKey(_ source: String) -> [UInt8] { Array(SHA256.hash(data: Array("portal-source\0\(source)".utf8))) }

    // MARK: Codes

    /// 40 random bits as eight Crockford base-32 characters: guessing a live code takes
    /// about 2^40 / (waiting sign-ins) tries, and ten failures stop a source.
    static func newCode() -> String { CrockfordBase32.random(length: 8) }

    /// A typed code, forgiving as Crockford's decoding is; nil when it cannot be a code.
    static func normalise(_ typed: String) -> String? { CrockfordBase32.normalize(typed, length: 8) }

    static func codeHash(_ code: String) -> [UInt8] { Array(SHA256.hash(data: Array("portal-code\0\(code)".utf8))) }

    static func nonce() -> [UInt8] { Base64URL.decode(Base64URL.randomToken()) ?? [] }

    /// A path on this server, or nil: `/portal/...` yes; `//evil.example`, `https://…`,
    /// `/\evil` and anything with a scheme or control characters, no (no open redirects).
    public static func localPath(_ candidate: String) -> String? {
        guard candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"), candidate.utf8.count <= 2048,
            candidate.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return nil }
        return candidate
    }
}
