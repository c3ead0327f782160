/// Who did something: a signed-in member of staff, oversight, an agency or an app acting
/// on a person's data, the resident in the portal, or Myna itself on an operator's
/// command (bulk import, demo seeding, sweeps). Recorded with every change and every
/// access.
public enum RegistryActor: Sendable, Hashable {
    case staff(id: String, procedureID: String?)
    /// 監査 — a member of staff in the auditor role, reading for oversight (the personal
    /// information commission's role): no procedure, changes nothing.
    case oversight(id: String)
    /// A registered agency of the linkage network (a municipal office, an insurer, a
    /// kiosk, a medical institution, a cashless provider), by its id.
    case agency(id: String)
    /// A relying party (OpenID Connect client) the resident consented to, by its client id.
    case app(clientID: String)
    case system(String)
    /// The resident, acting for themselves in the portal, signed in with their card.
    case resident(id: String)

    public var kind: ActorKind {
        switch self {
        case .staff: .staff
        case .oversight: .oversight
        case .agency: .agency
        case .app: .app
        case .system: .system
        case .resident: .resident
        }
    }

    var id: String {
        switch self {
        case .staff(let id, _), .oversight(let id), .agency(let id), .app(let id), .resident(let id): id
        case .system(let name): name
        }
    }

    public var procedureID: String? {
        switch self {
        case .staff(_, let procedure): procedure
        case .oversight, .agency, .app, .system, .resident: nil
        }
    }

    /// How the actor is written in history rows.
    public var label: String { "\(kind.rawValue):\(id)" }
}

/// The kinds of actor an access record names (its `actor_kind` column).
public enum ActorKind: String, Sendable, Hashable, Codable, CaseIterable {
    case staff, oversight, agency, app, system, resident

    /// Whether the access is a party's use of someone's data, which the person checks in
    /// the transparency log: staff, oversight, agencies and apps. The person's own reads
    /// and Myna's own acts (a bulk import, a sweep) are recorded but not logged.
    public var isLogged: Bool {
        switch self {
        case .staff, .oversight, .agency, .app: true
        case .system, .resident: false
        }
    }
}
