import Foundation
import Hummingbird
import MynaPortal
import MynaRegistry
import MynaServices

/// The public-fund account and the health-insurance linkage at the counter: a clerk
/// registers them inside the resident's procedure, with the resident's own yes recorded
/// as the 確認書 — the same checks as in the portal, the same refusals.
struct LinkagesController {
    let linkages: ResidentLinkages
    /// Mynapoint, when served: a linkage made after joining round 2 earns its reward at once.
    let mynapoint: Mynapoint?

    func register(staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(staff, .get, "/v1/residents/{id}/linkages") { _, context in
            let (id, procedure) = try context.residentInProcedure()
            let file = try await linkages.file(of: id, by: context.session.actor, purpose: procedure.purpose)
            return JSONResponse(value: LinkagesView(
                residentId: id,
                publicFundAccount: file.account.map { AccountView(details: $0.details, registeredAt: $0.registeredAt, confirmedBy: $0.confirmedBy) },
                healthInsurance: file.insurance.map {
                    InsuranceView(details: $0.details, insurerName: $0.providerName, linkedAt: $0.registeredAt, confirmedBy: $0.confirmedBy)
                },
                confirmations: file.confirmations.map { ConfirmationView(kind: $0.kind, answer: $0.answer, confirmedBy: $0.confirmedBy, at: $0.at) }))
        }
        book.on(staff, .put, "/v1/residents/{id}/linkages/public-fund-account") { request, context in
            try context.require(.changeResident)
            let (id, procedure) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: AccountBody.self, context: context)
            let account = try PublicFundAccount(
                bankCode: body.bankCode, branchCode: body.branchCode, accountType: body.accountType, accountNumber: body.accountNumber,
                holderKana: body.holderNameKana)
            try await linkages.registerAccount(
                account, for: id, confirmed: body.residentConfirmed, by: .staff(id: context.session.member.id, procedureID: procedure.id))
            try await mynapoint?.claimLinkageRewards(id)
            return Response(status: .noContent)
        }
        book.on(staff, .put, "/v1/residents/{id}/linkages/health-insurance") { request, context in
            try context.require(.changeResident)
            let (id, procedure) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: InsuranceBody.self, context: context)
            let identifiers = try InsuranceIdentifiers(
                insurerNumber: body.insurerNumber, symbol: body.symbol, number: body.number, branchNumber: body.branchNumber)
            try await linkages.linkInsurance(
                identifiers, for: id, confirmed: body.residentConfirmed, by: .staff(id: context.session.member.id, procedureID: procedure.id))
            try await mynapoint?.claimLinkageRewards(id)
            return Response(status: .noContent)
        }
    }
}

struct AccountBody: RequestBody {
    static let fields: Set<String> = ["bankCode", "branchCode", "accountType", "accountNumber", "holderNameKana", "residentConfirmed"]
    let bankCode: String
    let branchCode: String
    let accountType: PublicFundAccount.AccountType
    let accountNumber: String
    let holderNameKana: String
    /// The resident's answer on the 確認書: true (yes), false (no).
    let residentConfirmed: Bool
}

struct InsuranceBody: RequestBody {
    static let fields: Set<String> = ["insurerNumber", "symbol", "number", "branchNumber", "residentConfirmed"]
    let insurerNumber: String
    let symbol: String
    let number: String
    let branchNumber: String?
    let residentConfirmed: Bool
}

struct LinkagesView: Encodable, Sendable {
    let residentId: String
    let publicFundAccount: AccountView?
    let healthInsurance: InsuranceView?
    let confirmations: [ConfirmationView]
}

struct AccountView: Encodable, Sendable {
    let details: PublicFundAccount
    let registeredAt: Date
    let confirmedBy: String
}

struct InsuranceView: Encodable, Sendable {
    let details: InsuranceIdentifiers
    let insurerName: String?
    let linkedAt: Date
    let confirmedBy: String
}

struct ConfirmationView: Encodable, Sendable {
    let kind: String
    let answer: String
    let confirmedBy: String
    let at: Date
}
