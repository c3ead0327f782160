public import MynaCore

/// Where a card is in its life (domain.md §2, Lifecycle). Every change is a step of
/// ``CardLifecycle/apply(_:to:)``, which refuses a step from the wrong state with a
/// reason instead of guessing.
public enum CardStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// 申請 — applied for; the card is being made.
    case applied
    /// 交付済 — handed over in person at the counter; certificates active.
    case active
    /// 一時利用停止 — suspended through the 24-hour hotline; its certificates are revoked.
    case suspended
    /// 廃止 — reported lost (紛失届) or otherwise abolished; a reissue replaces it.
    case abolished
    /// 自主返納 — returned by the holder; certificates revoked, linked data kept.
    case returned
    /// 有効期限切れ.
    case expired

    /// Whether the card still counts as the person's card: one such card per person.
    public var isLive: Bool { self == .applied || self == .active || self == .suspended }

    /// Whether the card is out in its holder's hands and not ended: it carries
    /// certificates (revoked while suspended) and runs to its expiry date.
    public var isIssued: Bool { self == .active || self == .suspended }
}

/// The events that move a card. Fees and reasons travel with the event so the record
/// of each step is complete.
public enum CardEvent: Sendable, Hashable {
    /// Issued at the counter after the identity documents were checked.
    case issue(identityDocuments: [String])
    /// The hotline suspension; revokes the certificates.
    case suspend
    /// Lifting a suspension at the counter, with new certificates.
    case resume
    /// 紛失届: abolishes the card.
    case reportLoss
    /// 自主返納 with the holder's reason.
    case returnCard(reason: String)
    /// The card's validity ended.
    case expire
    /// New certificates, from 3 months before they expire.
    case renewCertificates
    /// The holder died (死亡): the card is abolished with its certificates.
    case holderDeceased

    /// The name the card's history records for this step.
    public var name: String {
        switch self {
        case .issue: "issue"
        case .suspend: "suspend"
        case .resume: "resume"
        case .reportLoss: "report-loss"
        case .returnCard: "return"
        case .expire: "expire"
        case .renewCertificates: "renew-certificates"
        case .holderDeceased: "holder-deceased"
        }
    }
}

public enum CardLifecycle {
    /// The state after `event`, or why it cannot happen from `status`.
    public static func apply(_ event: CardEvent, to status: CardStatus) -> Result<CardStatus, CardTransitionError> {
        switch (status, event) {
        case (.applied, .issue(let documents)):
            return documents.isEmpty ? .failure(.identityNotVerified) : .success(.active)
        case (.active, .suspend): return .success(.suspended)
        case (.suspended, .resume): return .success(.active)
        case (.active, .reportLoss), (.suspended, .reportLoss): return .success(.abolished)
        case (.active, .returnCard(let reason)), (.suspended, .returnCard(let reason)):
            return reason.isEmpty ? .failure(.reasonRequired) : .success(.returned)
        case (.active, .expire), (.suspended, .expire): return .success(.expired)
        case (.active, .renewCertificates): return .success(.active)
        case (.applied, .holderDeceased), (.active, .holderDeceased), (.suspended, .holderDeceased): return .success(.abolished)
        default: return .failure(.notFrom(status))
        }
    }

    /// 10 years' validity, 5 for holders under 18 at issue, ending on the birthday
    /// (domain.md §2: "until the 10th birthday after issue (age 18+) or the 5th").
    public static func expiry(issuedOn issued: CalendarDate, bornOn birth: CalendarDate) -> CalendarDate {
        let years = birth.age(on: issued) >= 18 ? 10 : 5
        var year = issued.year
        let thisYear = birthday(in: year, bornOn: birth)
        if thisYear <= issued { year += 1 }
        return birthday(in: year + years - 1, bornOn: birth)
    }

    /// Certificates may be renewed from 3 months before they expire.
    public static func mayRenew(certificateExpiry: CalendarDate, on today: CalendarDate) -> Bool {
        guard today <= certificateExpiry else { return false }
        var month = certificateExpiry.month - 3
        var year = certificateExpiry.year
        if month < 1 { month += 12; year -= 1 }
        let day = min(certificateExpiry.day, CalendarDate.daysIn(month: month, year: year))
        return today >= (try! CalendarDate(year: year, month: month, day: day))  // day clamped into the month
    }

    /// The reissue fee: ¥800 for the card and ¥200 for the certificates; free when the
    /// card simply expired (domain.md §2).
    public static func reissueFee(after status: CardStatus) -> Int { status == .expired ? 0 : 1000 }

    private static func birthday(in year: Int, bornOn birth: CalendarDate) -> CalendarDate {
        try! CalendarDate(year: year, month: birth.month, day: min(birth.day, CalendarDate.daysIn(month: birth.month, year: year)))
    }
}

public enum CardTransitionError: Error, Sendable, Hashable, CustomStringConvertible {
    case notFrom(CardStatus)
    case identityNotVerified
    case reasonRequired

    /// A stable code for the API's problem documents.
    public var code: String {
        switch self {
        case .notFrom: "wrong-card-state"
        case .identityNotVerified: "identity-not-verified"
        case .reasonRequired: "reason-required"
        }
    }

    public var description: String {
        switch self {
        case .notFrom(let status): "that step is not possible for a card that is \(status.rawValue)"
        case .identityNotVerified: "a card is issued only after identity documents are checked"
        case .reasonRequired: "a voluntary return records the holder's reason"
        }
    }
}
