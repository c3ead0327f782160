import Crypto
import Foundation
import MynaCard
public import MynaCore
import MynaPKI
import MynaRegistry
import MynaStore

/// What the hotline tells a caller.
public enum HotlineOutcome: String, Sendable {
    case suspended
    /// The card was already suspended: nothing more to do, and nothing revealed.
    case alreadySuspended = "already-suspended"
}

extension CardOffice {
    /// How many calls with wrong facts one number may make in a day, and one source in an
    /// hour, before the hotline refuses to listen (every call is recorded either way).
    public static let hotlineFailuresPerNumberPerDay = 5
    public static let hotlineFailuresPerSourcePerHour = 20

    /// 一時利用停止 — the 24-hour line (domain.md §2: 0120-95-0178). It needs no sign-in;
    /// the caller proves who they are with the number, the date of birth and the card
    /// number from the card or its issuance receipt. A match revokes the card's
    /// certificates at once (keyCompromise) and suspends the card; a mismatch says only
    /// that the facts do not match, never which one. Calls are counted per number and per
    /// source, recorded, and refused with a wait once there are too many wrong ones.
    public func suspendByHotline(number: IndividualNumber, birthDate: CalendarDate, cardSerial: String, source: String) async throws -> HotlineOutcome {
        let callerKey = residents.lookupHash(number)
        let sourceKey = Array(HMAC<SHA256>.authenticationCode(for: Array(source.utf8), using: self.sourceKey))
        let now = clock.milliseconds
        if let wait = try await hotlineWait(callerKey: callerKey, sourceKey: sourceKey, now: now) {
            try await recordCall(callerKey: callerKey, sourceKey: sourceKey, outcome: "refused-too-many", at: now)
            throw CardOfficeError(.tooManyAttempts, "too many calls with facts that do not match: try again later", retryAfter: wait)
        }
        let card: CardRecord? = try await database.read { connection in
            guard let serial = CardSerial.normalize(cardSerial),
                let residentID = try await residents.residentID(holding: number, on: connection),
                let row = try await connection.first(SQL(
                    "SELECT * FROM cards WHERE serial = ? AND resident_id = ?", [.text(serial), .text(residentID)])),
                try await residents.resident(residentID, on: connection, recording: nil, by: .system("hotline"), purpose: "")
                    .facts.birthDate == birthDate
            else { return nil }
            return try Self.card(from: row)
        }
        guard let card, card.status == .active || card.status == .suspended else {
            try await recordCall(callerKey: callerKey, sourceKey: sourceKey, outcome: card == nil ? "mismatch" : "card-not-active", at: now)
            if card != nil { throw CardOfficeError(.wrongCardState, "that card is not in use: it cannot be suspended") }
            throw CardOfficeError(.factsDoNotMatch, "the number, date of birth and card number do not match a card")
        }
        if card.status == .suspended {
            try await recordCall(callerKey: callerKey, sourceKey: sourceKey, outcome: "already-suspended", at: now)
            return .alreadySuspended
        }
        _ = try await endCard(
            card.id, event: .suspend, revocation: .keyCompromise, action: .cardSuspension, reason: "suspended through the hotline",
            by: .system("hotline"), within: nil)
        try await recordCall(callerKey: callerKey, sourceKey: sourceKey, outcome: "suspended", at: clock.milliseconds)
        return .suspended
    }

    /// Seconds to wait before the hotline listens again, if the limits are reached.
    func hotlineWait(callerKey: [UInt8], sourceKey: [UInt8], now: Int64) async throws -> Int? {
        let day: Int64 = 86_400_000
        let hour: Int64 = 3_600_000
        return try await database.read { connection in
            for (column, key, window, limit) in [
                ("caller_key", callerKey, day, Self.hotlineFailuresPerNumberPerDay),
                ("source_key", sourceKey, hour, Self.hotlineFailuresPerSourcePerHour),
            ] {
                let failures = try await connection.query(SQL(
                    """
                    SELECT occurred_at FROM hotline_calls WHERE \(column) = ? AND occurred_at > ? AND outcome = 'mismatch'
                    ORDER BY occurred_at DESC LIMIT ?
                    """, [.blob(key), .integer(now - window), .init(limit)]))
                if failures.count >= limit, let oldest = try failures.last?.int("occurred_at") {
                    return max(1, Int((Int64(oldest) + window - now + 999) / 1000))
                }
            }
            return nil
        }
    }

    func recordCall(callerKey: [UInt8], sourceKey: [UInt8], outcome: String, at millis: Int64) async throws {
        _ = try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO hotline_calls (caller_key, source_key, outcome, occurred_at) VALUES (?, ?, ?, ?)",
                [.blob(callerKey), .blob(sourceKey), .text(outcome), .integer(millis)]))
        }
    }
}
