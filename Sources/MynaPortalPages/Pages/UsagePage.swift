/// やりとり履歴 — who used my data: provision records (情報提供等記録) between agencies and
/// the access records of everyone else who read or changed it (staff, oversight, agencies,
/// apps, Myna itself), each with the result of checking it against the transparency log.
public struct UsagePage: PortalPage {
    public static let templateName = "pages/usage"

    public struct ProvisionRow: Sendable, Hashable {
        /// Opaque record id; the evidence link is `/portal/usage/records/{id}/evidence`.
        public var id: String
        public var date: String
        public var requester: String
        public var provider: String
        public var item: String
        public var task: String
        public var legalBasis: String
        public var outcome: String
        public var logCheck: LogCheck

        public init(
            id: String, date: String, requester: String, provider: String, item: String, task: String,
            legalBasis: String, outcome: String, logCheck: LogCheck
        ) {
            self.id = id
            self.date = date
            self.requester = requester
            self.provider = provider
            self.item = item
            self.task = task
            self.legalBasis = legalBasis
            self.outcome = outcome
            self.logCheck = logCheck
        }
    }

    /// An access by someone other than the person: staff, oversight, an agency, an app or
    /// Myna itself, shown by role and office, never by a member of staff's name.
    public struct StaffAccessRow: Sendable, Hashable {
        public var date: String
        public var role: String
        public var office: String
        public var action: String
        public var purpose: String
        public var procedureID: String
        public var logCheck: LogCheck

        public init(
            date: String, role: String, office: String, action: String, purpose: String, procedureID: String,
            logCheck: LogCheck
        ) {
            self.date = date
            self.role = role
            self.office = office
            self.action = action
            self.purpose = purpose
            self.procedureID = procedureID
            self.logCheck = logCheck
        }
    }

    public var provisions: [ProvisionRow]
    public var staffAccesses: [StaffAccessRow]

    public var title: PortalText { .key("usage_title") }

    public init(provisions: [ProvisionRow], staffAccesses: [StaffAccessRow]) {
        self.provisions = provisions
        self.staffAccesses = staffAccesses
    }
}

/// What checking a record against the transparency log found.
public enum LogCheck: Sendable, Hashable {
    /// The record's commitment is leaf `leafIndex` of a tree of `treeSize` leaves, proven
    /// against a signed tree head.
    case verified(leafIndex: Int, treeSize: Int)
    /// The record is newer than the latest signed tree head.
    case notYetLogged
    /// The inclusion proof did not verify.
    case failed
    /// Myna's own act (an import, a sweep), recorded but not logged: the log is for what
    /// others do with the person's data.
    case notLogged
}

extension UsagePage.ProvisionRow: TemplateExtras {
    var templateExtras: [String: Any] { ["idPath": URLComponent.encode(id)] }
}
