import Crypto
public import Foundation
public import MynaCore
public import MynaLinkage
public import MynaRegistry
public import MynaDatabase

/// A public-fund receiving account (公金受取口座, 公金受取口座登録法): where benefits are paid.
public struct PublicFundAccount: Sendable, Hashable, Codable {
    public enum AccountType: String, Sendable, Hashable, Codable { case ordinary, current }
    /// 金融機関コード (4 digits), 支店コード (3), 口座番号 (7).
    public let bankCode: String
    public let branchCode: String
    public let accountType: AccountType
    public let accountNumber: String
    /// 口座名義 (カナ), as the bank holds it.
    public let holderKana: String

    public init(bankCode: String, branchCode: String, accountType: AccountType, accountNumber: String, holderKana: String) throws {
        func digits(_ text: String, _ count: Int) -> Bool { text.count == count && text.allSatisfy { $0.isASCII && $0.isNumber } }
        guard digits(bankCode, 4), digits(branchCode, 3), digits(accountNumber, 7) else {
            throw PortalError(.invalidAccount, "bank code is 4 digits, branch code 3 and account number 7")
        }
        let holder = JapaneseText.foldWidth(holderKana).trimmingCharacters(in: .whitespaces)
        // The limit is on the name as sent, in code points, as openapi.json's maxLength
        // states it: folding can join (ｶﾞ to ガ) or split (㌍ to カロリー) characters.
        guard !holder.isEmpty, holderKana.unicodeScalars.count <= 60, JapaneseText.isKana(holder.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "　", with: "")) else {
            throw PortalError(.invalidAccount, "the holder's name is in kana, as on the passbook")
        }
        (self.bankCode, self.branchCode, self.accountType, self.accountNumber, self.holderKana) = (bankCode, branchCode, accountType, accountNumber, holder)
    }
}

/// A health-insurance card's identifiers (保険者番号 8 digits, 記号, 番号, 枝番).
public struct InsuranceIdentifiers: Sendable, Hashable, Codable {
    public let insurerNumber: String
    public let symbol: String
    public let number: String
    public let branchNumber: String?

    public init(insurerNumber: String, symbol: String, number: String, branchNumber: String?) throws {
        let sent = [symbol, number, branchNumber ?? ""]
        let folded = sent.map { JapaneseText.foldWidth($0).trimmingCharacters(in: .whitespaces) }
        // Limits on the identifiers as sent, in code points (openapi.json's maxLength).
        guard insurerNumber.count == 8, insurerNumber.allSatisfy({ $0.isASCII && $0.isNumber }), !folded[0].isEmpty, !folded[1].isEmpty,
            sent.allSatisfy({ $0.unicodeScalars.count <= 20 }), folded[2].allSatisfy({ $0.isASCII && $0.isNumber })
        else { throw PortalError(.invalidInsurance, "the insurer number is 8 digits; symbol and number as on the card") }
        (self.insurerNumber, self.symbol, self.number) = (insurerNumber, folded[0], folded[1])
        self.branchNumber = folded[2].isEmpty ? nil : folded[2]
    }
}

/// Who confirmed a linkage and how (the 確認書): the resident in the portal, or staff at
/// the counter with the resident present.
public enum LinkageConfirmer: Sendable, Hashable {
    case resident(String)
    case staff(id: String, procedureID: String)

    var label: String {
        switch self {
        case .resident: "portal"
        case .staff(let id, _): "counter:staff:\(id)"
        }
    }

    var procedureID: String? {
        if case .staff(_, let procedure) = self { return procedure }
        return nil
    }
}

/// A registered linkage and when and how it was confirmed.
public struct RegisteredLinkage<Details: Sendable & Hashable>: Sendable, Hashable {
    public let details: Details
    public let registeredAt: Date
    /// `portal`, or `counter:staff:<id>`.
    public let confirmedBy: String
    public let procedureID: String?
    /// For insurance: the insurer's name.
    public let providerName: String?
}

/// One linkage whose facts disagree with the register today (the 総点検).
public struct LinkageDisagreement: Sendable, Hashable {
    public let residentID: String
    public let kind: String
    public let facts: [String]

    public init(residentID: String, kind: String, facts: [String]) {
        (self.residentID, self.kind, self.facts) = (residentID, kind, facts)
    }
}

/// The public-fund account and the health-insurance linkage, each registered only on the
/// resident's explicit confirmation and only when the facts agree: the account holder's
/// kana is the resident's reading, and the insurer's record of the member has the
/// resident's four basic facts (normalised, never "close enough"). The 2023 mis-links —
/// an account in another person's name, an insurance record filed under the wrong number
/// (domain.md §8) — are refused here, and `disagreements()` finds any that the register's
/// later changes have opened.
public struct ResidentLinkages: Sendable {
    let registry: Registry
    let linkage: LinkageHub?
    let clock: WallClock

    var database: any Database { registry.database }

    public init(registry: Registry, linkage: LinkageHub?, clock: WallClock) {
        self.registry = registry
        self.linkage = linkage
        self.clock = clock
    }

    // MARK: The public-fund account

    /// Registers (or replaces) the account. `confirmed` is the resident's answer to "this
    /// account is in my own name": no answer or "no" registers nothing; every answer is kept.
    public func registerAccount(_ account: PublicFundAccount, for residentID: String, confirmed: Bool?, by confirmer: LinkageConfirmer) async throws {
        let now = clock.milliseconds
        try await recordConfirmation("public-fund-account", residentID, confirmed, confirmer, at: now)
        guard confirmed == true else { throw PortalError(.confirmationRequired, "the resident must confirm the account is their own") }
        try await database.transaction { connection in
            let resident = try await registry.residents.resident(
                residentID, on: connection, recording: .readFacts, by: confirmer.actor(residentID), purpose: "公金受取口座の登録（名義の確認）")
            guard JapaneseText.normalizedKana(account.holderKana) == JapaneseText.normalizedKana(resident.facts.nameKana) else {
                throw PortalError(.holderNameMismatch, "the account holder's name is not the resident's reading")
            }
            try await connection.query(SQL("DELETE FROM public_fund_accounts WHERE resident_id = ?", [.text(residentID)]))
            try await connection.query(SQL(
                """
                INSERT INTO public_fund_accounts (resident_id, bank_code, branch_code, account_type, account_number, holder_kana,
                    registered_at, confirmed_by, procedure_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(residentID), .text(account.bankCode), .text(account.branchCode), .text(account.accountType.rawValue), .text(account.accountNumber),
                 .text(account.holderKana), .integer(now), .text(confirmer.label), SQLValue(confirmer.procedureID)]))
        }
    }

    public func account(of residentID: String) async throws -> RegisteredLinkage<PublicFundAccount>? {
        try await database.read { try await Self.account(of: residentID, on: $0) }
    }

    static func account(of residentID: String, on connection: any SQLConnection) async throws -> RegisteredLinkage<PublicFundAccount>? {
        guard let row = try await connection.first(SQL("SELECT * FROM public_fund_accounts WHERE resident_id = ?", [.text(residentID)])) else { return nil }
        return RegisteredLinkage(
            details: try PublicFundAccount(
                bankCode: try row.string("bank_code"), branchCode: try row.string("branch_code"),
                accountType: PublicFundAccount.AccountType(rawValue: try row.string("account_type")) ?? .ordinary,
                accountNumber: try row.string("account_number"), holderKana: try row.string("holder_kana")),
            registeredAt: Date(milliseconds: try row.int("registered_at")), confirmedBy: try row.string("confirmed_by"),
            procedureID: try row.optionalString("procedure_id"), providerName: nil)
    }

    // MARK: Health insurance

    /// Links the resident's health insurance (マイナ保険証の利用登録): the insurer's record of
    /// the member — its copy in the intermediate store, filed under the insurer's code for
    /// this person — must carry these identifiers and the resident's four basic facts.
    public func linkInsurance(_ identifiers: InsuranceIdentifiers, for residentID: String, confirmed: Bool?, by confirmer: LinkageConfirmer) async throws {
        let now = clock.milliseconds
        let records = try await linkage?.items(of: residentID).filter { $0.item == .healthInsurance } ?? []
        try await recordConfirmation("health-insurance", residentID, confirmed, confirmer, at: now)
        guard confirmed == true else { throw PortalError(.confirmationRequired, "the resident must confirm the insurance is their own") }
        try await database.transaction { connection in
            let resident = try await registry.residents.resident(
                residentID, on: connection, recording: .readFacts, by: confirmer.actor(residentID), purpose: "健康保険証の利用登録（資格の確認）")
            guard let record = records.first(where: { Self.member($0.value)?.identifiers == identifiers }), let member = Self.member(record.value) else {
                throw PortalError(.insuranceRecordNotFound, "no insurer has a record with these identifiers for this person")
            }
            let differing = Self.differingFacts(member, resident.facts)
            guard differing.isEmpty else {
                throw PortalError(.insuranceFactsMismatch, "the insurer's record differs from the resident record in: \(differing.joined(separator: ", "))")
            }
            try await connection.query(SQL("DELETE FROM insurance_links WHERE resident_id = ?", [.text(residentID)]))
            try await connection.query(SQL(
                """
                INSERT INTO insurance_links (resident_id, provider_id, insurer_number, symbol, number, branch_number, linked_at, confirmed_by,
                    procedure_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(residentID), .text(record.provider.id), .text(identifiers.insurerNumber), .text(identifiers.symbol), .text(identifiers.number),
                 SQLValue(identifiers.branchNumber), .integer(now), .text(confirmer.label), SQLValue(confirmer.procedureID)]))
        }
    }

    /// Whether the person has linked health insurance and registered a public-fund
    /// account, inside the caller's read (Mynapoint's linkage rewards ask).
    public static func linked(_ residentID: String, on connection: any SQLConnection) async throws -> (insurance: Bool, account: Bool) {
        let insured = try await connection.first(SQL("SELECT resident_id FROM insurance_links WHERE resident_id = ?", [.text(residentID)])) != nil
        let account = try await connection.first(SQL("SELECT resident_id FROM public_fund_accounts WHERE resident_id = ?", [.text(residentID)])) != nil
        return (insured, account)
    }

    public func insurance(of residentID: String) async throws -> RegisteredLinkage<InsuranceIdentifiers>? {
        try await database.read { try await Self.insurance(of: residentID, on: $0) }
    }

    static func insurance(of residentID: String, on connection: any SQLConnection) async throws -> RegisteredLinkage<InsuranceIdentifiers>? {
        guard let row = try await connection.first(SQL(
            "SELECT l.*, \(AgencyDirectory.name(ofAgencyIn: "l.provider_id")) AS insurer_name FROM insurance_links l WHERE l.resident_id = ?",
            [.text(residentID)]))
        else { return nil }
        return RegisteredLinkage(
            details: try InsuranceIdentifiers(
                insurerNumber: try row.string("insurer_number"), symbol: try row.string("symbol"), number: try row.string("number"),
                branchNumber: try row.optionalString("branch_number")),
            registeredAt: Date(milliseconds: try row.int("linked_at")), confirmedBy: try row.string("confirmed_by"),
            procedureID: try row.optionalString("procedure_id"), providerName: try row.optionalString("insurer_name"))
    }

    // MARK: Inspection (総点検)

    /// Every linkage whose facts disagree with the register now: an account whose holder
    /// is no longer the resident's reading (a change of name), an insurance link whose
    /// insurer record no longer matches (or is gone).
    public func disagreements() async throws -> [LinkageDisagreement] {
        var found: [LinkageDisagreement] = []
        let accounts = try await database.read { connection in
            try await connection.query(SQL("SELECT a.resident_id, a.holder_kana, r.name_kana FROM public_fund_accounts a JOIN residents r ON r.id = a.resident_id"))
        }
        for row in accounts where JapaneseText.normalizedKana(try row.string("holder_kana")) != JapaneseText.normalizedKana(try row.string("name_kana")) {
            found.append(LinkageDisagreement(residentID: try row.string("resident_id"), kind: "public-fund-account", facts: ["holder-name"]))
        }
        let links = try await database.read { connection in try await connection.query(SQL("SELECT * FROM insurance_links")) }
        for row in links {
            let residentID = try row.string("resident_id")
            let identifiers = try InsuranceIdentifiers(
                insurerNumber: try row.string("insurer_number"), symbol: try row.string("symbol"), number: try row.string("number"),
                branchNumber: try row.optionalString("branch_number"))
            let facts = try await database.read { connection in
                try await registry.residents.resident(residentID, on: connection, recording: nil, by: .system("inspection"), purpose: "").facts
            }
            let member = try await linkage?.items(of: residentID).filter { $0.item == .healthInsurance }.compactMap { Self.member($0.value) }
                .first { $0.identifiers == identifiers }
            let differing = member.map { Self.differingFacts($0, facts) } ?? ["insurer-record"]
            if !differing.isEmpty { found.append(LinkageDisagreement(residentID: residentID, kind: "health-insurance", facts: differing)) }
        }
        return found
    }

    // MARK: Facts

    /// What an insurer's copy says about its member.
    struct Member {
        let identifiers: InsuranceIdentifiers
        let name: String
        let nameKana: String?
        let birthDate: String
        let sex: Int
        let address: String?
    }

    static func member(_ json: String) -> Member? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String: Any],
            let insurer = object["insurerNumber"] as? String, let symbol = object["symbol"] as? String, let number = object["number"] as? String,
            let identifiers = try? InsuranceIdentifiers(insurerNumber: insurer, symbol: symbol, number: number, branchNumber: object["branchNumber"] as? String),
            let name = object["name"] as? String, let birthDate = object["birthDate"] as? String, let sex = object["sex"] as? Int
        else { return nil }
        return Member(
            identifiers: identifiers, name: name, nameKana: object["nameKana"] as? String, birthDate: birthDate, sex: sex, address: object["address"] as? String)
    }

    /// The basic facts on which the insurer's record and the register differ, after
    /// normalisation (width, spaces, variant kanji, kana spelling): none, or a refusal.
    static func differingFacts(_ member: Member, _ facts: BasicInfo) -> [String] {
        var differing: [String] = []
        if JapaneseText.normalizedName(member.name) != JapaneseText.normalizedName(facts.name) { differing.append("name") }
        if let kana = member.nameKana, JapaneseText.normalizedKana(kana) != JapaneseText.normalizedKana(facts.nameKana) { differing.append("name-kana") }
        if member.birthDate != facts.birthDate.description { differing.append("birth-date") }
        if member.sex != facts.sex.rawValue { differing.append("sex") }
        if let address = member.address, JapaneseText.normalizedName(address) != JapaneseText.normalizedName(facts.address.text) { differing.append("address") }
        return differing
    }

    /// Every answer to the confirmation is kept, yes and no alike, as the written 確認書 is
    /// — in its own transaction, so a refusal that follows does not take it back.
    func recordConfirmation(_ kind: String, _ residentID: String, _ answer: Bool?, _ confirmer: LinkageConfirmer, at now: Int64) async throws {
        try await database.transaction { try await $0.query(SQL(
            "INSERT INTO linkage_confirmations (resident_id, kind, answer, confirmed_by, procedure_id, answered_at) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(residentID), .text(kind), .text(answer.map { $0 ? "yes" : "no" } ?? "none"), .text(confirmer.label), SQLValue(confirmer.procedureID),
             .integer(now)])) }
    }

    /// The answers given for a resident, newest first: (kind, answer, by whom, when).
    public func confirmations(of residentID: String) async throws -> [LinkageConfirmation] {
        try await database.read { try await Self.confirmations(of: residentID, on: $0) }
    }

    static func confirmations(of residentID: String, on connection: any SQLConnection) async throws -> [LinkageConfirmation] {
        try await connection.query(SQL(
            "SELECT * FROM linkage_confirmations WHERE resident_id = ? ORDER BY id DESC", [.text(residentID)])).map {
            (try $0.string("kind"), try $0.string("answer"), try $0.string("confirmed_by"), Date(milliseconds: try $0.int("answered_at")))
        }
    }

    /// The person's linkages — account, insurance, every answer to the confirmation — as
    /// the counter sees them: read in one transaction with the access record that says who
    /// saw them and why (an account and an insurance number are personal data too).
    public func file(of residentID: String, by actor: RegistryActor, purpose: String) async throws -> LinkageFile {
        try await database.transaction { connection in
            _ = try await registry.residents.resident(residentID, on: connection, recording: .readLinkages, by: actor, purpose: purpose)
            return LinkageFile(
                account: try await Self.account(of: residentID, on: connection), insurance: try await Self.insurance(of: residentID, on: connection),
                confirmations: try await Self.confirmations(of: residentID, on: connection))
        }
    }
}

/// One answer to the confirmation (確認書): which linkage, yes or no, who recorded it, when.
public typealias LinkageConfirmation = (kind: String, answer: String, confirmedBy: String, at: Date)

/// What the counter shows of a person's linkages.
public struct LinkageFile: Sendable {
    public let account: RegisteredLinkage<PublicFundAccount>?
    public let insurance: RegisteredLinkage<InsuranceIdentifiers>?
    public let confirmations: [LinkageConfirmation]
}

extension LinkageConfirmer {
    func actor(_ residentID: String) -> RegistryActor {
        switch self {
        case .resident: .resident(id: residentID)
        case .staff(let id, let procedure): .staff(id: id, procedureID: procedure)
        }
    }
}

extension ResidentLinkages: LinkageStatus {
    public func linked(_ residentID: String, on connection: any SQLConnection) async throws -> (insurance: Bool, account: Bool) {
        try await Self.linked(residentID, on: connection)
    }
}
