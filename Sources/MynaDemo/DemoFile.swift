public import Foundation
public import MynaCard
public import MynaRegistry

/// `<data dir>/demo.json`: everything a script or test needs to drive the demo.
public struct DemoFile: Codable {
    public var server: String
    public var staff: [DemoStaff]
    public var residents: [DemoResidentEntry]
    /// The linkage network's demo agencies, each with its credential file.
    public var agencies: [DemoAgency]?
    /// Relying parties registered with the OpenID provider.
    public var oidcClients: [DemoOIDCClient]?
    /// The Mynapoint campaigns loaded, by id.
    public var campaigns: [String]?

    public init(server: String, staff: [DemoStaff], residents: [DemoResidentEntry]) {
        (self.server, self.staff, self.residents) = (server, staff, residents)
    }
}

public struct DemoOIDCClient: Codable {
    public let name: String
    public let clientId: String
    public let clientSecret: String?
    public let redirectUris: [String]
    public let scopes: [String]
    public let issuer: String
}

public struct DemoResidentEntry: Codable {
    public let id: String
    /// The resident's virtual card, its number for the hotline, and its PINs.
    public var card: DemoCard?
    /// Each demo agency's code for the resident, by agency id.
    public var codes: [String: String]?
    public let name: String
    public let nameKana: String
    public let birthDate: String
    public let sex: Int
    public let municipalityCode: String
    public let address: String

    public init(_ resident: Resident) {
        id = resident.id
        name = resident.facts.name
        nameKana = resident.facts.nameKana
        birthDate = resident.facts.birthDate.description
        sex = resident.facts.sex.rawValue
        municipalityCode = resident.facts.address.municipality.digits
        address = resident.facts.address.text
    }
}

public struct DemoCard: Codable {
    public let id: String
    public let serial: String
    public let chipId: String
    public let file: String
    public let pins: DemoPINs
}

/// A demo card's PINs (domain.md §2 formats). Kept in demo.json so scripts can use the card.
public struct DemoPINs: Codable, Sendable {
    public let authentication: String
    public let textInput: String
    public let signature: String?

    public static func random(signature: Bool) -> DemoPINs {
        let four = String(format: "%04d", Int.random(in: 0..<10_000))
        let letters = (0..<4).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ".randomElement()! }
        return DemoPINs(authentication: four, textInput: four, signature: signature ? String(letters) + String(format: "%04d", Int.random(in: 0..<10_000)) : nil)
    }

    public var byKind: [PINKind: String] {
        var pins: [PINKind: String] = [.authentication: authentication, .textInput: textInput]
        if let signature { pins[.signature] = signature }
        return pins
    }
}

/// 16 characters from an alphabet without look-alikes: about 90 bits.
public func generatePassword() -> String {
    let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    var generator = SystemRandomNumberGenerator()
    return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
}

/// A staff account as `demo.json` and `myna staff add` show it.
public struct DemoStaff: Codable {
    public let username: String
    public let password: String
    public let totpSecret: String
    public let role: String
    public let municipalityCode: String
    public let displayName: String

    public init(_ account: NewStaffAccount, password: String) {
        username = account.member.username
        self.password = password
        totpSecret = account.totpSecretBase32
        role = account.member.role.rawValue
        municipalityCode = account.member.municipality.digits
        displayName = account.member.displayName
    }
}
