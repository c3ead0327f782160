import ArgumentParser
import Crypto
import Foundation
import MynaDemo
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPDF
import MynaPKI
import MynaPortal
import MynaRegistry
import MynaServer
import MynaServices
import MynaDatabase
import MynaSecrets
import MynaSystem

extension Bench {
    struct Campaign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "campaign",
            abstract: "A campaign-opening rush over HTTP on loopback: many clients signing up with their cards at once; the budget must hold.",
            discussion: """
                The server runs in this process on 127.0.0.1; each client is a resident's device: it asks for a challenge, has \\
                its card sign it (RSA-2048, PIN), and posts the sign-up — the whole real flow, on the same two cores. Card \\
                holders sign up to every campaign; each campaign's budget admits only part of them, so every campaign closes \\
                under the rush. Afterwards the database is checked: seats taken never pass the budget, nobody is signed up \\
                twice, and every confirmation a client received is on file. The reference, in the same run with the same \\
                clients, is a plain card sign-in (challenge, signature, answer).
                """)
        @Option(help: "Card holders (each signs up to every campaign).") var holders = 500
        @Option(help: "Campaigns opened at once.") var campaigns = 200
        @Option(help: "Seats in each campaign's budget, as a share of the holders.") var seatShare = 0.8
        @Option(help: "Clients in flight at once.") var clients = 200
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bench = try await BenchSystem.open(in: directory, database: database)
            let pay = try await bench.hub.agencies.register(name: "みらいペイ", type: .cashlessProvider, municipality: nil).agency
            let seats = Int64(Double(holders) * seatShare)
            let window = MynaServices.Campaign.Window(
                from: CalendarDate(daysSinceEpoch: CalendarDate(inJapanAt: Date()).daysSinceEpoch - 1),
                until: CalendarDate(daysSinceEpoch: CalendarDate(inJapanAt: Date()).daysSinceEpoch + 30))
            for index in 0..<campaigns {
                let campaign = try MynaServices.Campaign(
                    id: "rush-\(index)", name: "ラッシュ \(index)", signUp: window, spending: window, budgetYen: seats * 5000,
                    rewards: [.init(kind: .spending, rateBasisPoints: 2500, capYen: 5000)])
                try await bench.services.mynapoint.load(Array(try JSONEncoder().encode(campaign)), by: "bench")
            }
            var cards = try await issueBenchCards(holders, office: bench.office, registry: bench.registry)
            let port = try freeLoopbackPort()
            let app = buildApplication(
                system: bench.system,
                configuration: ServerConfiguration(host: "127.0.0.1", port: port, limits: .unlimited), logger: Logger(label: "myna.bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            let server = Task { try await app.runService(gracefulShutdownSignals: []) }
            let client = LoopbackClient(port: port, connections: clients)
            try await client.waitUntilUp()

            // Each client owns some holders (a card signs for one device at a time) and goes
            // through the campaigns in order, so all of them rush the same campaign together.
            let owners = (0..<clients).map { worker in Array(stride(from: worker, to: holders, by: clients)) }
            let providerID = pay.id
            let signUps = try await rush(client, owners: owners, cards: &cards, rounds: campaigns, purpose: "mynapoint-sign-up") { holder, campaign in
                ("/v1/mynapoint/sign-ups", ["campaignId": "rush-\(campaign)", "providerId": providerID, "providerAccount": "acct-\(holder)"])
            }
            let signIns = try await rush(client, owners: owners, cards: &cards, rounds: max(1, 20_000 / holders), purpose: "portal-sign-in") { _, _ in
                ("/v1/portal/sign-in/responses", [:])
            }
            server.cancel()
            _ = try? await server.value

            // The proof: seats never pass the budget, and every confirmation is on file.
            var taken: Int64 = 0
            for index in 0..<campaigns {
                let budget = try await bench.services.mynapoint.budget(of: "rush-\(index)")
                guard budget.taken <= budget.seats else { throw BenchFailure("rush-\(index): \(budget.taken) seats taken of \(budget.seats)") }
                taken += budget.taken
            }
            var onFile: [String] = []
            for index in 0..<campaigns { onFile += try await bench.services.mynapoint.confirmations(in: "rush-\(index)") }
            let confirmations = Set(signUps.confirmations)
            guard Int64(confirmations.count) == taken, confirmations == Set(onFile), taken == seats * Int64(campaigns) else {
                throw BenchFailure("the budget or the confirmations did not hold: \(confirmations.count) given, \(onFile.count) on file, \(taken) seats taken")
            }
            try await bench.system.close()
            let label = database == nil ? "SQLite" : "PostgreSQL"
            print("""
                | \(label), \(clients) clients on loopback | requests | per second | p50 | p99 |
                |---|---:|---:|---:|---:|
                | reference: card sign-in (challenge, card signature, answer) | \(format(Double(signIns.count))) | \(format(signIns.rate)) | \(milli(signIns.p50)) | \(milli(signIns.p99)) |
                | **campaign sign-up** (challenge, card signature, sign-up) | \(format(Double(signUps.count))) | \(format(signUps.rate)) | \(milli(signUps.p50)) | \(milli(signUps.p99)) |

                \(campaigns) campaigns of \(seats) seats, \(holders) card holders: \(signUps.confirmations.count) confirmed, \(signUps.refusals["campaign-budget-reached", default: 0]) refused \
                with campaign-budget-reached, \(signUps.refusals.filter { $0.key != "campaign-budget-reached" }.values.reduce(0, +)) other refusals. \
                Seats taken: \(taken) of \(seats * Int64(campaigns)); every confirmation given is on file, none twice.
                """)
        }

        struct Outcome {
            var count = 0
            var rate = 0.0
            var p50 = 0.0
            var p99 = 0.0
            var confirmations: [String] = []
            var refusals: [String: Int] = [:]
        }

        /// Every client runs each of its holders through `rounds` requests: a challenge for
        /// `purpose` (with the request's fields, which the card approves), the card's
        /// signature, and the request `request` names for the holder and round.
        private func rush(
            _ client: LoopbackClient, owners: [[Int]], cards: inout [BenchCard], rounds: Int, purpose: String,
            request: @escaping @Sendable (_ holder: Int, _ round: Int) -> (path: String, fields: [String: String])
        ) async throws -> Outcome {
            let start = ContinuousClock.now
            let snapshot = cards
            let results = try await withThrowingTaskGroup(of: (latencies: [Double], confirmations: [String], refusals: [String: Int], cards: [(Int, BenchCard)]).self) { group in
                for mine in owners where !mine.isEmpty {
                    group.addTask {
                        var latencies: [Double] = []
                        var confirmations: [String] = []
                        var refusals: [String: Int] = [:]
                        var held = Dictionary(uniqueKeysWithValues: mine.map { ($0, snapshot[$0]) })
                        for round in 0..<rounds {
                            for holder in mine {
                                let began = ContinuousClock.now
                                let (path, fields) = request(holder, round)
                                let challenge = purpose == "portal-sign-in"
                                    ? try await client.post("/v1/portal/sign-in/challenges", [:])
                                    : try await client.post("/v1/card/challenges", fields.merging(["purpose": purpose]) { $1 })
                                guard let id = challenge.json["challengeId"] as? String,
                                    let input = (challenge.json["signingInput"] as? String).flatMap(Base64URL.decode)
                                else { throw BenchFailure("no challenge: \(challenge.status)") }
                                let signature = try held[holder]!.sign(input)
                                let body = fields.merging([
                                    "challengeId": id, "certificate": Data(held[holder]!.certificate).base64EncodedString(),
                                    "signature": Data(signature).base64EncodedString(),
                                ]) { $1 }
                                let answer = try await client.post(path, body)
                                latencies.append((ContinuousClock.now - began).seconds)
                                if answer.status < 300 {
                                    if let confirmation = answer.json["confirmation"] as? String { confirmations.append(confirmation) }
                                } else {
                                    refusals[answer.json["code"] as? String ?? "status-\(answer.status)", default: 0] += 1
                                }
                            }
                        }
                        return (latencies, confirmations, refusals, Array(held))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let elapsed = (ContinuousClock.now - start).seconds
            for result in results { for (index, card) in result.cards { cards[index] = card } }
            let latencies = results.flatMap(\.latencies).sorted()
            var outcome = Outcome(count: latencies.count, rate: Double(latencies.count) / elapsed)
            outcome.p50 = latencies[latencies.count / 2]
            outcome.p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
            outcome.confirmations = results.flatMap(\.confirmations)
            for result in results { outcome.refusals.merge(result.refusals) { $0 + $1 } }
            return outcome
        }
    }

    struct Kiosk: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "kiosk",
            abstract: "Convenience-store certificates per second: card checked, register read, PDF rendered and sealed, recorded — beside rendering alone.",
            discussion: "The cards sign beforehand (their work happens at the kiosk). The reference, on one core in the same run, is rendering and sealing the same certificate with no database and no card.")
        @Option(help: "Card holders, round robin.") var holders = 20
        @Option(help: "Certificates to print.") var requests = 2000
        @Option(help: "Requests in flight at once.") var concurrency = 8
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bench = try await BenchSystem.open(in: directory, database: database)
            let kiosk = try await bench.hub.agencies.register(name: "まちかどストア", type: .certificateKiosk, municipality: nil).agency
            var cards = try await issueBenchCards(holders, office: bench.office, registry: bench.registry)
            var requests: [CertificateIssuingCentre.Request] = []
            for index in 0..<self.requests {
                let challenge = try await bench.portal.signIn.challenge(
                    for: .kioskCertificate, audience: .party(id: kiosk.id, name: kiosk.name), details: [("certificate-kind", "residence")])
                let signature = try cards[index % cards.count].sign(challenge.signingInput)
                requests.append(try .init(
                    requestID: "bench-\(index)", storeCode: "1", kind: .residence, challengeID: challenge.id, certificateDER: cards[index % cards.count].certificate,
                    signature: signature))
            }
            let all = requests
            let centre = bench.services.kiosks
            let printed = try await measureConcurrently(all.count, concurrency: concurrency) { index in
                _ = try await centre.issue(all[index], by: kiosk, source: "bench")
            }
            // Reference: a certificate rendered and sealed, nothing else.
            let sample = try await bench.services.kiosks.storedCertificateSize()
            let renderings = 200
            let sealKey = P256.Signing.PrivateKey()
            let renderStart = ContinuousClock.now
            for _ in 0..<renderings { _ = try CertificateIssuingCentre.renderReference(sealKey: sealKey) }
            let renderRate = Double(renderings) / (ContinuousClock.now - renderStart).seconds
            try await bench.system.close()
            let label = database == nil ? "SQLite" : "PostgreSQL"
            print("""
                | \(label), \(concurrency) in flight, \(all.count) certificates | per second | p50 | p99 |
                |---|---:|---:|---:|
                | reference: render and seal one certificate (one core, no database, no card) | \(format(renderRate)) | | |
                | **kiosk certificate** (card answer checked, register read and recorded, PDF rendered and sealed, fee recorded) | \(format(printed.rate)) | \(milli(printed.p50)) | \(milli(printed.p99)) |

                Each PDF about \(sample / 1024) KiB.
                """)
        }
    }
}

/// The system a benchmark measures, opened in a throwaway directory.
struct BenchSystem {
    let system: MynaSystem
    var registry: MynaRegistry.Registry { system.registry }
    var office: CardOffice { system.cards }
    var hub: LinkageHub { system.linkage }
    var portal: Portal { system.portal }
    var services: Services { system.services }

    /// The whole system in a throwaway data directory (SQLite there, or the empty
    /// PostgreSQL database given), through the wiring point the server uses; kiosks open
    /// at any hour, logging quiet.
    static func open(in directory: URL, database: String?) async throws -> BenchSystem {
        let logger = benchLogger("myna.bench")
        let configuration = SystemConfiguration(
            dataDirectory: directory, database: try DatabaseLocation(database, dataDirectory: directory), kioskHours: .always)
        return BenchSystem(system: try await MynaSystem.open(configuration, logger: logger))
    }
}

/// A free TCP port on loopback, for a server this process starts.
func freeLoopbackPort() throws -> Int {
    let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0 }
    }
    guard bound else { throw BenchFailure("no free port on loopback") }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// JSON over HTTP/1.1 to the server on loopback, with keep-alive connections.
struct LoopbackClient: Sendable {
    let base: String
    let session: URLSession

    init(port: Int, connections: Int) {
        base = "http://127.0.0.1:\(port)"
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = connections
        configuration.timeoutIntervalForRequest = 120
        session = URLSession(configuration: configuration)
    }

    func post(_ path: String, _ body: [String: String]) async throws -> (status: Int, json: [String: Any]) {
        var request = URLRequest(url: URL(string: base + path)!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = try JSONSerialization.data(withJSONObject: body)
        let (data, response) = try await session.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:])
    }

    func waitUntilUp() async throws {
        for _ in 0..<200 {
            if let (_, response) = try? await session.data(from: URL(string: base + "/healthz")!), (response as? HTTPURLResponse)?.statusCode == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchFailure("the server did not start")
    }
}

/// A card holder's virtual card and its authentication certificate.
struct BenchCard: Sendable {
    let resident: String
    let cardID: String
    var chip: VirtualCard
    let certificate: [UInt8]

    /// The card's authentication signature after the PIN.
    mutating func sign(_ data: [UInt8]) throws -> [UInt8] {
        guard case .signed(let signature) = try chip.sign(digestInfo: DigestInfo.sha256(data), with: .authentication, pin: "1234") else {
            throw BenchFailure("the card refused to sign")
        }
        return signature
    }
}

/// Residents with cards issued as at the counter, for the benchmarks that need card holders.
func issueBenchCards(_ count: Int, office: CardOffice, registry: MynaRegistry.Registry) async throws -> [BenchCard] {
    let chiyoda = try MunicipalityCode("131016")
    var population = DemoPopulation(seed: 11)
    var cards: [BenchCard] = []
    var progress = ProgressBar(total: count, label: "issuing cards")
    for index in 0..<count {
        let person = population.next()
        let resident = try await registry.residents.register(
            try BasicInfo(
                name: person.name, nameKana: person.nameKana, address: try Address(municipality: chiyoda, text: "東京都千代田区丸の内1-1"),
                birthDate: try CalendarDate(iso: "1980-04-01"), sex: .female),
            by: .system("bench"), reason: "bench").resident.id
        let card = try await office.apply(for: resident, by: .system("bench"), within: nil).card
        let pins: [PINKind: String] = [.authentication: "1234", .textInput: "1234", .signature: "BENCH2026"]
        var chip = try VirtualCard.new(pins: pins)
        let issued = try await office.issue(card.id, chip: &chip, pins: pins, identityDocuments: [.driversLicence], by: .system("bench"), within: nil)
        cards.append(BenchCard(resident: resident, cardID: card.id, chip: chip, certificate: issued.authentication ?? []))
        if index % 10 == 0 { progress.update(index) }
    }
    progress.finish(count)
    return cards
}
