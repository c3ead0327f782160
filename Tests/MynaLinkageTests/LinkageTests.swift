import Crypto
import Foundation
import MynaCore
import MynaLinkage
import MynaRegistry
import MynaDatabase
import MynaTestSupport
import Testing

/// A hub over a fresh registry with a few agencies and one resident.
struct LinkageFixture: Sendable {
    let hub: LinkageHub
    let registry: Registry
    let environment: TestEnvironment
    let resident: String
    let number: IndividualNumber
    let welfare: Agency  // 千代田区
    let tax: Agency  // 千代田区
    let sapporoTax: Agency
    let pension: Agency
    let welfareKey: (id: String, key: P256.Signing.PrivateKey)

    static func make(_ registry: Registry, _ environment: TestEnvironment) async throws -> LinkageFixture {
        let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
        let chiyoda = try MunicipalityCode("131016")
        let registered = try await registry.residents.register(
            try BasicInfo(
                name: "鈴木 一郎", nameKana: "スズキ イチロウ", address: try Address(municipality: chiyoda, text: "東京都千代田区丸の内1-1"),
                birthDate: try CalendarDate(iso: "1985-07-07"), sex: .male),
            by: .system("test"), reason: "test")
        let welfare = try await hub.agencies.register(name: "千代田区 子ども支援課", type: .municipalWelfare, municipality: chiyoda)
        let tax = try await hub.agencies.register(name: "千代田区 税務課", type: .municipalTax, municipality: chiyoda)
        let sapporoTax = try await hub.agencies.register(name: "札幌市 税務課", type: .municipalTax, municipality: try MunicipalityCode("011002"))
        let pension = try await hub.agencies.register(name: "日本年金機構", type: .pension, municipality: nil)
        return LinkageFixture(
            hub: hub, registry: registry, environment: environment, resident: registered.resident.id, number: registered.number,
            welfare: welfare.agency, tax: tax.agency, sapporoTax: sapporoTax.agency, pension: pension.agency,
            welfareKey: (welfare.keyID, welfare.privateKey))
    }

    func value(_ object: [String: Any]) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) }
}

func withLinkage(_ kind: DatabaseKind, _ body: @Sendable (LinkageFixture) async throws -> Void) async throws {
    try await withTestRegistry(kind) { registry, environment in try await body(try await LinkageFixture.make(registry, environment)) }
}

func expectLinkageError(_ code: LinkageError.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async {
    do {
        try await body()
        Issue.record("expected \(code.rawValue)", sourceLocation: sourceLocation)
    } catch let error as LinkageError {
        #expect(error.code == code, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code.rawValue), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Linkage network")
struct LinkageTests {
    @Test("codes differ per agency, stay stable, and say nothing of the number", arguments: DatabaseKind.available)
    func codes(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            let welfare = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            let tax = try await hub.acquireCode(for: fixture.number, by: fixture.tax)
            let pension = try await hub.acquireCode(for: fixture.number, by: fixture.pension)
            #expect(Set([welfare, tax, pension]).count == 3)
            #expect(welfare.count == 26 && !welfare.contains(fixture.number.unmaskedDigits))
            #expect(try await hub.acquireCode(for: fixture.number, by: fixture.welfare) == welfare)
            // 札幌市 holds no code for a 千代田区 resident, and is told no more than for no one.
            await expectLinkageError(.personNotFound) { _ = try await hub.acquireCode(for: fixture.number, by: fixture.sapporoTax) }
            await expectLinkageError(.personNotFound) { _ = try await hub.acquireCode(for: try IndividualNumber("123456789018"), by: fixture.pension) }
            // Every acquisition is an access to the person's record.
            let records = try await fixture.registry.residents.accessRecords(of: fixture.resident, by: .system("test"), purpose: "test")
            #expect(records.filter { $0.action == .agencyCodeAcquisition }.count == 4)
        }
    }

    @Test("parties that run no numbered procedure cannot present a number to the hub, issued or not (issue 14)", arguments: DatabaseKind.available)
    func numbersOnlyForNumberedProcedures(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            for type in AgencyType.allCases where !type.mayPresentNumbers {
                let party = try await hub.agencies.register(name: "party \(type.rawValue)", type: type, municipality: nil).agency
                for number in [fixture.number, try IndividualNumber("123456789018")] {
                    await expectLinkageError(.numbersNotPermitted) { _ = try await hub.acquireCode(for: number, by: party) }
                }
            }
            #expect(Set(AgencyType.allCases.filter { !$0.mayPresentNumbers }) == [.certificateKiosk, .medicalInstitution, .cashlessProvider])
            let records = try await fixture.registry.residents.accessRecords(of: fixture.resident, by: .system("test"), purpose: "test")
            #expect(!records.contains { $0.action == .agencyCodeAcquisition })
            // The clinic's path through the card, by the resident id it names, still works.
            let clinic = try await hub.agencies.register(name: "山田クリニック", type: .medicalInstitution, municipality: nil).agency
            #expect(try await hub.acquireCodes(forResidents: [fixture.resident], by: clinic).count == 1)
        }
    }

    @Test("a query allowed by the list is answered from the provider's copy and recorded", arguments: DatabaseKind.available)
    func brokeredQuery(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            let taxCode = try await hub.acquireCode(for: fixture.number, by: fixture.tax)
            let welfareCode = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            #expect(try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 3_200_000]), code: taxCode, by: fixture.tax) == 1)
            #expect(try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 3_400_000]), code: taxCode, by: fixture.tax) == 2)

            let answer = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "child-allowance", by: fixture.welfare)
            #expect(answer.value == #"{"taxableIncomeYen":3400000}"# && answer.provider.id == fixture.tax.id)
            #expect(answer.legalBasis.contains("児童手当"))

            // Off the list, another agency's code, an unknown item, nothing held: refused.
            await expectLinkageError(.notOnAllowList) { _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "curiosity", by: fixture.welfare) }
            await expectLinkageError(.unknownCode) { _ = try await hub.query(code: taxCode, item: "local-tax-assessment", task: "child-allowance", by: fixture.welfare) }
            await expectLinkageError(.unknownCode) { _ = try await hub.query(code: "NOSUCHCODE", item: "local-tax-assessment", task: "child-allowance", by: fixture.welfare) }
            await expectLinkageError(.invalidItem) { _ = try await hub.query(code: welfareCode, item: "bank-balance", task: "child-allowance", by: fixture.welfare) }
            await expectLinkageError(.noData) { _ = try await hub.query(code: welfareCode, item: "household", task: "child-allowance", by: fixture.welfare) }
            // A provider may register only what its type provides, for its own codes.
            await expectLinkageError(.notProvider) { try await hub.register(item: .pensionBenefit, value: try fixture.value(["x": 1]), code: taxCode, by: fixture.tax) }
            await expectLinkageError(.unknownCode) { try await hub.register(item: .localTaxAssessment, value: try fixture.value(["x": 1]), code: welfareCode, by: fixture.tax) }
            await expectLinkageError(.invalidValue) { try await hub.register(item: .localTaxAssessment, value: Array("[1]".utf8), code: taxCode, by: fixture.tax) }

            // The person sees every exchange, answered or refused.
            let records = try await hub.records(of: fixture.resident)
            #expect(records.first { $0.outcome == "provided" }?.providerID == fixture.tax.id)
            #expect(Set(records.map(\.outcome)) == ["provided", "refused:not-on-allow-list", "refused:no-data", "refused:invalid-item"])
            // The refusals for codes that are not the agency's are recorded without a person.
            let agencySide = try await hub.records(of: fixture.welfare)
            #expect(agencySide.count == 6 && agencySide.filter { $0.record.residentID == nil }.count == 2)
            #expect(agencySide.first { $0.record.outcome == "provided" }?.code == welfareCode)
            #expect(try await hub.records(of: fixture.tax).first?.role == "provider")
        }
    }

    /// openapi.json's maxLength for `task` (64) counts code points.
    @Test("a task longer than 64 code points is no task, however few characters it makes", arguments: DatabaseKind.available)
    func taskLength(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let code = try await fixture.hub.acquireCode(for: fixture.number, by: fixture.welfare)
            await expectLinkageError(.invalidItem) {
                _ = try await fixture.hub.query(code: code, item: "local-tax-assessment", task: String(repeating: "か\u{3099}", count: 33), by: fixture.welfare)
            }
        }
    }

    @Test("a person's refusal of an optional linkage is honoured at once; a required one cannot be refused", arguments: DatabaseKind.available)
    func refusal(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            let taxCode = try await hub.acquireCode(for: fixture.number, by: fixture.tax)
            let welfareCode = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 1]), code: taxCode, by: fixture.tax)
            #expect(hub.allowList.refusableItems.contains(.localTaxAssessment))
            await expectLinkageError(.notRefusable) { try await hub.refuse(.pensionBenefit, for: fixture.resident, by: .system("test")) }
            try await hub.refuse(.localTaxAssessment, for: fixture.resident, by: .staff(id: "clerk", procedureID: "p"))
            await expectLinkageError(.refusedByPerson) {
                _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "municipal-medical-subsidy", by: fixture.welfare)
            }
            // The statutory task is not optional and is still answered.
            _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "child-allowance", by: fixture.welfare)
            #expect(try await hub.refusals(of: fixture.resident).first?.recordedBy == "staff:clerk")
            try await hub.withdrawRefusal(.localTaxAssessment, for: fixture.resident, by: .system("test"))
            _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "municipal-medical-subsidy", by: fixture.welfare)
            #expect(try await hub.records(of: fixture.resident).map(\.outcome).contains("refused:refused-by-person"))
        }
    }

    @Test("a record is withheld from the person only where the allow-list permits, and shown once its period ends", arguments: DatabaseKind.available)
    func nonDisclosure(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            let taxCode = try await hub.acquireCode(for: fixture.number, by: fixture.tax)
            let welfareCode = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 1]), code: taxCode, by: fixture.tax)
            // Checking income for an allowance may not be hidden from the person; an
            // investigation may, for at most the row's period.
            await expectLinkageError(.nonDisclosureNotAllowed) {
                _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "public-assistance", withholdDays: 30, by: fixture.welfare)
            }
            await expectLinkageError(.nonDisclosureNotAllowed) {
                _ = try await hub.query(
                    code: welfareCode, item: "local-tax-assessment", task: "public-assistance-investigation", withholdDays: 366, by: fixture.welfare)
            }
            let shown = try await hub.records(of: fixture.resident)
            #expect(shown.count == 2 && shown.allSatisfy { $0.outcome == "refused:non-disclosure-not-allowed" && $0.undisclosedUntil == nil })
            let answer = try await hub.query(
                code: welfareCode, item: "local-tax-assessment", task: "public-assistance-investigation", withholdDays: 30, by: fixture.welfare)
            #expect(try await hub.records(of: fixture.resident).map(\.id) == shown.map(\.id))
            // The agency sees its own record, with the period.
            let mine = try await hub.records(of: fixture.welfare).first { $0.record.id == answer.recordID }
            let record = try #require(mine?.record)
            let withheld = try #require(record.undisclosedUntil).timeIntervalSince(record.requestedAt)
            #expect(abs(withheld - 30 * 86_400) < 0.001)
            fixture.environment.clock.advance(by: 30 * 86_400 + 1)
            #expect(try await hub.records(of: fixture.resident).first?.id == answer.recordID)
        }
    }

    @Test("request assertions: signed by the agency's key, bound to the request, used once, within their time", arguments: DatabaseKind.available)
    func assertions(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let agencies = fixture.hub.agencies
            let now = fixture.environment.clock.now
            let body = Array(#"{"code":"X"}"#.utf8)
            func sign(_ path: String = "/v1/linkage/queries", body: [UInt8] = body, at time: Date = now, iss: String? = nil, key: P256.Signing.PrivateKey? = nil) throws -> String {
                try RequestAssertion.sign(
                    agencyID: iss ?? fixture.welfare.id, keyID: fixture.welfareKey.id, key: key ?? fixture.welfareKey.key, method: "POST", path: path,
                    body: body, now: time)
            }
            let good = try sign()
            #expect(try await agencies.authenticate(assertion: good, method: "POST", path: "/v1/linkage/queries", body: body).id == fixture.welfare.id)
            await expectLinkageError(.replayedAssertion) { _ = try await agencies.authenticate(assertion: good, method: "POST", path: "/v1/linkage/queries", body: body) }
            await expectLinkageError(.invalidAssertion) {
                _ = try await agencies.authenticate(assertion: try sign(), method: "POST", path: "/v1/linkage/queries", body: Array(#"{"code":"Y"}"#.utf8))
            }
            await expectLinkageError(.invalidAssertion) { _ = try await agencies.authenticate(assertion: try sign(), method: "POST", path: "/v1/linkage/codes", body: body) }
            await expectLinkageError(.expiredAssertion) {
                _ = try await agencies.authenticate(assertion: try sign(at: now.addingTimeInterval(-120)), method: "POST", path: "/v1/linkage/queries", body: body)
            }
            // Another agency's name on this agency's key, or another key on this agency's kid.
            await expectLinkageError(.invalidAssertion) {
                _ = try await agencies.authenticate(assertion: try sign(iss: fixture.tax.id), method: "POST", path: "/v1/linkage/queries", body: body)
            }
            await expectLinkageError(.invalidAssertion) {
                _ = try await agencies.authenticate(assertion: try sign(key: P256.Signing.PrivateKey()), method: "POST", path: "/v1/linkage/queries", body: body)
            }
            await expectLinkageError(.invalidAssertion) { _ = try await agencies.authenticate(assertion: "a.b.c", method: "POST", path: "/", body: []) }
            let forged = good.split(separator: ".").prefix(2).joined(separator: ".") + ".AAAA"
            await expectLinkageError(.invalidAssertion) { _ = try await agencies.authenticate(assertion: forged, method: "POST", path: "/v1/linkage/queries", body: body) }
            // Every refusal is kept for oversight, with what the request claimed.
            let rejections = try await agencies.rejections()
            #expect(rejections.count == 8 && rejections.map(\.reason).contains("replayed-assertion"))
            #expect(rejections.contains { $0.claimedAgency == fixture.tax.id && $0.reason == "invalid-assertion" })
        }
    }

    @Test("a new copy notifies subscribers through the outbox, once each, with a key that survives redelivery", arguments: DatabaseKind.available)
    func notices(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            let taxCode = try await hub.acquireCode(for: fixture.number, by: fixture.tax)
            let welfareCode = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            _ = try await hub.acquireCode(for: fixture.number, by: fixture.pension)
            try await hub.subscribe(to: .localTaxAssessment, by: fixture.welfare)
            try await hub.subscribe(to: .localTaxAssessment, by: fixture.pension)
            await expectLinkageError(.notOnAllowList) { try await hub.subscribe(to: .childAllowance, by: fixture.pension) }
            try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 1]), code: taxCode, by: fixture.tax)

            let first = try await hub.pendingNotices(for: fixture.welfare)
            #expect(first.count == 1 && first[0].code == welfareCode && first[0].item == .localTaxAssessment && first[0].attempts == 1)
            // Not acknowledged (the agency crashed): handed out again with the same key.
            let again = try await hub.pendingNotices(for: fixture.welfare)
            #expect(again.map(\.idempotencyKey) == first.map(\.idempotencyKey) && again[0].attempts == 2)
            #expect(try await hub.acknowledge(first.map(\.idempotencyKey), for: fixture.welfare) == 1)
            #expect(try await hub.acknowledge(first.map(\.idempotencyKey), for: fixture.welfare) == 0)
            #expect(try await hub.pendingNotices(for: fixture.welfare).isEmpty)
            // Another agency cannot acknowledge welfare's notices; pension has its own.
            let pension = try await hub.pendingNotices(for: fixture.pension)
            #expect(pension.count == 1 && pension[0].idempotencyKey != first[0].idempotencyKey)
            #expect(try await hub.acknowledge(pension.map(\.idempotencyKey), for: fixture.welfare) == 0)

            // A refusal stops notices to a subscriber whose every use of the item is optional:
            // welfare also has statutory uses of the tax assessment, so it is still told.
            try await hub.refuse(.localTaxAssessment, for: fixture.resident, by: .system("test"))
            try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 2]), code: taxCode, by: fixture.tax)
            #expect(try await hub.pendingNotices(for: fixture.welfare).map(\.version) == [2])
        }
    }

    @Test("the allow-list is a versioned file: loaded once, never edited in place or taken back, rows checked")
    func allowList() async throws {
        try await withTestRegistry(.sqlite) { registry, environment in
            let (list, bytes) = try AllowList.bundled()
            #expect(list.rows.count >= 10 && list.version == 3)
            #expect(try await list.load(into: registry.database, bytes: bytes, by: "test", reason: "test", at: 0))
            #expect(try await list.load(into: registry.database, bytes: bytes, by: "test", reason: "test", at: 0) == false)
            let edited = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: "児童手当法", with: "児童手当法 ").utf8)
            await expectLinkageError(.invalidAllowList) {
                _ = try await (try AllowList.parse(edited)).load(into: registry.database, bytes: edited, by: "test", reason: "test", at: 0)
            }
            let older = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #""version": 3"#, with: #""version": 2"#).utf8)
            await expectLinkageError(.invalidAllowList) {
                _ = try await (try AllowList.parse(older)).load(into: registry.database, bytes: older, by: "test", reason: "test", at: 0)
            }
            let wrongProvider = Array(String(decoding: bytes, as: UTF8.self)
                .replacingOccurrences(of: #""provider": "pension", "item": "pension-benefit""#, with: #""provider": "municipal-tax", "item": "pension-benefit""#).utf8)
            await expectLinkageError(.invalidAllowList) { _ = try AllowList.parse(wrongProvider) }
            let endless = Array(String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #""nonDisclosureDays": 365"#, with: #""nonDisclosureDays": 0"#).utf8)
            await expectLinkageError(.invalidAllowList) { _ = try AllowList.parse(endless) }
            #expect(Set(try await AllowList.current(in: registry.database)?.rows ?? []) == Set(list.rows))
        }
    }

    @Test("an amendment loaded by the admin command takes effect in a running hub, and is recorded and logged", arguments: DatabaseKind.available)
    func amendment(kind: DatabaseKind) async throws {
        try await withLinkage(kind) { fixture in
            let hub = fixture.hub
            let welfareCode = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            await expectLinkageError(.notOnAllowList) {
                _ = try await hub.query(code: welfareCode, item: "pension-benefit", task: "child-allowance", by: fixture.welfare)
            }
            // Version 4: welfare may also check pensions for the child allowance.
            let (current, bytes) = try AllowList.bundled()
            var text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(of: #""version": 3"#, with: #""version": 4"#)
            text = text.replacingOccurrences(of: #"  "rows": ["#, with: #"""
                  "rows": [
                    {"id": "child-allowance/pension", "requester": "municipal-welfare", "provider": "pension", "item": "pension-benefit", "task": "child-allowance", "legalBasis": "児童手当法（テスト）", "optional": false},
                """#)
            let amended = try AllowList.parse(Array(text.utf8))
            #expect(amended.rows.count == current.rows.count + 1)
            try await amended.load(into: fixture.registry.database, bytes: Array(text.utf8), by: "operator:test", reason: "改正 令和8年", at: 1)
            fixture.environment.clock.advance(by: 6)
            try await hub.refreshAllowListIfDue()
            #expect(hub.allowList.version == 4)
            await expectLinkageError(.noData) {
                _ = try await hub.query(code: welfareCode, item: "pension-benefit", task: "child-allowance", by: fixture.welfare)
            }
            let history = try await AllowList.history(in: fixture.registry.database)
            #expect(history.map(\.version) == [4, 3] && history[0].loadedBy == "operator:test" && history[0].reason == "改正 令和8年")
        }
    }
}
