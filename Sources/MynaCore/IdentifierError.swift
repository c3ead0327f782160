/// Why an identifier was rejected. The description names the identifier and the rule
/// that failed, never the input itself, so it is safe to log and to return to a client.
public struct IdentifierError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case notDigits = "contains characters other than digits, spaces or hyphens"
        case wrongLength = "has the wrong number of digits"
        case wrongCheckDigit = "has a wrong check digit"
    }

    public enum Identifier: String, Sendable {
        case individualNumber = "individual number"
        case corporateNumber = "corporate number"
        case residentCode = "resident code"
        case municipalityCode = "municipality code"
    }

    public let reason: Reason
    public let identifier: Identifier

    public init(_ reason: Reason, of identifier: Identifier) {
        self.reason = reason
        self.identifier = identifier
    }

    public var description: String { "the \(identifier.rawValue) \(reason.rawValue)" }
}
