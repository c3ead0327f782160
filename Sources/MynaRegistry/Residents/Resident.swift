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

extension HistoryFacts {
    init(_ resident: Resident) {
        let facts = resident.facts
        name = facts.name
        nameKana = facts.nameKana
        municipalityCode = facts.address.municipality
        address = facts.address.text
        birthDate = facts.birthDate
        sex = facts.sex
        status = resident.status.name
        switch resident.status {
        case .registered: (statusDate, destinationMunicipalityCode) = (nil, nil)
        case .movedOut(let destination, let date): (statusDate, destinationMunicipalityCode) = (date, destination)
        case .deceased(let date): (statusDate, destinationMunicipalityCode) = (date, nil)
        }
    }

    /// The JSON a history row stores: keys sorted, absent values left out, so equal
    /// facts are equal text. Written by hand because `JSONEncoder` cost more than all the
    /// cryptography of a registration; `JSONDecoder` reads it back.
    var canonicalJSON: String {
        // The keys in sorted order, written straight into UTF-8.
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256)
        func field(_ key: String, _ value: some StringProtocol, quoted: Bool = true) {
            if out.count > 1 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out += key.utf8
            out += "\":".utf8
            if quoted { Self.appendQuoted(value, to: &out) } else { out += value.utf8 }
        }
        field("address", address)
        field("birthDate", birthDate.description)
        if let destinationMunicipalityCode { field("destinationMunicipalityCode", destinationMunicipalityCode.digits) }
        field("municipalityCode", municipalityCode.digits)
        field("name", name)
        field("nameKana", nameKana)
        field("sex", String(sex.rawValue), quoted: false)
        field("status", status)
        if let statusDate { field("statusDate", statusDate.description) }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 8259 §7 string escaping, into UTF-8.
    static func appendQuoted(_ text: some StringProtocol, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            out += text.utf8  // the usual case: nothing to escape
        } else {
            out += quoted(String(text)).utf8.dropFirst().dropLast()
        }
        out.append(UInt8(ascii: "\""))
    }

    /// RFC 8259 §7 string escaping.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// The kinds of change the history records.
public enum ResidentEvent: String, Sendable, Codable {
    case registered, factsChanged = "facts-changed", movedOut = "moved-out", movedIn = "moved-in"
    case deceased, numberChanged = "number-changed"
}
