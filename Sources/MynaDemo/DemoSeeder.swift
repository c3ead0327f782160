public import Foundation
import MynaCardEmulator
import MynaCore
import MynaRegistry
import MynaSecrets
import MynaServices
public import MynaSystem

/// The demo's data, made through the system's own services as the counter, the
/// agencies and the operator would make it (`myna demo`, the benchmarks' holders):
/// staff, residents of 千代田区 with cards, the linkage network's agencies with codes and
/// copies, an OpenID relying party and both Mynapoint rounds.
public struct DemoSeeder: Sendable {
    public let system: MynaSystem
    /// Where card files (`cards/`) and agency credentials (`agencies/`) go.
    public let dataDirectory: URL

    public init(system: MynaSystem, dataDirectory: URL) {
        self.system = system
        self.dataDirectory = dataDirectory
    }

    /// Staff accounts for 千代田区 and 札幌市, an auditor and an issuing-centre operator, and
    /// `residents` people of 千代田区, registered as the counter registers them.
    public func seed(residents: Int) async throws -> DemoFile {
        let registry = system.registry
        let chiyoda = try MunicipalityCode("131016")
        let sapporo = try MunicipalityCode("011002")
        var staff: [DemoStaff] = []
        for (username, name, role, municipality) in [
            ("chiyoda-clerk", "千代田 窓口一郎", StaffRole.clerk, chiyoda),
            ("chiyoda-supervisor", "千代田 監督花子", .supervisor, chiyoda),
            ("sapporo-clerk", "札幌 窓口次郎", .clerk, sapporo),
            ("auditor", "個人情報保護委員会 監査", .auditor, chiyoda),
            ("jlis-operator", "発行センター 運用", .operator, chiyoda),
        ] {
            let password = generatePassword()
            let account = try await registry.staff.create(
                username: username, displayName: name, role: role, municipality: municipality, password: password)
            staff.append(DemoStaff(account, password: password))
        }
        var population = DemoPopulation(seed: 2026)
        guard let municipality = MunicipalityDirectory.named(chiyoda) else { throw DemoFailure("千代田区 is missing from the directory") }
        var people: [DemoResidentEntry] = []
        var progress = ProgressBar(total: residents, label: "registering demo residents")
        var batch: [BasicInfo] = []
        for index in 0..<residents {
            let person = population.next(in: municipality)
            batch.append(try BasicInfo(
                name: person.name, nameKana: person.nameKana,
                address: try Address(municipality: chiyoda, text: person.address),
                birthDate: try CalendarDate(iso: person.birthDate), sex: Sex(rawValue: person.sex) ?? .notKnown))
            if batch.count == 1000 || index == residents - 1 {
                for registered in try await registry.residents.registerMany(batch, by: .system("demo"), reason: "demo seeding") {
                    people.append(DemoResidentEntry(registered.resident))
                }
                batch.removeAll(keepingCapacity: true)
                progress.update(people.count)
            }
        }
        if residents > 0 { progress.finish(people.count) }
        return DemoFile(server: "", staff: staff, residents: people)
    }

    /// A card for every demo resident, issued as at the counter: keys generated on the
    /// card, certificates written to it. Key generation runs on every core; issuance
    /// goes through the card office like any other.
    public func issueCards(to demo: inout DemoFile) async throws {
        let office = system.cards
        let directory = dataDirectory.appendingPathComponent("cards")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let deviceKey = try KeyStore(directory: dataDirectory.appendingPathComponent("keys")).key(.cardDevice)
        let today = CalendarDate(inJapanAt: Date())
        var progress = ProgressBar(total: demo.residents.count, label: "issuing demo cards")
        let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
        for start in stride(from: 0, to: demo.residents.count, by: width * 4) {
            let slice = Array(demo.residents[start..<min(start + width * 4, demo.residents.count)].enumerated())
            let made = try await withThrowingTaskGroup(of: (Int, VirtualCard, DemoPINs).self) { group in
                for (offset, resident) in slice {
                    let adult = (try CalendarDate(iso: resident.birthDate)).age(on: today) >= 15
                    group.addTask {
                        let pins = DemoPINs.random(signature: adult)
                        return (start + offset, try VirtualCard.new(pins: pins.byKind), pins)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            for (index, var chip, pins) in made.sorted(by: { $0.0 < $1.0 }) {
                let resident = demo.residents[index]
                let card = try await office.apply(for: resident.id, by: .system("demo"), within: nil).card
                let issued = try await office.issue(
                    card.id, chip: &chip, pins: pins.byKind, identityDocuments: [.issuanceNotice, .driversLicence], by: .system("demo"), within: nil)
                try chip.installCardOfficeKey(issued.cardOfficeKey)
                if let face = issued.face { try chip.personalise(face: face) }
                for (kind, certificate, ca) in [
                    (KeyKind.authentication, issued.authentication, issued.authenticationCA), (.signature, issued.signature, issued.signatureCA),
                ] {
                    guard let certificate else { continue }
                    try chip.install(certificate: certificate, for: kind)
                    try chip.installCA(certificate: ca, for: kind)
                }
                let path = directory.appendingPathComponent("\(resident.id).card")
                try VirtualCardFile(url: path, deviceKey: deviceKey, counters: .standard()).save(chip)
                demo.residents[index].card = DemoCard(id: card.id, serial: card.serial, chipId: chip.id, file: path.path, pins: pins)
            }
            progress.update(start + slice.count)
        }
        if !demo.residents.isEmpty { progress.finish(demo.residents.count) }
    }

    /// Both rounds of Mynapoint, open from a month ago for half a year, each with a
    /// budget for 40 million people (domain.md §6).
    public func loadCampaigns() async throws -> [String] {
        let mynapoint = system.services.mynapoint
        let today = CalendarDate(inJapanAt: Date())
        let window = Campaign.Window(from: CalendarDate(daysSinceEpoch: today.daysSinceEpoch - 30), until: CalendarDate(daysSinceEpoch: today.daysSinceEpoch + 180))
        let rounds = [
            try Campaign(
                id: "demo-round-1", name: "マイナポイント第1弾（デモ）", signUp: window, spending: window, budgetYen: 200_000_000_000,
                rewards: [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000)]),
            try Campaign(
                id: "demo-round-2", name: "マイナポイント第2弾（デモ）", signUp: window, spending: window, budgetYen: 800_000_000_000,
                rewards: [
                    .init(kind: .spending, rateBasisPoints: 2500, capYen: 5000, unlessJoined: "demo-round-1"), .init(kind: .insuranceLinkage, yen: 7500),
                    .init(kind: .publicFundAccount, yen: 7500),
                ]),
        ]
        for campaign in rounds { try await mynapoint.load(Array(try JSONEncoder().encode(campaign)), by: "demo") }
        return rounds.map(\.id)
    }

    /// A relying party of the portal's OpenID provider, as a bank or a city's app would be.
    public func registerOIDCClient() async throws -> DemoOIDCClient {
        let (client, secret) = try await system.oidc.registerClient(
            name: "みらい銀行 口座開設", redirectURIs: ["http://127.0.0.1:9999/callback"], scopes: ["openid", "name", "address", "birthdate", "gender", "self:local-tax-assessment"])
        return DemoOIDCClient(
            name: client.name, clientId: client.clientID, clientSecret: secret, redirectUris: client.redirectURIs,
            scopes: client.allowedScopes.map(\.rawValue).sorted(), issuer: system.oidc.issuer)
    }
}
