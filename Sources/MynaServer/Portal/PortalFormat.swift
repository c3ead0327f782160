import Foundation
import MynaAudit
import MynaCard
import MynaCharts
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPortal
import MynaPortalPages
import MynaRegistry
import MynaServices

/// How the portal writes the registry's values for a reader, in Japanese or English:
/// times in Japan's time zone, items and outcomes in words.
enum PortalFormat {
    static func time(_ date: Date, _ language: PortalLanguage) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Tokyo")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        let (y, m, d, h, mi) = (parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
        return switch language {
        case .ja: String(format: "%d年%d月%d日 %02d:%02d", y, m, d, h, mi)
        case .en: String(format: "%04d-%02d-%02d %02d:%02d JST", y, m, d, h, mi)
        }
    }

    static func day(_ date: CalendarDate, _ language: PortalLanguage) -> String {
        let parts = date.description.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, language == .ja else { return date.description }
        return "\(parts[0])年\(parts[1])月\(parts[2])日"
    }

    static func sex(_ sex: Sex) -> HomePage.Sex {
        switch sex {
        case .male: .male
        case .female: .female
        case .notKnown: .notKnown
        case .notApplicable: .notApplicable
        }
    }

    static func item(_ item: DataItem, _ language: PortalLanguage) -> String {
        let (ja, en): (String, String) = switch item {
        case .localTaxAssessment: ("地方税関係情報（課税所得・住民税額）", "Local tax assessment")
        case .residentRecord: ("住民票関係情報", "Resident record")
        case .household: ("世帯情報", "Household")
        case .pensionBenefit: ("年金給付関係情報", "Pension benefits")
        case .publicAssistance: ("生活保護関係情報", "Public assistance")
        case .childAllowance: ("児童手当関係情報", "Child allowance")
        case .healthInsurance: ("医療保険資格情報", "Health insurance")
        }
        return language == .ja ? ja : en
    }

    /// A provider's copy (a flat JSON object) as key–value rows.
    static func fields(_ json: String) -> [HomePage.Field] {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any] else { return [] }
        return object.keys.sorted().map { key in
            let value = object[key].map { value -> String in
                if let text = value as? String { return text }
                if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
                    return String(decoding: data, as: UTF8.self)
                }
                return "\(value)"
            } ?? ""
            return HomePage.Field(key: key, value: value)
        }
    }

    static func outcome(_ outcome: String, _ language: PortalLanguage) -> String {
        if outcome == "provided" { return language == .ja ? "提供" : "provided" }
        let code = outcome.replacingOccurrences(of: "refused:", with: "")
        return language == .ja ? "提供せず（\(code)）" : "refused (\(code))"
    }

    static func logCheck(_ check: TransparencyLog.RecordCheck?) -> LogCheck {
        switch check {
        case .verified(let index, let size): .verified(leafIndex: index, treeSize: size)
        case .failed: .failed
        case .notYetLogged, nil: .notYetLogged
        }
    }

    static func staff(_ language: PortalLanguage) -> String { language == .ja ? "窓口職員" : "counter staff" }

    /// Who made an access record, by role: staff are never named; oversight is named as
    /// oversight, so the person can tell an audit of their record from a counter's use of it.
    static func actor(_ kind: ActorKind, _ language: PortalLanguage) -> String {
        switch (kind, language) {
        case (.staff, _): staff(language)
        case (.oversight, .ja): "監査（監督）"
        case (.oversight, .en): "oversight (audit)"
        case (.agency, .ja): "行政機関等"
        case (.agency, .en): "agency"
        case (.app, .ja): "連携アプリ"
        case (.app, .en): "app"
        case (.system, .ja): "システム"
        case (.system, .en): "Myna (system)"
        case (.resident, .ja): "ご本人"
        case (.resident, .en): "you"
        }
    }
    static func counter(_ language: PortalLanguage) -> String { language == .ja ? "市区町村窓口" : "municipal counter" }
    static func card(_ language: PortalLanguage) -> String { language == .ja ? "マイナンバーカードで" : "with the card" }

    static func municipalCard(_ kind: MunicipalCard.Kind, _ language: PortalLanguage) -> String {
        switch (kind, language) {
        case (.library, .ja): "図書館カード"
        case (.library, .en): "Library card"
        case (.volunteer, .ja): "ボランティア参加カード"
        case (.volunteer, .en): "Volunteer card"
        }
    }

    static func reward(_ kind: Campaign.Reward.Kind, _ language: PortalLanguage) -> String {
        switch (kind, language) {
        case (.spending, .ja): "チャージ・お買い物"
        case (.spending, .en): "Top-ups and purchases"
        case (.insuranceLinkage, .ja): "健康保険証の利用登録"
        case (.insuranceLinkage, .en): "Health insurance linked"
        case (.publicFundAccount, .ja): "公金受取口座の登録"
        case (.publicFundAccount, .en): "Public-fund account registered"
        }
    }

    /// Yen with thousands separators, the same in both languages: ¥7,500.
    static func yen(_ amount: Int) -> String { "¥" + NumberText.grouped(amount) }

    static func cardStatus(_ status: CardStatus) -> CardPage.CardStatus {
        switch status {
        case .applied: .applied
        case .active: .active
        case .suspended: .suspended
        case .abolished: .abolished
        case .returned: .returned
        case .expired: .expired
        }
    }

    static func certificateStatus(_ certificate: CardCertificate, card: CardStatus, now: Date) -> CardPage.CertificateStatus {
        if certificate.endedAt != nil { return card == .suspended ? .suspended : .revoked }
        return certificate.notAfter < now ? .expired : .valid
    }

    static func consentNoticeTitle(revoked: Bool, _ language: PortalLanguage) -> String {
        switch (revoked, language) {
        case (false, .ja): "アプリへの情報提供に同意しました"
        case (false, .en): "You consented to share information with an app"
        case (true, .ja): "アプリへの同意を取り消しました"
        case (true, .en): "You withdrew a consent to an app"
        }
    }

    /// Why a linkage was not registered, for the resident.
    static func refusal(_ error: PortalError, _ language: PortalLanguage) -> String {
        let (ja, en): (String, String) = switch error.code {
        case .confirmationRequired: ("ご本人のものであることの確認（はい）が必要です。何も登録していません。", "Confirm that it is your own (yes). Nothing was registered.")
        case .holderNameMismatch: ("口座名義（カナ）がご本人のフリガナと一致しません。登録していません。", "The account holder's name does not match your name's reading. Nothing was registered.")
        case .insuranceRecordNotFound: ("この記号・番号の資格情報が保険者から登録されていません。", "Your insurer has no record with these identifiers for you.")
        case .insuranceFactsMismatch: ("保険者の記録が住民票の基本4情報と一致しません（\(error.message.components(separatedBy: ": ").last ?? "")）。登録していません。保険者にお問い合わせください。",
                                       "The insurer's record does not match your resident record (\(error.message.components(separatedBy: ": ").last ?? "")). Nothing was linked; please contact your insurer.")
        default: ("入力内容を確認してください。", "Please check what you entered.")
        }
        return language == .ja ? ja : en
    }

    static func signInNoticeTitle(_ language: PortalLanguage) -> String {
        language == .ja ? "マイナポータルにログインしました" : "Someone signed in to your portal with your card"
    }

    static func signInMethod(_ method: SignInMethod, _ language: PortalLanguage) -> String {
        switch (method, language) {
        case (.card, .ja): "カードを読み取った端末で"
        case (.card, .en): "on the device that read the card"
        case (.code, .ja): "別の端末でコードを承認"
        case (.code, .en): "a code approved from another device"
        }
    }

    /// How, from what network and in what browser (its own words) a sign-in was made.
    static func signIn(_ record: SignInRecord, _ language: PortalLanguage) -> String {
        language == .ja
            ? "\(signInMethod(record.method, language))。ネットワーク（おおよそ）: \(record.device.network)。ブラウザ（自己申告）: \(record.device.userAgent)"
            : "\(signInMethod(record.method, language)); network (approximate): \(record.device.network); browser (as it says): \(record.device.userAgent)"
    }

    static func disclosureNoticeTitle(_ language: PortalLanguage) -> String {
        language == .ja ? "同意にもとづき、アプリに情報を提供しました" : "Information was given to an app you consented to"
    }

    static func withheldNoticeTitle(_ language: PortalLanguage) -> String {
        language == .ja ? "不開示期間が終了した情報提供等記録があります" : "A record withheld from you is now shown"
    }
}
