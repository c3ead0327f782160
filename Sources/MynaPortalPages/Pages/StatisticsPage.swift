/// The public statistics (`/stats`): the same report as `GET /v1/stats`, counts only, with
/// counts of 1 to 9 shown as "<10" in the charts and the tables alike, and amounts that
/// would give such a count back withheld. Anyone may read it; there is no sign-in.
///
/// The charts are SVG that the server drew (MynaCharts) in the page's language, titled
/// with ``Chart/title(in:)``; they come in as ``TrustedMarkup``. Every other value is
/// text, escaped like on any page.
public struct StatisticsPage: PortalPage {
    public static let templateName = "pages/statistics"

    /// The charts on the page, each with a title and a unit from the string catalog.
    public enum Chart: String, Sendable, Hashable, CaseIterable {
        case cardsIssued = "cards_issued"
        case returns
        case returnReasons = "return_reasons"
        case mykeyIDs = "mykey_ids"
        /// A campaign's budget gauge: the title follows the campaign's name.
        case budget
        case suspensionCalls = "suspension_calls"
        case callOutcomes = "call_outcomes"
        case certificatesExpiring = "certificates_expiring"
        case cardsExpiring = "cards_expiring"
        case kioskCertificates = "kiosk_certificates"
        case eligibilityChecks = "eligibility_checks"

        var titleKey: String { "stats_chart_\(rawValue)" }
        var unitKey: String { "stats_unit_\(rawValue)" }

        public func title(in language: PortalLanguage) -> String { Self.text(titleKey, language) }
        public func unit(in language: PortalLanguage) -> String { Self.text(unitKey, language) }

        /// Both keys are in both tables (`MynaPortalPagesTests` checks it).
        private static func text(_ key: String, _ language: PortalLanguage) -> String {
            PortalStrings.table(for: language)[key] ?? key
        }
    }

    public struct Municipality: Sendable, Hashable {
        public var name: String
        public var residents: String
        public var cardsHeld: String
        /// The holding rate, `71.4%`, or `—` where it would give a small count away.
        public var rate: String

        public init(name: String, residents: String, cardsHeld: String, rate: String) {
            (self.name, self.residents, self.cardsHeld, self.rate) = (name, residents, cardsHeld, rate)
        }
    }

    public struct Campaign: Sendable, Hashable {
        public var name: String
        /// The budget gauge; `nil` where the share used would give a small count away.
        public var budget: TrustedMarkup?
        public var signUps: String
        /// Points granted in yen; `nil` when withheld.
        public var granted: String?

        public init(name: String, budget: TrustedMarkup?, signUps: String, granted: String?) {
            (self.name, self.budget, self.signUps, self.granted) = (name, budget, signUps, granted)
        }
    }

    /// When the report was computed, as ISO 8601.
    public var generatedAt: String
    public var cardsIssued: TrustedMarkup
    public var municipalities: [Municipality]
    public var returns: TrustedMarkup
    public var returnReasons: TrustedMarkup
    public var mykeyTotal: String
    public var mykeyIDs: TrustedMarkup
    public var campaigns: [Campaign]
    public var suspensionCalls: TrustedMarkup
    public var callOutcomes: TrustedMarkup
    public var certificatesExpiring: TrustedMarkup
    public var cardsExpiring: TrustedMarkup
    public var kioskCertificates: TrustedMarkup
    /// Kiosk fees in yen; `nil` when withheld.
    public var kioskFees: String?
    public var eligibilityChecks: TrustedMarkup

    public var title: PortalText { .key("stats_title") }

    public init(
        generatedAt: String, cardsIssued: TrustedMarkup, municipalities: [Municipality], returns: TrustedMarkup, returnReasons: TrustedMarkup,
        mykeyTotal: String, mykeyIDs: TrustedMarkup, campaigns: [Campaign], suspensionCalls: TrustedMarkup, callOutcomes: TrustedMarkup,
        certificatesExpiring: TrustedMarkup, cardsExpiring: TrustedMarkup, kioskCertificates: TrustedMarkup, kioskFees: String?,
        eligibilityChecks: TrustedMarkup
    ) {
        (self.generatedAt, self.cardsIssued, self.municipalities, self.returns, self.returnReasons) =
            (generatedAt, cardsIssued, municipalities, returns, returnReasons)
        (self.mykeyTotal, self.mykeyIDs, self.campaigns, self.suspensionCalls, self.callOutcomes) =
            (mykeyTotal, mykeyIDs, campaigns, suspensionCalls, callOutcomes)
        (self.certificatesExpiring, self.cardsExpiring, self.kioskCertificates, self.kioskFees, self.eligibilityChecks) =
            (certificatesExpiring, cardsExpiring, kioskCertificates, kioskFees, eligibilityChecks)
    }
}
