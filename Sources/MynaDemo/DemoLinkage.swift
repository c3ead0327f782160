import Foundation
import MynaCore
import MynaLinkage
import MynaRegistry

/// The demo's agencies and the copies they register, so the linkage network has
/// something to exchange from the first start.
extension DemoSeeder {
    static let demoAgencies: [(name: String, type: AgencyType, municipality: String?)] = [
        ("千代田区 税務課", .municipalTax, "131016"),
        ("千代田区 子ども支援課", .municipalWelfare, "131016"),
        ("千代田区 住民記録係", .residentRegistry, "131016"),
        ("札幌市 税務課", .municipalTax, "011002"),
        ("日本年金機構", .pension, nil),
        ("全国健康保険協会 東京支部", .healthInsurer, nil),
        ("麹町税務署", .nationalTax, nil),
        // The parties of the services on the card: they sign requests like agencies, but
        // hold no copies and acquire no codes in bulk.
        ("みらいペイ", .cashlessProvider, nil),
        ("さくらポイントカード", .cashlessProvider, nil),
        ("まちかどストア 千代田一番町店 マルチコピー機", .certificateKiosk, nil),
        ("千代田内科クリニック", .medicalInstitution, nil),
    ]

    /// Parties that are not on the network's exchanges in bulk (see above).
    static let serviceParties: Set<AgencyType> = [.cashlessProvider, .certificateKiosk, .medicalInstitution]

    /// Registers the agencies (credential files under `<data dir>/agencies/`), has every
    /// agency acquire its code for every demo resident, and has the providers register
    /// their copies: tax assessments, households and resident records, pensions for those
    /// 65 and over, health insurance.
    public func seedLinkage(_ demo: inout DemoFile) async throws {
        let (hub, registry) = (system.linkage, system.registry)
        let directory = dataDirectory.appendingPathComponent("agencies")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var agencies: [Agency] = []
        demo.agencies = []
        for (index, entry) in Self.demoAgencies.enumerated() {
            let (agency, keyID, key) = try await hub.agencies.register(
                name: entry.name, type: entry.type, municipality: try entry.municipality.map { try MunicipalityCode($0) })
            let file = directory.appendingPathComponent("agency-\(index + 1).json")
            try? FileManager.default.removeItem(at: file)
            try AgencyCredential(agencyId: agency.id, keyId: keyID, privateKey: key.pemRepresentation, server: demo.server).write(to: file.path)
            agencies.append(agency)
            demo.agencies?.append(DemoAgency(
                id: agency.id, name: agency.name, type: agency.type.rawValue, municipalityCode: entry.municipality, credential: file.path))
        }
        var random = SplitMix64(seed: 4_242)
        let today = CalendarDate(inJapanAt: Date())
        var progress = ProgressBar(total: demo.residents.count, label: "linking demo residents")
        for index in demo.residents.indices {
            let resident = demo.residents[index]
            let number = try await registry.residents.number(of: resident.id, by: .system("demo"), purpose: "demo code acquisition")
            var codes: [String: String] = [:]
            for agency in agencies where !Self.serviceParties.contains(agency.type)
                && (agency.municipality == nil || agency.municipality?.digits == resident.municipalityCode)
            {
                codes[agency.id] = try await hub.acquireCode(for: number, by: agency)
            }
            let age = (try CalendarDate(iso: resident.birthDate)).age(on: today)
            func register(_ type: AgencyType, _ item: DataItem, _ value: [String: Any]) async throws {
                guard let agency = agencies.first(where: { $0.type == type && ($0.municipality == nil || $0.municipality?.digits == resident.municipalityCode) }),
                    let code = codes[agency.id]
                else { return }
                try await hub.register(item: item, value: Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])), code: code, by: agency)
            }
            let income = age < 18 ? 0 : Int(random.next() % 80) * 100_000
            try await register(.municipalTax, .localTaxAssessment, [
                "fiscalYear": 2026, "taxableIncomeYen": income, "residentTaxYen": income / 10, "exempt": income < 1_000_000,
            ])
            try await register(.residentRegistry, .residentRecord, ["status": "registered", "municipalityCode": resident.municipalityCode])
            try await register(.residentRegistry, .household, ["householdSize": 1 + Int(random.next() % 4), "relationship": age < 18 ? "子" : "世帯主"])
            if age >= 65 { try await register(.pension, .pensionBenefit, ["annualBenefitYen": 600_000 + Int(random.next() % 150) * 10_000]) }
            // The insurer's record of its member, with the member's facts as the insurer holds them:
            // what linking the insurance to the card checks against the register.
            try await register(.healthInsurer, .healthInsurance, [
                "insurerNumber": "01130012", "symbol": "1234", "number": String(format: "%05d", index + 1), "eligible": true,
                "copaymentPercent": age >= 75 ? 10 : (age >= 70 ? 20 : 30), "name": resident.name, "nameKana": resident.nameKana,
                "birthDate": resident.birthDate, "sex": resident.sex,
            ])
            demo.residents[index].codes = codes
            progress.update(index + 1)
        }
        if !demo.residents.isEmpty { progress.finish(demo.residents.count) }
    }
}

/// An agency in `demo.json`, with the path of its credential file for `myna agency …`.
public struct DemoAgency: Codable {
    public let id: String
    public let name: String
    public let type: String
    public let municipalityCode: String?
    public let credential: String
}
