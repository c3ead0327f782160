import Crypto
import Foundation
import MynaCard
public import MynaCore
import MynaPKI
import MynaRegistry
import MynaDatabase

/// What the hotline tells a caller.
public enum HotlineOutcome: String, Sendable {
    case suspended
    /// The card was already suspended: nothing more to do, and nothing revealed.
    case alreadySuspended = "already-suspended"
}

extension CardOffice {
    /// How many calls with wrong facts one source may make for one number in a day, and
    /// one source for any numbers in an hour, before the hotline withholds its answers.
    /// Counted per source, never per number alone: a stranger's wrong calls for someone
    /// else's number must not silence the owner's line (issue 14).
    public static let hotlineFailuresPerNumberAndSourcePerDay = 5
    public static let hotlineFailuresPerSourcePerHour = 20
    /// The least time a withheld answer takes, so that the suspension a matching call
    /// still performs cannot be told from a wrong call by the time the answer takes.
    static let withheldAnswerTakesAtLeast: Duration = .seconds(2)

    /// 一時利用停止 — the 24-hour line (domain.md §2: 0120-95-0178). It needs no sign-in;
    /// the caller proves who they are with the number, the date of birth and the card
    /// number from the card or its issuance receipt. A match revokes the card's
    /// certificates at once (keyCompromise) and suspends the card; a mismatch says only
    /// that the facts do not match, never which one.
    ///
    /// Limits never stand between the holder and the suspension: every call's facts are
    /// evaluated, and matching facts suspend the card whatever the counts say. What a
    /// limit withholds is the *answer*: over it, every call — matching or not — gets the
    /// same `too-many-attempts` with the same wait, no sooner than
    /// ``withheldAnswerTakesAtLeast``, so a guesser learns nothing more from the
    /// thousandth call than from the sixth. Counting, evaluating and recording happen in
    /// one transaction under a per-source lock, so parallel calls are counted one after
    /// another and no more than the limit ever get an answer.
    public func suspendByHotline(number: IndividualNumber, birthDate: CalendarDate, cardSerial: String, source: String) async throws -> HotlineOutcome {
        let started = ContinuousClock.now
        let callerKey = residents.lookupHash(number)
        let sourceKey = Array(HMAC<SHA256>.authenticationCode(for: Array(source.utf8), using: self.sourceKey))
        let now = clock.milliseconds
        let verdict = try await database.transaction { connection -> HotlineVerdict in
            // SQLite runs one writer at a time; PostgreSQL's calls from one source queue
            // here until the one before has recorded itself.
            try await connection.lock(Self.hotlineLock(sourceKey))
            // The facts first, for every call alike; then the counts.
            let card = try await matchingCard(number: number, birthDate: birthDate, cardSerial: cardSerial, on: connection)
            let wait = try await hotlineWait(callerKey: callerKey, sourceKey: sourceKey, now: now, on: connection)
            let verdict = HotlineVerdict(card: card, wait: wait)
            try await connection.query(SQL(
                "INSERT INTO hotline_calls (caller_key, source_key, outcome, occurred_at) VALUES (?, ?, ?, ?)",
                [.blob(callerKey), .blob(sourceKey), .text(verdict.recorded), .integer(now)]))
            return verdict
        }
        switch verdict {
        case .suspend(let card):
            _ = try await endCard(
                card.id, event: .suspend, revocation: .keyCompromise, action: .cardSuspension, reason: "suspended through the hotline",
                by: .system("hotline"), within: nil)
            return .suspended
        case .alreadySuspended:
            return .alreadySuspended
        case .cardNotActive:
            throw CardOfficeError(.wrongCardState, "that card is not in use: it cannot be suspended")
        case .mismatch:
            throw CardOfficeError(.factsDoNotMatch, "the number, date of birth and card number do not match a card")
        case .withheld(let wait, let card):
            if let card {
                do {
                    _ = try await endCard(
                        card.id, event: .suspend, revocation: .keyCompromise, action: .cardSuspension,
                        reason: "suspended through the hotline (answer withheld: too many wrong calls from the caller's line)",
                        by: .system("hotline"), within: nil)
                } catch is CardOfficeError {
                    // Suspended meanwhile by a parallel call: the goal is reached either way.
                }
            }
            try? await Task.sleep(until: started + Self.withheldAnswerTakesAtLeast, clock: .continuous)
            throw CardOfficeError(
                .tooManyAttempts,
                "too many calls with facts that do not match from this line: no answer is given until the wait is over"
                    + " (if the facts were right, the card is suspended now)",
                retryAfter: wait)
        }
    }

    /// The card the facts name, if all three match one.
    func matchingCard(number: IndividualNumber, birthDate: CalendarDate, cardSerial: String, on connection: any SQLConnection) async throws -> CardRecord? {
        guard let serial = CardSerial.normalize(cardSerial),
            let residentID = try await residents.residentID(holding: number, on: connection),
            let row = try await connection.first(SQL(
                "SELECT * FROM cards WHERE serial = ? AND resident_id = ?", [.text(serial), .text(residentID)])),
            try await residents.resident(residentID, on: connection, recording: nil, by: .system("hotline"), purpose: "")
                .facts.birthDate == birthDate
        else { return nil }
        return try Self.card(from: row)
    }

    /// Seconds to wait before the hotline answers this caller again, if a limit is
    /// reached: wrong calls for this number from this source in a day, or from this
    /// source in an hour. Only answered mismatches count, so the wait is the window of
    /// the oldest of them and does not grow while the caller keeps trying.
    func hotlineWait(callerKey: [UInt8], sourceKey: [UInt8], now: Int64, on connection: any SQLConnection) async throws -> Int? {
        let day: Int64 = 86_400_000
        let hour: Int64 = 3_600_000
        for (condition, keys, window, limit) in [
            ("caller_key = ? AND source_key = ?", [callerKey, sourceKey], day, Self.hotlineFailuresPerNumberAndSourcePerDay),
            ("source_key = ?", [sourceKey], hour, Self.hotlineFailuresPerSourcePerHour),
        ] {
            let failures = try await connection.query(SQL(
                """
                SELECT occurred_at FROM hotline_calls WHERE \(condition) AND occurred_at > ? AND outcome = '\(HotlineVerdict.mismatchName)'
                ORDER BY occurred_at DESC LIMIT ?
                """, keys.map(SQLValue.blob) + [.integer(now - window), .init(limit)]))
            if failures.count >= limit, let oldest = try failures.last?.int("occurred_at") {
                return max(1, Int((Int64(oldest) + window - now + 999) / 1000))
            }
        }
        return nil
    }

    /// The lock of one source's calls, keyed by 64 bits of its keyed hash.
    static func hotlineLock(_ sourceKey: [UInt8]) -> AdvisoryLock {
        AdvisoryLock("hotline-source", key: Int64(bitPattern: sourceKey.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }))
    }
}

/// What one hotline call comes to, decided inside its transaction.
enum HotlineVerdict: Sendable {
    case suspend(CardRecord)
    case alreadySuspended
    case cardNotActive
    case mismatch
    /// Over a limit: the answer is withheld; a matching active card is still suspended.
    case withheld(wait: Int, suspending: CardRecord?)

    static let mismatchName = "mismatch"

    init(card: CardRecord?, wait: Int?) {
        if let wait {
            self = .withheld(wait: wait, suspending: card?.status == .active ? card : nil)
        } else if let card {
            self = card.status == .active ? .suspend(card) : card.status == .suspended ? .alreadySuspended : .cardNotActive
        } else {
            self = .mismatch
        }
    }

    /// The outcome as `hotline_calls` records it (and the statistics count it).
    var recorded: String {
        switch self {
        case .suspend, .withheld(_, .some): "suspended"
        case .alreadySuspended: "already-suspended"
        case .cardNotActive: "card-not-active"
        case .mismatch: Self.mismatchName
        case .withheld(_, .none): "refused-too-many"
        }
    }
}
