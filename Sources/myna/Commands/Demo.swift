import ArgumentParser
import Foundation
import MynaCore
import MynaDemo
import MynaLinkage
import MynaSystem
import MynaSecrets

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
        let seeder = DemoSeeder(system: system, dataDirectory: store.dataDirectory)
        let file = store.dataDirectory.appendingPathComponent("demo.json")
        var demo: DemoFile
        if let data = FileManager.default.contents(atPath: file.path), let existing = try? JSONDecoder().decode(DemoFile.self, from: data) {
            demo = existing
        } else {
            demo = try await seeder.seed(residents: residents)
            demo.server = "http://\(server.resolvedHost):\(server.resolvedPort)"
            try await seeder.issueCards(to: &demo)
            try await seeder.seedLinkage(&demo)
        }
        demo.server = "http://\(server.resolvedHost):\(server.resolvedPort)"
        if demo.oidcClients == nil { demo.oidcClients = [try await seeder.registerOIDCClient()] }
        if demo.campaigns == nil { demo.campaigns = try await seeder.loadCampaigns() }
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
