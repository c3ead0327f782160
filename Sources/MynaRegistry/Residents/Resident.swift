public import Foundation
public import MynaCore

/// A resident as the registry holds them now. `id` is the internal identity that stays
/// the same through moves and through a change of individual number.
public struct Resident: Sendable, Hashable {
    public let id: String
    public var residentCode: ResidentCode
    public var facts: BasicInfo
    public var status: ResidentStatus
    /// Increments with every change; history rows carry the same number.
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
}

/// 住民票の状態.
public enum ResidentStatus: Sendable, Hashable {
    case registered
    /// 転出: left for `destination` on `date`; the destination municipality completes the
    /// move with a move-in (転入) that keeps the same person and number.
    case movedOut(destination: MunicipalityCode, date: CalendarDate)
    case deceased(date: CalendarDate)

    public var name: String {
        switch self {
        case .registered: "registered"
        case .movedOut: "moved-out"
        case .deceased: "deceased"
        }
    }
}

/// A resident with their number, as returned to the clerk who registered them (the
/// number is shown once, for the notification, and afterwards only on explicit request).
public struct RegisteredResident: Sendable {
    public let resident: Resident
    public let number: IndividualNumber
}

/// One version of a resident, for the history view: who changed what, when and why.
public struct HistoryEntry: Sendable, Hashable, Codable {
    public let version: Int
    public let event: String
    public let facts: HistoryFacts
    public let actor: String
    public let reason: String?
    public let occurredAt: Date
}

/// The facts as they stood after a change, in the form history rows store them.
public struct HistoryFacts: Sendable, Hashable, Codable {
    public var name: String
    public var nameKana: String
    public var municipalityCode: MunicipalityCode
    public var address: String
    public var birthDate: CalendarDate
    public var sex: Sex
    public var status: String
    public var statusDate: CalendarDate?
    public var destinationMunicipalityCode: MunicipalityCode?
}

/// The kinds of change the history records.
public enum ResidentEvent: String, Sendable, Codable {
    case registered, factsChanged = "facts-changed", movedOut = "moved-out", movedIn = "moved-in"
    case deceased, numberChanged = "number-changed"
}
