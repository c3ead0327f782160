import Crypto
public import Foundation
public import MynaCore
public import MynaLinkage
public import MynaRegistry
public import MynaDatabase
import Synchronization

/// A confirmed sign-up: the person (by Mykey ID), the provider chosen once, and the
/// confirmation number they were given.
public struct CampaignSignUp: Sendable, Hashable {
    public let campaignID: String
    public let mykeyID: String
    public let providerID: String
    public let providerName: String
    public let providerAccount: String
    public let confirmation: String
    public let channel: String
    public let signedUpAt: Date
    /// Points granted so far, in yen, by reward.
    public let granted: [Campaign.Reward.Kind: Int]

    public var totalGranted: Int { granted.values.reduce(0, +) }
}

/// A top-up, purchase or cancellation reported by a cashless provider.
public struct SpendingReport: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case topUp = "top-up", purchase, cancellation
    }

    public let campaignID: String
    /// The provider's own id for the report: the idempotency key.
    public let reportID: String
    /// The provider's account of the person (as given at sign-up).
    public let account: String
    public let kind: Kind
    public let amountYen: Int
    public let occurredAt: Date
    /// For a cancellation: the report id of the purchase or top-up it cancels.
    public let cancels: String?

    public init(campaignID: String, reportID: String, account: String, kind: Kind, amountYen: Int, occurredAt: Date, cancels: String?) throws(ServiceError) {
        guard Self.isToken(reportID), Self.isToken(account), (1...10_000_000).contains(amountYen), (kind == .cancellation) == (cancels != nil),
            cancels.map(Self.isToken) ?? true
        else {
            throw ServiceError(
                .invalidReport, "a report has a reportId and account (1–64 printable ASCII), an amount of ¥1–¥10,000,000, and cancels only when a cancellation")
        }
        (self.campaignID, self.reportID, self.account, self.kind, self.amountYen, self.occurredAt, self.cancels) =
            (campaignID, reportID, account, kind, amountYen, occurredAt, cancels)
    }

    static func isToken(_ text: String) -> Bool { (1...64).contains(text.utf8.count) && text.utf8.allSatisfy { (0x21...0x7E).contains($0) } }

    /// What makes a replay the same report: every field.
    var digest: [UInt8] {
        let fields = [campaignID, reportID, account, kind.rawValue, String(amountYen), String(Int64(occurredAt.timeIntervalSince1970 * 1000)), cancels ?? ""]
        return Array(SHA256.hash(data: Array(fields.joined(separator: "\u{1F}").utf8)))
    }
}

/// What a report earned.
public struct ReportOutcome: Sendable, Hashable {
    public let reportID: String
    /// Points granted by this report (negative for a cancellation).
    public let points: Int
    /// The person's spending points in the campaign after it.
    public let spendingPoints: Int
    /// True when this was a replay of a report already received.
    public let replayed: Bool

    public init(reportID: String, points: Int, spendingPoints: Int, replayed: Bool) {
        (self.reportID, self.points, self.spendingPoints, self.replayed) = (reportID, points, spendingPoints, replayed)
    }
}

/// A grant a provider is to credit to an account.
public struct CampaignGrant: Sendable, Hashable {
    public let id: Int64
    public let campaignID: String
    public let account: String
    public let reward: Campaign.Reward.Kind
    public let points: Int
    public let reportID: String?
    public let grantedAt: Date
}

/// Mynapoint (domain.md §6): campaigns loaded as data, sign-ups with the card (by the
/// resident, or by a clerk inside the resident's procedure), providers' reports and the
/// grants they earn, and the fixed grants for linking insurance and a public-fund account.
///
/// The budget holds under any rush: each sign-up takes a seat — the most one person can
/// be granted — from one of a few stripes of the budget, with a conditional update that
/// the database applies atomically; when every stripe is full, sign-ups close. Nobody is
/// signed up twice (the primary key), and a confirmation is given only after the commit
/// that keeps it.
public struct Mynapoint: Sendable {
    let database: any Database
    let clock: WallClock
    let mykey: MykeyPlatform
    let agencies: AgencyDirectory
    /// Where a sign-up made by staff at the counter is recorded, as every counter act is.
    let residents: ResidentRegistry
    /// Whether a person's insurance and account are linked (the linkage rewards).
    let linkages: any LinkageStatus
    let campaigns = CampaignCache()

    /// The budget is split into this many stripes, so concurrent sign-ups lock different
    /// rows and commit in parallel (PostgreSQL); SQLite has one writer whatever the stripes.
    static let stripes = 16

    public init(
        database: any Database, clock: WallClock, mykey: MykeyPlatform, agencies: AgencyDirectory, residents: ResidentRegistry, linkages: any LinkageStatus
    ) {
        (self.database, self.clock, self.mykey, self.agencies, self.residents, self.linkages) = (database, clock, mykey, agencies, residents, linkages)
    }

    // MARK: Campaigns

    /// Loads a campaign. Its definition is fixed once loaded: loading the same bytes
    /// again is a no-op, different ones under the same id are refused.
    @discardableResult
    public func load(_ bytes: [UInt8], by operator: String) async throws -> (campaign: Campaign, loaded: Bool) {
        let campaign: Campaign
        do { campaign = try JSONDecoder().decode(Campaign.self, from: Data(bytes)) } catch let error as ServiceError { throw error } catch {
            throw ServiceError(.invalidCampaign, "the campaign is not valid JSON with id, name, signUp, budgetYen and rewards")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let canonical = try encoder.encode(campaign)
        let digest = Array(SHA256.hash(data: canonical))
        let now = clock.milliseconds
        let loaded = try await database.transaction { connection -> Bool in
            if let existing = try await connection.first(SQL("SELECT digest FROM campaigns WHERE id = ?", [.text(campaign.id)])) {
                guard try existing.bytes("digest") == digest else {
                    throw ServiceError(.campaignExists, "campaign \(campaign.id) is loaded with a different definition; a campaign is never changed")
                }
                return false
            }
            try await connection.query(SQL(
                "INSERT INTO campaigns (id, name, definition, digest, seats, loaded_by, loaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(campaign.id), .text(campaign.name), .text(String(decoding: canonical, as: UTF8.self)), .blob(digest), .integer(campaign.seats),
                 .text(String(`operator`.prefix(64))), .integer(now)]))
            let stripes = Int64(min(Self.stripes, Int(campaign.seats)))
            for stripe in 0..<stripes {
                let capacity = campaign.seats / stripes + (stripe < campaign.seats % stripes ? 1 : 0)
                try await connection.query(SQL(
                    "INSERT INTO campaign_seats (campaign_id, stripe, capacity, taken) VALUES (?, ?, ?, 0)",
                    [.text(campaign.id), .integer(stripe), .integer(capacity)]))
            }
            return true
        }
        return (campaign, loaded)
    }

    public func campaign(_ id: String) async throws -> Campaign {
        if let cached = campaigns.get(id) { return cached }
        guard id.utf8.count <= 40, let row = try await database.read({ try await $0.first(SQL("SELECT definition FROM campaigns WHERE id = ?", [.text(id)])) }) else {
            throw ServiceError(.unknownCampaign, "no campaign \(id.prefix(40))")
        }
        let campaign = try JSONDecoder().decode(Campaign.self, from: Data(try row.string("definition").utf8))
        campaigns.put(campaign)
        return campaign
    }

    public func all() async throws -> [Campaign] {
        try await database.read { try await $0.query("SELECT definition FROM campaigns ORDER BY loaded_at, id") }
            .map { try JSONDecoder().decode(Campaign.self, from: Data(try $0.string("definition").utf8)) }
    }

    /// Seats taken and left, and points granted so far, with the fewest people any one
    /// reward went to (0 when none): the count a published `grantedYen` would give back,
    /// since each reward is a fixed amount (see `SmallCellSuppression.derived`).
    public func budget(of campaignID: String) async throws -> (seats: Int64, taken: Int64, grantedYen: Int64, fewestGrantees: Int) {
        let campaign = try await campaign(campaignID)
        return try await database.read { connection in
            let taken = try await connection.first(SQL("SELECT CAST(COALESCE(SUM(taken), 0) AS BIGINT) AS n FROM campaign_seats WHERE campaign_id = ?", [.text(campaignID)]))?.int("n") ?? 0
            let granted = try await connection.first(SQL("SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) AS n FROM campaign_grants WHERE campaign_id = ?", [.text(campaignID)]))?.int("n") ?? 0
            let grantees = try await connection.query(SQL(
                "SELECT count(DISTINCT mykey_id) AS n FROM campaign_grants WHERE campaign_id = ? GROUP BY reward", [.text(campaignID)])).map { Int(try $0.int("n")) }
            return (campaign.seats, Int64(taken), Int64(granted), grantees.min() ?? 0)
        }
    }

    /// The confirmation numbers of a campaign's sign-ups, as the people signed up hold
    /// them: what an audit of a rush checks against the seats taken.
    public func confirmations(in campaignID: String) async throws -> [String] {
        try await database.read { connection in
            try await connection.query(SQL("SELECT confirmation FROM campaign_signups WHERE campaign_id = ?", [.text(campaignID)]))
                .map { try $0.string("confirmation") }
        }
    }

    // MARK: Sign-up

    /// How a sign-up was made: by the resident with the card, or at the counter by a
    /// clerk inside the resident's procedure (with the resident's card there too).
    public enum Channel: Sendable, Hashable {
        case card
        case counter(staffID: String, procedureID: String)

        var label: String {
            switch self {
            case .card: "card"
            case .counter(let staff, _): "counter:staff:\(staff)"
            }
        }

        var procedureID: String? {
            if case .counter(_, let procedure) = self { procedure } else { nil }
        }
    }

    /// Signs the person up with the provider they choose — once, for good — if the
    /// window is open and a seat is left; then grants what their linkages already earn.
    @discardableResult
    public func signUp(
        _ residentID: String, to campaignID: String, provider providerID: String, account: String, via channel: Channel
    ) async throws -> CampaignSignUp {
        let campaign = try await campaign(campaignID)
        let now = clock.now
        guard campaign.signUp.contains(now) else {
            throw ServiceError(.outsideSignUpWindow, "sign-up for \(campaign.name) is open from \(campaign.signUp.from) to \(campaign.signUp.until)")
        }
        guard SpendingReport.isToken(account) else {
            throw ServiceError(.invalidProviderAccount, "the provider account is 1–64 printable ASCII characters, as the provider shows it")
        }
        guard providerID.utf8.count <= 64, let provider = try await agencies.agency(providerID), provider.type == .cashlessProvider else {
            throw ServiceError(.unknownProvider, "no registered cashless provider \(providerID.prefix(64))")
        }
        let (mykeyID, _) = try await mykey.mykeyID(for: residentID)
        let confirmation = "MP-" + CrockfordBase32.random(length: 10)
        let millis = Int64(now.timeIntervalSince1970 * 1000)
        // Each person starts at a stripe of their own, so a rush spreads over all of them.
        let firstStripe = mykeyID.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % Self.stripes
        do {
            try await database.transaction { connection in
                // The sign-up row first — its keys refuse a second one — and the seat last, so
                // a seat's row is locked only for the moment before the commit.
                do {
                    try await connection.query(SQL(
                        """
                        INSERT INTO campaign_signups (campaign_id, mykey_id, provider_id, provider_account, confirmation, channel, procedure_id,
                            spending_points, signed_up_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)
                        """,
                        [.text(campaignID), .text(mykeyID), .text(providerID), .text(account), .text(confirmation), .text(channel.label),
                         SQLValue(channel.procedureID), .integer(millis)]))
                } catch StoreError.uniqueViolation {
                    throw DuplicateSignUp()  // told apart below, outside the failed transaction
                }
                if case .counter(let staff, let procedure) = channel {
                    // Staff signing the person up see and change their record: recorded in
                    // the same commit, as every counter act is.
                    try await residents.recordAccess(
                        .mynapointSignUp, to: residentID, by: .staff(id: staff, procedureID: procedure), purpose: "マイナポイントの申込（\(campaign.name)）",
                        on: connection)
                }
                for offset in 0..<Self.stripes {
                    let taken = try await connection.query(SQL(
                        "UPDATE campaign_seats SET taken = taken + 1 WHERE campaign_id = ? AND stripe = ? AND taken < capacity RETURNING taken",
                        [.text(campaignID), .integer(Int64((firstStripe + offset) % Self.stripes))]))
                    if !taken.isEmpty { return }
                }
                throw ServiceError(.budgetReached, "\(campaign.name) has reached its budget; sign-ups are closed")
            }
        } catch is DuplicateSignUp {
            // The person is signed up already (perhaps a moment ago, racing themselves), or
            // the provider account is someone else's.
            if let mine = try await signUps(ofMykey: mykeyID, in: campaignID).first {
                throw mine.providerID == providerID
                    ? ServiceError(.alreadySignedUp, "this person is already signed up to \(campaign.name)")
                    : ServiceError(.providerCannotChange, "the provider chosen at sign-up cannot be changed")
            }
            throw ServiceError(.providerAccountTaken, "that provider account is already signed up to \(campaign.name)")
        }
        try await claimLinkageRewards(residentID, in: campaignID)
        return try await signUps(ofMykey: mykeyID, in: campaignID)[0]
    }

    /// The person's sign-ups, with what each has granted.
    public func signUps(of residentID: String) async throws -> [CampaignSignUp] {
        guard let mykeyID = try await mykey.existingID(for: residentID) else { return [] }
        return try await signUps(ofMykey: mykeyID)
    }

    /// The sign-ups of a Mykey ID — in one campaign, or in all.
    func signUps(ofMykey mykeyID: String, in campaignID: String? = nil) async throws -> [CampaignSignUp] {
        let only = campaignID.map { _ in " AND campaign_id = ?" } ?? ""
        let binds: [SQLValue] = [.text(mykeyID)] + (campaignID.map { [.text($0)] } ?? [])
        return try await database.read { connection in
            let grants = try await connection.query(SQL(
                "SELECT campaign_id, reward, CAST(SUM(points) AS BIGINT) AS points FROM campaign_grants WHERE mykey_id = ?\(only) GROUP BY campaign_id, reward",
                binds))
            var granted: [String: [Campaign.Reward.Kind: Int]] = [:]
            for row in grants {
                guard let reward = Campaign.Reward.Kind(rawValue: try row.string("reward")) else { continue }
                granted[try row.string("campaign_id"), default: [:]][reward] = Int(try row.int("points"))
            }
            return try await connection.query(SQL(
                """
                SELECT s.*, \(AgencyDirectory.name(ofAgencyIn: "s.provider_id")) AS provider_name FROM campaign_signups s
                WHERE s.mykey_id = ?\(only.replacingOccurrences(of: "campaign_id", with: "s.campaign_id")) ORDER BY s.signed_up_at
                """, binds))
                .map { row in
                    let campaign = try row.string("campaign_id")
                    return CampaignSignUp(
                        campaignID: campaign, mykeyID: mykeyID, providerID: try row.string("provider_id"), providerName: try row.string("provider_name"),
                        providerAccount: try row.string("provider_account"), confirmation: try row.string("confirmation"), channel: try row.string("channel"),
                        signedUpAt: Date(milliseconds: try row.int("signed_up_at")), granted: granted[campaign] ?? [:])
                }
        }
    }

    // MARK: Linkage rewards

    /// Grants, once each, the fixed rewards the person's linkages have earned in every
    /// campaign they joined whose sign-up window is open (or in the one named): insurance
    /// linked to the card, a public-fund account registered. Safe to call as often as wanted.
    @discardableResult
    public func claimLinkageRewards(_ residentID: String, in only: String? = nil) async throws -> [CampaignGrant] {
        guard let mykeyID = try await mykey.existingID(for: residentID) else { return [] }
        let now = clock.now
        let (insured, account, signUps) = try await database.read { connection in
            let (insured, account) = try await linkages.linked(residentID, on: connection)
            let signUps = try await connection.query(SQL("SELECT campaign_id, provider_id FROM campaign_signups WHERE mykey_id = ?", [.text(mykeyID)]))
                .map { (try $0.string("campaign_id"), try $0.string("provider_id")) }.filter { only == nil || $0.0 == only }
            return (insured, account, signUps)
        }
        guard insured || account else { return [] }
        var grants: [CampaignGrant] = []
        for (campaignID, providerID) in signUps {
            let campaign = try await campaign(campaignID)
            guard campaign.signUp.contains(now) else { continue }
            for (kind, earned) in [(Campaign.Reward.Kind.insuranceLinkage, insured), (.publicFundAccount, account)] where earned {
                guard let yen = campaign.reward(kind)?.yen else { continue }
                let key = "\(campaignID)/\(mykeyID)/\(kind.rawValue)"
                let rows = try await database.transaction { connection in
                    try await connection.query(SQL(
                        """
                        INSERT INTO campaign_grants (grant_key, campaign_id, mykey_id, provider_id, reward, points, granted_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (grant_key) DO NOTHING RETURNING id
                        """,
                        [.text(key), .text(campaignID), .text(mykeyID), .text(providerID), .text(kind.rawValue), .integer(Int64(yen)),
                         .integer(Int64(now.timeIntervalSince1970 * 1000))]))
                }
                if let id = try rows.first?.int("id") {
                    grants.append(CampaignGrant(id: Int64(id), campaignID: campaignID, account: "", reward: kind, points: yen, reportID: nil, grantedAt: now))
                }
            }
        }
        return grants
    }

    // MARK: Providers' reports

    /// Takes a provider's report of a top-up, purchase or cancellation and grants the
    /// points it earns: the campaign's share, floored to the yen, until the person's cap.
    /// A report id seen before answers as it did then (a replay), unless its content
    /// differs; a cancellation takes back what the purchase earned.
    public func report(_ report: SpendingReport, by provider: Agency) async throws -> ReportOutcome {
        guard provider.type == .cashlessProvider else { throw ServiceError(.unknownProvider, "only cashless providers report spending") }
        let campaign = try await campaign(report.campaignID)
        let now = clock.now
        let millis = Int64(now.timeIntervalSince1970 * 1000)
        let occurred = Int64(report.occurredAt.timeIntervalSince1970 * 1000)
        return try await database.transaction { connection in
            if let earlier = try await connection.first(SQL(
                "SELECT body_digest, points, campaign_id, mykey_id FROM campaign_reports WHERE provider_id = ? AND report_id = ?",
                [.text(provider.id), .text(report.reportID)]))
            {
                guard try earlier.bytes("body_digest") == report.digest else {
                    throw ServiceError(.reportIDReused, "report \(report.reportID) was received before with different content")
                }
                let total = try await connection.first(SQL(
                    "SELECT spending_points FROM campaign_signups WHERE campaign_id = ? AND mykey_id = ?",
                    [.text(try earlier.string("campaign_id")), .text(try earlier.string("mykey_id"))]))?.int("spending_points") ?? 0
                return ReportOutcome(reportID: report.reportID, points: Int(try earlier.int("points")), spendingPoints: Int(total), replayed: true)
            }
            // The person's sign-up, locked so that two reports for them add up in turn.
            guard let signUp = try await connection.first(SQL(
                "SELECT mykey_id, spending_points, signed_up_at FROM campaign_signups WHERE campaign_id = ? AND provider_id = ? AND provider_account = ?" + connection.dialect.forUpdate,
                [.text(campaign.id), .text(provider.id), .text(report.account)]))
            else { throw ServiceError(.unknownAccount, "no one signed up to \(campaign.name) with that account of this provider") }
            let mykeyID = try signUp.string("mykey_id")
            guard let reward = campaign.reward(.spending), let rate = reward.rateBasisPoints, let cap = reward.capYen, let window = campaign.spending else {
                throw ServiceError(.spendingRewardNotAvailable, "\(campaign.name) has no reward for spending")
            }
            if let earlier = reward.unlessJoined, try await connection.first(SQL(
                "SELECT mykey_id FROM campaign_signups WHERE campaign_id = ? AND mykey_id = ?", [.text(earlier), .text(mykeyID)])) != nil
            {
                throw ServiceError(.spendingRewardNotAvailable, "the spending reward is for people who did not join \(earlier)")
            }
            // Providers' times are RFC 3339, to the second: a purchase in the second of sign-up counts.
            guard window.contains(report.occurredAt), occurred >= (try signUp.int("signed_up_at")) / 1000 * 1000, occurred <= millis + 300_000 else {
                throw ServiceError(
                    .outsideSpendingWindow, "spending counts from sign-up, between \(window.from) and \(window.until), and not in the future")
            }
            let before = Int(try signUp.int("spending_points"))
            let points: Int
            switch report.kind {
            case .topUp, .purchase:
                points = min(report.amountYen * rate / 10_000, max(0, cap - before))
            case .cancellation:
                guard let original = try await connection.first(SQL(
                    "SELECT kind, amount_yen, points, campaign_id, mykey_id FROM campaign_reports WHERE provider_id = ? AND report_id = ?",
                    [.text(provider.id), .text(report.cancels ?? "")])),
                    try original.string("campaign_id") == campaign.id, try original.string("mykey_id") == mykeyID, try original.string("kind") != "cancellation"
                else { throw ServiceError(.unknownPurchase, "no purchase \(report.cancels ?? "") of this person was reported") }
                guard try original.int("amount_yen") == report.amountYen else {
                    throw ServiceError(.invalidReport, "a cancellation is of the whole amount of the purchase it cancels")
                }
                if try await connection.first(SQL(
                    "SELECT report_id FROM campaign_reports WHERE provider_id = ? AND cancels = ?", [.text(provider.id), .text(report.cancels ?? "")])) != nil
                {
                    throw ServiceError(.alreadyCancelled, "purchase \(report.cancels ?? "") is already cancelled")
                }
                points = -Int(try original.int("points"))
            }
            try await connection.query(SQL(
                """
                INSERT INTO campaign_reports (provider_id, report_id, campaign_id, mykey_id, kind, amount_yen, occurred_at, cancels, body_digest, points,
                    received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(provider.id), .text(report.reportID), .text(campaign.id), .text(mykeyID), .text(report.kind.rawValue), .integer(Int64(report.amountYen)),
                 .integer(occurred), SQLValue(report.cancels), .blob(report.digest), .integer(Int64(points)), .integer(millis)]))
            if points != 0 {
                try await connection.query(SQL(
                    "UPDATE campaign_signups SET spending_points = spending_points + ? WHERE campaign_id = ? AND mykey_id = ?",
                    [.integer(Int64(points)), .text(campaign.id), .text(mykeyID)]))
                try await connection.query(SQL(
                    """
                    INSERT INTO campaign_grants (grant_key, campaign_id, mykey_id, provider_id, reward, points, report_id, granted_at)
                    VALUES (?, ?, ?, ?, 'spending', ?, ?, ?)
                    """,
                    [.text("report/\(provider.id)/\(report.reportID)"), .text(campaign.id), .text(mykeyID), .text(provider.id), .integer(Int64(points)),
                     .text(report.reportID), .integer(millis)]))
            }
            return ReportOutcome(reportID: report.reportID, points: points, spendingPoints: before + points, replayed: false)
        }
    }

    /// The grants a provider is to credit, oldest first, after the last one it has seen.
    public func grants(for provider: Agency, after: Int64 = 0, limit: Int = 500) async throws -> [CampaignGrant] {
        // The list says which of the provider's customers signed up through Mynapoint, so
        // each person on it gets an access record by the provider, in the same transaction.
        try await database.transaction { connection in
            let rows = try await connection.query(SQL(
                """
                SELECT g.*, s.provider_account, m.resident_id FROM campaign_grants g
                JOIN campaign_signups s ON s.campaign_id = g.campaign_id AND s.mykey_id = g.mykey_id
                JOIN mykey_ids m ON m.mykey_id = g.mykey_id
                WHERE g.provider_id = ? AND g.id > ? ORDER BY g.id LIMIT ?
                """, [.text(provider.id), .integer(after), .integer(Int64(max(1, min(limit, 1000))))]))
            let people = Array(Set(try rows.map { try $0.string("resident_id") })).sorted()
            if !people.isEmpty {
                try await residents.recordAccess(
                    .readMynapointGrants, to: people, by: .agency(id: provider.id), purpose: "マイナポイントの付与の一覧（\(provider.name)）", on: connection)
            }
            return try rows.compactMap { row in
                guard let reward = Campaign.Reward.Kind(rawValue: try row.string("reward")) else { return nil }
                return CampaignGrant(
                    id: Int64(try row.int("id")), campaignID: try row.string("campaign_id"), account: try row.string("provider_account"), reward: reward,
                    points: Int(try row.int("points")), reportID: try row.optionalString("report_id"), grantedAt: Date(milliseconds: try row.int("granted_at")))
            }
        }
    }
}

private struct DuplicateSignUp: Error {}

/// Campaigns never change once loaded, so a server reads each definition once.
final class CampaignCache: Sendable {
    private let entries = Mutex<[String: Campaign]>([:])

    func get(_ id: String) -> Campaign? { entries.withLock { $0[id] } }
    func put(_ campaign: Campaign) { entries.withLock { $0[campaign.id] = campaign } }
}
