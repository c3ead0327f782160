import Metrics

/// Counters an operator watches on `/metrics` next to Hummingbird's request metrics: a
/// wave of failed sign-ins is an attack or a broken authenticator clock; a surge of
/// registrations or procedures is the kind of rush domain.md §8 says to plan for.
enum RegistryMetrics {
    static func signIn(_ outcome: String) {
        Counter(label: "myna_staff_sign_ins_total", dimensions: [("outcome", outcome)]).increment()
    }

    static let residentsRegistered = Counter(label: "myna_residents_registered_total")
    static let proceduresOpened = Counter(label: "myna_procedures_opened_total")
    static let numbersDisclosed = Counter(label: "myna_numbers_disclosed_total")
    static let numbersChanged = Counter(label: "myna_numbers_changed_total")
    static let cardsIssued = Counter(label: "myna_cards_issued_total")
    static let hotlineSuspensions = Counter(label: "myna_hotline_suspensions_total")

    /// Brokered exchanges by outcome: `provided`, or the refusal's code.
    static func linkageExchange(_ outcome: String) {
        Counter(label: "myna_linkage_exchanges_total", dimensions: [("outcome", outcome)]).increment()
    }

    static func portalSignIn(_ outcome: String) {
        Counter(label: "myna_portal_sign_ins_total", dimensions: [("outcome", outcome)]).increment()
    }

    static func noticePush(_ outcome: String, count: Int) {
        Counter(label: "myna_linkage_notices_pushed_total", dimensions: [("outcome", outcome)]).increment(by: count)
    }
}
