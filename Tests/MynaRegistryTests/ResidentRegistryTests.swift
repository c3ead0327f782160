import Foundation
import Logging
import MynaCore
@testable import MynaRegistry
import MynaDatabase
import MynaSecrets
import MynaSystem
import MynaTestSupport
import Synchronization
import Testing

let chiyoda = try! MunicipalityCode("131016")
let sapporo = try! MunicipalityCode("011002")

func facts(
    _ name: String = "山田　太郎", kana: String = "ヤマダ　タロウ", address: String = "東京都千代田区麹町1-2-3",
    municipality: MunicipalityCode = chiyoda, born: String = "1980-04-01", sex: Sex = .male
) throws -> BasicInfo {
    try BasicInfo(
        name: name, nameKana: kana, address: try Address(municipality: municipality, text: address),
        birthDate: try CalendarDate(iso: born), sex: sex)
}

func count(_ table: String, in environment: TestEnvironment) async throws -> Int {
    try await environment.database.read { try await $0.first(SQL("SELECT COUNT(*) AS n FROM \(table)"))!.int("n") }
}

let clerk = RegistryActor.system("test-clerk")

@Suite("Resident registry")
struct ResidentRegistryTests {
    @Test("registration issues a valid number, writes history and an access record", arguments: DatabaseKind.available)
    func registration(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let registered = try await registry.residents.register(try facts(), by: clerk, reason: "出生届")
            #expect(try IndividualNumber(registered.number.unmaskedDigits) == registered.number)
            #expect(registered.resident.version == 1)
            #expect(try await registry.residents.residentID(holding: registered.number) == registered.resident.id)
            let history = try await registry.residents.history(of: registered.resident.id, by: clerk, purpose: "check")
            #expect(history.map(\.event) == ["registered"])
            #expect(history[0].reason == "出生届")
            let records = try await registry.residents.accessRecords(of: registered.resident.id, by: clerk, purpose: "check")
            #expect(records.map(\.action) == [.readHistory, .register])
        }
    }

    @Test("bulk registration gives every resident a distinct number and resident code", arguments: DatabaseKind.available)
    func bulk(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            var population = DemoPopulation(seed: 7)
            let municipality = MunicipalityDirectory.named(chiyoda)!
            let people = try (0..<3000).map { _ in
                let p = population.next(in: municipality)
                return try facts(p.name, kana: p.nameKana, address: p.address, born: p.birthDate, sex: Sex(rawValue: p.sex)!)
            }
            let first = try await registry.residents.registerMany(Array(people[..<1500]), by: clerk, reason: "import")
            let second = try await registry.residents.registerMany(Array(people[1500...]), by: clerk, reason: "import")
            let all = first + second
            #expect(Set(all.map(\.number)).count == 3000)
            #expect(Set(all.map(\.resident.residentCode)).count == 3000)
            #expect(try await count("residents", in: environment) == 3000)
            #expect(try await count("issued_numbers", in: environment) == 3000)
            #expect(try await count("resident_history", in: environment) == 3000)
            // Every sealed number has a nonce of its own (AES-GCM's first 12 bytes), drawn in bulk.
            let sealed = try await environment.database.read { try await $0.query("SELECT number_sealed FROM residents") }
            #expect(Set(try sealed.map { Array(try $0.bytes("number_sealed").prefix(12)) }).count == 3000)
        }
    }

    @Test("concurrent registrations never share a number", arguments: DatabaseKind.available)
    func concurrent(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let numbers = try await withThrowingTaskGroup(of: [IndividualNumber].self) { group in
                for task in 0..<8 {
                    group.addTask {
                        var numbers: [IndividualNumber] = []
                        for index in 0..<10 {
                            numbers.append(try await registry.residents.register(
                                try facts("並行　\(task)-\(index)", kana: "ヘイコウ"), by: clerk, reason: "concurrency").number)
                        }
                        return numbers
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(numbers.count == 80)
            #expect(Set(numbers).count == 80)
        }
    }

    @Test("an import is one transaction: all its batches, or on a refusal half way nothing, and numbering goes on after it",
          arguments: DatabaseKind.available)
    func importIsAllOrNothing(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            func batches(_ groups: [[BasicInfo]]) -> AsyncThrowingStream<[BasicInfo], any Error> {
                AsyncThrowingStream { continuation in
                    for group in groups { continuation.yield(group) }
                    continuation.finish()
                }
            }
            let people = try (0..<30).map { try facts("山田　太郎\($0)", born: "1980-04-\(String(format: "%02d", $0 % 28 + 1))") }
            let seen = Mutex(0)
            let imported = try await registry.residents.registerAll(
                batches([Array(people[..<10]), Array(people[10...])]), by: clerk, reason: "import of test.csv"
            ) { batch in seen.withLock { $0 += batch.count } }
            #expect(imported == 30 && seen.withLock { $0 } == 30)
            #expect(try await count("residents", in: environment) == 30)
            #expect(try await count("issued_numbers", in: environment) == 30)
            #expect(try await count("resident_history", in: environment) == 30)

            // The second batch names a municipality not in the directory: the first,
            // already written inside the transaction, goes too.
            let unknown = try MunicipalityCode("999997")
            let refused = [try facts("佐藤　花子"), try facts("鈴木　一郎", municipality: unknown)]
            await #expect(throws: RegistryError.self) {
                _ = try await registry.residents.registerAll(batches([[refused[0]], [refused[1]]]), by: clerk, reason: "import")
            }
            #expect(try await count("residents", in: environment) == 30)
            #expect(try await count("access_records", in: environment) == 30)

            // Registrations after an import draw numbers it never used.
            let later = try await registry.residents.registerMany(Array(people[..<5]), by: clerk, reason: "after")
            #expect(try await count("issued_numbers", in: environment) == 35)
            #expect(Set(later.map(\.number)).count == 5)
        }
    }

    @Test("SQLite copies committed pages into the database file in the background, not at commit or close")
    func backgroundCheckpoints() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("test.sqlite").path
        let database = try await SQLiteDatabase.open(path: path, logger: Logger(label: "test"))
        try await database.transaction { connection in
            try await connection.query("CREATE TABLE filler (text TEXT NOT NULL)")
            try await connection.insertMany(
                into: "filler", columns: ["text"], rows: Array(repeating: [.text(String(repeating: "x", count: 1000))], count: 4000))
        }
        func fileSize() throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int }
        // Automatic checkpoints are off, so only the background one can fill the file.
        var waited = 0
        while try fileSize() < 4_000_000, waited < 100 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(try fileSize() >= 4_000_000)
        try await database.close()
    }

    @Test("resident ids from one generator only increase, as UUID version 7, even within one millisecond")
    func residentIDsIncrease() {
        var ids = ResidentIDs()
        let made = (0..<10_000).map { ids.next(at: 1_763_000_000_000 + Int64($0 / 5000)) }
        #expect(made == made.sorted() && Set(made).count == made.count)
        for id in made.prefix(100) {
            let uuid = UUID(uuidString: id)
            #expect(uuid != nil && id == id.lowercased())
            #expect(Array(id)[14] == "7" && "89ab".contains(Array(id)[19]))  // version 7, variant 10
        }
        // A clock that goes back does not make an id go back.
        #expect(ids.next(at: 1_000) > made.last!)
    }

    @Test("an unknown municipality or a future birth date is refused and nothing is written", arguments: DatabaseKind.available)
    func refusedRegistration(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let unknown = try MunicipalityCode(fiveDigits: "99999")
            await #expect(throws: RegistryError.self) {
                try await registry.residents.registerMany(
                    [try facts(), try facts(municipality: unknown)], by: clerk, reason: "import")
            }
            await #expect(throws: RegistryError.self) {
                try await registry.residents.register(try facts(born: "2099-01-01"), by: clerk, reason: "birth")
            }
            for table in ["residents", "issued_numbers", "resident_history", "access_records"] {
                #expect(try await count(table, in: environment) == 0, "\(table) must stay empty")
            }
            // The numbering sequence did not move either: the next number is the first.
            let registered = try await registry.residents.register(try facts(), by: clerk, reason: "birth")
            let sequence = try await environment.database.read {
                try await $0.first("SELECT sequence FROM issued_numbers")!.int("sequence")
            }
            #expect(sequence == 0)
            #expect(registered.resident.version == 1)
        }
    }

    @Test("a change of facts is versioned, recorded and searchable under the new name", arguments: DatabaseKind.available)
    func changeFacts(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let changed = try await registry.residents.changeFacts(
                of: id, name: "佐藤　太郎", nameKana: "サトウ　タロウ", addressText: nil, by: clerk, reason: "婚姻による氏の変更")
            #expect(changed.version == 2)
            #expect(changed.facts.address.text == "東京都千代田区麹町1-2-3")
            let results = try await registry.residents.search(
                ResidentQuery(name: "佐藤 太郎", birthDate: try CalendarDate(iso: "1980-04-01")), within: chiyoda, by: clerk)
            #expect(results.map(\.resident.id) == [id])
            let history = try await registry.residents.history(of: id, by: clerk, purpose: "check")
            #expect(history.map(\.event) == ["registered", "facts-changed"])
            #expect(history[0].facts.name == "山田　太郎")
            #expect(history[1].facts.name == "佐藤　太郎")
            await #expect(throws: RegistryError.self) {
                try await registry.residents.changeFacts(of: id, name: "", nameKana: nil, addressText: nil, by: clerk, reason: "x")
            }
        }
    }

    @Test("moving out and in keeps one person and one number", arguments: DatabaseKind.available)
    func move(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let registered = try await registry.residents.register(try facts(), by: clerk, reason: "birth")
            let id = registered.resident.id
            let day = try CalendarDate(iso: "2026-04-01")
            let out = try await registry.residents.moveOut(id, to: sapporo, on: day, by: clerk, reason: "転出届")
            #expect(out.status == .movedOut(destination: sapporo, date: day))
            await #expect(throws: RegistryError.self) {  // cannot move out twice
                try await registry.residents.moveOut(id, to: sapporo, on: day, by: clerk, reason: "転出届")
            }
            await #expect(throws: RegistryError.self) {  // cannot move in before moving out
                try await registry.residents.moveIn(id, addressText: "北海道札幌市中央区北1条西2丁目", on: try CalendarDate(iso: "2026-03-01"), by: clerk, reason: "転入届")
            }
            let moved = try await registry.residents.moveIn(
                id, addressText: "北海道札幌市中央区北1条西2丁目", on: try CalendarDate(iso: "2026-04-03"), by: clerk, reason: "転入届")
            #expect(moved.id == id)
            #expect(moved.status == .registered)
            #expect(moved.facts.address.municipality == sapporo)
            #expect(try await registry.residents.residentID(holding: registered.number) == id)
            #expect(try await registry.residents.number(of: id, by: clerk, purpose: "check") == registered.number)
        }
    }

    @Test("after death the record stays and refuses changes", arguments: DatabaseKind.available)
    func death(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let dead = try await registry.residents.recordDeath(of: id, on: try CalendarDate(iso: "2026-01-02"), by: clerk, reason: "死亡届")
            #expect(dead.status == .deceased(date: try CalendarDate(iso: "2026-01-02")))
            await #expect(throws: RegistryError.self) {
                try await registry.residents.changeFacts(of: id, name: "別人", nameKana: nil, addressText: nil, by: clerk, reason: "x")
            }
            await #expect(throws: RegistryError.self) {
                try await registry.residents.changeNumber(of: id, authority: .exOfficio, by: clerk, reason: "leak")
            }
            await #expect(throws: RegistryError.self) {
                try await registry.residents.recordDeath(of: id, on: try CalendarDate(iso: "2026-01-02"), by: clerk, reason: "again")
            }
        }
    }

    @Test("a leaked number is retired forever and the resident keeps their identity", arguments: DatabaseKind.available)
    func changeNumber(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let registered = try await registry.residents.register(try facts(), by: clerk, reason: "birth")
            let id = registered.resident.id
            let changed = try await registry.residents.changeNumber(of: id, authority: .residentRequest, by: clerk, reason: "通知カードの誤送付で漏えい")
            #expect(changed.number != registered.number)
            #expect(changed.resident.id == id)
            #expect(try await registry.residents.residentID(holding: registered.number) == nil)
            #expect(try await registry.residents.residentID(holding: changed.number) == id)
            // At the counter too: the retired number finds no one, the new one the same person.
            await #expect(throws: RegistryError.self) { try await registry.residents.lookUp(registered.number, within: chiyoda, by: clerk) }
            #expect(try await registry.residents.lookUp(changed.number, within: chiyoda, by: clerk).id == id)
            let retired = try await environment.database.read {
                try await $0.query("SELECT retirement_reason FROM issued_numbers WHERE retired_at IS NOT NULL")
            }
            #expect(retired.count == 1)
            #expect(try retired[0].string("retirement_reason").hasPrefix("resident-request:"))
            // A later registration never receives the retired number.
            let next = try await registry.residents.register(try facts("次　郎", kana: "ジ　ロウ"), by: clerk, reason: "birth")
            #expect(next.number != registered.number)
            #expect(try await registry.residents.history(of: id, by: clerk, purpose: "check").last?.event == "number-changed")
        }
    }

    @Test("a row edited behind the registry's back is detected on read", arguments: DatabaseKind.available)
    func tamperDetection(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            try await environment.database.transaction {
                try await $0.query(SQL("UPDATE residents SET birth_date = '1979-04-01' WHERE id = ?", [.text(id)]))
            }
            await #expect(throws: RegistryError(.recordIntegrity, "a resident record failed its integrity check")) {
                try await registry.residents.resident(id, by: clerk, purpose: "read")
            }
        }
    }

    /// Issue 15: the MAC is checked on every read of a resident, whoever reads — the
    /// counter's lookup and search, the resident's own view, the services on top (which
    /// can only read a resident through the registry: ArchitectureTests keeps `residents`
    /// named here alone).
    @Test("a row edited behind the registry's back fails every read that returns the record", arguments: DatabaseKind.available)
    func tamperDetectedEverywhere(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let registered = try await registry.residents.register(try facts(), by: clerk, reason: "birth")
            let id = registered.resident.id
            try await environment.database.transaction {
                try await $0.query(SQL("UPDATE residents SET address = '東京都千代田区永田町1-7-1' WHERE id = ?", [.text(id)]))
            }
            let refusal = RegistryError(.recordIntegrity, "a resident record failed its integrity check")
            await #expect(throws: refusal) { try await registry.residents.ownRecord(id) }
            await #expect(throws: refusal) { try await registry.residents.lookUp(registered.number, within: chiyoda, by: clerk) }
            await #expect(throws: refusal) {
                try await registry.residents.search(ResidentQuery(name: "山田　太郎", birthDate: try CalendarDate(iso: "1980-04-01")), within: chiyoda, by: clerk)
            }
            await #expect(throws: refusal) {
                try await environment.database.read { try await registry.residents.resident(id, on: $0, recording: nil, by: clerk, purpose: "service") }
            }
        }
    }

    @Test("sealed numbers cannot be moved to another resident's row", arguments: DatabaseKind.available)
    func sealedNumberBinding(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let registered = try await registry.residents.register(try facts(), by: clerk, reason: "birth")
            let a = registered.resident.id
            let b = try await registry.residents.register(try facts("別　人", kana: "ベツ　ジン"), by: clerk, reason: "birth").resident.id
            // Nowhere in the row does the number appear in the clear.
            let row = try await environment.database.read {
                try await $0.first(SQL("SELECT * FROM residents WHERE id = ?", [.text(a)]))!
            }
            let digits = Array(registered.number.unmaskedDigits.utf8)
            for value in row.values {
                let bytes: [UInt8] = switch value {
                case .text(let text): Array(text.utf8)
                case .blob(let blob): blob
                default: []
                }
                #expect(!bytes.indices.contains { bytes[$0...].starts(with: digits) })
            }
            let vault = try NumberVault(keys: environment.keys)
            let sealedA = try await environment.database.read {
                try await $0.first(SQL("SELECT number_sealed FROM residents WHERE id = ?", [.text(a)]))!.bytes("number_sealed")
            }
            #expect(throws: (any Error).self) { try vault.open(sealedA, for: b) }
            #expect(try vault.open(sealedA, for: a).unmaskedDigits.count == 12)
        }
    }
}

@Suite("Counter search")
struct SearchTests {
    @Test("only a match on all four facts is full; variant kanji, widths and kana still match", arguments: DatabaseKind.available)
    func fullAndPartial(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let takahashi = try await registry.residents.register(
                try facts("髙橋　一郎", kana: "タカハシ　イチロウ", address: "東京都千代田区麹町１－２－３"), by: clerk, reason: "birth").resident.id
            // Same name and birth date, different person (同姓同名).
            let namesake = try await registry.residents.register(
                try facts("高橋　一郎", kana: "タカハシ　イチロウ", address: "東京都千代田区神田1-1-1", sex: .male), by: clerk, reason: "birth").resident.id
            let born = try CalendarDate(iso: "1980-04-01")

            let full = try await registry.residents.search(
                ResidentQuery(name: "高橋 一郎", birthDate: born, sex: .male, address: "東京都千代田区麹町1-2-3"), within: chiyoda, by: clerk)
            #expect(full.count == 2)
            #expect(full[0].resident.id == takahashi && full[0].isFullMatch)
            #expect(full[1].resident.id == namesake && !full[1].isFullMatch)
            #expect(!full[1].matchedFacts.contains(.address))

            let byKana = try await registry.residents.search(
                ResidentQuery(nameKana: "ﾀｶﾊｼ ｲﾁﾛｳ", birthDate: born), within: chiyoda, by: clerk)
            #expect(Set(byKana.map(\.resident.id)) == [takahashi, namesake])
            #expect(byKana.allSatisfy { !$0.isFullMatch })  // sex and address not given: never full

            let wrongBirth = try await registry.residents.search(
                ResidentQuery(name: "高橋一郎", birthDate: try CalendarDate(iso: "1980-04-02")), within: chiyoda, by: clerk)
            #expect(wrongBirth.isEmpty)
            let otherMunicipality = try await registry.residents.search(
                ResidentQuery(name: "高橋一郎", birthDate: born), within: sapporo, by: clerk)
            #expect(otherMunicipality.isEmpty)
        }
    }

    @Test("every resident a search shows is recorded as seen", arguments: DatabaseKind.available)
    func searchIsRecorded(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            _ = try await registry.residents.search(
                ResidentQuery(name: "山田太郎", birthDate: try CalendarDate(iso: "1980-04-01")), within: chiyoda, by: clerk)
            let records = try await registry.residents.accessRecords(of: id, by: clerk, purpose: "check")
            #expect(records.contains { $0.action == .searchMatch && $0.purpose == "counter search" })
        }
    }

    @Test("a search needs a name or a reading; one of spaces and separators only matches no one", arguments: DatabaseKind.available)
    func searchNeedsAName(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            let born = try CalendarDate(iso: "1980-04-01")
            let error = await #expect(throws: RegistryError.self) {
                try await registry.residents.search(ResidentQuery(birthDate: born), within: chiyoda, by: clerk)
            }
            #expect(error?.code == .invalidRequest)
            // Not a search by birth date alone: nothing is compared with an empty key.
            #expect(try await registry.residents.search(ResidentQuery(name: "  ", birthDate: born), within: chiyoda, by: clerk).isEmpty)
            #expect(try await registry.residents.search(ResidentQuery(name: "・ 、", nameKana: "　", birthDate: born), within: chiyoda, by: clerk).isEmpty)
        }
    }
}

@Suite("Schema")
struct SchemaTests {
    @Test("migrations are idempotent and recorded", arguments: DatabaseKind.available)
    func migrationsIdempotent(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { (_, environment) async throws in
            #expect(try await MynaSystem.schema.migrate(environment.database).isEmpty)
            #expect(try await count("schema_migrations", in: environment) == MynaSystem.schema.migrations.count)
        }
    }

    @Test("migration 12 rebuilds residents' indexes and keeps every person, number, history and reference", arguments: DatabaseKind.available)
    func leanResidentIndexes(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind, schemaVersion: 11) { registry, environment in
            let kept = try await registry.residents.register(try facts(), by: clerk, reason: "birth")
            let renumbered = try await registry.residents.register(try facts("次　郎", kana: "ジ　ロウ"), by: clerk, reason: "birth")
            let changed = try await registry.residents.changeNumber(of: renumbered.resident.id, authority: .exOfficio, by: clerk, reason: "leak")
            let mover = try await registry.residents.register(try facts("三　郎", kana: "サブ　ロウ"), by: clerk, reason: "birth").resident.id
            _ = try await registry.residents.moveOut(mover, to: sapporo, on: try CalendarDate(iso: "2026-04-01"), by: clerk, reason: "転出届")
            let tables = ["residents", "issued_numbers", "resident_history", "access_records"]
            var before: [Int] = []
            for table in tables { before.append(try await count(table, in: environment)) }
            #expect(try await Set(indexes(on: "residents", in: environment)).isSuperset(of: ["residents_by_name", "residents_by_kana"]))

            #expect(try await MynaSystem.schema.migrate(environment.database, through: 12) == [12])

            var after: [Int] = []
            for table in tables { after.append(try await count(table, in: environment)) }
            #expect(after == before)
            let names = Set(try await indexes(on: "residents", in: environment))
            #expect(names.isSuperset(of: ["residents_by_birth", "residents_moving_in", "residents_by_update"]))
            #expect(names.isDisjoint(with: ["residents_by_name", "residents_by_kana"]))
            #expect(try await uniqueIndexesOnNumberHash(in: environment) == 0)
            // Numbers are found through the register of issued numbers; a retired one finds no one.
            #expect(try await registry.residents.residentID(holding: kept.number) == kept.resident.id)
            #expect(try await registry.residents.residentID(holding: changed.number) == renumbered.resident.id)
            #expect(try await registry.residents.residentID(holding: renumbered.number) == nil)
            // Rows still pass their integrity check, and both search branches answer.
            #expect(try await registry.residents.resident(kept.resident.id, by: clerk, purpose: "check").facts == (try facts()))
            let born = try CalendarDate(iso: "1980-04-01")
            #expect(try await registry.residents.search(ResidentQuery(name: "山田太郎", birthDate: born), within: chiyoda, by: clerk)
                .map(\.resident.id) == [kept.resident.id])
            #expect(try await registry.residents.search(ResidentQuery(nameKana: "サブロウ", birthDate: born), within: sapporo, by: clerk)
                .map(\.resident.id) == [mover])
            // Foreign keys are enforced again after the rebuild.
            await #expect(throws: (any Error).self) {
                try await environment.database.transaction {
                    try await $0.query(SQL(
                        "INSERT INTO issued_numbers (number_hash, sequence, resident_id, issued_at) VALUES (?, 999, 'no-such-resident', 0)",
                        [.blob(Array(repeating: 7, count: 32))]))
                }
            }
        }
    }

    @Test("a schema transaction that leaves a dangling reference is refused and rolled back", arguments: DatabaseKind.available)
    func schemaTransactionChecksReferences(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { (_, environment) async throws in
            await #expect(throws: (any Error).self) {
                try await environment.database.schemaTransaction {
                    try await $0.query("CREATE TABLE scratch (x INTEGER)")
                    try await $0.query(SQL(
                        "INSERT INTO issued_numbers (number_hash, sequence, resident_id, issued_at) VALUES (?, 1, 'no-such-resident', 0)",
                        [.blob(Array(repeating: 7, count: 32))]))
                }
            }
            #expect(try await count("issued_numbers", in: environment) == 0)
            await #expect(throws: (any Error).self) { try await count("scratch", in: environment) }
        }
    }

    @Test("a bulk insert keeps every value exactly, escapes and nulls included, and reports a duplicate key", arguments: DatabaseKind.available)
    func bulkInsertRoundTrip(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { (_, environment) async throws in
            let texts = ["plain", "back\\slash", "\\N", "tab\there", "line\nbreak", "carriage\rreturn", "", "日本語　全角", "quote ' and \""]
            let rows: [[SQLValue]] = texts.enumerated().map { index, text in
                [.integer(Int64(index)), .text(text), .blob(index == 0 ? [] : Array(0...255).map(UInt8.init)), .integer(index == 1 ? .min : .max),
                 .real(index == 2 ? 1e-300 : -0.25), index == 3 ? .null : .text("x")]
            }
            let columns = ["id", "t", "b", "i", "r", "n"]
            try await environment.database.transaction { connection in
                try await connection.query(SQL(connection.dialect.ddl(
                    "CREATE TABLE bulk_check (id {BIGINT} PRIMARY KEY, t TEXT NOT NULL, b {BLOB} NOT NULL, i {BIGINT} NOT NULL, r DOUBLE PRECISION NOT NULL, n TEXT)")))
                try await connection.insertMany(into: "bulk_check", columns: columns, rows: rows)
            }
            let read = try await environment.database.read { try await $0.query("SELECT id, t, b, i, r, n FROM bulk_check ORDER BY id") }
            #expect(read.map(\.values) == rows)
            await #expect(throws: StoreError.uniqueViolation) {
                try await environment.database.transaction {
                    try await $0.insertMany(into: "bulk_check", columns: columns, rows: [rows[0]])
                }
            }
            #expect(try await count("bulk_check", in: environment) == texts.count)
        }
    }

    @Test("PostgreSQL is tested when the test script requires it")
    func postgresPresentWhenRequired() {
        if DatabaseKind.postgresRequired {
            #expect(DatabaseKind.available.contains(.postgres), "MYNA_REQUIRE_POSTGRES=1 but MYNA_TEST_POSTGRES_URL is not set")
        } else {
            #expect(DatabaseKind.available.contains(.sqlite))
        }
    }
}

/// The names of the indexes on `table`.
func indexes(on table: String, in environment: TestEnvironment) async throws -> [String] {
    let sql = switch environment.kind {
    case .sqlite: SQL("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?", [.text(table)])
    case .postgres: SQL("SELECT indexname AS name FROM pg_indexes WHERE tablename = ?", [.text(table)])
    }
    return try await environment.database.read { try await $0.query(sql).map { try $0.string("name") } }
}

/// How many unique indexes on `residents` include `number_hash`.
func uniqueIndexesOnNumberHash(in environment: TestEnvironment) async throws -> Int {
    let sql: SQL = switch environment.kind {
    case .sqlite:
        """
        SELECT COUNT(*) AS n FROM pragma_index_list('residents') AS list, pragma_index_info(list.name) AS info
        WHERE list."unique" = 1 AND info.name = 'number_hash'
        """
    case .postgres:
        "SELECT COUNT(*) AS n FROM pg_indexes WHERE tablename = 'residents' AND indexdef LIKE 'CREATE UNIQUE%number_hash%'"
    }
    return try await environment.database.read { try await $0.first(sql)!.int("n") }
}
