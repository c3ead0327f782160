public import Foundation
public import MynaCore

/// The kinds of agency on the network (domain.md §4), and the other registered parties
/// that sign their requests the same way: medical institutions, kiosks, cashless providers. The allow-list speaks of types, not
/// of agencies: every municipality's welfare office may ask what the law lets a welfare
/// office ask.
public enum AgencyType: String, Sendable, Hashable, Codable, CaseIterable {
    /// 国税庁・税務署.
    case nationalTax = "national-tax"
    /// 日本年金機構.
    case pension
    /// 医療保険者: 健康保険組合, 協会けんぽ, 市町村国保.
    case healthInsurer = "health-insurer"
    /// 市区町村の税務担当 — 地方税 (課税情報).
    case municipalTax = "municipal-tax"
    /// 市区町村の福祉担当 — 生活保護, 児童手当, 独自の助成.
    case municipalWelfare = "municipal-welfare"
    /// 市区町村の住民記録担当 — 住民票, 世帯.
    case residentRegistry = "resident-registry"
    /// 保険医療機関・薬局 — checks a patient's eligibility with the card (オンライン資格確認).
    case medicalInstitution = "medical-institution"
    /// キャッシュレス決済サービス — a Mynapoint provider: reports top-ups and purchases,
    /// receives grants. On no row of the allow-list; it signs its requests as agencies do.
    case cashlessProvider = "cashless-provider"
    /// A convenience store's multifunction kiosk (コンビニ交付). On no row of the allow-list.
    case certificateKiosk = "certificate-kiosk"

    /// Municipal agencies act for one municipality and hold data of its residents only.
    public var isMunicipal: Bool { self == .municipalTax || self == .municipalWelfare || self == .residentRegistry }

    /// 個人番号利用事務実施者 — the agencies that run procedures by individual number
    /// (番号法 第9条, 別表): only they may present a number and be given their code for
    /// the person (issue 14). A kiosk, a medical institution and a cashless provider run
    /// no numbered procedure; the clinic reaches a patient only through the card
    /// (``LinkageHub/acquireCodes(forResidents:by:purpose:)``, by the id the card names).
    public var mayPresentNumbers: Bool {
        switch self {
        case .nationalTax, .pension, .healthInsurer, .municipalTax, .municipalWelfare, .residentRegistry: true
        case .medicalInstitution, .cashlessProvider, .certificateKiosk: false
        }
    }
}

/// The data items exchanged (情報提供ネットワークで提供される特定個人情報), each provided
/// by one type of agency.
public enum DataItem: String, Sendable, Hashable, Codable, CaseIterable {
    /// 地方税関係情報: 課税所得, 住民税額.
    case localTaxAssessment = "local-tax-assessment"
    /// 住民票関係情報.
    case residentRecord = "resident-record"
    /// 世帯情報.
    case household
    /// 年金給付関係情報.
    case pensionBenefit = "pension-benefit"
    /// 生活保護関係情報.
    case publicAssistance = "public-assistance"
    /// 児童手当関係情報.
    case childAllowance = "child-allowance"
    /// 医療保険給付関係情報 (資格).
    case healthInsurance = "health-insurance"

    /// The type of agency whose copies answer for this item.
    public var provider: AgencyType {
        switch self {
        case .localTaxAssessment: .municipalTax
        case .residentRecord, .household: .residentRegistry
        case .pensionBenefit: .pension
        case .publicAssistance, .childAllowance: .municipalWelfare
        case .healthInsurance: .healthInsurer
        }
    }
}

/// An agency registered on the network.
public struct Agency: Sendable, Hashable {
    public let id: String
    public let name: String
    public let type: AgencyType
    /// For a municipal agency, the municipality it acts for.
    public let municipality: MunicipalityCode?
    public let createdAt: Date
}
