public import MynaCore

/// What is printed on the card's face (券面) and kept in its card-face application
/// (券面AP, domain.md §2): the holder's name, address, birth date and sex as at issuance,
/// the card's expiry, and a 4-digit security code printed nowhere else.
///
/// The three together open the card-face application: ``numberB`` (照合番号B, domain.md
/// §10). A member of staff who can read them has the card in their hands — which is what a
/// clinic's visual check must prove (issue 14, finding 6): the public authentication
/// certificate a clinic kept from an earlier visit carries no security code.
public struct CardFace: Sendable, Hashable, Codable {
    public let name: String
    public let address: String
    public let birthDate: CalendarDate
    public let sex: Sex
    public let expiresOn: CalendarDate
    /// Four digits, chosen at random by the card office for this card.
    public let securityCode: String

    public init(name: String, address: String, birthDate: CalendarDate, sex: Sex, expiresOn: CalendarDate, securityCode: String) {
        self.name = name
        self.address = address
        self.birthDate = birthDate
        self.sex = sex
        self.expiresOn = expiresOn
        self.securityCode = securityCode
    }

    /// The face the card office prints for a card handed over now, with a fresh security code.
    public init(printing facts: BasicInfo, expiresOn: CalendarDate) {
        var generator = SystemRandomNumberGenerator()
        self.init(
            name: facts.name, address: facts.address.text, birthDate: facts.birthDate, sex: facts.sex, expiresOn: expiresOn,
            securityCode: Self.digits(Int.random(in: 0..<10_000, using: &generator), width: 4))
    }

    /// 照合番号B: birth date as YYMMDD, the expiry year in four digits, the security code —
    /// 14 digits, each read off the card face.
    public var numberB: String {
        Self.digits(birthDate.year % 100, width: 2) + Self.digits(birthDate.month, width: 2) + Self.digits(birthDate.day, width: 2)
            + Self.digits(expiresOn.year, width: 4) + securityCode
    }

    /// Whether this is a face the office could have printed: a 4-digit security code and
    /// text that fits the card. A file or an answer carrying anything else is not a card face.
    public var isWellFormed: Bool {
        securityCode.count == 4 && securityCode.allSatisfy { ("0"..."9").contains($0) } && PINKind.cardFace.validate(numberB) == nil
            && (1...BasicInfo.maximumNameLength).contains(name.count) && (1...BasicInfo.maximumAddressLength).contains(address.count)
    }

    static func digits(_ value: Int, width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}
