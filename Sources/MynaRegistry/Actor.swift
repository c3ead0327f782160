/// Who did something: a signed-in staff member, the resident in the portal, or Myna itself
/// on an operator's command (bulk import, demo seeding). Recorded with every change and
/// every access.
public enum RegistryActor: Sendable, Hashable {
    case staff(id: String, procedureID: String?)
    case system(String)
    /// The resident, acting for themselves in the portal, signed in with their card.
    case resident(id: String)

    var kind: String {
        switch self {
        case .staff: "staff"
        case .system: "system"
        case .resident: "resident"
        }
    }

    var id: String {
        switch self {
        case .staff(let id, _): id
        case .system(let name): name
        case .resident(let id): id
        }
    }

    public var procedureID: String? {
        switch self {
        case .staff(_, let procedure): procedure
        case .system, .resident: nil
        }
    }

    /// How the actor is written in history rows.
    public var label: String { "\(kind):\(id)" }
}
