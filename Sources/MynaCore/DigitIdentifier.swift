/// An identifier written as a string of digits (individual number, corporate number,
/// resident code, municipality code). All share one JSON form — the digits as a
/// string — and decoding runs the same checks as parsing, so an invalid identifier can
/// never enter through a request body or a stored document.
public protocol DigitIdentifier: Codable {
    init(_ text: String) throws(IdentifierError)
    /// The digits as stored and sent.
    var codedDigits: String { get }
}

extension DigitIdentifier {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: safeReasonMarker + error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(codedDigits)
    }
}

extension IndividualNumber { public var codedDigits: String { unmaskedDigits } }
extension CorporateNumber { public var codedDigits: String { digits } }
extension ResidentCode { public var codedDigits: String { digits } }
extension MunicipalityCode { public var codedDigits: String { digits } }
