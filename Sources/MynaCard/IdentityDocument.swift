/// 本人確認書類 — what a person shows at the counter before a card is handed over, a
/// suspension is lifted or a locked PIN is reset. The rule (番号法施行規則 第1条,
/// simplified; UNCONFIRMED in its details, our choice): one official document with a
/// photo, or two documents without one.
public enum IdentityDocument: String, Sendable, Hashable, Codable, CaseIterable {
    case driversLicence = "drivers-licence"
    case passport
    case residenceCard = "residence-card"
    case myNumberCard = "my-number-card"
    case disabilityCertificate = "disability-certificate"
    /// 交付通知書 — the issuance notice mailed with the card's arrival.
    case issuanceNotice = "issuance-notice"
    case healthInsuranceCard = "health-insurance-card"
    case pensionBook = "pension-book"
    case studentCard = "student-card"

    /// An official document with the holder's photograph.
    public var hasPhoto: Bool {
        switch self {
        case .driversLicence, .passport, .residenceCard, .myNumberCard, .disabilityCertificate: true
        case .issuanceNotice, .healthInsuranceCard, .pensionBook, .studentCard: false
        }
    }

    /// Whether `documents` together prove identity at the counter.
    public static func suffice(_ documents: [IdentityDocument]) -> Bool {
        let distinct = Set(documents)
        return distinct.contains(where: \.hasPhoto) || distinct.count >= 2
    }
}
