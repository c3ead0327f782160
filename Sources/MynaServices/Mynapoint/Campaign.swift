public import Foundation
public import MynaCore

/// A Mynapoint campaign (domain.md §6), as data: rounds differ in their windows, budget
/// and rewards, not in code. Round 1 is one spending reward (25 % back, at most ¥5,000);
/// round 2 adds ¥7,500 for linking health insurance and ¥7,500 for registering a
/// public-fund account (¥20,000 in all). `docs/examples/campaigns/` holds both rounds.
public struct Campaign: Sendable, Hashable, Codable {
    /// Inclusive calendar days in Japan.
    public struct Window: Sendable, Hashable, Codable {
        public let from: CalendarDate
        public let until: CalendarDate

        public init(from: CalendarDate, until: CalendarDate) {
            (self.from, self.until) = (from, until)
        }

        public func contains(_ instant: Date) -> Bool {
            let day = CalendarDate(inJapanAt: instant)
            return from <= day && day <= until
        }
    }

    public struct Reward: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// A share of top-ups and purchases reported by the chosen provider, up to a cap.
            case spending
            /// A fixed grant once health insurance is linked to the card (マイナ保険証の利用登録).
            case insuranceLinkage = "insurance-linkage"
            /// A fixed grant once a public-fund account is registered (公金受取口座の登録).
            case publicFundAccount = "public-fund-account"
        }

        public let kind: Kind
        /// For spending: the share, in basis points (2500 = 25 %), and the cap in yen.
        public let rateBasisPoints: Int?
        public let capYen: Int?
        /// For the fixed grants: the amount in yen.
        public let yen: Int?
        /// For spending: not for people who joined this earlier campaign (round 2's
        /// ¥5,000 was for holders who had not used round 1).
        public let unlessJoined: String?

        public init(kind: Kind, rateBasisPoints: Int? = nil, capYen: Int? = nil, yen: Int? = nil, unlessJoined: String? = nil) {
            (self.kind, self.rateBasisPoints, self.capYen, self.yen, self.unlessJoined) = (kind, rateBasisPoints, capYen, yen, unlessJoined)
        }

        /// The most this reward can grant one person.
        public var maximumYen: Int { kind == .spending ? capYen ?? 0 : yen ?? 0 }
    }

    public let id: String
    public let name: String
    public let signUp: Window
    /// When top-ups and purchases count (required with a spending reward).
    public let spending: Window?
    /// The campaign's budget for points, in yen.
    public let budgetYen: Int64
    public let rewards: [Reward]

    public init(id: String, name: String, signUp: Window, spending: Window?, budgetYen: Int64, rewards: [Reward]) throws(ServiceError) {
        (self.id, self.name, self.signUp, self.spending, self.budgetYen, self.rewards) = (id, name, signUp, spending, budgetYen, rewards)
        try validate()
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            id: try container.decode(String.self, forKey: .id), name: try container.decode(String.self, forKey: .name),
            signUp: try container.decode(Window.self, forKey: .signUp), spending: try container.decodeIfPresent(Window.self, forKey: .spending),
            budgetYen: try container.decode(Int64.self, forKey: .budgetYen), rewards: try container.decode([Reward].self, forKey: .rewards))
    }

    /// The most one person can be granted: the sum of the rewards' maxima. A sign-up
    /// takes a seat of this size from the budget.
    public var maximumPerPersonYen: Int { rewards.reduce(0) { $0 + $1.maximumYen } }

    /// How many people the budget admits, first come first served.
    public var seats: Int64 { budgetYen / Int64(max(1, maximumPerPersonYen)) }

    public func reward(_ kind: Reward.Kind) -> Reward? { rewards.first { $0.kind == kind } }

    private func validate() throws(ServiceError) {
        func fail(_ why: String) -> ServiceError { ServiceError(.invalidCampaign, why) }
        guard (1...40).contains(id.utf8.count), id.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }) else {
            throw fail("a campaign id is 1–40 lower-case letters, digits and hyphens")
        }
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.count <= 100 else { throw fail("a campaign has a name of at most 100 characters") }
        guard signUp.from <= signUp.until else { throw fail("the sign-up window ends before it starts") }
        guard !rewards.isEmpty, Set(rewards.map(\.kind)).count == rewards.count else { throw fail("a campaign has at least one reward, each kind once") }
        for reward in rewards {
            switch reward.kind {
            case .spending:
                guard let rate = reward.rateBasisPoints, (1...10_000).contains(rate), let cap = reward.capYen, (1...1_000_000).contains(cap), reward.yen == nil else {
                    throw fail("a spending reward has rateBasisPoints (1–10000) and capYen (1–1,000,000)")
                }
                guard let spending, spending.from <= spending.until else { throw fail("a spending reward needs a spending window") }
            case .insuranceLinkage, .publicFundAccount:
                guard let yen = reward.yen, (1...1_000_000).contains(yen), reward.rateBasisPoints == nil, reward.capYen == nil, reward.unlessJoined == nil else {
                    throw fail("a \(reward.kind.rawValue) reward is a fixed yen amount (1–1,000,000)")
                }
            }
        }
        guard budgetYen >= Int64(maximumPerPersonYen), budgetYen <= 10_000_000_000_000 else {
            throw fail("the budget must admit at least one person and be at most ¥10 trillion")
        }
    }
}
