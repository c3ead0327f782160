public import Foundation
public import MynaCore
public import MynaDatabase
public import MynaSecrets

/// The registry's services over one database and one key store: what the server and
/// the CLI open at start.
public struct Registry: Sendable {
    public let database: any Database
    public let residents: ResidentRegistry
    public let staff: StaffDirectory
    /// Keyed hashes of callers' addresses, for every component that counts failures by
    /// source (the portal's card sign-in takes it from here).
    public let sources: SourceKeys

    public init(database: any Database, keys: KeyStore, clock: WallClock = .system, passwordCost: Int = 1 << 15) throws {
        self.database = database
        self.sources = try SourceKeys(keys: keys)
        self.residents = try ResidentRegistry(database: database, keys: keys, clock: clock)
        self.staff = try StaffDirectory(database: database, keys: keys, clock: clock, passwordCost: passwordCost)
    }

    /// Loads the municipality directory into the database (idempotent): the registry
    /// refuses addresses in municipalities it does not know.
    public func seedMunicipalities(_ municipalities: [Municipality] = MunicipalityDirectory.all) async throws {
        try await database.transaction { connection in
            try await connection.insertMany(
                into: "municipalities", columns: ["code", "prefecture", "name", "name_kana"],
                rows: municipalities.map { [.text($0.code.digits), .text($0.prefecture), .text($0.name), .text($0.nameKana)] },
                onConflict: "ON CONFLICT (code) DO NOTHING")
        }
    }

    /// The municipalities the database knows, in code order.
    public func municipalities() async throws -> [Municipality] {
        try await database.read { connection in
            try await connection.query("SELECT code, prefecture, name, name_kana FROM municipalities ORDER BY code").map { row in
                Municipality(
                    code: try MunicipalityCode(try row.string("code")), prefecture: try row.string("prefecture"),
                    name: try row.string("name"), nameKana: try row.string("name_kana"))
            }
        }
    }
}
