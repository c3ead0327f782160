import ArgumentParser
import Foundation
import MynaCore
import MynaRegistry

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a demo municipality with residents and staff, write demo.json, and serve.",
        discussion: """
            On first run this creates the data directory, keys, staff accounts for 千代田区 (clerk, supervisor), \
            札幌市 (clerk, to complete moves), an auditor and an issuing-centre operator, and registers demo residents. \
            Credentials and resident ids go to <data dir>/demo.json (mode 0600) for scripts and tests. Later runs \
            reuse what is there.
            """)

    @Option(help: "How many demo residents to register on first run.")
    var residents: Int = 200

    @Flag(help: "Seed the data and write demo.json, then exit without serving.")
    var seedOnly = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var server: ServerOptions

    func validate() throws {
        guard (0...1_000_000).contains(residents) else { throw ValidationError("--residents must be between 0 and 1000000") }
    }

    func run() async throws {
        let logger = makeLogger("myna")
        let registry = try await store.openRegistry(logger: logger)
        let file = store.dataDirectory.appendingPathComponent("demo.json")
        var demo: DemoFile
        if let data = FileManager.default.contents(atPath: file.path), let existing = try? JSONDecoder().decode(DemoFile.self, from: data) {
            demo = existing
        } else {
            demo = try await seed(registry)
        }
        demo.server = "http://\(server.resolvedHost):\(server.resolvedPort)"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try? FileManager.default.removeItem(at: file)
        guard FileManager.default.createFile(atPath: file.path, contents: try encoder.encode(demo), attributes: [.posixPermissions: 0o600]) else {
            throw UsageFailure("cannot write \(file.path)")
        }
        if seedOnly {
            try await registry.database.close()
            print("demo data ready in \(file.path)")
            return
        }
        try await serve(registry: registry, store: store, server: server, logger: logger, banner: banner(demo, file: file))
    }

    private func seed(_ registry: Registry) async throws -> DemoFile {
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
        guard let municipality = MunicipalityDirectory.named(chiyoda) else { throw UsageFailure("千代田区 is missing from the directory") }
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

    private func banner(_ demo: DemoFile, file: URL) -> String {
        let clerk = demo.staff.first { $0.username == "chiyoda-clerk" }
        return """

            Myna demo is running at \(demo.server)  (Ctrl-C to stop)
              API description:  \(demo.server)/openapi.json
              Demo data:        \(file.path)  (\(demo.residents.count) residents, \(demo.staff.count) staff)
              JPKI:             \(demo.server)/v1/pki/ca/root.pem, /v1/pki/crl/signature.crl, /v1/pki/ocsp/signature

            Sign in as the 千代田区 counter clerk:
              CODE=$(swift run myna staff totp \(clerk?.totpSecret ?? "SECRET"))
              curl -s \(demo.server)/v1/staff/sessions -H 'content-type: application/json' \\
                -d '{"username":"chiyoda-clerk","password":"\(clerk?.password ?? "…")","totp":"'$CODE'"}'
            Then open a procedure for a resident (POST /v1/procedures with a resident id from demo.json)
            and read their record (GET /v1/residents/{id}) with  Authorization: Bearer <token>.

            """
    }
}

/// `<data dir>/demo.json`: everything a script or test needs to drive the demo.
struct DemoFile: Codable {
    var server: String
    var staff: [DemoStaff]
    var residents: [DemoResidentEntry]
}

struct DemoResidentEntry: Codable {
    let id: String
    let name: String
    let nameKana: String
    let birthDate: String
    let sex: Int
    let municipalityCode: String
    let address: String

    init(_ resident: Resident) {
        id = resident.id
        name = resident.facts.name
        nameKana = resident.facts.nameKana
        birthDate = resident.facts.birthDate.description
        sex = resident.facts.sex.rawValue
        municipalityCode = resident.facts.address.municipality.digits
        address = resident.facts.address.text
    }
}
