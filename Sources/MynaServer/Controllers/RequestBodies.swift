import MynaCore
import MynaRegistry

struct SignInBody: RequestBody {
    static let fields: Set<String> = ["username", "password", "totp"]
    let username: String
    let password: String
    let totp: String
}

struct NewStaffBody: RequestBody {
    static let fields: Set<String> = ["username", "displayName", "role", "password"]
    let username: String
    let displayName: String
    let role: StaffRole
    let password: String
}

struct OpenProcedureBody: RequestBody {
    static let fields: Set<String> = ["residentId", "purpose"]
    let residentId: String
    let purpose: String
}

struct RegisterBody: RequestBody {
    static let fields: Set<String> = ["name", "nameKana", "address", "birthDate", "sex", "reason"]
    static let nullableFields: Set<String> = ["reason"]
    static let nestedFields: [String: Set<String>] = ["address": ["municipalityCode", "text"]]
    let name: String
    let nameKana: String
    let address: AddressBody
    let birthDate: CalendarDate
    let sex: Sex
    let reason: String?
}

struct AddressBody: Codable, Sendable {
    let municipalityCode: MunicipalityCode
    let text: String
}

struct SearchBody: RequestBody {
    static let fields: Set<String> = ["name", "nameKana", "birthDate", "sex", "address"]
    static let nullableFields: Set<String> = ["name", "nameKana", "sex", "address"]
    let name: String?
    let nameKana: String?
    let birthDate: CalendarDate
    let sex: Sex?
    let address: String?
}

struct LookupBody: RequestBody {
    static let fields: Set<String> = ["individualNumber"]
    let individualNumber: IndividualNumber
}

struct ChangeFactsBody: RequestBody {
    static let fields: Set<String> = ["name", "nameKana", "address", "reason"]
    static let nullableFields: Set<String> = ["name", "nameKana", "address"]
    let name: String?
    let nameKana: String?
    let address: String?
    let reason: String
}

struct MoveOutBody: RequestBody {
    static let fields: Set<String> = ["destinationMunicipalityCode", "date", "reason"]
    let destinationMunicipalityCode: MunicipalityCode
    let date: CalendarDate
    let reason: String
}

struct MoveInBody: RequestBody {
    static let fields: Set<String> = ["address", "date", "reason"]
    let address: String
    let date: CalendarDate
    let reason: String
}

struct DeathBody: RequestBody {
    static let fields: Set<String> = ["date", "reason"]
    let date: CalendarDate
    let reason: String
}

struct NumberChangeBody: RequestBody {
    static let fields: Set<String> = ["authority", "reason"]
    let authority: ResidentRegistry.NumberChangeAuthority
    let reason: String
}

struct VerifyBody: RequestBody {
    static let fields: Set<String> = ["certificate", "data", "signature"]
    static let nullableFields: Set<String> = ["data", "signature"]
    /// Base64 of the certificate's DER.
    let certificate: String
    /// Base64 of the signed data and of the signature, to check a signature too.
    let data: String?
    let signature: String?
}

struct NumberCheckBody: RequestBody {
    static let fields: Set<String> = ["number", "kind"]
    static let nullableFields: Set<String> = ["kind"]
    let number: String
    let kind: Kind?

    enum Kind: String, Codable { case individual, corporate }
}

/// Every change carries a reason, as the history and the resident will read it.
enum Reason {
    /// At most 500 code points as sent (the document's maxLength counts code points, not
    /// characters) with something besides white space; kept trimmed.
    static func validated(_ text: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, text.unicodeScalars.count <= 500 else {
            throw Problem(.unprocessableContent, code: "invalid-reason", detail: "a reason is 1–500 characters")
        }
        return trimmed
    }
}
