/// The resident's Mykey ID, the municipal cards attached to it, and their Mynapoint
/// sign-ups with what each has granted — read-only: the ID is made and campaigns joined
/// with the card (`myna card mykey`, `myna mynapoint sign-up`), not from a browser.
public struct PointsPage: PortalPage {
    public static let templateName = "pages/points"

    public struct MunicipalCard: Sendable, Hashable {
        public var kind: String
        public var municipality: String
        public var number: String
        public var attachedAt: String

        public init(kind: String, municipality: String, number: String, attachedAt: String) {
            (self.kind, self.municipality, self.number, self.attachedAt) = (kind, municipality, number, attachedAt)
        }
    }

    public struct Grant: Sendable, Hashable {
        public var reward: String
        public var points: String

        public init(reward: String, points: String) { (self.reward, self.points) = (reward, points) }
    }

    public struct SignUp: Sendable, Hashable {
        public var campaign: String
        public var provider: String
        public var account: String
        public var confirmation: String
        public var signedUpAt: String
        /// How the sign-up was made: with the card, or at the counter.
        public var channel: String
        public var grants: [Grant]
        public var total: String

        public init(campaign: String, provider: String, account: String, confirmation: String, signedUpAt: String, channel: String, grants: [Grant], total: String) {
            (self.campaign, self.provider, self.account, self.confirmation, self.signedUpAt, self.channel, self.grants, self.total) =
                (campaign, provider, account, confirmation, signedUpAt, channel, grants, total)
        }
    }

    public var mykeyID: String?
    public var cards: [MunicipalCard]
    public var signUps: [SignUp]

    public var title: PortalText { .key("points_title") }

    public init(mykeyID: String?, cards: [MunicipalCard], signUps: [SignUp]) {
        (self.mykeyID, self.cards, self.signUps) = (mykeyID, cards, signUps)
    }
}
