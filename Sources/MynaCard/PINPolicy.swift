/// The four PINs of a My Number card (domain.md §2), and the card-face application's
/// opening number. Each is checked for format before it is ever compared, and each has its
/// own retry counter, kept by the card.
public enum PINKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 署名用電子証明書のパスワード: 6–16 upper-case letters and digits, at least one of each.
    case signature
    /// 利用者証明用電子証明書の暗証番号: 4 digits.
    case authentication
    /// 住民基本台帳用暗証番号: 4 digits.
    case residentRegistry
    /// 券面事項入力補助用暗証番号: 4 digits.
    case textInput
    /// 照合番号B, which opens the card-face application (券面AP, domain.md §2 and §10): not
    /// a secret the holder chose but what is printed on the card — birth date (YYMMDD),
    /// the card's expiry year and the 4-digit security code, 14 digits (``CardFace/numberB``).
    /// Whoever reads it holds the card; that is what a clinic's visual check must show.
    case cardFace

    /// Wrong tries before the PIN locks; only the municipal counter unlocks it. The
    /// card-face number is typed from the card by staff, so it allows more slips (10: the
    /// real card's count is not published, UNCONFIRMED; docs/cards.md says so).
    public var maximumTries: Int {
        switch self {
        case .signature: 5
        case .cardFace: 10
        case .authentication, .residentRegistry, .textInput: 3
        }
    }

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
        case .cardFace:
            guard scalars.count == 14 else { return .length("exactly 14 digits") }
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
