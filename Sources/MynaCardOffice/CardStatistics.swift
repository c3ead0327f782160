public import Foundation
public import MynaCard
public import MynaCore
import MynaPKI
import MynaRegistry
public import MynaDatabase

/// The card side's counts for the published statistics (MynaServices' `Statistics`), as
/// raw `(label, count)` series: the card office owns `cards`, `card_events`,
/// `card_certificates` and `hotline_calls`, so it alone groups them (issue 15). Small-cell
/// suppression is the publisher's job, not this one's.
public struct CardCounts: Sendable {
    public typealias Series = [(label: String, count: Int)]
    public let issuedByMonth: Series
    public let returnsByMonth: Series
    public let returnsByReason: Series
    public let suspensionCallsByMonth: Series
    public let suspensionCallsByOutcome: Series
    /// Live certificates on cards ending within the coming year, by month.
    public let certificatesExpiringByMonth: Series
    /// Live cards (active or suspended) whose validity ends within the coming year, by month.
    public let cardsExpiringByMonth: Series
    /// Live cards held, by the holder's municipality code.
    public let heldByMunicipality: [String: Int]
}

extension CardOffice {
    /// The counts at `now`, read inside the caller's read (one snapshot with the rest of
    /// the report).
    public static func counts(at now: Date, on connection: any SQLConnection) async throws -> CardCounts {
        let month = connection.dialect.monthInJapan(ofMilliseconds:)
        let nowMillis = Int64(now.timeIntervalSince1970 * 1000)
        let horizon = Int64((now.timeIntervalSince1970 + 366 * 86_400) * 1000)
        let today = CalendarDate(inJapanAt: now)
        let nextYear = CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 366)
        let issued = CardStatus.sqlList(\.isIssued)
        func series(_ sql: String, _ binds: [SQLValue] = []) async throws -> CardCounts.Series {
            try await connection.query(SQL(sql, binds)).map { (try $0.optionalString("label") ?? "—", Int(try $0.int("n"))) }
        }
        return CardCounts(
            issuedByMonth: try await series(
                "SELECT \(month("occurred_at")) AS label, count(*) AS n FROM card_events WHERE event = 'issue' GROUP BY 1 ORDER BY 1"),
            returnsByMonth: try await series(
                "SELECT \(month("occurred_at")) AS label, count(*) AS n FROM card_events WHERE to_status = '\(CardStatus.returned.rawValue)' GROUP BY 1 ORDER BY 1"),
            returnsByReason: try await series(
                "SELECT reason AS label, count(*) AS n FROM card_events WHERE to_status = '\(CardStatus.returned.rawValue)' GROUP BY 1 ORDER BY 2 DESC, 1"),
            suspensionCallsByMonth: try await series(
                "SELECT \(month("occurred_at")) AS label, count(*) AS n FROM hotline_calls GROUP BY 1 ORDER BY 1"),
            suspensionCallsByOutcome: try await series(
                "SELECT outcome AS label, count(*) AS n FROM hotline_calls GROUP BY 1 ORDER BY 2 DESC, 1"),
            certificatesExpiringByMonth: try await series(
                """
                SELECT \(month("not_after")) AS label, count(*) AS n FROM card_certificates
                WHERE ended_at IS NULL AND installed_at IS NOT NULL AND not_after > ? AND not_after <= ? GROUP BY 1 ORDER BY 1
                """, [.integer(nowMillis), .integer(horizon)]),
            cardsExpiringByMonth: try await series(
                """
                SELECT substr(expires_on, 1, 7) AS label, count(*) AS n FROM cards
                WHERE status IN (\(issued)) AND expires_on >= ? AND expires_on <= ? GROUP BY 1 ORDER BY 1
                """, [.text(today.description), .text(nextYear.description)]),
            heldByMunicipality: Dictionary(uniqueKeysWithValues: try await series(
                """
                SELECT \(ResidentRegistry.municipality(ofResidentIn: "c.resident_id")) AS label, count(*) AS n FROM cards c
                WHERE c.status IN (\(issued)) GROUP BY 1
                """)))
    }
}
