/// Sex as ISO/IEC 5218 codes it, which is also how the card's text-input application
/// stores it (domain.md §2: tag 37, 1/2/9).
public enum Sex: Int, Sendable, Hashable, Codable, CaseIterable {
    case notKnown = 0
    case male = 1
    case female = 2
    case notApplicable = 9

    /// 性別 as printed on the resident record.
    public var japanese: String {
        switch self {
        case .male: "男"
        case .female: "女"
        case .notKnown, .notApplicable: "-"
        }
    }
}
