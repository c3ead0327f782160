import ArgumentParser
import Foundation
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPKI
import MynaRegistry
import MynaServices
import MynaSystem
import MynaSecrets
import X509

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a demo municipality with residents and staff, write demo.json, and serve.",
        discussion: """
            On first run this creates the data directory, keys, staff accounts for 千代田区 (clerk, supervisor), \
            札幌市 (clerk, to complete moves), an auditor and an issuing-centre operator, and registers demo residents. \
            Demo agencies (tax, welfare and resident records of 千代田区, 札幌市's tax office, the pension service, a health \
            insurer and a tax office) get credential files under <data dir>/agencies/, codes for the demo residents and copies \
            of their data items. Each demo resident gets a My Number card: a virtual card file under <data dir>/cards/ with keys generated \
            on it and certificates written at issuance. Credentials, resident ids, card files and PINs go to \
            <data dir>/demo.json (mode 0600) for scripts and tests. Later runs reuse what is there.
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
        // The demo's agencies listen on this machine (`myna agency listen`): loopback is
        // allowed; and its kiosks print at any hour (the real ones: 06:30–23:00).
        let system = try await store.openSystem(
            try store.configuration(server: server, pushFallback: PushEndpointPolicy.loopback, kioskHours: .always), logger: logger)
        let (registry, cards, linkage) = (system.registry, system.cards, system.linkage)
        let file = store.dataDirectory.appendingPathComponent("demo.json")
        var demo: DemoFile
        if let data = FileManager.default.contents(atPath: file.path), let existing = try? JSONDecoder().decode(DemoFile.self, from: data) {
            demo = existing
        } else {
            demo = try await seed(registry)
            demo.server = "http://\(server.resolvedHost):\(server.resolvedPort)"
            try await issueCards(to: &demo, office: cards)
            try await seedLinkage(&demo, hub: linkage, registry: registry)
        }
        demo.server = "http://\(server.resolvedHost):\(server.resolvedPort)"
        if demo.oidcClients == nil {
            // A relying party of the portal's OpenID provider, as a bank or a city's app would be.
            let (client, secret) = try await system.oidc.registerClient(
                name: "みらい銀行 口座開設", redirectURIs: ["http://127.0.0.1:9999/callback"], scopes: ["openid", "name", "address", "birthdate", "gender", "self:local-tax-assessment"])
            demo.oidcClients = [DemoOIDCClient(
                name: client.name, clientId: client.clientID, clientSecret: secret, redirectUris: client.redirectURIs,
                scopes: client.allowedScopes.map(\.rawValue).sorted(), issuer: server.resolvedIssuer)]
        }
        if demo.campaigns == nil { demo.campaigns = try await loadDemoCampaigns(system.services.mynapoint) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try? FileManager.default.removeItem(at: file)
        // Staff passwords and agency keys inside: a `SecretFile`, 0600 from its creation.
        do { try SecretFile.create(file.path, contents: Array(try encoder.encode(demo))) } catch { throw UsageFailure("\(error)") }
        if seedOnly {
            try await system.close()
            print("demo data ready in \(file.path)")
            return
        }
        try await serve(system, store: store, server: server, logger: logger, banner: banner(demo, file: file))
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

    /// A card for every demo resident, issued as at the counter: keys generated on the
    /// card, certificates written to it. Key generation runs on every core; issuance
    /// goes through the card office like any other.
    private func issueCards(to demo: inout DemoFile, office: CardOffice) async throws {
        let directory = store.dataDirectory.appendingPathComponent("cards")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let deviceKey = try KeyStore(directory: store.dataDirectory.appendingPathComponent("keys")).key(.cardDevice)
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
    private func loadDemoCampaigns(_ mynapoint: Mynapoint) async throws -> [String] {
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

            Residents sign in to the portal at \(demo.server)/portal with their card (myna card login).
            Mynapoint rounds \((demo.campaigns ?? []).joined(separator: ", ")), kiosks, clinics: see docs/services.md;
            the statistics are at \(demo.server)/stats.

            """
    }
}

/// `<data dir>/demo.json`: everything a script or test needs to drive the demo.
struct DemoFile: Codable {
    var server: String
    var staff: [DemoStaff]
    var residents: [DemoResidentEntry]
    /// The linkage network's demo agencies, each with its credential file.
    var agencies: [DemoAgency]?
    /// Relying parties registered with the OpenID provider.
    var oidcClients: [DemoOIDCClient]?
    /// The Mynapoint campaigns loaded, by id.
    var campaigns: [String]?
}

struct DemoOIDCClient: Codable {
    let name: String
    let clientId: String
    let clientSecret: String?
    let redirectUris: [String]
    let scopes: [String]
    let issuer: String
}

struct DemoResidentEntry: Codable {
    let id: String
    /// The resident's virtual card, its number for the hotline, and its PINs.
    var card: DemoCard?
    /// Each demo agency's code for the resident, by agency id.
    var codes: [String: String]?
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

struct DemoCard: Codable {
    let id: String
    let serial: String
    let chipId: String
    let file: String
    let pins: DemoPINs
}

/// A demo card's PINs (domain.md §2 formats). Kept in demo.json so scripts can use the card.
struct DemoPINs: Codable, Sendable {
    let authentication: String
    let textInput: String
    let signature: String?

    static func random(signature: Bool) -> DemoPINs {
        let four = String(format: "%04d", Int.random(in: 0..<10_000))
        let letters = (0..<4).map { _ in "ABCDEFGHJKLMNPQRSTUVWXYZ".randomElement()! }
        return DemoPINs(authentication: four, textInput: four, signature: signature ? String(letters) + String(format: "%04d", Int.random(in: 0..<10_000)) : nil)
    }

    var byKind: [PINKind: String] {
        var pins: [PINKind: String] = [.authentication: authentication, .textInput: textInput]
        if let signature { pins[.signature] = signature }
        return pins
    }
}

extension CardOffice {
    /// Issuance as the counter runs it (the demo's cards, the benchmarks' holders): the
    /// office's challenge, the card's signature over it with each key after its PIN, then
    /// the keys certified.
    func issue(
        _ cardID: String, chip: inout VirtualCard, pins: [PINKind: String], identityDocuments: [IdentityDocument], by actor: RegistryActor,
        within jurisdiction: MunicipalityCode?
    ) async throws -> IssuedCertificates {
        let keys = try CardKeys(chip)
        let challenge = try await issuanceChallenge(cardID, chipID: keys.chipID, by: actor, within: jurisdiction)
        var signatures: [KeyKind: [UInt8]] = [:]
        for (kind, certificateKind) in [(KeyKind.authentication, CertificateKind.authentication), (.signature, .signature)] {
            guard chip.publicKey(for: kind) != nil, let pin = pins[kind.pinKind] else { continue }
            guard case .signed(let signature) = try chip.sign(digestInfo: DigestInfo.sha256(challenge.statement(for: certificateKind)), with: kind, pin: pin)
            else { throw UsageFailure("the card refused its PIN") }
            signatures[kind] = signature
        }
        // Before hand-over the card-face application signs without 照合番号B: nothing is printed yet.
        guard case .signed(let cardFace) = try chip.signWithCardFace(challenge.cardFaceStatement, numberB: nil) else {
            throw UsageFailure("the card's face application refused")
        }
        let proof = KeyPossessionProof(
            nonce: challenge.nonce, authentication: signatures[.authentication] ?? [], signature: signatures[.signature], cardFace: cardFace)
        return try await issue(cardID, keys: keys, proof: proof, identityDocuments: identityDocuments, by: actor, within: jurisdiction)
    }
}

extension CardKeys {
    /// What the counter's reader reads from a virtual card.
    init(_ card: VirtualCard) throws {
        try self.init(
            chipID: card.id, authentication: Certificate.PublicKey(derEncoded: card.publicKey(for: .authentication)!.subjectPublicKeyInfoDER),
            signature: card.publicKey(for: .signature).map { try Certificate.PublicKey(derEncoded: $0.subjectPublicKeyInfoDER) },
            cardFace: card.cardFacePublicKeyDER)
    }
}
