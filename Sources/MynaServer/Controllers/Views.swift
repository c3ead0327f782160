import Foundation
import MynaCore
import MynaRegistry

/// What the API shows of a resident. The individual number is not part of it: it is
/// fetched on its own (`GET /v1/residents/{id}/number`), so each disclosure is a
/// separate, recorded act.
struct ResidentView: Codable, Sendable {
    let id: String
    let name: String
    let nameKana: String
    let address: AddressView
    let birthDate: CalendarDate
    let sex: Int
    let status: String
    let statusDate: CalendarDate?
    let destinationMunicipalityCode: MunicipalityCode?
    let version: Int
    let updatedAt: Date

    init(_ resident: Resident) {
        id = resident.id
        name = resident.facts.name
        nameKana = resident.facts.nameKana
        address = AddressView(municipalityCode: resident.facts.address.municipality, text: resident.facts.address.text)
        birthDate = resident.facts.birthDate
        sex = resident.facts.sex.rawValue
        status = resident.status.name
        switch resident.status {
        case .registered: (statusDate, destinationMunicipalityCode) = (nil, nil)
        case .movedOut(let destination, let date): (statusDate, destinationMunicipalityCode) = (date, destination)
        case .deceased(let date): (statusDate, destinationMunicipalityCode) = (date, nil)
        }
        version = resident.version
        updatedAt = resident.updatedAt
    }
}

struct AddressView: Codable, Sendable {
    let municipalityCode: MunicipalityCode
    let text: String
}

struct RegisteredResidentView: Codable, Sendable {
    let resident: ResidentView
    /// Shown once, to the clerk who prints the notification (個人番号通知).
    let individualNumber: String
}

struct NumberView: Codable, Sendable {
    let residentId: String
    let individualNumber: String
}

struct SearchResultView: Codable, Sendable {
    /// `full` only when all four basic facts match; `partial` must never be treated as
    /// the person (domain.md §8).
    let match: String
    let residentId: String
    let matchedFacts: [String]
    let unmatchedFacts: [String]
    /// Only for a full match.
    let resident: ResidentView?
}

struct LookupView: Codable, Sendable {
    let residentId: String
}

struct SearchResultsView: Codable, Sendable {
    let results: [SearchResultView]
}

struct StaffView: Codable, Sendable {
    let id: String
    let username: String
    let displayName: String
    let role: String
    let municipalityCode: MunicipalityCode

    init(_ member: StaffMember) {
        id = member.id
        username = member.username
        displayName = member.displayName
        role = member.role.rawValue
        municipalityCode = member.municipality
    }
}

struct ProcedureView: Codable, Sendable {
    let id: String
    let residentId: String
    let purpose: String
    let openedAt: Date
    let idleTimeoutSeconds: Int

    init(_ procedure: Procedure) {
        id = procedure.id
        residentId = procedure.residentID
        purpose = procedure.purpose
        openedAt = procedure.openedAt
        idleTimeoutSeconds = Int(StaffDirectory.procedureIdleTimeout)
    }
}

struct SessionView: Codable, Sendable {
    let staff: StaffView
    let expiresAt: Date
    let procedure: ProcedureView?
}

struct SignedInView: Codable, Sendable {
    let token: String
    let staff: StaffView
    let expiresAt: Date
    let idleTimeoutSeconds: Int
}

struct NewStaffView: Codable, Sendable {
    let staff: StaffView
    let totpSecret: String
    let totpURI: String
}

struct HistoryView: Codable, Sendable {
    let residentId: String
    let entries: [HistoryEntry]
}

struct AccessRecordsView: Codable, Sendable {
    let residentId: String
    let records: [AccessRecord]
}

struct MunicipalityView: Codable, Sendable {
    let code: MunicipalityCode
    let prefecture: String
    let name: String
    let nameKana: String
}

struct MunicipalitiesView: Codable, Sendable {
    let municipalities: [MunicipalityView]
}

struct NumberCheckView: Codable, Sendable {
    let valid: Bool
    let reason: String?
}

struct HealthView: Codable, Sendable {
    let status: String
    let database: String
}
