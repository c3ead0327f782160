/// 公金受取口座 and 健康保険証の利用登録 — the public-fund receiving account and the
/// health-insurance linkage: what is registered, and the forms to register or change them.
/// Each form asks the resident to confirm, yes or no with nothing pre-selected, that the
/// account or insurance is their own (mis-links happened where this was assumed).
public struct LinkagesPage: PortalPage {
    public static let templateName = "pages/linkages"

    public var account: RegisteredAccount?
    public var accountForm: AccountForm
    public var insurance: InsuranceLinkage?
    public var insuranceForm: InsuranceForm

    public var title: PortalText { .key("linkages_title") }

    public init(
        account: RegisteredAccount?,
        accountForm: AccountForm = AccountForm(),
        insurance: InsuranceLinkage?,
        insuranceForm: InsuranceForm = InsuranceForm()
    ) {
        self.account = account
        self.accountForm = accountForm
        self.insurance = insurance
        self.insuranceForm = insuranceForm
    }

    /// 預金種目
    public enum AccountType: Sendable, Hashable, CaseIterable {
        /// 普通
        case ordinary
        /// 当座
        case current
    }

    /// The registered account. Only the last three digits of the number are kept for the
    /// page, so the full number never reaches the rendered HTML.
    public struct RegisteredAccount: Sendable, Hashable {
        public var bankCode: String
        public var branchCode: String
        public var accountType: AccountType
        public private(set) var maskedAccountNumber: String
        public var holderNameKana: String
        public var registeredAt: String
        public var confirmedBy: LinkageConfirmation

        public init(
            bankCode: String, branchCode: String, accountType: AccountType, accountNumber: String, holderNameKana: String,
            registeredAt: String, confirmedBy: LinkageConfirmation
        ) {
            self.bankCode = bankCode
            self.branchCode = branchCode
            self.accountType = accountType
            self.maskedAccountNumber = Self.mask(accountNumber)
            self.holderNameKana = holderNameKana
            self.registeredAt = registeredAt
            self.confirmedBy = confirmedBy
        }

        /// `1234567` → `****567`; three characters or fewer are masked whole.
        static func mask(_ number: String) -> String {
            guard number.count > 3 else { return String(repeating: "*", count: number.count) }
            return String(repeating: "*", count: number.count - 3) + number.suffix(3)
        }
    }

    public struct InsuranceLinkage: Sendable, Hashable {
        public var insurerName: String
        /// 保険者番号
        public var insurerNumber: String
        /// 記号
        public var symbol: String
        /// 番号
        public var number: String
        /// 枝番
        public var branchNumber: String?
        public var linkedAt: String
        public var confirmedBy: LinkageConfirmation

        public init(
            insurerName: String, insurerNumber: String, symbol: String, number: String, branchNumber: String?,
            linkedAt: String, confirmedBy: LinkageConfirmation
        ) {
            self.insurerName = insurerName
            self.insurerNumber = insurerNumber
            self.symbol = symbol
            self.number = number
            self.branchNumber = branchNumber
            self.linkedAt = linkedAt
            self.confirmedBy = confirmedBy
        }
    }

    /// The account form as submitted (empty at first) with an error per field. The yes/no
    /// confirmation is never pre-selected, not even when the form comes back with errors.
    public struct AccountForm: Sendable, Hashable {
        public enum Field: String, Sendable, Hashable, CaseIterable {
            case bankCode, branchCode, accountType, accountNumber, holderNameKana, confirmation
        }

        public var bankCode: String
        public var branchCode: String
        public var accountType: AccountType?
        public var accountNumber: String
        public var holderNameKana: String
        public var errors: [Field: PortalText]

        public init(
            bankCode: String = "", branchCode: String = "", accountType: AccountType? = nil, accountNumber: String = "",
            holderNameKana: String = "", errors: [Field: PortalText] = [:]
        ) {
            self.bankCode = bankCode
            self.branchCode = branchCode
            self.accountType = accountType
            self.accountNumber = accountNumber
            self.holderNameKana = holderNameKana
            self.errors = errors
        }
    }

    public struct InsuranceForm: Sendable, Hashable {
        public enum Field: String, Sendable, Hashable, CaseIterable {
            case insurerNumber, symbol, number, branchNumber, confirmation
        }

        public var insurerNumber: String
        public var symbol: String
        public var number: String
        public var branchNumber: String
        public var errors: [Field: PortalText]

        public init(
            insurerNumber: String = "", symbol: String = "", number: String = "", branchNumber: String = "",
            errors: [Field: PortalText] = [:]
        ) {
            self.insurerNumber = insurerNumber
            self.symbol = symbol
            self.number = number
            self.branchNumber = branchNumber
            self.errors = errors
        }
    }
}

/// How a linkage was confirmed to be the resident's own.
public enum LinkageConfirmation: Sendable, Hashable, CaseIterable {
    /// By the resident, signed in to the portal.
    case inPortal
    /// By staff at the counter, with the resident present.
    case atCounter
}

extension LinkageConfirmation: CatalogLabelled {
    var labelKey: String { "confirmed_\(self)" }
}

extension LinkagesPage.AccountType: CatalogLabelled {
    var labelKey: String { "account_type_\(self)" }
}

extension LinkagesPage.AccountForm.Field {
    /// The id of the control the error summary links to.
    var anchor: String {
        switch self {
        case .bankCode: "account-bank-code"
        case .branchCode: "account-branch-code"
        case .accountType: "account-type-ordinary"
        case .accountNumber: "account-number"
        case .holderNameKana: "account-holder-kana"
        case .confirmation: "account-confirm-yes"
        }
    }

    var labelKey: String {
        switch self {
        case .bankCode: "account_bank_code"
        case .branchCode: "account_branch_code"
        case .accountType: "account_type"
        case .accountNumber: "account_number"
        case .holderNameKana: "account_holder_kana"
        case .confirmation: "form_confirmation"
        }
    }
}

extension LinkagesPage.InsuranceForm.Field {
    var anchor: String {
        switch self {
        case .insurerNumber: "insurance-insurer-number"
        case .symbol: "insurance-symbol"
        case .number: "insurance-number"
        case .branchNumber: "insurance-branch-number"
        case .confirmation: "insurance-confirm-yes"
        }
    }

    var labelKey: String {
        switch self {
        case .insurerNumber: "insurance_insurer_number"
        case .symbol: "insurance_symbol"
        case .number: "insurance_number"
        case .branchNumber: "insurance_branch_number"
        case .confirmation: "form_confirmation"
        }
    }
}

extension LinkagesPage.AccountForm: TemplateExtras {
    var templateExtras: [String: Any] {
        FormErrorValues.make(Field.allCases, errors, anchor: \.anchor, labelKey: \.labelKey, name: \.rawValue)
    }
}

extension LinkagesPage.InsuranceForm: TemplateExtras {
    var templateExtras: [String: Any] {
        FormErrorValues.make(Field.allCases, errors, anchor: \.anchor, labelKey: \.labelKey, name: \.rawValue)
    }
}

/// What a form's template needs to show errors next to fields and in a summary.
enum FormErrorValues {
    /// - `error.<field>`: the message for that field, if any;
    /// - `errorSummary`: the messages in field order, each with its anchor and field label;
    /// - `hasErrors`.
    static func make<Field: Hashable>(
        _ order: [Field], _ errors: [Field: PortalText], anchor: (Field) -> String, labelKey: (Field) -> String,
        name: (Field) -> String
    ) -> [String: Any] {
        var byField: [String: Any] = [:]
        var summary: [Any] = []
        for field in order {
            guard let message = errors[field] else { continue }
            byField[name(field)] = message
            summary.append(["anchor": anchor(field), "label": PortalText.key(labelKey(field)), "message": message] as [String: Any])
        }
        return ["error": byField, "errorSummary": summary, "hasErrors": !summary.isEmpty]
    }
}
