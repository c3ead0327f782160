public import Foundation
public import MynaCore
public import MynaDatabase
import MynaCardOffice
import MynaRegistry
public import MynaCharts

/// A count as published: the number, or "<10". Statistics are counts only, and a count of
/// 1 to 9 is never shown, so nobody can be singled out (MynaCharts' `SmallCellSuppression`,
/// the usual small-cell rule of official statistics); 0 names nobody and is shown.
public struct PublishedCount: Sendable, Hashable, Encodable {
    public let value: ChartValue

    public init(_ count: Int) { value = SmallCellSuppression.apply(count) }
    init(_ value: ChartValue) { self.value = value }

    public var count: Int? {
        if case .count(let count) = value { count } else { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .count(let count): try container.encode(count)
        case .suppressed: try container.encode("<10")
        }
    }
}

/// One labelled cell of a table: a month, a municipality, a reason…
public struct StatisticCell: Sendable, Hashable, Encodable {
    public let label: String
    public let count: PublishedCount
}

/// A series of cells with its total (itself a published count).
public struct StatisticSeries: Sendable, Hashable, Encodable {
    public let name: String
    public let cells: [StatisticCell]
    public let total: PublishedCount

    init(name: String, _ raw: [(label: String, count: Int)]) {
        // The total is published too, so a lone suppressed cell takes a partner with it.
        let published = SmallCellSuppression.suppressComplementary(raw.map(\.count)).map(PublishedCount.init)
        self.name = name
        cells = zip(raw, published).map { StatisticCell(label: $0.label, count: $1) }
        total = PublishedCount(raw.reduce(0) { $0 + $1.count })
    }
}

/// The operators' statistics (`GET /v1/stats`, `/stats`): counts only, never a person.
public struct StatisticsReport: Sendable, Hashable, Encodable {
    public struct Municipality: Sendable, Hashable, Encodable {
        public let code: String
        public let name: String
        public let residents: PublishedCount
        public let cardsHeld: PublishedCount
        /// Cards held per registered resident, in percent with one decimal; absent when
        /// either count is suppressed.
        public let holdingRatePercent: Double?
    }

    /// A campaign's figures. Its budget and seats are its published rules; what was taken
    /// and granted is counted in people, so those figures are withheld (absent) whenever the
    /// count of people behind them is 1 to 9 (`SmallCellSuppression.derived`).
    public struct CampaignUse: Sendable, Hashable, Encodable {
        public let id: String
        public let name: String
        public let budgetYen: Int64
        public let seats: Int64
        public let signUps: PublishedCount
        /// Points granted, in yen; absent while any reward was granted to 1 to 9 people
        /// (a reward's fixed amount would divide them back out).
        public let grantedYen: Int64?
        /// Seats taken × the per-person maximum, of the budget; absent while 1 to 9 seats are taken.
        public let budgetUsedPercent: Double?
    }

    public let generatedAt: Date
    /// Cards issued, by month of issue (Japan time).
    public let cardsIssuedByMonth: StatisticSeries
    public let municipalities: [Municipality]
    /// Voluntary returns (自主返納), by month and by the reason given.
    public let returnsByMonth: StatisticSeries
    public let returnsByReason: StatisticSeries
    public let mykeyIDs: PublishedCount
    public let mykeyIDsByMonth: StatisticSeries
    public let campaigns: [CampaignUse]
    /// Calls to the suspension hotline (一時利用停止), by month and by outcome.
    public let suspensionCallsByMonth: StatisticSeries
    public let suspensionCallsByOutcome: StatisticSeries
    /// The renewal queue: live certificates by the month they expire, the next 12 months
    /// (a cohort to plan for — the 2019 outage came with the first renewal cohort).
    public let certificatesExpiringByMonth: StatisticSeries
    public let cardsExpiringByMonth: StatisticSeries
    public let kioskCertificatesByMonth: StatisticSeries
    /// Fees collected; absent while 1 to 9 certificates were printed, since the total
    /// divided by the fee is their number.
    public let kioskFeesYen: Int64?
    public let eligibilityChecksByMethod: StatisticSeries
}

/// Computes the report from the database, grouping in SQL.
public struct Statistics: Sendable {
    let database: any Database
    let clock: WallClock

    public init(database: any Database, clock: WallClock) {
        (self.database, self.clock) = (database, clock)
    }

    public func report() async throws -> StatisticsReport {
        let now = clock.now
        return try await database.read { connection in
            let month = connection.dialect.monthInJapan(ofMilliseconds:)
            func series(_ name: String, _ sql: String, _ binds: [SQLValue] = []) async throws -> StatisticSeries {
                StatisticSeries(
                    name: name, try await connection.query(SQL(sql, binds)).map { (try $0.optionalString("label") ?? "—", Int(try $0.int("n"))) })
            }
            // Each owner counts its own tables; this module publishes them.
            let cards = try await CardOffice.counts(at: now, on: connection)
            let issued = StatisticSeries(name: "cards-issued", cards.issuedByMonth)
            let returnsByMonth = StatisticSeries(name: "returns", cards.returnsByMonth)
            let returnsByReason = StatisticSeries(name: "returns-by-reason", cards.returnsByReason)
            let mykeyByMonth = try await series(
                "mykey-ids", "SELECT \(month("created_at")) AS label, count(*) AS n FROM mykey_ids GROUP BY 1 ORDER BY 1")
            let mykeyTotal = Int(try await connection.first("SELECT count(*) AS n FROM mykey_ids")?.int("n") ?? 0)
            let callsByMonth = StatisticSeries(name: "suspension-calls", cards.suspensionCallsByMonth)
            let callsByOutcome = StatisticSeries(name: "suspension-calls-by-outcome", cards.suspensionCallsByOutcome)
            let certificatesExpiring = StatisticSeries(name: "certificates-expiring", cards.certificatesExpiringByMonth)
            let cardsExpiring = StatisticSeries(name: "cards-expiring", cards.cardsExpiringByMonth)
            let kiosk = try await series(
                "kiosk-certificates", "SELECT \(month("issued_at")) AS label, count(*) AS n FROM kiosk_certificates GROUP BY 1 ORDER BY 1")
            let printed = try await connection.first("SELECT CAST(COALESCE(SUM(fee_yen), 0) AS BIGINT) AS fees, count(*) AS n FROM kiosk_certificates")
            let fees = SmallCellSuppression.derived(Int64(try printed?.int("fees") ?? 0), from: Int(try printed?.int("n") ?? 0))
            let eligibility = try await series(
                "eligibility-checks", "SELECT method AS label, count(*) AS n FROM eligibility_checks GROUP BY 1 ORDER BY 1")
            let residents = try await ResidentRegistry.registeredByMunicipality(on: connection)
            let held = cards.heldByMunicipality
            let municipalities = residents.map { (code, residents) in
                let cards = held[code] ?? 0
                let (publishedResidents, publishedCards) = (PublishedCount(residents), PublishedCount(cards))
                let rate = publishedResidents.count != nil && publishedCards.count != nil && residents > 0 ? Self.percent(Double(cards), Double(residents)) : nil
                let name = (try? MunicipalityCode(code)).flatMap(MunicipalityDirectory.named).map { $0.prefecture + $0.name } ?? code
                return StatisticsReport.Municipality(code: code, name: name, residents: publishedResidents, cardsHeld: publishedCards, holdingRatePercent: rate)
            }
            // People per reward of each campaign: the smallest group decides whether its yen show.
            var fewestGrantees: [String: Int] = [:]
            for row in try await connection.query(
                "SELECT campaign_id, count(DISTINCT mykey_id) AS n FROM campaign_grants GROUP BY campaign_id, reward")
            {
                let (campaign, people) = (try row.string("campaign_id"), Int(try row.int("n")))
                fewestGrantees[campaign] = min(fewestGrantees[campaign] ?? people, people)
            }
            let campaigns = try await connection.query(
                """
                SELECT c.id, c.name, c.definition, c.seats,
                    (SELECT CAST(COALESCE(SUM(taken), 0) AS BIGINT) FROM campaign_seats s WHERE s.campaign_id = c.id) AS taken,
                    (SELECT count(*) FROM campaign_signups s WHERE s.campaign_id = c.id) AS sign_ups,
                    (SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM campaign_grants g WHERE g.campaign_id = c.id) AS granted
                FROM campaigns c ORDER BY c.loaded_at, c.id
                """).map { row in
                let campaign = try JSONDecoder().decode(Campaign.self, from: Data(try row.string("definition").utf8))
                let taken = try row.int("taken")
                return StatisticsReport.CampaignUse(
                    id: campaign.id, name: campaign.name, budgetYen: campaign.budgetYen, seats: Int64(try row.int("seats")),
                    signUps: PublishedCount(Int(try row.int("sign_ups"))),
                    grantedYen: SmallCellSuppression.derived(Int64(try row.int("granted")), from: fewestGrantees[campaign.id] ?? 0),
                    budgetUsedPercent: SmallCellSuppression.derived(
                        Self.percent(Double(taken) * Double(campaign.maximumPerPersonYen), Double(campaign.budgetYen)), from: Int(taken)))
            }
            return StatisticsReport(
                generatedAt: now, cardsIssuedByMonth: issued, municipalities: municipalities, returnsByMonth: returnsByMonth, returnsByReason: returnsByReason,
                mykeyIDs: PublishedCount(mykeyTotal), mykeyIDsByMonth: mykeyByMonth, campaigns: campaigns, suspensionCallsByMonth: callsByMonth,
                suspensionCallsByOutcome: callsByOutcome, certificatesExpiringByMonth: certificatesExpiring, cardsExpiringByMonth: cardsExpiring,
                kioskCertificatesByMonth: kiosk, kioskFeesYen: fees, eligibilityChecksByMethod: eligibility)
        }
    }

    static func percent(_ part: Double, _ whole: Double) -> Double { whole > 0 ? (part / whole * 1000).rounded() / 10 : 0 }
}
