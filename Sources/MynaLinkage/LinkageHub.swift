import Crypto
public import Foundation
public import MynaCore
public import MynaRegistry
public import MynaDatabase
public import MynaSecrets

/// The hub of the information linkage network (情報提供ネットワークシステム, domain.md §4):
/// it alone holds the key agency codes come from, translates one agency's code for a
/// person into another's, checks every exchange against the allow-list and the person's
/// refusals, answers from the intermediate store, and records every exchange — answered
/// or refused — as a provision record. The individual number appears once per agency and
/// person, at code acquisition, and never in an exchange.
public struct LinkageHub: Sendable {
    public let registry: Registry
    public let agencies: AgencyDirectory
    let allowLists: CurrentAllowList
    /// The allow-list in force: the newest version loaded.
    public var allowList: AllowList { allowLists.list }
    let codeKey: SymmetricKey
    let clock: WallClock
    let recorder: ProvisionRecorder
    /// Where notices may be pushed; checked at subscription and before every push.
    public let pushPolicy: PushEndpointPolicy
    /// The version of the code key new codes come from; codes already issued stay.
    static let codeKeyVersion = 1

    /// Opens the hub: loads the allow-list shipped with this build into the database
    /// (once per version) and serves the newest version there. Notices are pushed only
    /// where `pushPolicy` lets them go: by default https endpoints at public addresses.
    public static func open(
        registry: Registry, keys: KeyStore, clock: WallClock = .system, pushPolicy: PushEndpointPolicy = PushEndpointPolicy()
    ) async throws -> LinkageHub {
        let (bundled, bytes) = try AllowList.bundled()
        try await bundled.load(
            into: registry.database, bytes: bytes, by: "system:release", reason: "the allow-list shipped with this release", at: clock.milliseconds)
        guard let current = try await AllowList.current(in: registry.database) else {
            throw LinkageError(.invalidAllowList, "no allow-list is loaded")
        }
        return LinkageHub(
            registry: registry, agencies: AgencyDirectory(database: registry.database, clock: clock), allowLists: CurrentAllowList(current, at: clock.milliseconds),
            codeKey: try keys.key(.agencyCodes), clock: clock, recorder: ProvisionRecorder(database: registry.database), pushPolicy: pushPolicy)
    }

    /// The allow-list version in force, as the database has it.
    public func allowListInForce() async throws -> AllowList? {
        try await AllowList.current(in: database)
    }

    /// Loads an amendment of the allow-list (an operator's act, recorded and logged);
    /// false if that version is loaded already.
    public func loadAllowList(_ list: AllowList, bytes: [UInt8], by actor: String, reason: String) async throws -> Bool {
        try await list.load(into: database, bytes: bytes, by: actor, reason: reason, at: clock.milliseconds)
    }

    /// Every allow-list version loaded: when, by whom, why, and its SHA-256.
    public func allowListHistory() async throws -> [(version: Int, effectiveOn: String, sha256: String, loadedAt: Date, loadedBy: String, reason: String?)] {
        try await AllowList.history(in: database)
    }

    var database: any Database { registry.database }

    /// Serves a version of the allow-list loaded since (by `myna allow-list load`).
    public func refreshAllowListIfDue() async throws {
        try await allowLists.refreshIfDue(from: database, now: clock.milliseconds)
    }

    // MARK: Codes

    /// 符号取得 — an agency that lawfully holds a person's number obtains its own code for
    /// them, once; it then uses only the code. A municipal agency obtains codes only for
    /// people registered in (or moving to) its municipality.
    public func acquireCode(for number: IndividualNumber, by agency: Agency) async throws -> String {
        // Refused before the number is looked up, so the answer is the same whether the
        // number was ever issued or not (issue 14: a kiosk could test numbers here).
        guard agency.type.mayPresentNumbers else {
            throw LinkageError(.numbersNotPermitted, "only agencies that run procedures by individual number may present one")
        }
        let now = clock.milliseconds
        return try await database.transaction { connection in
            guard let residentID = try await registry.residents.residentID(holding: number, on: connection) else {
                throw LinkageError(.personNotFound, "no person holds that number")
            }
            let resident = try await registry.residents.resident(
                residentID, on: connection, recording: .agencyCodeAcquisition, by: .agency(id: agency.id),
                purpose: "code acquisition by \(agency.name)")
            if let municipality = agency.municipality, !Self.serves(municipality, resident) {
                throw LinkageError(.personNotFound, "no person holds that number")
            }
            if let existing = try await connection.first(SQL(
                "SELECT code FROM agency_codes WHERE agency_id = ? AND resident_id = ?", [.text(agency.id), .text(residentID)]))
            {
                return try existing.string("code")
            }
            let code = Self.code(for: residentID, agency: agency.id, key: codeKey)
            try await connection.query(SQL(
                "INSERT INTO agency_codes (agency_id, code, resident_id, key_version, issued_at) VALUES (?, ?, ?, ?, ?)",
                [.text(agency.id), .text(code), .text(residentID), .init(Self.codeKeyVersion), .integer(now)]))
            return code
        }
    }

    /// Codes for many people at once, by their internal ids: how a new agency's
    /// intermediate server obtains codes for everyone it serves when it joins the network
    /// (an operator's act, recorded as a system access per person). Returns the codes in
    /// the order given.
    public func acquireCodes(forResidents residentIDs: [String], by agency: Agency, purpose: String? = nil) async throws -> [String] {
        let now = clock.milliseconds
        let codes = residentIDs.map { Self.code(for: $0, agency: agency.id, key: codeKey) }
        try await database.transaction { connection in
            try await connection.insertMany(
                into: "agency_codes", columns: ["agency_id", "code", "resident_id", "key_version", "issued_at"],
                rows: zip(residentIDs, codes).map { [.text(agency.id), .text($1), .text($0), .init(Self.codeKeyVersion), .integer(now)] },
                onConflict: "ON CONFLICT (agency_id, code) DO NOTHING")
            try await registry.residents.recordAccess(
                .agencyCodeAcquisition, to: residentIDs, by: .agency(id: agency.id), purpose: purpose ?? "bulk code acquisition by \(agency.name)",
                on: connection)
        }
        return codes
    }

    /// An agency's code for a person: a keyed hash of the agency and the person's internal
    /// id (never the number), so codes for the same person differ per agency and say
    /// nothing about each other or the number without the hub's key. 128 bits, in
    /// Crockford base-32.
    static func code(for residentID: String, agency: String, key: SymmetricKey) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array("agency-code-v1\u{0}\(agency)\u{0}\(residentID)".utf8), using: key)
        return CrockfordBase32.encode(Array(mac.prefix(16)))
    }

    /// The person an agency's code stands for, or nil — unknown, another agency's, or no
    /// one's all look the same.
    func resident(for code: String, agency: Agency, on connection: any SQLConnection) async throws -> String? {
        guard code.count <= 40 else { return nil }
        return try await connection.first(SQL(
            "SELECT resident_id FROM agency_codes WHERE agency_id = ? AND code = ?", [.text(agency.id), .text(code)]))?.string("resident_id")
    }

    static func serves(_ municipality: MunicipalityCode, _ resident: Resident) -> Bool {
        resident.isServed(by: municipality)
    }

    // MARK: The intermediate store

    /// A provider registers its copy (副本) of an item for a person, by its own code. The
    /// value is a JSON object; the newest copy answers queries. Subscribers are notified
    /// through the outbox in the same transaction.
    @discardableResult
    public func register(item: DataItem, value: [UInt8], code: String, by provider: Agency) async throws -> Int {
        try await registerMany(item: item, copies: [(code, value)], by: provider)[0]
    }

    /// Many copies of one item in one commit (a provider's nightly load); each checked
    /// and notified as a single one is. Returns each copy's version.
    public func registerMany(item: DataItem, copies: [(code: String, value: [UInt8])], by provider: Agency) async throws -> [Int] {
        guard item.provider == provider.type else {
            throw LinkageError(.notProvider, "\(provider.type.rawValue) agencies do not provide \(item.rawValue)")
        }
        let canonical = try copies.map { copy in
            guard copy.value.count <= 8192, let object = try? JSONSerialization.jsonObject(with: Data(copy.value)), object is [String: Any] else {
                throw LinkageError(.invalidValue, "a data item's value is a JSON object of at most 8 KiB")
            }
            return String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
        }
        let now = clock.milliseconds
        return try await database.transaction { connection in
            // Set-based, a few statements per thousand copies: the codes' persons, their
            // current versions, one upsert, then the notices.
            let codes = Array(Set(copies.map(\.code))).filter { $0.count <= 40 }
            var residents: [String: String] = [:]
            for row in try await connection.query(
                "SELECT code, resident_id FROM agency_codes WHERE agency_id = ? AND code IN {IN}", [.text(provider.id)], in: codes.map(SQLValue.text))
            {
                residents[try row.string("code")] = try row.string("resident_id")
            }
            let residentIDs = try copies.map { copy in
                guard let residentID = residents[copy.code] else { throw LinkageError(.unknownCode, "that code is not one of this agency's") }
                return residentID
            }
            var current: [String: Int] = [:]
            for row in try await connection.query(
                "SELECT resident_id, version FROM intermediate_items WHERE provider_id = ? AND item = ? AND resident_id IN {IN}",
                [.text(provider.id), .text(item.rawValue)], in: Array(Set(residentIDs)).map(SQLValue.text))
            {
                current[try row.string("resident_id")] = try row.int("version")
            }
            // Each copy is a new version; a person given twice in one load keeps the last.
            var versions: [Int] = []
            var newest: [String: (value: String, version: Int)] = [:]
            for (residentID, value) in zip(residentIDs, canonical) {
                let version = (current[residentID] ?? 0) + 1
                current[residentID] = version
                newest[residentID] = (value, version)
                versions.append(version)
            }
            try await connection.insertMany(
                into: "intermediate_items", columns: ["provider_id", "resident_id", "item", "value", "version", "updated_at"],
                rows: newest.map { [.text(provider.id), .text($0.key), .text(item.rawValue), .text($0.value.value), .init($0.value.version), .integer(now)] },
                onConflict: """
                    ON CONFLICT (resident_id, item, provider_id) DO UPDATE SET value = excluded.value, version = excluded.version,
                    updated_at = excluded.updated_at
                    """)
            try await queueNotices(item: item, versions: newest.mapValues(\.version), provider: provider, at: now, on: connection)
            return versions
        }
    }

    /// Every provider's copy of every item about the person: what the person sees of
    /// themselves in the portal (自己情報).
    public func items(of residentID: String) async throws -> [(item: DataItem, provider: Agency, value: String, updatedAt: Date)] {
        try await database.read { connection in
            try await connection.query(SQL(
                """
                SELECT i.item, i.value, i.updated_at, a.* FROM intermediate_items i JOIN agencies a ON a.id = i.provider_id
                WHERE i.resident_id = ? ORDER BY i.item, i.updated_at DESC
                """, [.text(residentID)])).compactMap { row in
                guard let item = DataItem(rawValue: try row.string("item")) else { return nil }
                return (item, try AgencyDirectory.agency(from: row), try row.string("value"), Date(milliseconds: try row.int("updated_at")))
            }
        }
    }

    // MARK: Brokered queries

    /// What a requester gets back.
    public struct Answer: Sendable, Hashable {
        public let recordID: Int
        public let item: DataItem
        public let value: String
        public let provider: Agency
        public let legalBasis: String
        public let providedAt: Date
        public let updatedAt: Date
    }

    /// 照会 — requester → hub → provider's copy → hub → requester. The hub checks the
    /// allow-list and the person's refusals, translates the requester's code and answers
    /// from the intermediate store; then it records the exchange. A refusal is recorded
    /// too, and then thrown. The decision is read from one consistent snapshot (one
    /// statement), and only the record is written — with its log commitment, in one
    /// statement on PostgreSQL: two round trips per exchange. On SQLite the single writer
    /// is held for two inserts, not for the whole exchange (the answer is as of the
    /// snapshot, which is when it was made).
    ///
    /// `withholdDays` asks for the record to be kept from the person for that many days,
    /// where the allow-list row permits it (番号法 第23条); the person sees it afterwards.
    public func query(code: String, item itemName: String, task: String, withholdDays: Int? = nil, by requester: Agency) async throws -> Answer {
        let requestedAt = clock.milliseconds
        try await refreshAllowListIfDue()
        let decision = try await database.read { connection in
            try await decide(code: code, item: itemName, task: task, withholdDays: withholdDays, by: requester, on: connection)
        }
        var draft = ProvisionDraft(
            resident: nil, requester: requester.id, provider: nil, item: String(itemName.prefix(64)), task: task, legalBasis: nil,
            requestedAt: requestedAt, providedAt: nil, outcome: "", undisclosedUntil: nil)
        switch decision {
        case .refuse(let error, let residentID, let item, let basis):
            (draft.resident, draft.item, draft.legalBasis, draft.outcome) = (residentID, item, basis, "refused:\(error.code.rawValue)")
            _ = try await recorder.append(draft)
            throw error
        case .provide(let residentID, let item, let basis, let provider, let value, let updatedAt):
            let providedAt = clock.milliseconds
            (draft.resident, draft.provider, draft.legalBasis, draft.providedAt, draft.outcome) = (residentID, provider.id, basis, providedAt, "provided")
            draft.undisclosedUntil = withholdDays.map { requestedAt + Int64($0) * 86_400_000 }
            let recordID = try await recorder.append(draft)
            return Answer(
                recordID: recordID, item: item, value: value, provider: provider, legalBasis: basis,
                providedAt: Date(timeIntervalSince1970: Double(providedAt) / 1000), updatedAt: updatedAt)
        }
    }

    /// What the hub decides about a query, before anything is written.
    enum Decision: Sendable {
        case refuse(LinkageError, residentID: String?, item: String, basis: String?)
        case provide(residentID: String, item: DataItem, basis: String, provider: Agency, value: String, updatedAt: Date)
    }

    func decide(
        code: String, item itemName: String, task: String, withholdDays: Int?, by requester: Agency, on connection: any SQLConnection
    ) async throws -> Decision {
        guard let item = DataItem(rawValue: itemName), itemName.count <= 64, task.unicodeScalars.count <= 64 else {
            let residentID = try await resident(for: code, agency: requester, on: connection)
            return .refuse(LinkageError(.invalidItem, "no such data item"), residentID: residentID, item: String(itemName.prefix(64)), basis: nil)
        }
        // One round trip: the person behind the code, where they live now, and every
        // provider's copy of the item (none, when the code is unknown). The person's row
        // is read for their municipality only; nothing of it is answered, so its integrity
        // MAC (checked wherever a record is shown or changed) is not recomputed here.
        let rows = code.count <= 40 ? try await connection.query(DecisionRead.self, [.text(item.rawValue), .text(requester.id), .text(code)]) : []
        let residentID = try rows.first?.string("resident_id")
        guard let row = allowList.rows(requester: requester.type, item: item, task: task).first else {
            return .refuse(
                LinkageError(.notOnAllowList, "no row of the allow-list lets \(requester.type.rawValue) obtain \(item.rawValue) for that task"),
                residentID: residentID, item: item.rawValue, basis: nil)
        }
        if let withholdDays, withholdDays < 1 || withholdDays > row.nonDisclosureDays ?? 0 {
            return .refuse(
                LinkageError(.nonDisclosureNotAllowed, row.nonDisclosureDays.map { "records of this exchange may be withheld for 1 to \($0) days" }
                    ?? "records of this exchange may not be withheld from the person"),
                residentID: residentID, item: item.rawValue, basis: row.legalBasis)
        }
        guard let residentID else {
            return .refuse(LinkageError(.unknownCode, "that code is not one of this agency's"), residentID: nil, item: item.rawValue, basis: row.legalBasis)
        }
        if row.optional, try await !connection.query(RefusalRead.self, [.text(residentID), .text(item.rawValue)]).isEmpty {
            return .refuse(LinkageError(.refusedByPerson, "the person has refused this linkage"), residentID: residentID, item: item.rawValue, basis: row.legalBasis)
        }
        // The newest copy; a municipal item is answered by the municipality the person lives in now.
        let municipality = try rows[0].string("person_municipality")
        let copy = try rows.filter { try $0.optionalString("id") != nil && $0.optionalString("value") != nil }
            .sorted { try $0.int("updated_at") > $1.int("updated_at") }
            .first { try $0.optionalString("municipality_code").map { $0 == municipality } ?? true }
        guard let copy else {
            return .refuse(LinkageError(.noData, "no provider holds that item for the person"), residentID: residentID, item: item.rawValue, basis: row.legalBasis)
        }
        return .provide(
            residentID: residentID, item: item, basis: row.legalBasis, provider: try AgencyDirectory.agency(from: copy), value: try copy.string("value"),
            updatedAt: Date(timeIntervalSince1970: Double(try copy.int("updated_at")) / 1000))
    }

    /// The person behind the code, where they live now, and every provider's copy of the
    /// item (no rows when the code is unknown); prepared, as every query runs it.
    enum DecisionRead: PreparedSQL {
        static let text = """
            SELECT c.resident_id, r.municipality_code AS person_municipality, i.value, i.updated_at, a.*
            FROM agency_codes c JOIN residents r ON r.id = c.resident_id
            LEFT JOIN intermediate_items i ON i.resident_id = c.resident_id AND i.item = ?
            LEFT JOIN agencies a ON a.id = i.provider_id AND a.revoked_at IS NULL
            WHERE c.agency_id = ? AND c.code = ?
            """
    }

    enum RefusalRead: PreparedSQL {
        static let text = "SELECT item FROM linkage_refusals WHERE resident_id = ? AND item = ?"
    }

    // MARK: Records

    /// The person's provision records, newest first (hidden while a non-disclosure period runs).
    public func records(of residentID: String, limit: Int = 100) async throws -> [ProvisionRecord] {
        try await ProvisionRecords.of(resident: residentID, in: database, now: clock.now, limit: limit)
    }

    /// The person's provision records as the counter or oversight reads them, in one
    /// transaction with the access record of that read: who exchanged what about a person
    /// is the person's data too.
    public func records(of residentID: String, limit: Int = 100, by actor: RegistryActor, purpose: String) async throws -> [ProvisionRecord] {
        try await database.transaction { connection in
            _ = try await registry.residents.resident(residentID, on: connection, recording: .readProvisionRecords, by: actor, purpose: purpose)
            return try await ProvisionRecords.of(resident: residentID, on: connection, now: clock.now, limit: limit)
        }
    }

    /// One of the person's provision records (for its evidence), nil when there is no
    /// such record for them. With a reader, the read is recorded in the same transaction —
    /// only when there was a record to show.
    public func record(_ recordID: Int, of residentID: String, readBy reader: (actor: RegistryActor, purpose: String)?) async throws -> ProvisionRecord? {
        guard let reader else {
            return try await database.read { try await ProvisionRecords.one(recordID, of: residentID, on: $0, now: clock.now) }
        }
        return try await database.transaction { connection in
            guard let record = try await ProvisionRecords.one(recordID, of: residentID, on: connection, now: clock.now) else { return nil }
            try await registry.residents.recordAccess(.readProvisionEvidence, to: residentID, by: reader.actor, purpose: reader.purpose, on: connection)
            return record
        }
    }

    /// An agency's side of its exchanges, the person shown only by the agency's own code.
    public func records(of agency: Agency, limit: Int = 100) async throws -> [(record: ProvisionRecord, code: String?, role: String)] {
        let records = try await ProvisionRecords.of(agency: agency.id, in: database, limit: limit)
        return try await database.read { connection in
            var out: [(record: ProvisionRecord, code: String?, role: String)] = []
            for record in records {
                let code = try await record.residentID.asyncFlatMap { residentID in
                    try await connection.first(SQL(
                        "SELECT code FROM agency_codes WHERE agency_id = ? AND resident_id = ?", [.text(agency.id), .text(residentID)]))?.string("code")
                }
                out.append((record, code, record.requesterID == agency.id ? "requester" : "provider"))
            }
            return out
        }
    }

    // MARK: Refusals

    /// The person refuses linkage of an item the law makes optional; honoured from the
    /// next query on, recorded with who took it down.
    public func refuse(_ item: DataItem, for residentID: String, by actor: RegistryActor) async throws {
        guard allowList.refusableItems.contains(item) else {
            throw LinkageError(.notRefusable, "the law does not let a person refuse linkage of \(item.rawValue)")
        }
        let now = clock.milliseconds
        try await database.transaction { connection in
            _ = try await registry.residents.resident(residentID, on: connection, recording: .linkageRefusal, by: actor, purpose: "refuse \(item.rawValue)")
            try await connection.query(SQL(
                "INSERT INTO linkage_refusals (resident_id, item, refused_at, recorded_by) VALUES (?, ?, ?, ?) ON CONFLICT (resident_id, item) DO NOTHING",
                [.text(residentID), .text(item.rawValue), .integer(now), .text(actor.label)]))
        }
    }

    /// Withdraws a refusal.
    public func withdrawRefusal(_ item: DataItem, for residentID: String, by actor: RegistryActor) async throws {
        try await database.transaction { connection in
            _ = try await registry.residents.resident(residentID, on: connection, recording: .linkageRefusal, by: actor, purpose: "withdraw refusal of \(item.rawValue)")
            try await connection.query(SQL("DELETE FROM linkage_refusals WHERE resident_id = ? AND item = ?", [.text(residentID), .text(item.rawValue)]))
        }
    }

    public func refusals(of residentID: String) async throws -> [LinkageRefusal] {
        try await database.read { try await Self.refusals(of: residentID, on: $0) }
    }

    /// The person's refusals as the counter or oversight reads them, recorded in the same
    /// transaction.
    public func refusals(of residentID: String, by actor: RegistryActor, purpose: String) async throws -> [LinkageRefusal] {
        try await database.transaction { connection in
            _ = try await registry.residents.resident(residentID, on: connection, recording: .readLinkageRefusals, by: actor, purpose: purpose)
            return try await Self.refusals(of: residentID, on: connection)
        }
    }

    static func refusals(of residentID: String, on connection: any SQLConnection) async throws -> [LinkageRefusal] {
        try await connection.query(SQL("SELECT * FROM linkage_refusals WHERE resident_id = ? ORDER BY item", [.text(residentID)])).compactMap { row in
            guard let item = DataItem(rawValue: try row.string("item")) else { return nil }
            return (item, Date(timeIntervalSince1970: Double(try row.int("refused_at")) / 1000), try row.string("recorded_by"))
        }
    }
}

/// A linkage the person refused: which item, when, and who recorded it.
public typealias LinkageRefusal = (item: DataItem, refusedAt: Date, recordedBy: String)

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
