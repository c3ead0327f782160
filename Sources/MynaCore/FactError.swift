/// Why a basic fact was rejected. Like ``IdentifierError`` it never repeats the input.
public struct FactError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case empty = "is empty"
        case tooLong = "is too long"
        case controlCharacters = "contains control characters"
        case notKana = "must be written in kana"
        case malformedDate = "must be a date written YYYY-MM-DD"
        case impossibleDate = "is not a real calendar date"
        case futureDate = "is in the future"
    }

    public enum Field: String, Sendable {
        case name, nameKana, address, birthDate, date
    }

    public let reason: Reason
    public let field: Field

    public init(_ reason: Reason, field: Field = .date) {
        self.reason = reason
        self.field = reason == .notKana ? .nameKana : field
    }

    public var description: String { "\(field.rawValue) \(reason.rawValue)" }
}
