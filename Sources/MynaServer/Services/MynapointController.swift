import Foundation
import Hummingbird
import MynaCharts
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPortal
import MynaServices

/// Mynapoint over HTTP: the campaigns, sign-up with the card (by the resident, or by a
/// clerk inside the resident's procedure), and the cashless providers' side — reports in,
/// grants out — each request signed with the provider's registered key.
struct MynapointController {
    let mynapoint: Mynapoint
    let signIn: CardSignIn
    let agencies: AgencyDirectory

    func register(routes: RouterGroup<MynaRequestContext>, staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(routes, .get, "/v1/mynapoint/campaigns") { _, _ in
            var views: [CampaignView] = []
            for campaign in try await mynapoint.all() {
                let budget = try await mynapoint.budget(of: campaign.id)
                // Anyone may read this list: seats left and yen granted are published as the
                // statistics publish them, withheld while they would give back 1 to 9 people.
                views.append(CampaignView(
                    campaign: campaign, seatsLeft: SmallCellSuppression.derived(budget.seats - budget.taken, from: Int(budget.taken)),
                    grantedYen: SmallCellSuppression.derived(budget.grantedYen, from: budget.fewestGrantees)))
            }
            return JSONResponse(value: CampaignListView(campaigns: views))
        }
        book.on(routes, .post, "/v1/mynapoint/sign-ups") { request, context in
            let body = try await request.decodeJSON(as: SignUpBody.self, context: context)
            let resident = try await signIn.holder(of: body, for: .mynapointSignUp, details: body.approved, source: context.clientAddress)
            let signUp = try await mynapoint.signUp(resident, to: body.campaignId, provider: body.providerId, account: body.providerAccount, via: .card)
            return JSONResponse(status: .created, value: SignUpView(signUp))
        }
        book.on(routes, .post, "/v1/mynapoint/claims") { request, context in
            let resident = try await signIn.holder(
                of: try await request.decodeJSON(as: SignInResponseBody.self, context: context), for: .mynapointClaim, source: context.clientAddress)
            try await mynapoint.claimLinkageRewards(resident)
            return JSONResponse(value: SignUpListView(signUps: try await mynapoint.signUps(of: resident).map(SignUpView.init)))
        }
        book.on(staff, .post, "/v1/residents/{id}/mynapoint/sign-ups") { request, context in
            try context.require(.changeResident)
            let (id, procedure) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: SignUpBody.self, context: context)
            // The card at the counter must be the procedure's resident's: a terminal left on
            // one person's procedure cannot sign up the next person (2023, domain.md §8).
            let staffID = context.session.member.id
            guard try await signIn.holder(
                of: body, for: .mynapointSignUp, audience: .counter(staffID: staffID), details: body.approved, source: "counter:\(staffID)") == id
            else {
                throw ServiceError(.notCardHolder, "the card presented is not the card of the resident in this procedure")
            }
            let signUp = try await mynapoint.signUp(
                id, to: body.campaignId, provider: body.providerId, account: body.providerAccount,
                via: .counter(staffID: context.session.member.id, procedureID: procedure.id))
            return JSONResponse(status: .created, value: SignUpView(signUp))
        }
        book.on(routes, .post, "/v1/mynapoint/reports") { request, context in
            let (provider, data) = try await agencies.authenticate(request, context, as: .cashlessProvider)
            let body = try Request.decodeJSON(as: ReportBody.self, from: data)
            let report = try SpendingReport(
                campaignID: body.campaignId, reportID: body.reportId, account: body.account, kind: body.kind, amountYen: body.amountYen,
                occurredAt: body.occurredAt, cancels: body.cancels)
            let outcome = try await mynapoint.report(report, by: provider)
            return JSONResponse(status: outcome.replayed ? .ok : .created, value: ReportView(
                reportId: outcome.reportID, points: outcome.points, spendingPoints: outcome.spendingPoints, replayed: outcome.replayed))
        }
        book.on(routes, .get, "/v1/mynapoint/grants") { request, context in
            let (provider, _) = try await agencies.authenticate(request, context, as: .cashlessProvider, body: false)
            let after = Int64(try request.integerQuery("after", in: 0...Int.max) ?? 0)
            let grants = try await mynapoint.grants(for: provider, after: after)
            return JSONResponse(value: GrantListView(grants: grants.map(GrantView.init), next: grants.last?.id ?? after))
        }
    }
}

struct SignUpBody: CardAnswerBody {
    static let fields: Set<String> = ["challengeId", "certificate", "signature", "campaignId", "providerId", "providerAccount"]
    let challengeId: String
    let certificate: String
    let signature: String
    let campaignId: String
    let providerId: String
    /// The person's account with the provider, as the provider shows it.
    let providerAccount: String

    /// What the card must have approved: this campaign, this provider, this account.
    var approved: [(key: String, value: String)] {
        [("campaign", campaignId), ("provider", providerId), ("provider-account", providerAccount)]
    }
}

struct ReportBody: RequestBody {
    static let fields: Set<String> = ["campaignId", "reportId", "account", "kind", "amountYen", "occurredAt", "cancels"]
    let campaignId: String
    let reportId: String
    let account: String
    let kind: SpendingReport.Kind
    let amountYen: Int
    let occurredAt: Date
    let cancels: String?

    enum CodingKeys: String, CodingKey { case campaignId, reportId, account, kind, amountYen, occurredAt, cancels }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        (campaignId, reportId, account) = (
            try container.decode(String.self, forKey: .campaignId), try container.decode(String.self, forKey: .reportId),
            try container.decode(String.self, forKey: .account)
        )
        (kind, amountYen, cancels) = (
            try container.decode(SpendingReport.Kind.self, forKey: .kind), try container.decode(Int.self, forKey: .amountYen),
            try container.decodeIfPresent(String.self, forKey: .cancels)
        )
        // RFC 3339, as every time in the API, with the fraction of a second it allows.
        guard let occurred = RFC3339.date(try container.decode(String.self, forKey: .occurredAt)) else {
            throw DecodingError.dataCorruptedError(forKey: .occurredAt, in: container, debugDescription: "is not an RFC 3339 time")
        }
        occurredAt = occurred
    }
}

struct CampaignListView: Encodable, Sendable { let campaigns: [CampaignView] }

struct CampaignView: Encodable, Sendable {
    let id: String
    let name: String
    let signUp: Campaign.Window
    let spending: Campaign.Window?
    let budgetYen: Int64
    let maximumPerPersonYen: Int
    let rewards: [Campaign.Reward]
    /// Absent while 1 to 9 seats are taken.
    let seatsLeft: Int64?
    /// Absent while some reward went to 1 to 9 people.
    let grantedYen: Int64?

    init(campaign: Campaign, seatsLeft: Int64?, grantedYen: Int64?) {
        (id, name, signUp, spending, budgetYen, rewards) = (campaign.id, campaign.name, campaign.signUp, campaign.spending, campaign.budgetYen, campaign.rewards)
        maximumPerPersonYen = campaign.maximumPerPersonYen
        (self.seatsLeft, self.grantedYen) = (seatsLeft, grantedYen)
    }
}

struct SignUpListView: Encodable, Sendable { let signUps: [SignUpView] }

struct SignUpView: Encodable, Sendable {
    let campaignId: String
    let mykeyId: String
    let providerId: String
    let providerName: String
    let providerAccount: String
    let confirmation: String
    let channel: String
    let signedUpAt: Date
    let granted: [String: Int]
    let totalGranted: Int

    init(_ signUp: CampaignSignUp) {
        (campaignId, mykeyId, providerId, providerName, providerAccount) =
            (signUp.campaignID, signUp.mykeyID, signUp.providerID, signUp.providerName, signUp.providerAccount)
        (confirmation, channel, signedUpAt, totalGranted) = (signUp.confirmation, signUp.channel, signUp.signedUpAt, signUp.totalGranted)
        granted = Dictionary(uniqueKeysWithValues: signUp.granted.map { ($0.key.rawValue, $0.value) })
    }
}

struct ReportView: Encodable, Sendable {
    let reportId: String
    let points: Int
    let spendingPoints: Int
    let replayed: Bool
}

struct GrantListView: Encodable, Sendable {
    let grants: [GrantView]
    /// The `after` to ask with next.
    let next: Int64
}

struct GrantView: Encodable, Sendable {
    let id: Int64
    let campaignId: String
    let account: String
    let reward: String
    let points: Int
    let reportId: String?
    let grantedAt: Date

    init(_ grant: CampaignGrant) {
        (id, campaignId, account, reward, points, reportId, grantedAt) =
            (grant.id, grant.campaignID, grant.account, grant.reward.rawValue, grant.points, grant.reportID, grant.grantedAt)
    }
}
