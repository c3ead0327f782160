import Foundation
import MynaCard
import MynaCore
import MynaPKI
import MynaRegistry
import MynaDatabase

/// What one sweep did.
public struct SweepReport: Sendable, Hashable {
    /// Signature certificates revoked because the facts they carry changed.
    public var factsRevoked = 0
    /// Certificates of deceased holders revoked, and their cards abolished.
    public var deceasedRevoked = 0
    /// Planned certificates never installed (a crash mid-issuance), revoked.
    public var abandonedRevoked = 0
    /// Older duplicates left live by an interrupted renewal, revoked as superseded.
    public var duplicatesRevoked = 0
    /// Certificates revoked in the ledger that the card records still showed live.
    public var recordsEnded = 0
    /// Cards past their expiry date, marked expired.
    public var cardsExpired = 0

    /// Whether the sweep found nothing to do.
    public var isEmpty: Bool { self == SweepReport() }
}

extension CardOffice {
    /// How long a planned certificate may wait for installation before the sweep takes
    /// it for abandoned.
    public static let abandonAfter: Int64 = 10 * 60 * 1000

    /// After a change to a person's record: a signature certificate whose facts no longer
    /// match is revoked (affiliationChanged, domain.md §2: "revoked automatically when any
    /// basic-4 attribute changes"); a death revokes every certificate and abolishes the
    /// card. Called by the counter right after the change, and by the sweep for every
    /// record changed since it last ran, so a crash in between loses nothing.
    @discardableResult
    public func followRecord(of residentID: String) async throws -> SweepReport {
        var report = SweepReport()
        let actor = RegistryActor.system("card-office")
        let (resident, live) = try await database.read { connection in
            let resident = try await residents.resident(residentID, on: connection, recording: nil, by: actor, purpose: "")
            let live = try await connection.query(SQL(
                """
                SELECT serial, card_id, kind, facts_digest, not_after FROM card_certificates
                WHERE resident_id = ? AND installed_at IS NOT NULL AND ended_at IS NULL
                """, [.text(residentID)]))
            return (resident, try live.map { (certificate: try LiveCertificate(row: $0), card: try $0.string("card_id"), digest: try? $0.bytes("facts_digest")) })
        }
        if case .deceased = resident.status {
            let cards = try await self.cards(of: residentID).filter(\.status.isLive)
            for card in cards {
                _ = try await endCard(
                    card.id, event: .holderDeceased, revocation: .cessationOfOperation, action: .cardCertificatesRevoked,
                    reason: "the holder died", by: actor, within: nil)
                report.deceasedRevoked += live.filter { $0.card == card.id }.count
            }
            return report
        }
        let digest = CertificatePlan.factsDigest(resident.facts)
        let stale = live.filter { $0.certificate.kind == .signature && $0.digest != digest }
        for (card, group) in Dictionary(grouping: stale, by: \.card) {
            try await end([card: group.map(\.certificate)], reason: .affiliationChanged, by: actor, event: "signature-certificate-revoked")
            try await database.transaction { connection in
                try await residents.recordAccess(
                    .cardCertificatesRevoked, to: residentID, by: actor, purpose: "a basic fact changed: the signature certificate no longer matches",
                    on: connection)
            }
            report.factsRevoked += group.count
        }
        return report
    }

    /// Brings card records and the ledger level and applies what time decides: follows
    /// every record changed since the last sweep, revokes abandoned plans and duplicates,
    /// ends records of certificates already revoked, expires cards. Safe to run at any
    /// time and more than once; the server runs it at start and on a schedule.
    public func sweep() async throws -> SweepReport {
        var report = SweepReport()
        let now = clock.milliseconds
        // 1. Records changed since the last sweep (with a margin for clock skew between
        // servers writing the same database).
        let mark = try await database.read { connection in
            try await connection.first("SELECT mark FROM sweep_marks WHERE name = 'card-facts'")?.int("mark")
        } ?? 0
        var since = Int64(max(0, mark - 60_000))
        while true {
            let changed = try await residents.changed(since: since, limit: 1000)
            for (id, _) in changed where try await hasLiveCertificates(id) {
                let followed = try await followRecord(of: id)
                report.factsRevoked += followed.factsRevoked
                report.deceasedRevoked += followed.deceasedRevoked
            }
            guard changed.count == 1000, let last = changed.last?.updatedAt, last > since else { break }
            since = last
        }
        _ = try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO sweep_marks (name, mark) VALUES ('card-facts', ?) ON CONFLICT (name) DO UPDATE SET mark = excluded.mark",
                [.integer(now)]))
        }
        // 2. Live rows against the ledger.
        let rows = try await database.read { connection in
            try await connection.query(SQL(
                """
                SELECT cc.serial, cc.card_id, cc.kind, cc.not_after, cc.planned_at, cc.installed_at, c.revoked_at, c.revocation_reason
                FROM card_certificates cc \(SQLCertificateLedger.join(onSerialIn: "cc.serial", as: "c", outer: true)) WHERE cc.ended_at IS NULL
                """))
        }
        var abandoned: [LiveCertificate] = []
        var revokedElsewhere: [(serial: [UInt8], reason: String)] = []
        var installed: [String: [(certificate: LiveCertificate, installedAt: Int)]] = [:]
        for row in rows {
            let certificate = try LiveCertificate(row: row)
            if try row.optionalInt("revoked_at") != nil {
                let reason = RevocationReason(rawValue: try row.optionalInt("revocation_reason") ?? 0) ?? .unspecified
                revokedElsewhere.append((certificate.serial, reason.name))
            } else if let installedAt = try row.optionalInt("installed_at") {
                installed[try row.string("card_id") + "/" + certificate.kind.rawValue, default: []].append((certificate, installedAt))
            } else if Int64(try row.int("planned_at")) < now - Self.abandonAfter {
                abandoned.append(certificate)
            }
        }
        let duplicates = installed.values.filter { $0.count > 1 }.flatMap { group in
            group.sorted { $0.installedAt < $1.installedAt }.dropLast().map(\.certificate)
        }
        try await revokeAndEnd(abandoned, reason: .cessationOfOperation, recordedAs: "abandoned", at: now)
        try await revokeAndEnd(duplicates, reason: .superseded, recordedAs: RevocationReason.superseded.name, at: now)
        report.abandonedRevoked = abandoned.count
        report.duplicatesRevoked = duplicates.count
        let ended = revokedElsewhere
        if !ended.isEmpty {
            try await database.transaction { connection in
                for item in ended {
                    try await CertificatePlan.end([item.serial], reason: item.reason, at: now, on: connection)
                }
            }
            report.recordsEnded = ended.count
        }
        report.cardsExpired = try await expireCards()
        return report
    }

    /// Cards whose expiry date has passed become expired; their certificates ended with
    /// them (a certificate never outlives its card), so nothing is revoked.
    func expireCards() async throws -> Int {
        let today = clock.today
        let due = try await database.read { connection in
            try await connection.query(SQL(
                "SELECT * FROM cards WHERE status IN (\(CardStatus.sqlList(\.isIssued))) AND expires_on < ?", [.text(today.description)]))
                .map(Self.card(from:))
        }
        let millis = clock.milliseconds
        for card in due {
            try await database.transaction { connection in
                let live = try await Self.liveCertificates(of: card.id, on: connection)
                try await CertificatePlan.end(live.map(\.serial), reason: "expired", at: millis, on: connection)
                _ = try await Self.step(
                    try await Self.card(card.id, on: connection), event: .expire, by: .system("card-office"), reason: "validity ended",
                    certificates: [], at: millis, on: connection)
            }
        }
        return due.count
    }

    /// Revokes certificates, then records on their cards that they ended.
    func revokeAndEnd(_ certificates: [LiveCertificate], reason: RevocationReason, recordedAs name: String, at millis: Int64) async throws {
        guard !certificates.isEmpty else { return }
        try await revoke(certificates.map { ($0.serial, $0.kind) }, reason: reason)
        try await database.transaction { connection in
            try await CertificatePlan.end(certificates.map(\.serial), reason: name, at: millis, on: connection)
        }
    }

    func hasLiveCertificates(_ residentID: String) async throws -> Bool {
        try await database.read { connection in
            try await connection.first(SQL(
                "SELECT serial FROM card_certificates WHERE resident_id = ? AND ended_at IS NULL LIMIT 1", [.text(residentID)])) != nil
        }
    }
}
