import Foundation
import MynaCore
import MynaLinkage
import MynaPortal
import MynaRegistry
import MynaTestSupport
import Testing

@Suite("Public-fund account and health-insurance linkage")
struct LinkagesTests {
    @Test("confirmed, matching facts only; every answer kept; mismatches refused with the reason; the inspection finds drift", arguments: DatabaseKind.available)
    func linkages(kind: DatabaseKind) async throws {
        try await withPortal(kind) { portal in
            let environment = portal.environment
            let registry = portal.office.registry
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
            let linkages = ResidentLinkages(registry: registry, linkage: hub, clock: environment.clock.wallClock)
            let holder = try await TestCardHolder.issue(by: portal.office)  // 山田 太郎, ヤマダ タロウ, 1990-05-01, male
            let me = LinkageConfirmer.resident(holder.residentID)

            // The account: no answer, then "no", register nothing; both answers are kept.
            let account = try PublicFundAccount(bankCode: "0001", branchCode: "123", accountType: .ordinary, accountNumber: "1234567", holderKana: "ﾔﾏﾀﾞ ﾀﾛｳ")
            await expectPortalError(.confirmationRequired) { try await linkages.registerAccount(account, for: holder.residentID, confirmed: nil, by: me) }
            await expectPortalError(.confirmationRequired) { try await linkages.registerAccount(account, for: holder.residentID, confirmed: false, by: me) }
            #expect(try await linkages.account(of: holder.residentID) == nil)
            let someoneElses = try PublicFundAccount(bankCode: "0001", branchCode: "123", accountType: .ordinary, accountNumber: "7654321", holderKana: "ヤマダ ハナコ")
            await expectPortalError(.holderNameMismatch) { try await linkages.registerAccount(someoneElses, for: holder.residentID, confirmed: true, by: me) }
            // Half-width bank kana is the same reading.
            try await linkages.registerAccount(account, for: holder.residentID, confirmed: true, by: me)
            #expect(try await linkages.account(of: holder.residentID)?.details.accountNumber == "1234567")
            #expect(try await linkages.confirmations(of: holder.residentID).map(\.answer) == ["yes", "yes", "no", "none"])
            #expect(throws: PortalError.self) { try PublicFundAccount(bankCode: "01", branchCode: "123", accountType: .ordinary, accountNumber: "1234567", holderKana: "ヤマダ") }

            // Insurance: the insurer's record of the member is filed under its code for this person.
            let insurer = try await hub.agencies.register(name: "全国健康保険協会 東京支部", type: .healthInsurer, municipality: nil).agency
            let code = try await hub.acquireCode(for: holder.number, by: insurer)
            func file(_ facts: [String: Any]) async throws {
                let record: [String: Any] = ["insurerNumber": "01130012", "symbol": "1234", "number": "00042"].merging(facts) { $1 }
                try await hub.register(item: .healthInsurance, value: Array(try JSONSerialization.data(withJSONObject: record)), code: code, by: insurer)
            }
            // 2023: an insurer filed another member's record under this person's number.
            try await file(["name": "山田 花子", "nameKana": "ヤマダ ハナコ", "birthDate": "1992-02-02", "sex": 2])
            let card = try InsuranceIdentifiers(insurerNumber: "01130012", symbol: "1234", number: "00042", branchNumber: nil)
            do {
                try await linkages.linkInsurance(card, for: holder.residentID, confirmed: true, by: me)
                Issue.record("a record of another person was linked")
            } catch let error as PortalError {
                #expect(error.code == .insuranceFactsMismatch && error.message.hasSuffix("name, name-kana, birth-date, sex"))
            }
            let unknown = try InsuranceIdentifiers(insurerNumber: "01130012", symbol: "1234", number: "99999", branchNumber: nil)
            await expectPortalError(.insuranceRecordNotFound) { try await linkages.linkInsurance(unknown, for: holder.residentID, confirmed: true, by: me) }
            // The insurer corrects its record; written differently, the facts are the same.
            try await file(["name": "山田　太郎", "nameKana": "ﾔﾏﾀﾞ ﾀﾛｳ", "birthDate": "1990-05-01", "sex": 1])
            try await linkages.linkInsurance(card, for: holder.residentID, confirmed: true, by: .staff(id: "clerk-1", procedureID: "procedure-1"))
            let linked = try #require(try await linkages.insurance(of: holder.residentID))
            #expect(linked.providerName == "全国健康保険協会 東京支部" && linked.confirmedBy == "counter:staff:clerk-1" && linked.procedureID == "procedure-1")
            #expect(try await linkages.disagreements().isEmpty)

            // Later the insurer's record drifts from the register: the inspection names it.
            try await file(["name": "山田 太朗", "birthDate": "1990-05-01", "sex": 1])
            let found = try await linkages.disagreements()
            #expect(found == [LinkageDisagreement(residentID: holder.residentID, kind: "health-insurance", facts: ["name"])])
        }
    }
}

@Suite("Linkage identifiers' limits")
struct LinkageIdentifierLimitTests {
    /// openapi.json states the limits as maxLength, in code points of what is sent; folding
    /// half-width kana (ｶﾞ to ガ) or compatibility characters (㍻ to 平成) changes the count.
    @Test("limits count the code points sent, before folding")
    func limitsAsSent() throws {
        // 31 × ｶﾞ: 62 code points sent, 31 characters once folded.
        #expect(throws: PortalError.self) {
            try PublicFundAccount(bankCode: "0001", branchCode: "123", accountType: .ordinary, accountNumber: "1234567",
                                  holderKana: String(repeating: "ｶﾞ", count: 31))
        }
        #expect(try PublicFundAccount(bankCode: "0001", branchCode: "123", accountType: .ordinary, accountNumber: "1234567",
                                      holderKana: String(repeating: "ｶﾞ", count: 30)).holderKana.count == 30)
        // 20 × ㍻: 20 code points sent, 40 once folded.
        #expect(try InsuranceIdentifiers(insurerNumber: "01130012", symbol: String(repeating: "㍻", count: 20), number: "1", branchNumber: nil)
            .symbol == String(repeating: "平成", count: 20))
        #expect(throws: PortalError.self) {
            try InsuranceIdentifiers(insurerNumber: "01130012", symbol: String(repeating: "か\u{3099}", count: 11), number: "1", branchNumber: nil)
        }
    }
}
