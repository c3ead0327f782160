import Crypto
public import Foundation
public import MynaCore
public import MynaPKI
public import MynaDatabase
public import MynaSecrets
public import MynaCardOffice
import X509

/// A challenge for the card: what it signs is a ``CardChallengeStatement`` naming the
/// purpose, the party, this server's origin and a fresh nonce, so the answer proves
/// possession of the card and knowledge of its PIN for that one purpose, and never
/// involves the individual number.
public struct CardChallenge: Sendable, Hashable {
    public let id: String
    public let statement: CardChallengeStatement
    public var expiresAt: Date { statement.expiresAt }
    /// The bytes the card's authentication key signs.
    public var signingInput: [UInt8] { statement.bytes }
}

/// The device a sign-in comes from, as the resident sees it in notices and the session
/// list: an approximate network (the /24 of an IPv4 address, the /48 of an IPv6 one — a
/// hint of where, not an address to track) and what the browser says it is (its own
/// words, printable ASCII only, short).
public struct SignInDevice: Sendable, Hashable {
    public let network: String
    public let userAgent: String

    public init(address: String?, userAgent: String?) {
        network = Self.network(of: address)
        let agent = String(decoding: (userAgent ?? "").utf8.filter { $0 >= 0x20 && $0 < 0x7F }.prefix(160), as: UTF8.self)
        self.userAgent = agent.isEmpty ? "unknown" : agent
    }

    init(network: String?, userAgent: String?) {
        self.network = network ?? "unknown"
        self.userAgent = userAgent ?? "unknown"
    }

    static func network(of address: String?) -> String {
        guard let address else { return "unknown" }
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let parts = address.split(separator: ".")
            return parts.prefix(3).joined(separator: ".") + ".0/24"
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            let groups = stride(from: 0, to: 6, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            return groups.joined(separator: ":") + "::/48"
        }
        return "unknown"
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
///
/// The same challenges serve every act that needs the card in hand (Mykey, Mynapoint, a
/// kiosk's certificate, a clinic's eligibility check), each for its own purpose and
/// party: a challenge is accepted only by the endpoint of its purpose, from its party,
/// and only a portal sign-in ever approves a waiting browser (issue 14, finding 1: a
/// hostile kiosk could turn a certificate print into a session in the customer's portal).
public struct CardSignIn: Sendable, CardAnswers {
    let database: any Database
    let clock: WallClock
    let verifier: CertificateVerifier
    let sessions: PortalSessions
    /// Keys the sources failures are counted by (an HMAC: a plain hash of an address is
    /// undone by hashing all of them).
    let sources: SourceKeys
    /// This server's origin, inside every statement the card signs.
    public let origin: String

    public static let codeLifetime: Int64 = 5 * 60_000
    public static let challengeLifetime: Int64 = 2 * 60_000
    /// Failed codes and signatures per source in `failureWindow` before it is turned away.
    public static let failuresPerSource = 10
    public static let failureWindow: Int64 = 10 * 60_000
    /// Failed signatures a code survives.
    static let failuresPerCode = 5

    public init(database: any Database, clock: WallClock, verifier: CertificateVerifier, sessions: PortalSessions, sources: SourceKeys, origin: String) {
        self.database = database
        self.clock = clock
        self.verifier = verifier
        self.sessions = sessions
        self.sources = sources
        self.origin = origin
    }

    // MARK: Cross-device: the browser

    /// The browser asks to sign in: a code to show, bound to its session, and where to go
    /// afterwards (a path on this server only — never another site). What the browser
    /// looks like is kept, so the card's holder sees which browser they are approving.
    public func begin(
        for sessionToken: String, returnTo: String? = nil, device: SignInDevice = SignInDevice(address: nil, userAgent: nil)
    ) async throws -> PendingSignIn {
        let now = clock.milliseconds
        let code = Self.newCode()
        let id = "si_" + Base64URL.randomToken(byteCount: 16)
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                INSERT INTO portal_sign_ins (id, code_hash, session_hash, nonce, return_to, created_at, expires_at, failures,
                    purpose, audience, browser_network, browser_agent)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?)
                """,
                [.text(id), .blob(Self.codeHash(code)), .blob(PortalSessions.hash(sessionToken)), .blob(Self.nonce()),
                 SQLValue(returnTo.flatMap(Self.localPath)), .integer(now), .integer(now + Self.codeLifetime),
                 .text(CardChallengeStatement.Purpose.portalSignIn.rawValue), .text(ChallengeAudience.portal.key), .text(device.network),
                 .text(device.userAgent)]))
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
            let device = SignInDevice(network: try row.optionalString("browser_network"), userAgent: try row.optionalString("browser_agent"))
            let (token, _) = try await sessions.startSignedIn(
                resident: residentID, card: try row.optionalString("card_id"), via: .code, device: device, on: connection)
            return (token, residentID, try row.optionalString("return_to"))
        }
    }

    // MARK: The card's side

    /// The challenge bound to a code the browser shows, describing that browser. An
    /// unknown, expired or used code counts against the source; ten in ten minutes and
    /// the source is turned away.
    public func challenge(forCode code: String, source: String) async throws -> CardChallenge {
        let now = clock.milliseconds
        try await refuseIfThrottled(source, now: now)
        let normalised = Self.normalise(code)
        let challenge = try await database.transaction { connection -> CardChallenge? in
            guard let normalised, let row = try await connection.first(SQL(
                "SELECT * FROM portal_sign_ins WHERE code_hash = ? AND approved_at IS NULL AND expires_at > ? AND failures < ?",
                [.blob(Self.codeHash(normalised)), .integer(now), .init(Self.failuresPerCode)]))
            else { return nil }
            let browser: [(key: String, value: String)] = [
                ("browser-since", CardChallengeStatement.timestamp(Date(milliseconds: try row.int("created_at")))),
                ("browser-network", try row.optionalString("browser_network") ?? "unknown"),
                ("browser-agent", try row.optionalString("browser_agent") ?? "unknown"),
            ]
            let challenge = try Self.challenge(
                id: try row.string("id"), nonce: try row.bytes("nonce"), expiresAt: try row.int("expires_at"), purpose: .portalSignIn,
                audience: .portal, details: browser, origin: origin)
            try await connection.query(SQL(
                "UPDATE portal_sign_ins SET challenged_at = ?, statement = ? WHERE id = ?",
                [.integer(now), .blob(challenge.signingInput), .text(challenge.id)]))
            return challenge
        }
        guard let challenge else {
            try await recordFailure(source, reason: "invalid-code", now: now)
            throw PortalError(.invalidCode, "no sign-in is waiting for that code; it may have expired")
        }
        return challenge
    }

    /// A challenge for a direct sign-in (the device holding the card is the one signing in).
    public func challenge() async throws -> CardChallenge {
        try await challenge(for: .portalSignIn, audience: .portal)
    }

    /// A challenge for one purpose and one party, with the details the holder approves
    /// (the provider chosen, the certificate asked for) inside what the card signs.
    public func challenge(
        for purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience, details: [(key: String, value: String)] = []
    ) async throws -> CardChallenge {
        let now = clock.milliseconds
        let challenge = try Self.challenge(
            id: "ch_" + Base64URL.randomToken(byteCount: 16), nonce: Self.nonce(), expiresAt: now + Self.challengeLifetime, purpose: purpose,
            audience: audience, details: details, origin: origin)
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                INSERT INTO portal_sign_ins (id, nonce, created_at, expires_at, challenged_at, failures, purpose, audience, statement)
                VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)
                """,
                [.text(challenge.id), .blob(Self.nonceBytes(of: challenge)), .integer(now), .integer(now + Self.challengeLifetime), .integer(now),
                 .text(purpose.rawValue), .text(audience.key), .blob(challenge.signingInput)]))
        }
        return challenge
    }

    /// A statement well formed for its purpose, or a refusal: the purpose's details, all
    /// of them, and an audience of the right kind.
    static func challenge(
        id: String, nonce: [UInt8], expiresAt: some BinaryInteger, purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience,
        details: [(key: String, value: String)], origin: String
    ) throws -> CardChallenge {
        let keys = details.map(\.key)
        guard keys == purpose.detailKeys || (purpose == .portalSignIn && keys == CardChallengeStatement.browserKeys),
            CardChallengeStatement.audienceFits(audience.key, purpose)
        else { throw PortalError(.challengePurposeMismatch, "a \(purpose.rawValue) challenge carries \(purpose.detailKeys.joined(separator: ", ")) for its own kind of party") }
        let statement = CardChallengeStatement(
            purpose: purpose, audience: audience.key, audienceName: audience.name, origin: origin, challengeID: id, nonce: nonce,
            expiresAt: Date(milliseconds: expiresAt), details: details)
        return CardChallenge(id: id, statement: statement)
    }

    static func nonceBytes(of challenge: CardChallenge) -> [UInt8] { Base64URL.decode(challenge.statement.nonce) ?? [] }

    /// The card's answer to a portal sign-in: its authentication certificate and its
    /// signature over the challenge's statement. Checked now against the ledger; the
    /// challenge is good for one accepted answer. `device` is the one answering, which a
    /// direct sign-in signs in.
    public func respond(
        to challengeID: String, certificateDER: [UInt8], signature: [UInt8], source: String, device: SignInDevice = SignInDevice(address: nil, userAgent: nil)
    ) async throws -> SignInApproval {
        try await answer(
            challengeID, purpose: .portalSignIn, audience: .portal, details: [], certificateDER: certificateDER, signature: signature, source: source,
            device: device)
    }

    /// The holder of the card that answered a challenge of this purpose, for this party,
    /// approving these details — for an act that needs the card in hand but no session.
    /// The challenge is used up either way; nothing here approves a waiting browser.
    public func cardHolder(
        answering challengeID: String, for purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience,
        details: [(key: String, value: String)] = [], certificateDER: [UInt8], signature: [UInt8], signedBy key: CardAnswerKey = .authentication,
        source: String
    ) async throws -> String {
        guard purpose != .portalSignIn else { throw PortalError(.challengePurposeMismatch, "a sign-in challenge signs in; it approves nothing else") }
        switch try await answer(
            challengeID, purpose: purpose, audience: audience, details: details, certificateDER: certificateDER, signature: signature, key: key,
            source: source, device: nil)
        {
        case .approved(let residentID), .signedIn(_, let residentID): return residentID
        }
    }

    private func answer(
        _ challengeID: String, purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience, details: [(key: String, value: String)],
        certificateDER: [UInt8], signature: [UInt8], key: CardAnswerKey = .authentication, source: String, device: SignInDevice?
    ) async throws -> SignInApproval {
        let now = clock.milliseconds
        try await refuseIfThrottled(source, now: now)
        guard challengeID.utf8.count <= 64, certificateDER.count <= 8192, signature.count <= 1024,
            let row = try await database.read({ try await $0.first(SQL("SELECT * FROM portal_sign_ins WHERE id = ?", [.text(challengeID)])) })
        else { throw PortalError(.challengeExpired, "no such challenge") }
        guard try row.optionalInt("approved_at") == nil, try row.optionalInt("consumed_at") == nil else {
            throw PortalError(.challengeUsed, "this challenge has been answered")
        }
        guard now < Int64(try row.int("expires_at")), try row.optionalInt("challenged_at") != nil, try row.int("failures") < Self.failuresPerCode,
            let statementBytes = try row.optionalBytes("statement"), let statement = try? CardChallengeStatement(parsing: statementBytes)
        else { throw PortalError(.challengeExpired, "the challenge has expired; start again") }
        // The purpose, the party and the details, before any signature is checked: a
        // challenge offered anywhere but where it belongs is dead from then on, and the
        // attempt counts against the source.
        let codeBound = try row.optionalBytes("code_hash") != nil
        guard statement.purpose == purpose, try row.optionalString("purpose") == purpose.rawValue, statement.audience == audience.key,
            try row.optionalString("audience") == audience.key, details.allSatisfy({ statement.detail($0.key) == $0.value }),
            !codeBound || purpose == .portalSignIn
        else {
            try await database.transaction { connection in
                try await connection.query(SQL("UPDATE portal_sign_ins SET failures = ? WHERE id = ?", [.init(Self.failuresPerCode), .text(challengeID)]))
            }
            try await recordFailure(source, reason: "wrong-purpose", now: now)
            throw PortalError(.challengePurposeMismatch, "this challenge was made for another purpose or party; ask for a challenge for this one")
        }

        // The authentication key's signature is checked with its certificate; the card-face
        // key's with the key the office recorded for the card that certificate is on.
        let report = try await verifier.verify(
            certificateDER: certificateDER, data: key == .authentication ? statementBytes : nil, signature: key == .authentication ? signature : nil)
        let serial = try? Array(Certificate(derEncoded: certificateDER).serialNumber.bytes)
        var signatureValid = report.signatureValid
        if key == .cardFace, report.acceptable, report.kind == .authentication, let serial {
            guard let faceKey = try await cardFaceKey(ofSerial: serial) else {
                throw PortalError(.cardFaceUnavailable, "this card was issued without a card-face application; ask for the PIN")
            }
            signatureValid = CardOffice.isValidCardFaceSignature(signature, over: statementBytes, by: faceKey)
        }
        guard report.acceptable, report.kind == .authentication, let serial, signatureValid != false else {
            try await database.transaction { connection in
                try await connection.query(SQL("UPDATE portal_sign_ins SET failures = failures + 1 WHERE id = ?", [.text(challengeID)]))
            }
            try await recordFailure(source, reason: report.problems.first ?? (signatureValid == false ? "signature-invalid" : "not-authentication"), now: now)
            if report.revocation == "revoked" { throw PortalError(.certificateRevoked, "the card's certificate is revoked") }
            if signatureValid == false { throw PortalError(.signatureInvalid, "the signature does not verify with the card's key") }
            throw PortalError(.certificateNotAccepted, "a valid user-authentication certificate of a Myna card is needed")
        }

        return try await database.transaction { connection in
            let holder = try await Self.holder(ofSerial: serial, on: connection)
            let residentID = holder.residentID
            // Claimed once: a second answer to the same challenge finds it approved.
            let claimed = try await connection.query(SQL(
                "UPDATE portal_sign_ins SET approved_at = ?, resident_id = ?, card_id = ? WHERE id = ? AND approved_at IS NULL RETURNING id",
                [.integer(now), .text(residentID), .text(holder.cardID), .text(challengeID)]))
            guard !claimed.isEmpty else { throw PortalError(.challengeUsed, "this challenge has been answered") }
            // A code-bound sign-in: the waiting browser completes it (``complete(_:sessionToken:)``).
            guard !codeBound else { return .approved(residentID: residentID) }
            try await connection.query(SQL("UPDATE portal_sign_ins SET consumed_at = ? WHERE id = ?", [.integer(now), .text(challengeID)]))
            guard purpose == .portalSignIn, let device else { return .approved(residentID: residentID) }
            let (token, _) = try await sessions.startSignedIn(
                resident: residentID, card: holder.cardID, via: .card, device: device, on: connection)
            return .signedIn(token: token, residentID: residentID)
        }
    }

    /// The card-face key the office recorded for the card an authentication certificate
    /// is on; `nil` for a card issued without the application (or an unknown certificate,
    /// which ``holder(ofSerial:on:)`` then refuses).
    private func cardFaceKey(ofSerial serial: [UInt8]) async throws -> [UInt8]? {
        try await database.read { try await CardOffice.holding(authenticationSerial: serial, on: $0)?.cardFaceKey }
    }

    /// The card a certificate sits on and its holder — refused unless the card is active
    /// and the holder's record open.
    static func holder(ofSerial serial: [UInt8], on connection: any SQLConnection) async throws -> CardHolding {
        guard let holder = try await CardOffice.holding(authenticationSerial: serial, on: connection) else {
            throw PortalError(.certificateNotAccepted, "the certificate is not on a card Myna issued")
        }
        guard holder.status == .active else { throw PortalError(.cardNotUsable, "the card is \(holder.status.rawValue); it cannot be used") }
        guard holder.recordOpen else { throw PortalError(.holderNotEligible, "the holder's record is closed") }
        return holder
    }

    // MARK: Retention

    /// Forgets challenges and codes that expired before `cutoff`, and failures older than
    /// the window that counts them: every one was made by an anonymous caller, so none is
    /// kept longer than it serves (issue 14, finding 5). A sign-in's lasting trace is its
    /// session (``PortalSessions/signIns(of:limit:)``). Returns how many rows went.
    @discardableResult
    public func purge(before cutoff: Int64) async throws -> Int {
        try await database.transaction { connection in
            let challenges = try await connection.query(SQL("DELETE FROM portal_sign_ins WHERE expires_at < ? RETURNING id", [.integer(cutoff)]))
            let failures = try await connection.query(SQL(
                "DELETE FROM portal_sign_in_failures WHERE occurred_at < ? RETURNING id", [.integer(min(cutoff, clock.milliseconds - Self.failureWindow))]))
            return challenges.count + failures.count
        }
    }

    // MARK: Throttling

    private func refuseIfThrottled(_ source: String, now: Int64) async throws {
        let recent = try await database.read { connection in
            try await connection.first(SQL(
                "SELECT count(*) AS n FROM portal_sign_in_failures WHERE source_key = ? AND occurred_at > ?",
                [.blob(sourceKey(source)), .integer(now - Self.failureWindow)]))?.int("n") ?? 0
        }
        guard recent < Self.failuresPerSource else { throw PortalError(.tooManyAttempts, "too many failed sign-in attempts; try again later") }
    }

    private func recordFailure(_ source: String, reason: String, now: Int64) async throws {
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO portal_sign_in_failures (source_key, reason, occurred_at) VALUES (?, ?, ?)",
                [.blob(sourceKey(source)), .text(String(reason.prefix(64))), .integer(now)]))
        }
    }

    /// Sources are kept as keyed hashes: enough to count, not to list who tried.
    func sourceKey(_ source: String) -> [UInt8] { sources.key(for: source, in: .portalSignIn) }

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
