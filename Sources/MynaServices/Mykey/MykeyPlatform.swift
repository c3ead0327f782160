public import Foundation
public import MynaCore
public import MynaDatabase

/// A municipal card attached to a Mykey ID (図書館カード, ボランティア参加カード …).
public struct MunicipalCard: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case library
        case volunteer
    }

    public let kind: Kind
    public let municipality: MunicipalityCode
    /// The card's number as the municipality issued it.
    public let number: String
    public let attachedAt: Date
}

/// The Mykey platform (マイキープラットフォーム, domain.md §6): a Mykey ID — eight
/// characters, one per person — that municipal services key their cards and points to,
/// because the individual number may not be used for them.
///
/// The real platform keys the Mykey ID to the authentication certificate's serial, so a
/// renewed or reissued card orphans it (domain.md §8). Myna binds it to the person (the
/// register's internal id): any current card of the person proves it, a new card finds
/// the same ID, and no serial is ever stored here or shown.
public struct MykeyPlatform: Sendable {
    let database: any Database
    let clock: WallClock

    public init(database: any Database, clock: WallClock) {
        self.database = database
        self.clock = clock
    }

    /// The person's Mykey ID, made on first use (the card's holder, proven by the caller).
    public func mykeyID(for residentID: String) async throws -> (id: String, created: Bool) {
        // Read first: nearly every call finds the ID, and a read takes no writer's lock.
        if let existing = try await existingID(for: residentID) { return (existing, false) }
        for _ in 0..<8 {
            let candidate = Self.newID()
            let outcome = try await database.transaction { connection -> (String, Bool)? in
                if let existing = try await connection.first(SQL("SELECT mykey_id FROM mykey_ids WHERE resident_id = ?", [.text(residentID)])) {
                    return (try existing.string("mykey_id"), false)
                }
                do {
                    try await connection.query(SQL(
                        "INSERT INTO mykey_ids (resident_id, mykey_id, created_at) VALUES (?, ?, ?)",
                        [.text(residentID), .text(candidate), .integer(clock.milliseconds)]))
                } catch StoreError.uniqueViolation {
                    return nil  // 40 bits drew one already taken: draw again
                }
                return (candidate, true)
            }
            if let outcome { return (id: outcome.0, created: outcome.1) }
        }
        throw StoreError.uniqueViolation
    }

    /// Attaches a municipal card to the person's Mykey ID (replacing one of the same kind
    /// and municipality).
    public func attach(_ kind: MunicipalCard.Kind, municipality: MunicipalityCode, number: String, for residentID: String) async throws -> MunicipalCard {
        let trimmed = JapaneseText.foldWidth(number).trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty, trimmed.count <= 32, trimmed.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw ServiceError(.invalidMunicipalCard, "a card number is 1–32 letters, digits or hyphens")
        }
        let (id, _) = try await mykeyID(for: residentID)
        let now = clock.milliseconds
        try await database.transaction { connection in
            try await connection.query(SQL(
                "DELETE FROM mykey_cards WHERE mykey_id = ? AND kind = ? AND municipality_code = ?",
                [.text(id), .text(kind.rawValue), .text(municipality.digits)]))
            try await connection.query(SQL(
                "INSERT INTO mykey_cards (mykey_id, kind, municipality_code, number, attached_at) VALUES (?, ?, ?, ?, ?)",
                [.text(id), .text(kind.rawValue), .text(municipality.digits), .text(trimmed), .integer(now)]))
        }
        return MunicipalCard(kind: kind, municipality: municipality, number: trimmed, attachedAt: Date(milliseconds: now))
    }

    public func cards(of mykeyID: String) async throws -> [MunicipalCard] {
        try await database.read { connection in
            try await connection.query(SQL("SELECT * FROM mykey_cards WHERE mykey_id = ? ORDER BY kind, municipality_code", [.text(mykeyID)]))
                .compactMap { row in
                    guard let kind = MunicipalCard.Kind(rawValue: try row.string("kind")) else { return nil }
                    return MunicipalCard(
                        kind: kind, municipality: try MunicipalityCode(try row.string("municipality_code")), number: try row.string("number"),
                        attachedAt: Date(milliseconds: try row.int("attached_at")))
                }
        }
    }

    /// Eight characters of Crockford base-32 (40 random bits): read aloud and typed
    /// without confusing O and 0, I and 1.
    static func newID() -> String { CrockfordBase32.random(length: 8) }
}

extension MykeyPlatform {
    /// The person's Mykey ID if they have made one.
    public func existingID(for residentID: String) async throws -> String? {
        try await database.read { connection in
            try await connection.first(SQL("SELECT mykey_id FROM mykey_ids WHERE resident_id = ?", [.text(residentID)]))?.string("mykey_id")
        }
    }
}
