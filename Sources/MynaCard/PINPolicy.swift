/// The four PINs of a My Number card (domain.md §2). Each is checked for format before it
/// is ever compared, and each has its own retry counter, kept by the card.
public enum PINKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 署名用電子証明書のパスワード: 6–16 upper-case letters and digits, at least one of each.
    case signature
    /// 利用者証明用電子証明書の暗証番号: 4 digits.
    case authentication
    /// 住民基本台帳用暗証番号: 4 digits.
    case residentRegistry
    /// 券面事項入力補助用暗証番号: 4 digits.
    case textInput

    /// Wrong tries before the PIN locks; only the municipal counter unlocks it.
    public var maximumTries: Int { self == .signature ? 5 : 3 }

    /// Whether `pin` has this PIN's format. The reason is returned, never the PIN.
    public func validate(_ pin: String) -> PINFormatError? {
        let scalars = Array(pin.unicodeScalars)
        switch self {
        case .signature:
            guard (6...16).contains(scalars.count) else { return .length("6 to 16 characters") }
            guard scalars.allSatisfy({ ("A"..."Z").contains($0) || ("0"..."9").contains($0) }) else {
                return .characters("upper-case letters A–Z and digits only")
            }
            guard scalars.contains(where: { ("A"..."Z").contains($0) }), scalars.contains(where: { ("0"..."9").contains($0) }) else {
                return .characters("at least one letter and one digit")
            }
        case .authentication, .residentRegistry, .textInput:
            guard scalars.count == 4 else { return .length("exactly 4 digits") }
            guard scalars.allSatisfy({ ("0"..."9").contains($0) }) else { return .characters("digits only") }
        }
        return nil
    }
}

public enum PINFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    case length(String)
    case characters(String)

    public var description: String {
        switch self {
        case .length(let rule): "the PIN must be \(rule)"
        case .characters(let rule): "the PIN must use \(rule)"
        }
    }
}
