public import Foundation
public import MynaCore
import Crypto
public import MynaNumbering
public import MynaDatabase
public import MynaSecrets

/// The resident registry (住民基本台帳): registration with a new individual number,
/// changes of the basic facts, moves between municipalities, death, change of number on
/// leak, history, and counter search. Every operation is one transaction that also writes
/// its history row and its access record.
public struct ResidentRegistry: Sendable {
    let database: any Database
    let vault: NumberVault
    let issuer: NumberIssuer
    let codeIssuer: ResidentCodeIssuer
    /// The record MAC's key, keyed once (see ``NumberVault``'s lookup hash).
    let integrityMAC: HMAC<SHA256>
    let clock: WallClock
    let sequences: SequenceBlocks

    public init(database: any Database, keys: KeyStore, clock: WallClock = .system) throws {
        self.database = database
        self.vault = try NumberVault(keys: keys)
        self.issuer = try NumberIssuer(key: try keys.bytes(.numbering))
        self.codeIssuer = try ResidentCodeIssuer(key: try keys.bytes(.residentCodes))
        self.integrityMAC = HMAC<SHA256>(key: try keys.key(.recordIntegrity))
        self.clock = clock
        self.sequences = SequenceBlocks(database: database)
    }

    // MARK: Registration

    /// Registers a new resident (出生 or 国外からの転入) and issues their number.
    public func register(_ facts: BasicInfo, by actor: RegistryActor, reason: String) async throws -> RegisteredResident {
        try await registerMany([facts], by: actor, reason: reason)[0]
    }

    /// Registers many residents in one transaction: the bulk path behind `myna resident
    /// import` and `myna demo`.
    public func registerMany(_ people: [BasicInfo], by actor: RegistryActor, reason: String) async throws -> [RegisteredResident] {
        try await commit(try await prepareRegistration(people, by: actor, reason: reason))
    }

    /// Everything a registration needs except the final write: numbers drawn, sealed and
    /// hashed, names normalised, rows built. Preparing outside the write transaction lets
    /// an import prepare one batch on one core while the database writes the previous
    /// one on the other. The sequence values it draws are spent even if the commit never
    /// happens; numbers only have to be unique, not dense.
    public func prepareRegistration(_ people: [BasicInfo], by actor: RegistryActor, reason: String) async throws -> PreparedRegistration {
        try requireBornByToday(people)
        guard !people.isEmpty else { return PreparedRegistration(residents: [], municipalities: [], actor: actor, reason: reason, now: 0) }
        let municipalities = Set(people.map(\.address.municipality))
        // A read only, on a reader connection; sequence values come from a block reserved
        // earlier: nothing here waits for a commit in progress.
        try await database.read { try await Self.requireKnownMunicipalities(municipalities, on: $0) }
        var ids = ResidentIDs()
        let now = clock.milliseconds
        return try prepare(
            people, sequences: try await sequences.take(people.count), ids: people.map { _ in ids.next(at: now) }, by: actor,
            reason: reason, now: now)
    }

    /// Writes a prepared batch in one transaction, with its history and access records.
    public func commit(_ prepared: PreparedRegistration) async throws -> [RegisteredResident] {
        guard !prepared.residents.isEmpty else { return [] }
        try await database.transaction { try await write(prepared, on: $0) }
        return prepared.residents
    }

    /// Registers every batch `batches` yields in **one** transaction: the path behind
    /// `myna resident import`. An import is all or nothing — a failure half way, or a
    /// crash, leaves the registry as it was, so running the file again cannot register
    /// anyone twice. One commit is also what makes it fast: each commit writes every
    /// index page it touched, and the indexes on number hashes and resident codes take
    /// keys in random order, so small commits rewrite nearly the whole index each time
    /// (BENCHMARKS.md). The transaction holds the numbering row, so the sequence values
    /// are counted in memory and stored once at the end. `written` sees each batch once
    /// it is in the transaction (not yet committed: for progress only).
    ///
    /// While the database writes one batch, the next is prepared on the other core. The
    /// writer is the slowest stage, so preparing uses one thread only: more would take
    /// time from it on two cores (measured).
    public func registerAll(
        _ batches: some AsyncSequence<[BasicInfo], any Error> & Sendable, by actor: RegistryActor, reason: String,
        written: @escaping @Sendable ([RegisteredResident]) -> Void = { _ in }
    ) async throws -> Int {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            var next = try await SequenceBlocks.hold(on: connection)
            var ids = ResidentIDs()
            var count = 0
            var writing: Task<Void, any Error>?
            do {
                for try await people in batches {
                    try requireBornByToday(people)
                    let sequences = next..<(next + UInt64(people.count))
                    next = sequences.upperBound
                    let prepared = try prepare(
                        people, sequences: sequences, ids: people.map { _ in ids.next(at: now) }, by: actor, reason: reason, now: now)
                    try await writing?.value
                    writing = Task {
                        try await write(prepared, on: connection)
                        written(prepared.residents)
                    }
                    count += people.count
                }
                try await writing?.value
            } catch {
                // The connection is rolled back only once no write is still using it.
                _ = await writing?.result
                throw error
            }
            try await SequenceBlocks.release(holding: next, on: connection)
            return count
        }
    }

    private func requireBornByToday(_ people: [BasicInfo]) throws {
        let today = clock.today
        guard people.allSatisfy({ $0.birthDate <= today }) else {
            throw RegistryError(.invalidFacts, "birthDate is in the future")
        }
    }

    /// Numbers drawn, sealed and hashed, names normalised, rows built: everything but
    /// the database. The sequence values are the caller's, reserved or held.
    private func prepare(
        _ people: [BasicInfo], sequences: Range<UInt64>, ids: [String], by actor: RegistryActor, reason: String, now: Int64
    ) throws -> PreparedRegistration {
        guard sequences.upperBound <= FeistelPermutation.domainSize else {
            throw RegistryError(.numberExhausted, "the 11-digit number space is exhausted")
        }
        var prepared = PreparedRegistration(
            residents: [], municipalities: Set(people.map(\.address.municipality)), actor: actor, reason: reason, now: now)
        prepared.residents.reserveCapacity(people.count)
        var nonces = BulkRandom()
        for (index, facts) in people.enumerated() {
            let id = ids[index]
            let sequence = sequences.lowerBound + UInt64(index)
            let number = issuer.number(forSequence: sequence)
            guard let code = codeIssuer.code(forSequence: sequence) else {
                throw RegistryError(.numberExhausted, "the resident-code space is exhausted")
            }
            let resident = Resident(
                id: id, residentCode: code, facts: facts, status: .registered, version: 1,
                createdAt: Date(milliseconds: Int(now)), updatedAt: Date(milliseconds: Int(now)))
            let hash = vault.lookupHash(number)
            prepared.residents.append(RegisteredResident(resident: resident, number: number))
            prepared.residentRows.append(try residentRow(resident, numberHash: hash, numberSealed: vault.seal(number, for: id, nonces: &nonces), now: now))
            prepared.numberRows.append([.blob(hash), .integer(Int64(sequence)), .text(id), .integer(now)])
            prepared.historyRows.append(historyRow(resident, event: .registered, actor: actor, reason: reason, now: now))
        }
        return prepared
    }

    /// Writes a prepared batch inside the caller's transaction, with its history and
    /// access records.
    private func write(_ prepared: PreparedRegistration, on connection: any SQLConnection) async throws {
        guard !prepared.residents.isEmpty else { return }
        try await Self.requireKnownMunicipalities(prepared.municipalities, on: connection)
        try await connection.insertMany(
            into: "residents", columns: Self.residentColumns, rows: prepared.residentRows)
        try await connection.insertMany(
            into: "issued_numbers", columns: ["number_hash", "sequence", "resident_id", "issued_at"], rows: prepared.numberRows)
        try await connection.insertMany(
            into: "resident_history", columns: Self.historyColumns, rows: prepared.historyRows)
        try await AccessLog.record(
            .register, residentIDs: prepared.residents.map(\.resident.id), by: prepared.actor, purpose: prepared.reason,
            at: prepared.now, on: connection)
    }

    // MARK: Reading

    /// A resident's record as they see it themselves (the portal's pages, the consent
    /// screen): their own reading of their own facts is not an access to record.
    public func ownRecord(_ id: String) async throws -> Resident {
        try await database.read { connection in
            try await resident(id, on: connection, recording: nil, by: .resident(id: id), purpose: "")
        }
    }

    /// The resident's current record, recording the read.
    public func resident(_ id: String, by actor: RegistryActor, purpose: String) async throws -> Resident {
        try await database.transaction { connection in
            let resident = try await load(id, on: connection)
            try await AccessLog.record(.readFacts, residentIDs: [id], by: actor, purpose: purpose, at: clock.milliseconds, on: connection)
            return resident
        }
    }

    /// The resident's individual number, recording that it was shown.
    public func number(of id: String, by actor: RegistryActor, purpose: String) async throws -> IndividualNumber {
        try await database.transaction { connection in
            guard let row = try await connection.first(SQL("SELECT id, number_sealed FROM residents WHERE id = ?", [.text(id)])) else {
                throw RegistryError(.residentNotFound, "no such resident")
            }
            _ = try await load(id, on: connection)  // verifies the row's integrity
            try await AccessLog.record(.readNumber, residentIDs: [id], by: actor, purpose: purpose, at: clock.milliseconds, on: connection)
            return try vault.open(try row.bytes("number_sealed"), for: id)
        }
    }

    /// Finds the resident holding `number` (current numbers only; a retired number finds
    /// no one). Not recorded by itself: callers record the purpose of the lookup.
    public func residentID(holding number: IndividualNumber) async throws -> String? {
        try await database.read { try await residentID(holding: number, on: $0) }
    }

    /// Finds the resident holding `number` for a counter, within the municipalities it
    /// serves, and records the lookup. A number held by someone elsewhere is reported as
    /// not found, exactly like a number held by no one.
    public func lookUp(_ number: IndividualNumber, within municipality: MunicipalityCode, by actor: RegistryActor) async throws -> Resident {
        try await database.transaction { connection in
            let elsewhere = RegistryError(.residentNotFound, "no resident in this municipality holds that number")
            guard let id = try await residentID(holding: number, on: connection) else { throw elsewhere }
            let resident = try await load(id, on: connection)
            guard resident.isServed(by: municipality) else { throw elsewhere }
            try await AccessLog.record(.lookupByNumber, residentIDs: [id], by: actor, purpose: "counter lookup by number", at: clock.milliseconds, on: connection)
            return resident
        }
    }

    // MARK: Services built on the registry

    /// Loads a resident inside a caller's transaction and records the access there, so a
    /// service on top of the registry (the card office) changes its own tables and
    /// records why it read the person in one commit. `recording: nil` is for checks that
    /// show nothing to anyone (a sweep comparing facts) and must stay rare.
    public func resident(
        _ id: String, on connection: any SQLConnection, recording action: AccessAction?, by actor: RegistryActor, purpose: String
    ) async throws -> Resident {
        let resident = try await load(id, on: connection)
        if let action {
            try await AccessLog.record(action, residentIDs: [id], by: actor, purpose: purpose, at: clock.milliseconds, on: connection)
        }
        return resident
    }

    /// Records an access made by a service on top of the registry, in its transaction.
    public func recordAccess(
        _ action: AccessAction, to id: String, by actor: RegistryActor, purpose: String, on connection: any SQLConnection
    ) async throws {
        try await recordAccess(action, to: [id], by: actor, purpose: purpose, on: connection)
    }

    /// The same for many people at once (a bulk act).
    public func recordAccess(
        _ action: AccessAction, to ids: [String], by actor: RegistryActor, purpose: String, on connection: any SQLConnection
    ) async throws {
        try await AccessLog.record(action, residentIDs: ids, by: actor, purpose: purpose, at: clock.milliseconds, on: connection)
    }

    /// The resident holding `number` now, inside a caller's transaction. Numbers are
    /// found in the register of every number issued (migration 12): a retired one finds
    /// no one.
    public func residentID(holding number: IndividualNumber, on connection: any SQLConnection) async throws -> String? {
        try await connection.first(SQL(
            "SELECT resident_id FROM issued_numbers WHERE number_hash = ? AND retired_at IS NULL",
            [.blob(vault.lookupHash(number))]))?.string("resident_id")
    }

    /// The keyed lookup hash of a number: what services store to count or match a
    /// number without keeping it (the hotline's call log).
    public func lookupHash(_ number: IndividualNumber) -> [UInt8] { vault.lookupHash(number) }

    /// An SQL condition, true while the record of the resident whose id `column` holds
    /// is open — not closed by death — for checks other modules make inside their own
    /// query (a portal session, an app's token), so the stored status stays named here.
    public static func recordOpen(residentIDIn column: String) -> String {
        "EXISTS (SELECT 1 FROM residents open_record WHERE open_record.id = \(column) AND open_record.status <> 'deceased')"
    }

    /// An SQL expression for the municipality code of the resident whose id `column`
    /// holds, for other modules' counts by municipality (the published statistics), so the
    /// resident's columns stay named here.
    public static func municipality(ofResidentIn column: String) -> String {
        "(SELECT municipality_record.municipality_code FROM residents municipality_record WHERE municipality_record.id = \(column))"
    }

    /// 住民となった日: when the resident last became a resident here — the newest
    /// registration or move-in in their history — inside the caller's transaction; `nil`
    /// when the history holds neither.
    public static func becameResidentAt(_ id: String, on connection: any SQLConnection) async throws -> Date? {
        try await connection.first(SQL(
            "SELECT MAX(occurred_at) AS at FROM resident_history WHERE resident_id = ? AND event IN (?, ?)",
            [.text(id), .text(ResidentEvent.registered.rawValue), .text(ResidentEvent.movedIn.rawValue)]))?
            .optionalInt("at").map { Date(timeIntervalSince1970: Double($0) / 1000) }
    }

    /// The municipality the directory knows by this code, inside the caller's transaction.
    public static func municipality(_ code: MunicipalityCode, on connection: any SQLConnection) async throws -> Municipality? {
        try await connection.first(SQL("SELECT prefecture, name, name_kana FROM municipalities WHERE code = ?", [.text(code.digits)])).map {
            Municipality(code: code, prefecture: try $0.string("prefecture"), name: try $0.string("name"), nameKana: try $0.string("name_kana"))
        }
    }

    /// Registered residents by municipality code, inside the caller's read.
    public static func registeredByMunicipality(on connection: any SQLConnection) async throws -> [(code: String, count: Int)] {
        try await connection.query(SQL(
            "SELECT municipality_code AS code, count(*) AS n FROM residents WHERE status = ? GROUP BY 1 ORDER BY 1",
            [.text(ResidentStatus.registered.name)]))
            .map { (try $0.string("code"), Int(try $0.int("n"))) }
    }

    /// Residents whose record changed at or after `milliseconds`, oldest change first,
    /// with the time of their latest change: how services that follow the registry (the
    /// signature certificate follows the four facts) catch up after a restart.
    public func changed(since milliseconds: Int64, limit: Int) async throws -> [(id: String, updatedAt: Int64)] {
        try await database.read { connection in
            try await connection.query(SQL(
                "SELECT id, updated_at FROM residents WHERE updated_at >= ? ORDER BY updated_at, id LIMIT ?",
                [.integer(milliseconds), .integer(Int64(limit))])).map { (try $0.string("id"), Int64(try $0.int("updated_at"))) }
        }
    }

    /// Fetches the current record without recording an access — only for internal checks
    /// that record their own purpose (jurisdiction, procedure opening).
    func peek(_ id: String) async throws -> Resident {
        try await database.read { try await load(id, on: $0) }
    }

    public func history(of id: String, by actor: RegistryActor, purpose: String) async throws -> [HistoryEntry] {
        try await database.transaction { connection in
            _ = try await load(id, on: connection)
            let rows = try await connection.query(SQL(
                "SELECT version, event, facts, actor, reason, occurred_at FROM resident_history WHERE resident_id = ? ORDER BY version",
                [.text(id)]))
            try await AccessLog.record(.readHistory, residentIDs: [id], by: actor, purpose: purpose, at: clock.milliseconds, on: connection)
            return try rows.map { row in
                HistoryEntry(
                    version: try row.int("version"), event: try row.string("event"),
                    facts: try JSONDecoder().decode(HistoryFacts.self, from: Data(try row.string("facts").utf8)),
                    actor: try row.string("actor"), reason: try row.optionalString("reason"),
                    occurredAt: Date(milliseconds: try row.int("occurred_at")))
            }
        }
    }

    /// The access records of one resident, newest first; only those made by `kinds` of
    /// actor when given (the portal leaves out the person's own reads).
    public func accessRecords(
        of id: String, by actor: RegistryActor, purpose: String, limit: Int = 100, before: Int? = nil, kinds: Set<ActorKind>? = nil
    ) async throws -> [AccessRecord] {
        try await database.transaction { connection in
            _ = try await load(id, on: connection)
            let records = try await AccessLog.list(residentID: id, limit: min(max(limit, 1), 1000), before: before, kinds: kinds, on: connection)
            try await AccessLog.record(.readAccessRecords, residentIDs: [id], by: actor, purpose: purpose, at: clock.milliseconds, on: connection)
            return records
        }
    }

    // MARK: Changes

    /// A change of name, reading or address within the same municipality (氏名変更, 転居).
    public func changeFacts(
        of id: String, name: String?, nameKana: String?, addressText: String?, by actor: RegistryActor, reason: String,
        within jurisdiction: MunicipalityCode? = nil
    ) async throws -> Resident {
        try await mutate(id, action: .changeFacts, event: .factsChanged, by: actor, reason: reason) { resident in
            try Self.require(resident, registeredIn: jurisdiction)
            guard case .registered = resident.status else {
                throw RegistryError(.wrongStatus, "only a registered resident's facts can change")
            }
            do {
                let address = try Address(municipality: resident.facts.address.municipality, text: addressText ?? resident.facts.address.text)
                resident.facts = try BasicInfo(
                    name: name ?? resident.facts.name, nameKana: nameKana ?? resident.facts.nameKana,
                    address: address, birthDate: resident.facts.birthDate, sex: resident.facts.sex)
            } catch let error as FactError {
                throw RegistryError(.invalidFacts, error.description)
            }
        }
    }

    /// 転出 — the resident leaves for another municipality on `date`.
    public func moveOut(
        _ id: String, to destination: MunicipalityCode, on date: CalendarDate, by actor: RegistryActor, reason: String,
        within jurisdiction: MunicipalityCode? = nil
    ) async throws -> Resident {
        try await mutate(id, action: .moveOut, event: .movedOut, by: actor, reason: reason) { resident in
            try Self.require(resident, registeredIn: jurisdiction)
            guard case .registered = resident.status else {
                throw RegistryError(.wrongStatus, "only a registered resident can move out")
            }
            guard destination != resident.facts.address.municipality else {
                throw RegistryError(.invalidRequest, "a move within the municipality is a change of address")
            }
            resident.status = .movedOut(destination: destination, date: date)
        } check: { connection in
            try await Self.requireKnownMunicipalities([destination], on: connection)
        }
    }

    /// 転入 — completes a move at the destination: same person, same number.
    /// Only the destination's counter completes the move (`jurisdiction`).
    public func moveIn(
        _ id: String, addressText: String, on date: CalendarDate, by actor: RegistryActor, reason: String,
        within jurisdiction: MunicipalityCode? = nil
    ) async throws -> Resident {
        let today = clock.today
        return try await mutate(id, action: .moveIn, event: .movedIn, by: actor, reason: reason) { resident in
            guard case .movedOut(let destination, let movedOutOn) = resident.status else {
                throw RegistryError(.wrongStatus, "only a resident who moved out can move in")
            }
            if let jurisdiction, jurisdiction != destination {
                throw RegistryError(.outsideJurisdiction, "only the destination municipality completes a move-in")
            }
            guard date <= today else { throw RegistryError(.invalidRequest, "the move-in date is in the future") }
            guard date >= movedOutOn else { throw RegistryError(.invalidRequest, "move-in date is before the move-out date") }
            do {
                resident.facts.address = try Address(municipality: destination, text: addressText)
            } catch let error as FactError {
                throw RegistryError(.invalidFacts, error.description)
            }
            resident.status = .registered
        }
    }

    /// 死亡 — the record stays, with its status; the number is never reissued.
    public func recordDeath(
        of id: String, on date: CalendarDate, by actor: RegistryActor, reason: String, within jurisdiction: MunicipalityCode? = nil
    ) async throws -> Resident {
        let today = clock.today
        return try await mutate(id, action: .recordDeath, event: .deceased, by: actor, reason: reason) { resident in
            if case .deceased = resident.status { throw RegistryError(.wrongStatus, "the death is already recorded") }
            try Self.require(resident, registeredIn: jurisdiction)
            guard date <= today else { throw RegistryError(.invalidRequest, "the date of death is in the future") }
            guard date >= resident.facts.birthDate else { throw RegistryError(.invalidRequest, "date of death is before birth") }
            resident.status = .deceased(date: date)
        }
    }

    /// Who asked for a change of number (番号法 第7条第2項: 請求又は職権).
    public enum NumberChangeAuthority: String, Sendable, Codable {
        case residentRequest = "resident-request"
        case exOfficio = "ex-officio"
    }

    /// 番号の変更 — only when the number has leaked and fraudulent use is feared. The old
    /// number is retired forever; the resident keeps the same identity, and everything
    /// that refers to them (by id) follows without change.
    public func changeNumber(
        of id: String, authority: NumberChangeAuthority, by actor: RegistryActor, reason: String,
        within jurisdiction: MunicipalityCode? = nil
    ) async throws -> RegisteredResident {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            var resident = try await load(id, on: connection)
            if case .deceased = resident.status { throw RegistryError(.wrongStatus, "a deceased resident's number is not changed") }
            try Self.require(resident, registeredIn: jurisdiction)
            guard let oldHash = try await connection.first(SQL("SELECT number_hash FROM residents WHERE id = ?", [.text(id)]))?.bytes("number_hash") else {
                throw RegistryError(.residentNotFound, "no such resident")
            }
            let sequence = try await SequenceBlocks.reserve(1, on: connection).lowerBound
            let number = issuer.number(forSequence: sequence)
            let hash = vault.lookupHash(number)
            try await connection.query(SQL(
                "UPDATE issued_numbers SET retired_at = ?, retirement_reason = ? WHERE number_hash = ?",
                [.integer(now), .text("\(authority.rawValue): \(reason)"), .blob(oldHash)]))
            try await connection.query(SQL(
                "INSERT INTO issued_numbers (number_hash, sequence, resident_id, issued_at) VALUES (?, ?, ?, ?)",
                [.blob(hash), .integer(Int64(sequence)), .text(id), .integer(now)]))
            resident.version += 1
            resident.updatedAt = Date(milliseconds: Int(now))
            try await connection.query(SQL(
                "UPDATE residents SET number_hash = ?, number_sealed = ?, version = ?, record_mac = ?, updated_at = ? WHERE id = ?",
                [.blob(hash), .blob(try vault.seal(number, for: id)), .init(resident.version),
                 .blob(recordMAC(resident, numberHash: hash)), .integer(now), .text(id)]))
            try await connection.insertMany(
                into: "resident_history", columns: Self.historyColumns,
                rows: [historyRow(resident, event: .numberChanged, actor: actor, reason: "\(authority.rawValue): \(reason)", now: now)])
            try await AccessLog.record(.changeNumber, residentIDs: [id], by: actor, purpose: reason, at: now, on: connection)
            return RegisteredResident(resident: resident, number: number)
        }
    }

    // MARK: Search

    /// Counter search by name (kanji or kana) and birth date, within the municipalities
    /// the clerk serves. Each result says which of the four basic facts it matched: only
    /// a match on all four is `full`; anything less is `partial` and must never be taken
    /// for the person (the root cause of the 2023 mis-linkings, domain.md §8).
    public func search(_ query: ResidentQuery, within municipality: MunicipalityCode, by actor: RegistryActor) async throws -> [SearchResult] {
        guard query.name != nil || query.nameKana != nil else { throw RegistryError(.invalidRequest, "give a name or a kana reading") }
        let nameKey = query.name.map(JapaneseText.normalizedName) ?? ""
        let kanaKey = query.nameKana.map(JapaneseText.normalizedKana) ?? ""
        // A name of white space and separators only normalises to nothing, which no name
        // is compared by: it matches no one (rather than a refusal the API document could
        // not state, as it cannot normalise), and birth date alone is never searched by.
        guard !nameKey.isEmpty || !kanaKey.isEmpty else { return [] }
        return try await database.transaction { connection in
            // Two branches, one per index (migration 12): the municipality's residents
            // born that day, and the people moving in to it born that day.
            let birthDate = SQLValue.text(query.birthDate.description)
            let names: [SQLValue] = [.text(nameKey), .text(kanaKey)]
            let rows = try await connection.query(SQL(
                """
                SELECT * FROM residents WHERE birth_date = ? AND municipality_code = ? AND (name_key = ? OR kana_key = ?)
                UNION
                SELECT * FROM residents WHERE destination_code = ? AND birth_date = ? AND (name_key = ? OR kana_key = ?)
                ORDER BY id LIMIT 50
                """,
                [birthDate, .text(municipality.digits)] + names + [.text(municipality.digits), birthDate] + names))
            var results: [SearchResult] = []
            for row in rows {
                let resident = try residentFromRow(row)
                var matched: Set<BasicInfo.Fact> = [.birthDate]
                if JapaneseText.normalizedName(resident.facts.name) == nameKey { matched.insert(.name) }
                // A kana reading alone is evidence for the name only when no kanji name was
                // given to contradict it.
                if nameKey.isEmpty, JapaneseText.normalizedKana(resident.facts.nameKana) == kanaKey { matched.insert(.name) }
                if let sex = query.sex, sex == resident.facts.sex { matched.insert(.sex) }
                if let address = query.address,
                    JapaneseText.normalizedAddress(address) == JapaneseText.normalizedAddress(resident.facts.address.text)
                { matched.insert(.address) }
                results.append(SearchResult(resident: resident, matchedFacts: matched.sorted()))
            }
            results.sort { ($0.isFullMatch ? 0 : 1, $0.resident.id) < ($1.isFullMatch ? 0 : 1, $1.resident.id) }
            try await AccessLog.record(.searchMatch, residentIDs: results.map(\.resident.id), by: actor, purpose: "counter search", at: clock.milliseconds, on: connection)
            return results
        }
    }

    // MARK: Internals

    /// The municipality where the resident is registered decides on them; a resident who
    /// has moved out belongs to the destination only once the move-in is done
    /// (``Resident/isRegistered(in:)``).
    static func require(_ resident: Resident, registeredIn jurisdiction: MunicipalityCode?) throws {
        guard let jurisdiction else { return }
        guard resident.isRegistered(in: jurisdiction) else {
            throw RegistryError(.outsideJurisdiction, "the resident is not registered in this municipality")
        }
    }

    private func mutate(
        _ id: String, action: AccessAction, event: ResidentEvent, by actor: RegistryActor, reason: String,
        _ change: @Sendable (inout Resident) throws -> Void,
        check: @Sendable (any SQLConnection) async throws -> Void = { _ in }
    ) async throws -> Resident {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            try await check(connection)
            var resident = try await load(id, on: connection)
            try change(&resident)
            resident.version += 1
            resident.updatedAt = Date(milliseconds: Int(now))
            let hash = try await connection.first(SQL("SELECT number_hash FROM residents WHERE id = ?", [.text(id)]))!.bytes("number_hash")
            let (destination, statusDate) = Self.statusColumns(resident.status)
            let facts = resident.facts
            try await connection.query(SQL(
                """
                UPDATE residents SET name = ?, name_kana = ?, name_key = ?, kana_key = ?, municipality_code = ?, address = ?,
                    status = ?, destination_code = ?, status_date = ?, version = ?, record_mac = ?, updated_at = ?
                WHERE id = ? AND version = ?
                """,
                [.text(facts.name), .text(facts.nameKana), .text(JapaneseText.normalizedName(facts.name)),
                 .text(JapaneseText.normalizedKana(facts.nameKana)), .text(facts.address.municipality.digits),
                 .text(facts.address.text), .text(resident.status.name), destination, statusDate,
                 .init(resident.version), .blob(recordMAC(resident, numberHash: hash)), .integer(now),
                 .text(id), .init(resident.version - 1)]))
            try await connection.insertMany(
                into: "resident_history", columns: Self.historyColumns,
                rows: [historyRow(resident, event: event, actor: actor, reason: reason, now: now)])
            try await AccessLog.record(action, residentIDs: [id], by: actor, purpose: reason, at: now, on: connection)
            return resident
        }
    }

    func load(_ id: String, on connection: any SQLConnection) async throws -> Resident {
        guard let row = try await connection.first(SQL("SELECT * FROM residents WHERE id = ?", [.text(id)])) else {
            throw RegistryError(.residentNotFound, "no such resident")
        }
        return try residentFromRow(row)
    }

    private func residentFromRow(_ row: SQLRow) throws -> Resident {
        let id = try row.string("id")
        let status: ResidentStatus
        switch try row.string("status") {
        case "moved-out":
            status = .movedOut(
                destination: try MunicipalityCode(try row.string("destination_code")),
                date: try CalendarDate(iso: try row.string("status_date")))
        case "deceased": status = .deceased(date: try CalendarDate(iso: try row.string("status_date")))
        default: status = .registered
        }
        let resident = Resident(
            id: id, residentCode: try ResidentCode(try row.string("resident_code")),
            facts: try BasicInfo(
                name: try row.string("name"), nameKana: try row.string("name_kana"),
                address: try Address(municipality: try MunicipalityCode(try row.string("municipality_code")), text: try row.string("address")),
                birthDate: try CalendarDate(iso: try row.string("birth_date")),
                sex: Sex(rawValue: try row.int("sex")) ?? .notKnown),
            status: status, version: try row.int("version"),
            createdAt: Date(milliseconds: try row.int("created_at")), updatedAt: Date(milliseconds: try row.int("updated_at")))
        // A row changed behind the registry's back no longer carries a valid MAC.
        guard recordMAC(resident, numberHash: try row.bytes("number_hash")) == (try row.bytes("record_mac")) else {
            throw RegistryError(.recordIntegrity, "a resident record failed its integrity check")
        }
        return resident
    }

    /// The columns ``residentRow(_:numberHash:numberSealed:now:)`` fills.
    static let residentColumns = [
        "id", "resident_code", "number_hash", "number_sealed", "name", "name_kana", "name_key", "kana_key", "municipality_code",
        "address", "birth_date", "sex", "status", "destination_code", "status_date", "version", "record_mac", "created_at", "updated_at",
    ]

    private func residentRow(_ resident: Resident, numberHash: [UInt8], numberSealed: [UInt8], now: Int64) throws -> [SQLValue] {
        let facts = resident.facts
        let (destination, statusDate) = Self.statusColumns(resident.status)
        return [
            .text(resident.id), .text(resident.residentCode.digits), .blob(numberHash), .blob(numberSealed),
            .text(facts.name), .text(facts.nameKana), .text(JapaneseText.normalizedName(facts.name)),
            .text(JapaneseText.normalizedKana(facts.nameKana)), .text(facts.address.municipality.digits),
            .text(facts.address.text), .text(facts.birthDate.description), .init(facts.sex.rawValue),
            .text(resident.status.name), destination, statusDate, .init(resident.version),
            .blob(recordMAC(resident, numberHash: numberHash)), .integer(now), .integer(now),
        ]
    }

    /// The columns ``historyRow(_:event:actor:reason:now:)`` fills.
    static let historyColumns = ["resident_id", "version", "event", "facts", "actor", "reason", "occurred_at"]

    private func historyRow(_ resident: Resident, event: ResidentEvent, actor: RegistryActor, reason: String?, now: Int64) -> [SQLValue] {
        [
            .text(resident.id), .init(resident.version), .text(event.rawValue), .text(HistoryFacts(resident).canonicalJSON),
            .text(actor.label), SQLValue(reason), .integer(now),
        ]
    }

    private static func statusColumns(_ status: ResidentStatus) -> (SQLValue, SQLValue) {
        switch status {
        case .registered: (.null, .null)
        case .movedOut(let destination, let date): (.text(destination.digits), .text(date.description))
        case .deceased(let date): (.null, .text(date.description))
        }
    }

    /// HMAC over a canonical encoding of every column that carries meaning: each field
    /// length-prefixed, so no two different records encode the same.
    private func recordMAC(_ resident: Resident, numberHash: [UInt8]) -> [UInt8] {
        let facts = resident.facts
        let (destination, statusDate) = Self.statusColumns(resident.status)
        var message: [UInt8] = []
        message.reserveCapacity(512)
        func append(_ bytes: some Collection<UInt8>) {
            let length = UInt32(bytes.count)
            for shift in stride(from: 24, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: length >> shift)) }
            message.append(contentsOf: bytes)
        }
        func append(_ value: SQLValue) { if case .text(let text) = value { append(text.utf8) } else { append([]) } }
        append(resident.id.utf8)
        append(resident.residentCode.digits.utf8)
        append(numberHash)
        append(facts.name.utf8)
        append(facts.nameKana.utf8)
        append(facts.address.municipality.digits.utf8)
        append(facts.address.text.utf8)
        append(facts.birthDate.description.utf8)
        append(String(facts.sex.rawValue).utf8)
        append(resident.status.name.utf8)
        append(destination)
        append(statusDate)
        append(String(resident.version).utf8)
        var mac = integrityMAC
        mac.update(data: message)
        return Array(mac.finalize())
    }

    static func requireKnownMunicipalities(_ codes: Set<MunicipalityCode>, on connection: any SQLConnection) async throws {
        let list = Array(codes)
        let placeholders = Array(repeating: "?", count: list.count).joined(separator: ",")
        let found = try await connection.query(SQL(
            "SELECT code FROM municipalities WHERE code IN (\(placeholders))", list.map { .text($0.digits) }))
        guard found.count == list.count else {
            throw RegistryError(.unknownMunicipality, "the municipality code is not in the directory")
        }
    }
}

/// What a clerk searches with. The birth date is required: a name alone finds too many.
public struct ResidentQuery: Sendable {
    public var name: String?
    public var nameKana: String?
    public var birthDate: CalendarDate
    public var sex: Sex?
    public var address: String?

    public init(name: String? = nil, nameKana: String? = nil, birthDate: CalendarDate, sex: Sex? = nil, address: String? = nil) {
        self.name = name
        self.nameKana = nameKana
        self.birthDate = birthDate
        self.sex = sex
        self.address = address
    }
}

public struct SearchResult: Sendable {
    public let resident: Resident
    public let matchedFacts: [BasicInfo.Fact]
    /// All four basic facts agree: the only kind of match that may be treated as the person.
    public var isFullMatch: Bool { matchedFacts.count == BasicInfo.Fact.allCases.count }
}

/// A batch of registrations ready to commit (see ``ResidentRegistry/prepareRegistration(_:by:reason:)``).
public struct PreparedRegistration: Sendable {
    public fileprivate(set) var residents: [RegisteredResident]
    fileprivate let municipalities: Set<MunicipalityCode>
    fileprivate let actor: RegistryActor
    fileprivate let reason: String
    fileprivate let now: Int64
    fileprivate var residentRows: [[SQLValue]] = []
    fileprivate var numberRows: [[SQLValue]] = []
    fileprivate var historyRows: [[SQLValue]] = []

    fileprivate init(residents: [RegisteredResident], municipalities: Set<MunicipalityCode>, actor: RegistryActor, reason: String, now: Int64) {
        self.residents = residents
        self.municipalities = municipalities
        self.actor = actor
        self.reason = reason
        self.now = now
    }
}
