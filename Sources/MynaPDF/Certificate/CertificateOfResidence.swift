public import MynaCore

/// 住民票の写し — what a certificate of residence for one person states, as the convenience
/// store kiosk prints it (コンビニ交付; see shared/domain.md §7).
///
/// The individual number (個人番号) is deliberately absent: a certificate omits it unless
/// the applicant asks for it, and a kiosk certificate here never carries it.
public struct CertificateOfResidence: Sendable, Hashable {
    public enum Sex: Sendable, Hashable {
        case male
        case female

        /// 男 / 女, as the register prints it.
        var label: String {
            switch self {
            case .male: "男"
            case .female: "女"
            }
        }
    }

    /// The person the certificate is about.
    public struct Resident: Sendable, Hashable {
        /// 氏名
        public var name: String
        /// フリガナ (full- or half-width katakana, as the register holds it)
        public var furigana: String
        /// 生年月日
        public var birthDate: CalendarDate
        /// 性別
        public var sex: Sex
        /// 住所
        public var address: String
        /// 住民となった年月日
        public var becameResidentOn: CalendarDate
        /// 世帯主 — nil when the certificate leaves it out.
        public var headOfHousehold: String?
        /// 続柄 — relationship to the head of household (本人, 妻, 子 …); nil when left out.
        public var relationshipToHead: String?

        public init(
            name: String, furigana: String, birthDate: CalendarDate, sex: Sex, address: String,
            becameResidentOn: CalendarDate, headOfHousehold: String?, relationshipToHead: String?
        ) {
            self.name = name
            self.furigana = furigana
            self.birthDate = birthDate
            self.sex = sex
            self.address = address
            self.becameResidentOn = becameResidentOn
            self.headOfHousehold = headOfHousehold
            self.relationshipToHead = relationshipToHead
        }
    }

    /// The municipality that certifies.
    public struct Issuer: Sendable, Hashable {
        /// 市区町村長 as titled on the certificate, e.g. 東京都千代田区長.
        public var mayorTitle: String
        /// The mayor's name.
        public var mayorName: String
        /// The text of the official seal (職印), e.g. 千代田区長之印.
        public var sealText: String

        public init(mayorTitle: String, mayorName: String, sealText: String) {
            self.mayorTitle = mayorTitle
            self.mayorName = mayorName
            self.sealText = sealText
        }
    }

    /// How the certificate left the municipality.
    public enum IssuingChannel: Sendable, Hashable {
        /// コンビニ交付 — printed by a store's multifunction kiosk; `storeCode` identifies it.
        case convenienceStore(storeCode: String)
        /// 窓口交付 — handed over at the municipal counter.
        case counter

        var label: String {
            switch self {
            case .convenienceStore(let storeCode): "コンビニ交付（店舗コード：\(storeCode)）"
            case .counter: "窓口交付"
            }
        }
    }

    public var resident: Resident
    public var issuer: Issuer
    /// When it was issued: the 交付年月日 printed, and the PDF's creation date.
    public var issuedAt: PDFDate
    /// 発行番号
    public var issueNumber: String
    public var verificationCode: VerificationCode
    /// Where anyone holding the paper can check it; printed as given.
    public var verificationURL: String
    public var channel: IssuingChannel
    /// 備考 — printed in its own row when present.
    public var remarks: String?

    public init(
        resident: Resident, issuer: Issuer, issuedAt: PDFDate, issueNumber: String,
        verificationCode: VerificationCode, verificationURL: String, channel: IssuingChannel,
        remarks: String? = nil
    ) {
        self.resident = resident
        self.issuer = issuer
        self.issuedAt = issuedAt
        self.issueNumber = issueNumber
        self.verificationCode = verificationCode
        self.verificationURL = verificationURL
        self.channel = channel
        self.remarks = remarks
    }
}

/// The code printed on a certificate to look it up online: `MYNA-` and three groups of four
/// upper-case letters or digits, e.g. `MYNA-7K3P-Q9X2-M4TD`.
public struct VerificationCode: Sendable, Hashable, CustomStringConvertible {
    public let description: String

    public init(_ text: String) throws(PDFError) {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.count == 4, groups[0] == "MYNA",
            groups.dropFirst().allSatisfy({ group in
                group.count == 4
                    && group.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
            })
        else { throw .invalidField("a verification code is MYNA-XXXX-XXXX-XXXX") }
        description = text
    }
}
