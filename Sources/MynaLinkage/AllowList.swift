import Crypto
public import Foundation
import MynaAudit
public import MynaDatabase
import Synchronization

/// One lawful exchange (番号法 別表 and its ordinances): an agency of `requester` type may
/// obtain `item` from an agency of `provider` type for `task`.
public struct AllowListRow: Sendable, Hashable, Codable {
    public let id: String
    public let requester: AgencyType
    public let provider: AgencyType
    public let item: DataItem
    public let task: String
    public let legalBasis: String
    /// A municipality's own use under ordinance (独自利用事務): the person may refuse it.
    public let optional: Bool
    /// The longest a record of this exchange may be withheld from the person (番号法 第23条:
    /// where showing it would hinder the task); nil when it may not be withheld at all.
    public var nonDisclosureDays: Int? = nil
}

/// The allow-list as a versioned file in the repository (`Resources/allow-list.json`). A
/// version is loaded into the database once, with the file's digest and who loaded it,
/// and never edited: a change is a new version in the file, reviewed like code.
public struct AllowList: Sendable, Hashable {
    public let version: Int
    public let effectiveOn: String
    public let rows: [AllowListRow]

    struct File: Codable {
        let version: Int
        let effectiveOn: String
        let source: String
        let rows: [AllowListRow]
    }

    /// The file shipped with this build.
    public static func bundled() throws -> (list: AllowList, bytes: [UInt8]) {
        guard let url = Bundle.module.url(forResource: "allow-list", withExtension: "json"), let data = FileManager.default.contents(atPath: url.path) else {
            throw LinkageError(.invalidAllowList, "the allow-list file is missing from the build")
        }
        return (try parse(Array(data)), Array(data))
    }

    /// Parses and checks a list: ids unique, each item asked of the type that provides it.
    public static func parse(_ bytes: [UInt8]) throws -> AllowList {
        guard let file = try? JSONDecoder().decode(File.self, from: Data(bytes)) else {
            throw LinkageError(.invalidAllowList, "the allow-list file does not parse")
        }
        guard file.version >= 1, Set(file.rows.map(\.id)).count == file.rows.count else {
            throw LinkageError(.invalidAllowList, "the allow-list needs a version and unique row ids")
        }
        for row in file.rows where row.item.provider != row.provider {
            throw LinkageError(.invalidAllowList, "row \(row.id) asks \(row.provider.rawValue) for \(row.item.rawValue), which it does not provide")
        }
        for row in file.rows where !(1...3650).contains(row.nonDisclosureDays ?? 1) {
            throw LinkageError(.invalidAllowList, "row \(row.id) may withhold its records for 1 to 3,650 days, or not at all")
        }
        return AllowList(version: file.version, effectiveOn: file.effectiveOn, rows: file.rows)
    }

    /// The rows that let `requester` obtain `item` for `task`.
    public func rows(requester: AgencyType, item: DataItem, task: String) -> [AllowListRow] {
        rows.filter { $0.requester == requester && $0.item == item && $0.task == task }
    }

    /// Items a person may refuse: those whose every row is optional.
    public var refusableItems: Set<DataItem> {
        Set(rows.map(\.item)).filter { item in rows.filter { $0.item == item }.contains(where: \.optional) }
    }

    /// Loads this list into the database unless its version is there already. A version
    /// present with other contents is an edit of the law's record, and refused. Each
    /// version loaded is recorded — digest, who, why — and committed to the transparency
    /// log, so the public can see when the rules of exchange changed.
    @discardableResult
    public func load(into database: any Database, bytes: [UInt8], by actor: String, reason: String, at millis: Int64) async throws -> Bool {
        let digest = Array(SHA256.hash(data: bytes))
        return try await database.transaction { connection in
            if let row = try await connection.first(SQL("SELECT digest FROM allow_list_versions WHERE version = ?", [.init(version)])) {
                guard try row.bytes("digest") == digest else {
                    throw LinkageError(.invalidAllowList, "allow-list version \(version) is loaded with other contents: give the change a new version")
                }
                return false
            }
            if let newest = try await connection.first("SELECT max(version) AS version FROM allow_list_versions"),
                let newestVersion = try newest.optionalInt("version"), newestVersion > version
            {
                throw LinkageError(.invalidAllowList, "allow-list version \(newestVersion) is loaded already; version \(version) would go back")
            }
            try await connection.insertMany(
                into: "allow_list", columns: ["version", "row_id", "requester_type", "provider_type", "item", "task", "legal_basis", "optional", "non_disclosure_days"],
                rows: rows.map {
                    [.init(version), .text($0.id), .text($0.requester.rawValue), .text($0.provider.rawValue), .text($0.item.rawValue),
                     .text($0.task), .text($0.legalBasis), .init($0.optional ? 1 : 0), $0.nonDisclosureDays.map { .init($0) } ?? .null]
                })
            let salt = ProvisionRecords.newSalt()
            try await connection.query(SQL(
                "INSERT INTO allow_list_versions (version, effective_on, digest, loaded_at, loaded_by, reason, salt) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.init(version), .text(effectiveOn), .blob(digest), .integer(millis), .text(actor), .text(reason), .blob(salt)]))
            try await TransparencyLog.enqueue(
                kind: Self.logKind, recordID: version, record: Self.record(version: version, effectiveOn: effectiveOn, digest: digest, by: actor, reason: reason, at: millis),
                salt: salt, at: millis, on: connection)
            return true
        }
    }

    /// The kind of log entry a loaded version makes.
    public static let logKind = "allow-list-version"

    /// What a loaded version's log entry commits to.
    public static func record(version: Int, effectiveOn: String, digest: [UInt8], by actor: String, reason: String, at millis: Int64) -> [UInt8] {
        CanonicalJSON.object([
            ("kind", .string(logKind)), ("version", .init(version)), ("effectiveOn", .string(effectiveOn)),
            ("sha256", .string(digest.map { String(format: "%02x", $0) }.joined())), ("loadedBy", .string(actor)), ("reason", .string(reason)),
            ("loadedAt", .integer(millis)),
        ])
    }

    /// The versions loaded, newest first: who loaded each, when and why.
    public static func history(in database: any Database) async throws -> [(version: Int, effectiveOn: String, sha256: String, loadedAt: Date, loadedBy: String, reason: String?)] {
        try await database.read { connection in
            try await connection.query("SELECT * FROM allow_list_versions ORDER BY version DESC").map { row in
                (try row.int("version"), try row.string("effective_on"), try row.bytes("digest").map { String(format: "%02x", $0) }.joined(),
                 Date(timeIntervalSince1970: Double(try row.int("loaded_at")) / 1000), try row.string("loaded_by"), try row.optionalString("reason"))
            }
        }
    }

    /// The newest version in the database.
    public static func current(in database: any Database) async throws -> AllowList? {
        try await database.read { connection in
            guard let head = try await connection.first(
                "SELECT version, effective_on FROM allow_list_versions ORDER BY version DESC LIMIT 1")
            else { return nil }
            let version = try head.int("version")
            let rows = try await connection.query(SQL("SELECT * FROM allow_list WHERE version = ? ORDER BY row_id", [.init(version)])).map { row in
                AllowListRow(
                    id: try row.string("row_id"), requester: AgencyType(rawValue: try row.string("requester_type")) ?? .municipalWelfare,
                    provider: AgencyType(rawValue: try row.string("provider_type")) ?? .municipalWelfare,
                    item: DataItem(rawValue: try row.string("item")) ?? .residentRecord, task: try row.string("task"),
                    legalBasis: try row.string("legal_basis"), optional: try row.int("optional") != 0,
                    nonDisclosureDays: try row.optionalInt("non_disclosure_days"))
            }
            return AllowList(version: version, effectiveOn: try head.string("effective_on"), rows: rows)
        }
    }
}

/// The allow-list a running hub serves: the newest version in the database, looked for
/// again every few seconds, so a version loaded by the admin command (another process)
/// takes effect without a restart.
final class CurrentAllowList: Sendable {
    private let state: Mutex<(list: AllowList, checkedAt: Int64)>
    static let interval: Int64 = 5_000

    init(_ list: AllowList, at millis: Int64) { state = Mutex((list, millis)) }

    var list: AllowList { state.withLock { $0.list } }

    func refreshIfDue(from database: any Database, now: Int64) async throws {
        let due = state.withLock { current -> Bool in
            guard now - current.checkedAt >= Self.interval else { return false }
            current.checkedAt = now
            return true
        }
        guard due, let newest = try await database.read({ try await $0.first("SELECT max(version) AS version FROM allow_list_versions") }),
            let version = try newest.optionalInt("version"), version != list.version,
            let loaded = try await AllowList.current(in: database)
        else { return }
        state.withLock { $0.list = loaded }
    }
}
