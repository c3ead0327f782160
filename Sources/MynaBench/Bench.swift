public import ArgumentParser
import Crypto
import Foundation
import MynaDemo
import Logging
import MynaAudit
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaNumbering
import MynaPKI
import MynaRegistry
import MynaDatabase
import MynaSecrets
import MynaSystem
import SwiftASN1
import Synchronization
import X509
import _CryptoExtras

/// Benchmarks with a reference measured in the same run, so the figures travel as
/// ratios between machines (BENCHMARKS.md). Build in release: `swift build -c release`.
public struct Bench: AsyncParsableCommand {
    public init() {}

    public static let configuration = CommandConfiguration(
        abstract: "Measure issuance, validation, import and lookup against same-run references.",
        subcommands: [Numbers.self, Registry.self, PKI.self, Cards.self, Linkage.self, PortalBench.self, Campaign.self, Kiosk.self])

    struct Numbers: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Numbers issued and check digits validated per second, on one core.")

        @Option(help: "Numbers per measurement.") var count = 5_000_000

        func run() throws {
            let key = SymmetricKey(size: .bits256)
            let keyBytes = key.withUnsafeBytes { Array($0) }
            let issuer = try NumberIssuer(key: keyBytes)
            let permutation = try FeistelPermutation(key: keyBytes)

            // Reference: one HMAC-SHA256 per number, the obvious way to derive a keyed value.
            var sink: UInt64 = 0
            let hmacRate = rate(count / 5) { index in
                let mac = HMAC<SHA256>.authenticationCode(for: withUnsafeBytes(of: UInt64(index), Array.init), using: key)
                sink &+= UInt64(mac.first { _ in true } ?? 0)
            }
            let permuteRate = rate(count) { index in sink &+= permutation.permute(UInt64(index)) }
            let issueRate = rate(count) { index in sink &+= UInt64(issuer.number(forSequence: UInt64(index)).unmaskedDigits.utf8.count) }
            let samples = (0..<100_000).map { issuer.number(forSequence: UInt64($0) * 7919).unmaskedDigits }
            let checkRate = rate(count) { index in
                if (try? IndividualNumber(samples[index % samples.count])) != nil { sink &+= 1 }
            }
            let elevens = samples.map { Array($0.utf8.prefix(11).map { $0 - 48 }) }
            let digitRate = rate(count) { index in
                sink &+= UInt64(IndividualNumber.checkDigit(forFirstEleven: elevens[index % elevens.count]))
            }
            print("""
                | measurement | per second | ratio to reference |
                |---|---:|---:|
                | reference: HMAC-SHA256 of a sequence value | \(format(hmacRate)) | 1.00 |
                | keyed permutation (Feistel + cycle-walking) | \(format(permuteRate)) | \(ratio(permuteRate, hmacRate)) |
                | numbers issued (permutation + check digit + string) | \(format(issueRate)) | \(ratio(issueRate, hmacRate)) |
                | numbers parsed and validated from text | \(format(checkRate)) | \(ratio(checkRate, hmacRate)) |
                | check digits computed | \(format(digitRate)) | \(ratio(digitRate, hmacRate)) |
                """)
            if sink == 42 { print("") }  // keeps the optimiser from dropping the work
        }
    }

    struct Registry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import N residents through the CSV path, then time lookups by number.",
            discussion: "Uses a fresh data directory (removed afterwards) and, for PostgreSQL, the database given, which must be empty.")

        @Option(help: "Residents to import.") var residents = 1_000_000
        @Option(help: "Lookups to time.") var lookups = 20_000
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?
        @Option(help: "Rows per import batch (the import is one transaction).") var batch = 5_000

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let registry = try await openBenchRegistry(in: directory, database: database)
            let label = database == nil ? "SQLite" : "PostgreSQL"

            FileHandle.standardError.write(Data("generating \(residents) residents…\n".utf8))
            var population = DemoPopulation(seed: 1)
            var csv = DemoPopulation.csvHeader() + "\n"
            csv.reserveCapacity(residents * 110)
            for _ in 0..<residents { csv += population.next().csvRow() + "\n" }

            // Reference: the same number of rows, as wide as a resident row, inserted with
            // the same batching into a bare table: what the database costs by itself. On
            // SQLite it gets a file of its own, closed (and so checkpointed) before the
            // import starts: its background checkpoint would otherwise run during the import.
            let reference: Double
            if database == nil {
                let file = directory.appendingPathComponent("reference.sqlite").path
                let separate = try await SQLiteDatabase.open(path: file, logger: benchLogger("myna.bench"))
                reference = try await bareInsertRate(separate, rows: residents, batch: batch)
                try await separate.close()
            } else {
                reference = try await bareInsertRate(registry.database, rows: residents, batch: batch)
            }

            let kept = Mutex<[IndividualNumber]>([])
            var importer = ResidentImport(
                registry: registry, knownMunicipalities: Set(MunicipalityDirectory.all.map(\.code)), batchSize: batch)
            let keep = max(1, residents / lookups)
            importer.onRegistered = { batch in
                // Every keep-th resident: a draw per resident from the system generator
                // would cost a system call each, inside the measured import.
                let picked = stride(from: 0, to: batch.count, by: keep).map { batch[$0].number }
                kept.withLock { $0 += picked }
            }
            let summary = try await importer.runShowingProgress(csv, source: "bench.csv")
            let sample = kept.withLock { $0 }
            guard summary.problems.isEmpty else { throw BenchFailure("the generated CSV had bad rows: \(summary.problems.first!.reason)") }
            let importRate = Double(summary.imported) / summary.seconds
            FileHandle.standardError.write(Data(String(format: "import: %.1f s\n", summary.seconds).utf8))

            let selectOne = try await latencies(lookups) { _ in
                _ = try await registry.database.read { try await $0.query("SELECT 1 AS one") }
            }
            let lookup = try await latencies(min(lookups, sample.count)) { index in
                guard try await registry.residents.residentID(holding: sample[index]) != nil else { throw BenchFailure("lookup missed") }
            }
            try await registry.database.close()
            print("""
                | \(label), \(residents) residents | value | ratio to reference |
                |---|---:|---:|
                | reference: bare rows inserted per second (19 columns, same batches) | \(format(reference)) | 1.00 |
                | residents imported per second (CSV → validated, numbered, sealed, history, access record) | \(format(importRate)) | \(ratio(importRate, reference)) |
                | reference: `SELECT 1` round trip p50 / p99 | \(micro(selectOne.p50)) / \(micro(selectOne.p99)) | 1.00 |
                | lookup by number p50 / p99 (\(min(lookups, sample.count)) lookups) | \(micro(lookup.p50)) / \(micro(lookup.p99)) | \(ratio(lookup.p50, selectOne.p50)) / \(ratio(lookup.p99, selectOne.p99)) |
                """)
        }

        private func bareInsertRate(_ database: any Database, rows: Int, batch: Int) async throws -> Double {
            let columns = (1...19).map { "c\($0)" }
            try await database.transaction { connection in
                try await connection.query(SQL("CREATE TABLE bench_reference (\(columns.map { "\($0) TEXT" }.joined(separator: ", ")))"))
            }
            let row = (1...19).map { SQLValue.text("value \($0) of a row about as wide as a resident") }
            let clock = ContinuousClock()
            let start = clock.now
            try await database.transaction { connection in
                var done = 0
                while done < rows {
                    let count = min(batch, rows - done)
                    try await connection.insertMany(into: "bench_reference", columns: columns, rows: Array(repeating: row, count: count))
                    done += count
                }
            }
            let seconds = (clock.now - start).seconds
            try await database.transaction { try await $0.query("DROP TABLE bench_reference") }
            return Double(rows) / seconds
        }

        private func latencies(_ count: Int, _ body: (Int) async throws -> Void) async throws -> (p50: Double, p99: Double) {
            let clock = ContinuousClock()
            var times: [Double] = []
            times.reserveCapacity(count)
            for index in 0..<count {
                let start = clock.now
                try await body(index)
                times.append((clock.now - start).seconds)
            }
            times.sort()
            return (times[times.count / 2], times[min(times.count - 1, times.count * 99 / 100)])
        }
    }
}

extension Bench {
    struct PKI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "RSA-2048 signing (reference), certificate issuance (lint + sign + ledger) and OCSP signing, on one core.")

        @Option(help: "Certificates to issue.") var certificates = 2000
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let registry = try await openBenchRegistry(in: directory, database: database)
            let authorities = try CertificateAuthorities.initialize(
                in: directory.appendingPathComponent("ca"), urls: RevocationURLs(base: "http://127.0.0.1:8080/v1/pki"))
            let ca = authorities.authentication
            let ledger = SQLCertificateLedger(database: registry.database)
            let card = try FileSigner.create(at: directory.appendingPathComponent("card.key"))

            // Reference: the CA key signing a SHA-256-sized message, nothing else.
            let message = [UInt8](repeating: 7, count: 32)
            let signatures = 1000
            let signStart = ContinuousClock.now
            for _ in 0..<signatures { _ = try ca.signer.sign(message) }
            let signRate = Double(signatures) / (ContinuousClock.now - signStart).seconds

            let issuer = CertificateIssuer(authorities: authorities)
            let now = Date()
            var serials: [[UInt8]] = []
            let issueStart = ContinuousClock.now
            for index in 0..<certificates {
                let certificate = try await issuer.issue(
                    CertificateRequest(
                        kind: .authentication, subjectPublicKey: card.publicKey, facts: nil, notBefore: now,
                        notAfter: now.addingTimeInterval(5 * 365 * 86_400),
                        commonName: EndEntityProfile.opaqueCommonName(issuedAt: now, sequence: index, office: "131016")),
                    ledger: ledger)
                serials.append(Array(certificate.serialNumber.bytes))
            }
            let issueRate = Double(certificates) / (ContinuousClock.now - issueStart).seconds

            // The same in batches of 100: one commit for the intents, one for the results.
            let batchStart = ContinuousClock.now
            for batch in stride(from: 0, to: certificates, by: 100) {
                let requests = (batch..<min(certificates, batch + 100)).map { index in
                    CertificateRequest(
                        kind: .authentication, subjectPublicKey: card.publicKey, facts: nil, notBefore: now,
                        notAfter: now.addingTimeInterval(5 * 365 * 86_400),
                        commonName: EndEntityProfile.opaqueCommonName(issuedAt: now, sequence: index, office: "131016"))
                }
                _ = try await issuer.issueMany(requests, ledger: ledger)
            }
            let batchRate = Double(certificates) / (ContinuousClock.now - batchStart).seconds

            // OCSP answers signed fresh (every cache miss): status lookup + build + sign.
            let responder = OCSPResponder(authority: ca, ledger: ledger)
            var nameDER = DER.Serializer()
            try nameDER.serialize(ca.name)
            let ocspStart = ContinuousClock.now
            for serial in serials.prefix(1000) {
                let id = OCSPCertID.forCertificate(serial: serial, issuerNameDER: nameDER.serializedBytes, issuerPublicKey: ca.signer.publicKey, hash: .sha1)
                let response = await responder.respond(to: try ocspRequest(for: id))
                guard try OCSPResponse(derEncoded: response).status == .successful else { throw BenchFailure("OCSP failed") }
            }
            let ocspRate = Double(min(1000, serials.count)) / (ContinuousClock.now - ocspStart).seconds
            try await registry.database.close()
            print("""
                | measurement (one core, \(database == nil ? "SQLite" : "PostgreSQL") ledger) | per second | ratio to reference |
                |---|---:|---:|
                | reference: raw RSA-2048 signatures (PKCS#1 v1.5, SHA-256) | \(format(signRate)) | 1.00 |
                | certificates issued one by one (profile + lint + intent + sign + record) | \(format(issueRate)) | \(ratio(issueRate, signRate)) |
                | certificates issued in batches of 100 (a renewal wave) | \(format(batchRate)) | \(ratio(batchRate, signRate)) |
                | OCSP answers signed fresh (parse + ledger lookup + sign) | \(format(ocspRate)) | \(ratio(ocspRate, signRate)) |
                """)
        }

        /// A DER OCSPRequest for one CertID (RFC 6960 §4.1.1), as a client would send it.
        private func ocspRequest(for id: OCSPCertID) throws -> OCSPRequest {
            var coder = DER.Serializer()
            try coder.appendConstructedNode(identifier: .sequence) { coder in      // OCSPRequest
                try coder.appendConstructedNode(identifier: .sequence) { coder in  // TBSRequest
                    try coder.appendConstructedNode(identifier: .sequence) { coder in  // requestList
                        try coder.appendConstructedNode(identifier: .sequence) { coder in try coder.serialize(id) }  // Request
                    }
                }
            }
            return try OCSPRequest(derEncoded: coder.serializedBytes)
        }
    }
}

extension Bench {
    struct Cards: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A renewal wave: N cards issued, then all renewed in the window (revoke + issue), against raw RSA signing.",
            discussion: """
                Every holder is born on 1 April, so all certificates fall due together, as in the real 2025 wave. Each card has \
                its own two RSA key pairs, generated on every core before anything is timed (key generation happens on the card, \
                and the office refuses a key already certified for another card, issue 14).
                """)

        @Option(help: "Cards in the wave.") var cards = 5_000
        @Option(help: "Cards per batch.") var batch = 500
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let registry = try await openBenchRegistry(in: directory, database: database)
            let offset = ClockOffset()
            let clock = WallClock { Date().addingTimeInterval(offset.seconds) }
            let authorities = try CertificateAuthorities.initialize(
                in: directory.appendingPathComponent("ca"), urls: RevocationURLs(base: "http://127.0.0.1:8080/v1/pki"))
            let publisher = RevocationPublisher(
                authorities: authorities, ledger: SQLCertificateLedger(database: registry.database, clock: clock), clock: clock)
            let office = try CardOffice(
                registry: registry, publisher: publisher, keys: KeyStore(directory: directory.appendingPathComponent("keys")), clock: clock)

            // Reference: the CA key signing, nothing else.
            let signatures = 1000
            let signStart = ContinuousClock.now
            for _ in 0..<signatures { _ = try authorities.signature.signer.sign([UInt8](repeating: 7, count: 32)) }
            let signRate = Double(signatures) / (ContinuousClock.now - signStart).seconds

            // The fleet: adults born on 1 April, each with an active card and two certificates.
            let pool = try await cardKeyPairs(cards)
            let chiyoda = try MunicipalityCode("131016")
            var population = DemoPopulation(seed: 7)
            guard let municipality = MunicipalityDirectory.named(chiyoda) else { throw BenchFailure("千代田区 is missing") }
            var fleet: [(id: String, keys: CardKeys)] = []
            var progress = ProgressBar(total: cards, label: "issuing the fleet")
            let issueStart = ContinuousClock.now
            for start in stride(from: 0, to: cards, by: batch) {
                let people = try (start..<min(cards, start + batch)).map { index in
                    let person = population.next(in: municipality)
                    return try BasicInfo(
                        name: person.name, nameKana: person.nameKana, address: try Address(municipality: chiyoda, text: person.address),
                        birthDate: try CalendarDate(year: 1950 + index % 50, month: 4, day: 1), sex: Sex(rawValue: person.sex) ?? .notKnown)
                }
                let residents = try await registry.residents.registerMany(people, by: .system("bench"), reason: "bench")
                let applied = try await office.applyMany(for: residents.map(\.resident.id), by: .system("bench"), within: nil)
                let keyed = applied.enumerated().map { offset, application in
                    let (authentication, signature) = pool[start + offset]
                    return (application.card.id, CardKeys(
                        chipID: String(format: "%032x", start + offset), authentication: Certificate.PublicKey(authentication.publicKey),
                        signature: Certificate.PublicKey(signature.publicKey)))
                }
                _ = try await office.issueMany(keyed, identityDocuments: [.issuanceNotice, .driversLicence], by: .system("bench"), within: nil)
                fleet += keyed
                progress.update(fleet.count)
            }
            progress.finish(fleet.count)
            let issueSeconds = (ContinuousClock.now - issueStart).seconds

            // Two months before the 5th birthday after issue: inside every card's window.
            let today = CalendarDate(inJapanAt: clock.now)
            let due = CertificateValidity.birthday(5, after: today, bornOn: try CalendarDate(year: 1980, month: 4, day: 1))
            offset.seconds = Double((due.daysSinceEpoch - 60 - today.daysSinceEpoch) * 86_400)
            progress = ProgressBar(total: cards, label: "renewal wave")
            let waveStart = ContinuousClock.now
            var renewed = 0
            for start in stride(from: 0, to: fleet.count, by: batch) {
                renewed += try await office.renewMany(Array(fleet[start..<min(fleet.count, start + batch)]), by: .system("bench"), within: nil).count
                progress.update(renewed)
            }
            progress.finish(renewed)
            let waveSeconds = (ContinuousClock.now - waveStart).seconds
            let crlStart = ContinuousClock.now
            let crl = try await publisher.crl(.authentication)
            let crlSeconds = (ContinuousClock.now - crlStart).seconds

            // The guarantee: no active card without a live certificate of each kind, every
            // superseded one revoked in the ledger, every card's history saying why.
            let check = try await office.renewalAudit()
            try await registry.database.close()
            let certificates = Double(2 * cards)
            print("""
                | measurement (\(cards) cards, \(database == nil ? "SQLite" : "PostgreSQL")) | per second | ratio to reference |
                |---|---:|---:|
                | reference: raw RSA-2048 signatures, one core | \(format(signRate)) | 1.00 |
                | cards handed over (register + apply + 2 certificates) | \(format(Double(cards) / issueSeconds)) | |
                | renewal wave: cards renewed (plan + 2 issued + 2 revoked + history) | \(format(Double(cards) / waveSeconds)) | |
                | renewal wave: certificates issued | \(format(certificates / waveSeconds)) | \(ratio(certificates / waveSeconds, signRate)) |

                wave: \(String(format: "%.1f", waveSeconds)) s; authentication CRL after the wave: \(crl.count / 1024) KiB, built and signed in \(String(format: "%.2f", crlSeconds)) s
                active cards without two live certificates: \(check.activeWithoutBothCertificates); superseded certificates not revoked: \(check.supersededNotRevoked); cards with no record of the renewal: \(check.cardsWithoutRenewal)
                """)
            guard check.holds else { throw BenchFailure("the wave broke its guarantee") }
        }
    }
}

extension Bench {
    struct Linkage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Brokered queries per second and their latency over N persons, each with its provision record and log entry.",
            discussion: """
                A health insurer asks for pension figures (allow-list row dependant/pension) of random persons from --concurrency \
                tasks at once, through LinkageHub.query: code translation, allow-list, refusals, the provider's copy, the provision \
                record and its log commitment in one transaction. The log sequencer runs every second meanwhile, as in the server.
                """)

        @Option(help: "Persons registered, each with codes and a copy.") var persons = 1_000_000
        @Option(help: "Queries to time.") var queries = 30_000
        @Option(help: "Queries in flight at once.") var concurrency = 16
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bench = try await BenchSystem.open(in: directory, database: database)
            let (registry, hub, log) = (bench.registry, bench.hub, bench.system.log)
            let insurer = try await hub.agencies.register(name: "健康保険組合", type: .healthInsurer, municipality: nil).agency
            let pension = try await hub.agencies.register(name: "日本年金機構", type: .pension, municipality: nil).agency

            var population = DemoPopulation(seed: 3)
            var codes: [String] = []
            codes.reserveCapacity(persons)
            var progress = ProgressBar(total: persons, label: "registering persons, codes and copies")
            for start in stride(from: 0, to: persons, by: 5000) {
                let people = try (start..<min(persons, start + 5000)).map { _ in
                    let person = population.next()
                    return try BasicInfo(
                        name: person.name, nameKana: person.nameKana, address: try Address(municipality: person.municipality.code, text: person.address),
                        birthDate: try CalendarDate(iso: person.birthDate), sex: Sex(rawValue: person.sex) ?? .notKnown)
                }
                let ids = try await registry.residents.registerMany(people, by: .system("bench"), reason: "bench").map(\.resident.id)
                codes += try await hub.acquireCodes(forResidents: ids, by: insurer)
                let pensionCodes = try await hub.acquireCodes(forResidents: ids, by: pension)
                _ = try await hub.registerMany(
                    item: .pensionBenefit, copies: pensionCodes.map { ($0, Array(#"{"annualBenefitYen":780000}"#.utf8)) }, by: pension)
                progress.update(codes.count)
            }
            progress.finish(codes.count)

            // References: a round trip, and one durable single-row commit, at the same concurrency.
            try await registry.database.transaction { connection in
                try await connection.query("CREATE TABLE bench_commits (id INTEGER PRIMARY KEY, value TEXT NOT NULL)")
            }
            let commits = try await concurrently(min(queries, 10_000)) { index in
                try await registry.database.transaction { connection in
                    _ = try await connection.query(SQL("INSERT INTO bench_commits (id, value) VALUES (?, 'x')", [.init(index)]))
                }
            }
            let roundTrips = try await concurrently(min(queries, 10_000)) { _ in
                _ = try await registry.database.read { try await $0.query("SELECT 1 AS one") }
            }

            let before = try await log.sequence()
            let sequencer = Task {
                var appended = 0
                var busy: Duration = .zero
                while !Task.isCancelled {
                    let start = ContinuousClock.now
                    let size = try await log.sequence().treeSize
                    busy += ContinuousClock.now - start
                    appended = Int(size)
                    try? await Task.sleep(for: .seconds(1))
                }
                return (appended, busy)
            }
            let codeList = codes
            let timed = try await concurrently(queries) { index in
                let code = codeList[Int(UInt64(index) &* 2_654_435_761 % UInt64(codeList.count))]
                _ = try await hub.query(code: code, item: "pension-benefit", task: "dependant-eligibility", by: insurer)
            }
            sequencer.cancel()
            _ = try? await sequencer.value
            let sequenceStart = ContinuousClock.now
            let after = try await log.sequence()
            let tail = ContinuousClock.now - sequenceStart
            let appended = Int(after.treeSize - before.treeSize)
            guard appended >= queries else { throw BenchFailure("the log has \(appended) new leaves for \(queries) queries") }
            let verified = try await log.verifyLeaves()
            try await bench.system.close()
            let label = database == nil ? "SQLite" : "PostgreSQL"
            print("""
                | \(label), \(persons) persons, \(concurrency) in flight | per second | p50 | p99 |
                |---|---:|---:|---:|
                | reference: `SELECT 1` round trips | \(format(roundTrips.rate)) | \(milli(roundTrips.p50)) | \(milli(roundTrips.p99)) |
                | reference: durable single-row commits | \(format(commits.rate)) | \(milli(commits.p50)) | \(milli(commits.p99)) |
                | **brokered queries** (translate, allow-list, copy, provision record, log commitment) | \(format(timed.rate)) | \(milli(timed.p50)) | \(milli(timed.p99)) |

                log: \(appended) records sequenced into \(after.treeSize) leaves; the last round took \(String(format: "%.0f", tail.seconds * 1000)) ms; \
                recomputing the root from all leaves \(verified ? "matches" : "DOES NOT MATCH") the signed head
                """)
        }

        private func concurrently(_ count: Int, _ body: @escaping @Sendable (Int) async throws -> Void) async throws -> (rate: Double, p50: Double, p99: Double) {
            try await measureConcurrently(count, concurrency: concurrency, body)
        }
    }
}

/// Runs `count` calls of `body` with `concurrency` in flight; their rate and latencies
/// (p50, p99 in seconds).
func measureConcurrently(
    _ count: Int, concurrency: Int, _ body: @escaping @Sendable (Int) async throws -> Void
) async throws -> (rate: Double, p50: Double, p99: Double) {
    let start = ContinuousClock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var mine: [Double] = []
                var index = worker
                while index < count {
                    let begin = ContinuousClock.now
                    try await body(index)
                    mine.append((ContinuousClock.now - begin).seconds)
                    index += concurrency
                }
                return mine
            }
        }
        return try await group.reduce(into: []) { $0 += $1 }.sorted()
    }
    let elapsed = (ContinuousClock.now - start).seconds
    return (Double(count) / elapsed, latencies[latencies.count / 2], latencies[min(latencies.count - 1, latencies.count * 99 / 100)])
}

func milli(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }

/// A clock offset a benchmark moves to reach a renewal window.
final class ClockOffset: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Double = 0
    var seconds: Double {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}

/// A registry in a throwaway data directory (SQLite there, or the empty PostgreSQL
/// database given), with logging quiet so it does not weigh on the measurement.
func openBenchRegistry(in directory: URL, database: String?) async throws -> MynaRegistry.Registry {
    let logger = benchLogger("myna.bench")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    let opened = try await DatabaseLocation(database, dataDirectory: directory).open(MynaSystem.schema, logger: logger)
    let registry = try MynaRegistry.Registry(database: opened, keys: KeyStore(directory: directory.appendingPathComponent("keys")))
    try await registry.seedMunicipalities()
    return registry
}

/// Runs `body` for 0..<count on this thread and returns calls per second.
private func rate(_ count: Int, _ body: (Int) -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    for index in 0..<count { body(index) }
    return Double(count) / (clock.now - start).seconds
}

func format(_ value: Double) -> String {
    let digits = String(Int(value.rounded()))
    var out = ""
    for (index, character) in digits.reversed().enumerated() {
        if index > 0, index % 3 == 0 { out.append(",") }
        out.append(character)
    }
    return String(out.reversed())
}

private func ratio(_ value: Double, _ reference: Double) -> String { String(format: "%.2f", value / reference) }
private func micro(_ seconds: Double) -> String { String(format: "%.0f µs", seconds * 1e6) }

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

/// What stopped a benchmark, in words: printed plainly, exit code 1.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ text: String) { description = text }
}

/// The benchmarks' logger: warnings only, so logging does not weigh on the measurement.
func benchLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .warning
    return logger
}

/// `count` distinct pairs of RSA-2048 keys (authentication, signature), made on every core:
/// one pair per card, as each real card generates its own.
func cardKeyPairs(_ count: Int) async throws -> [(_RSA.Signing.PrivateKey, _RSA.Signing.PrivateKey)] {
    var progress = ProgressBar(total: count, label: "generating card keys")
    let width = max(1, ProcessInfo.processInfo.activeProcessorCount)
    var pairs: [(_RSA.Signing.PrivateKey, _RSA.Signing.PrivateKey)] = []
    pairs.reserveCapacity(count)
    for start in stride(from: 0, to: count, by: width * 16) {
        let slice = start..<min(count, start + width * 16)
        let made = try await withThrowingTaskGroup(of: (_RSA.Signing.PrivateKey, _RSA.Signing.PrivateKey).self) { group in
            for _ in slice {
                group.addTask { (try _RSA.Signing.PrivateKey(keySize: .bits2048), try _RSA.Signing.PrivateKey(keySize: .bits2048)) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        pairs += made
        progress.update(pairs.count)
    }
    progress.finish(pairs.count)
    return pairs
}
