import MynaCard
import MynaDatabase
import MynaPKI

/// What a renewal wave must leave behind, counted from the office's own records and the
/// CA's ledger: the check `myna bench cards` runs after renewing every card, and an
/// operator's check of the card side after any mass operation.
public struct RenewalAudit: Sendable, Equatable {
    /// Active cards without exactly one live certificate of each kind installed.
    public let activeWithoutBothCertificates: Int
    /// Certificates ended as superseded that the ledger has not revoked.
    public let supersededNotRevoked: Int
    /// Cards whose history has no renewal event to say why their certificates changed.
    public let cardsWithoutRenewal: Int

    /// Whether every card came through: none of the above.
    public var holds: Bool { activeWithoutBothCertificates == 0 && supersededNotRevoked == 0 && cardsWithoutRenewal == 0 }
}

extension CardOffice {
    /// Counts what a renewal of every card must not leave (``RenewalAudit``).
    public func renewalAudit() async throws -> RenewalAudit {
        try await database.read { connection in
            let bare = try await connection.first(SQL("""
                SELECT COUNT(*) AS n FROM cards c WHERE c.status = '\(CardStatus.active.rawValue)' AND (SELECT COUNT(*) FROM card_certificates cc
                WHERE cc.card_id = c.id AND cc.installed_at IS NOT NULL AND cc.ended_at IS NULL) <> 2
                """))?.int("n") ?? 0
            let unrevoked = try await connection.first(SQL("""
                SELECT COUNT(*) AS n FROM card_certificates cc \(SQLCertificateLedger.join(onSerialIn: "cc.serial", as: "c", outer: false))
                WHERE cc.end_reason = 'superseded' AND c.revoked_at IS NULL
                """))?.int("n") ?? 0
            let unexplained = try await connection.first("""
                SELECT COUNT(*) AS n FROM cards c WHERE NOT EXISTS
                (SELECT 1 FROM card_events e WHERE e.card_id = c.id AND e.event = 'certificates-superseded')
                """)?.int("n") ?? 0
            return RenewalAudit(activeWithoutBothCertificates: Int(bare), supersededNotRevoked: Int(unrevoked), cardsWithoutRenewal: Int(unexplained))
        }
    }
}
