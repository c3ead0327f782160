import Crypto
public import Foundation
public import MynaStore

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
    /// present with other contents is an edit of the law's record, and refused.
    @discardableResult
    public func load(into database: any Database, bytes: [UInt8], by actor: String, at millis: Int64) async throws -> Bool {
        let digest = Array(SHA256.hash(data: bytes))
        return try await database.transaction { connection in
            if let row = try await connection.first(SQL("SELECT digest FROM allow_list_versions WHERE version = ?", [.init(version)])) {
                guard try row.bytes("digest") == digest else {
                    throw LinkageError(.invalidAllowList, "allow-list version \(version) is loaded with other contents: give the change a new version")
                }
                return false
            }
            try await connection.insertMany(
                "INSERT INTO allow_list (version, row_id, requester_type, provider_type, item, task, legal_basis, optional)",
                rows: rows.map {
                    [.init(version), .text($0.id), .text($0.requester.rawValue), .text($0.provider.rawValue), .text($0.item.rawValue),
                     .text($0.task), .text($0.legalBasis), .init($0.optional ? 1 : 0)]
                })
            try await connection.query(SQL(
                "INSERT INTO allow_list_versions (version, effective_on, digest, loaded_at, loaded_by) VALUES (?, ?, ?, ?, ?)",
                [.init(version), .text(effectiveOn), .blob(digest), .integer(millis), .text(actor)]))
            return true
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
                    legalBasis: try row.string("legal_basis"), optional: try row.int("optional") != 0)
            }
            return AllowList(version: version, effectiveOn: try head.string("effective_on"), rows: rows)
        }
    }
}
