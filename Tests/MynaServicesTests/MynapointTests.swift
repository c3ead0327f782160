import Foundation
import MynaCore
import MynaLinkage
import MynaPortal
import MynaServices
import MynaDatabase
import MynaTestSupport
import Testing

@Suite("Mynapoint")
struct MynapointTests {
    @Test("campaigns are data: validated, loaded once, never changed", arguments: DatabaseKind.available)
    func campaigns(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let round2 = try fixture.campaign(
                "round-2", budgetYen: 20_000 * 1000,
                rewards: [
                    .init(kind: .spending, rateBasisPoints: 2500, capYen: 5000), .init(kind: .insuranceLinkage, yen: 7500),
                    .init(kind: .publicFundAccount, yen: 7500),
                ])
            #expect(round2.maximumPerPersonYen == 20_000 && round2.seats == 1000)
            try await fixture.load(round2)
            try await fixture.load(round2)  // the same bytes: a no-op
            let changed = try fixture.campaign("round-2", budgetYen: 30_000_000)
            await expectServiceError(.campaignExists) { try await fixture.load(changed) }
            await expectServiceError(.invalidCampaign) { try await fixture.services.mynapoint.load(Array(#"{"id":"x"}"#.utf8), by: "test") }
            #expect(throws: ServiceError.self) { try fixture.campaign("Bad Id") }
            #expect(throws: ServiceError.self) { try fixture.campaign("no-budget", budgetYen: 100) }
            #expect(throws: ServiceError.self) { try fixture.campaign("two-spending", rewards: [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000), .init(kind: .spending, rateBasisPoints: 1, capYen: 1)]) }
            #expect(try await fixture.services.mynapoint.all().map(\.id) == ["round-2"])
            await expectServiceError(.unknownCampaign) { _ = try await fixture.services.mynapoint.campaign("round-9") }
        }
    }

    @Test("sign-up once, with one provider for good; spending earns 25 % to the cap; replays, cancellations and bad reports", arguments: DatabaseKind.available)
    func signUpAndSpending(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let mynapoint = fixture.services.mynapoint
            try await fixture.load(try fixture.campaign("round-1"))
            let pay = try await fixture.register("みらいペイ", .cashlessProvider)
            let other = try await fixture.register("さくらカード", .cashlessProvider)
            let insurer = try await fixture.register("協会けんぽ", .healthInsurer)
            let (alice, bob) = (try await fixture.resident(1), try await fixture.resident(2))

            let signUp = try await mynapoint.signUp(alice, to: "round-1", provider: pay.id, account: "alice-01", via: .card)
            #expect(signUp.confirmation.hasPrefix("MP-") && signUp.providerName == "みらいペイ" && signUp.channel == "card")
            await expectServiceError(.alreadySignedUp) { _ = try await mynapoint.signUp(alice, to: "round-1", provider: pay.id, account: "alice-01", via: .card) }
            await expectServiceError(.providerCannotChange) { _ = try await mynapoint.signUp(alice, to: "round-1", provider: other.id, account: "a", via: .card) }
            await expectServiceError(.providerAccountTaken) { _ = try await mynapoint.signUp(bob, to: "round-1", provider: pay.id, account: "alice-01", via: .card) }
            await expectServiceError(.unknownProvider) { _ = try await mynapoint.signUp(bob, to: "round-1", provider: insurer.id, account: "b", via: .card) }
            await expectServiceError(.invalidProviderAccount) { _ = try await mynapoint.signUp(bob, to: "round-1", provider: pay.id, account: "", via: .card) }
            // The clerk's sign-up records the counter and the procedure.
            let counter = try await mynapoint.signUp(bob, to: "round-1", provider: other.id, account: "bob", via: .counter(staffID: "clerk-1", procedureID: "p-1"))
            #expect(counter.channel == "counter:staff:clerk-1")

            let now = fixture.clock.now
            func report(_ id: String, _ kind: SpendingReport.Kind, _ yen: Int, account: String = "alice-01", at: Date? = nil, cancels: String? = nil)
                throws -> SpendingReport
            {
                try SpendingReport(campaignID: "round-1", reportID: id, account: account, kind: kind, amountYen: yen, occurredAt: at ?? now, cancels: cancels)
            }
            #expect(try await mynapoint.report(try report("r1", .purchase, 10_000), by: pay).points == 2500)
            #expect(try await mynapoint.report(try report("r2", .topUp, 12_000), by: pay) == ReportOutcome(reportID: "r2", points: 2500, spendingPoints: 5000, replayed: false))
            #expect(try await mynapoint.report(try report("r3", .purchase, 4_000), by: pay).points == 0)  // at the cap
            #expect(try await mynapoint.report(try report("r1", .purchase, 10_000), by: pay) == ReportOutcome(reportID: "r1", points: 2500, spendingPoints: 5000, replayed: true))
            await expectServiceError(.reportIDReused) { _ = try await mynapoint.report(try report("r1", .purchase, 10_001), by: pay) }
            await expectServiceError(.unknownAccount) { _ = try await mynapoint.report(try report("r4", .purchase, 100, account: "nobody"), by: pay) }
            await expectServiceError(.unknownAccount) { _ = try await mynapoint.report(try report("r4", .purchase, 100), by: other) }  // not their customer
            await expectServiceError(.unknownPurchase) { _ = try await mynapoint.report(try report("c0", .cancellation, 100, cancels: "r404"), by: pay) }
            await expectServiceError(.invalidReport) { _ = try await mynapoint.report(try report("c1", .cancellation, 9_999, cancels: "r1"), by: pay) }
            #expect(try await mynapoint.report(try report("c1", .cancellation, 10_000, cancels: "r1"), by: pay).points == -2500)
            await expectServiceError(.alreadyCancelled) { _ = try await mynapoint.report(try report("c2", .cancellation, 10_000, cancels: "r1"), by: pay) }
            #expect(try await mynapoint.report(try report("r5", .purchase, 2_000), by: pay).points == 500)  // room under the cap again
            await expectServiceError(.outsideSpendingWindow) { _ = try await mynapoint.report(try report("r6", .purchase, 100, at: now - 30 * 86_400), by: pay) }
            await expectServiceError(.outsideSpendingWindow) { _ = try await mynapoint.report(try report("r7", .purchase, 100, at: now + 86_400), by: pay) }
            #expect(throws: ServiceError.self) { try report("r8", .purchase, 0) }
            #expect(throws: ServiceError.self) { try report("r8", .cancellation, 100) }

            // The provider's grants: what to credit, once each, in order.
            let grants = try await mynapoint.grants(for: pay)
            #expect(grants.map(\.points) == [2500, 2500, -2500, 500] && grants.allSatisfy { $0.account == "alice-01" })
            #expect(try await mynapoint.grants(for: pay, after: grants[1].id).count == 2)
            #expect(try await mynapoint.grants(for: other).isEmpty)
            #expect(try await mynapoint.signUps(of: alice).first?.granted == [.spending: 3000])
        }
    }

    @Test("round 2: ¥7,500 each for linked insurance and a public-fund account, once; spending only for those not in round 1", arguments: DatabaseKind.available)
    func linkageRewards(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let mynapoint = fixture.services.mynapoint
            try await fixture.load(try fixture.campaign("round-1"))
            try await fixture.load(try fixture.campaign(
                "round-2", budgetYen: 20_000 * 10,
                rewards: [
                    .init(kind: .spending, rateBasisPoints: 2500, capYen: 5000, unlessJoined: "round-1"), .init(kind: .insuranceLinkage, yen: 7500),
                    .init(kind: .publicFundAccount, yen: 7500),
                ]))
            let pay = try await fixture.register("みらいペイ", .cashlessProvider)
            let holder = try await TestCardHolder.issue(by: fixture.office)  // 山田 太郎
            let me = LinkageConfirmer.resident(holder.residentID)
            try await fixture.portal.linkages.registerAccount(
                try PublicFundAccount(bankCode: "0001", branchCode: "123", accountType: .ordinary, accountNumber: "1234567", holderKana: "ヤマダ タロウ"),
                for: holder.residentID, confirmed: true, by: me)

            try await mynapoint.signUp(holder.residentID, to: "round-1", provider: pay.id, account: "taro-1", via: .card)
            let joined = try await mynapoint.signUp(holder.residentID, to: "round-2", provider: pay.id, account: "taro-2", via: .card)
            #expect(joined.granted == [.publicFundAccount: 7500])
            // Insurance linked afterwards: the claim grants it, once.
            let insurer = try await fixture.register("協会けんぽ", .healthInsurer)
            let code = try await fixture.hub.acquireCode(for: holder.number, by: insurer)
            let record: [String: Any] = [
                "insurerNumber": "01130012", "symbol": "1234", "number": "00042", "eligible": true, "name": "山田 太郎", "nameKana": "ヤマダ タロウ",
                "birthDate": "1990-05-01", "sex": 1,
            ]
            try await fixture.hub.register(item: .healthInsurance, value: Array(try JSONSerialization.data(withJSONObject: record)), code: code, by: insurer)
            try await fixture.portal.linkages.linkInsurance(
                try InsuranceIdentifiers(insurerNumber: "01130012", symbol: "1234", number: "00042", branchNumber: nil), for: holder.residentID, confirmed: true,
                by: me)
            #expect(try await mynapoint.claimLinkageRewards(holder.residentID).map(\.points) == [7500])
            #expect(try await mynapoint.claimLinkageRewards(holder.residentID).isEmpty)
            let mine = try await mynapoint.signUps(of: holder.residentID)
            #expect(mine.map(\.campaignID) == ["round-1", "round-2"] && mine[1].totalGranted == 15_000)
            let spend = try SpendingReport(
                campaignID: "round-2", reportID: "s1", account: "taro-2", kind: .purchase, amountYen: 1000, occurredAt: fixture.clock.now, cancels: nil)
            await expectServiceError(.spendingRewardNotAvailable) { _ = try await mynapoint.report(spend, by: pay) }
            #expect(try await mynapoint.budget(of: "round-2").grantedYen == 15_000)
        }
    }

    @Test("a rush of sign-ups: exactly the seats are filled, nobody twice, every confirmation kept", arguments: DatabaseKind.available)
    func rush(kind: DatabaseKind) async throws {
        try await withServices(kind) { fixture in
            let mynapoint = fixture.services.mynapoint
            try await fixture.load(try fixture.campaign("rush", budgetYen: 5000 * 20 + 4999))  // 20 seats
            let pay = try await fixture.register("みらいペイ", .cashlessProvider)
            var residents: [String] = []
            for index in 0..<60 { residents.append(try await fixture.resident(index)) }
            let outcomes = await withTaskGroup(of: Result<String, any Error>.self) { group in
                for (index, resident) in residents.enumerated() {
                    // Everyone tries twice at once; the second try must never take a seat.
                    for attempt in 0..<2 {
                        group.addTask {
                            do {
                                return .success(try await mynapoint.signUp(resident, to: "rush", provider: pay.id, account: "acct-\(index)-\(attempt)", via: .card).confirmation)
                            } catch { return .failure(error) }
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let confirmations = outcomes.compactMap { try? $0.get() }
            #expect(confirmations.count == 20 && Set(confirmations).count == 20)
            let refusals = outcomes.compactMap { outcome -> ServiceError.Code? in
                if case .failure(let error as ServiceError) = outcome { error.code } else { nil }
            }
            #expect(refusals.count == 100)
            #expect(Set(refusals).isSubset(of: [.budgetReached, .alreadySignedUp, .providerCannotChange, .providerAccountTaken]))
            let budget = try await mynapoint.budget(of: "rush")
            #expect(budget.seats == 20 && budget.taken == 20)
            // Every confirmation given is on file, one per person.
            var kept = 0
            for resident in residents { kept += try await mynapoint.signUps(of: resident).count }
            #expect(kept == 20)
            let late = try await fixture.resident(99)
            await expectServiceError(.budgetReached) { _ = try await mynapoint.signUp(late, to: "rush", provider: pay.id, account: "late", via: .card) }
        }
    }
}
