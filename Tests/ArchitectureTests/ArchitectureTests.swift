import Foundation
import Testing

/// The architecture as rules the build checks (issue 15; docs/architecture.md): every
/// table has one owning module, which alone names it in SQL; a module imports only the
/// modules beneath it; the HTTP server and the operator's commands reach data only
/// through the modules' APIs. Each rule reads the sources, so breaking one fails here
/// with the file and the line.
@Suite("Architecture")
struct ArchitectureTests {
    /// The Myna modules each module may import: the layers of docs/architecture.md.
    static let allowedImports: [String: Set<String>] = [
        "MynaCore": [],
        "MynaNumbering": ["MynaCore"],
        "MynaSecrets": ["MynaCore"],
        "MynaDatabase": ["MynaCore"],
        "MynaCard": ["MynaCore"],
        "MynaCardEmulator": ["MynaCore", "MynaCard"],
        "MynaOIDC": ["MynaCore"],
        "MynaPDF": ["MynaCore"],
        "MynaCharts": [],
        "MynaPortalPages": [],
        "MynaAudit": ["MynaCore", "MynaDatabase", "MynaSecrets"],
        "MynaPKI": ["MynaCore", "MynaDatabase", "MynaSecrets"],
        "MynaRegistry": ["MynaCore", "MynaNumbering", "MynaDatabase", "MynaSecrets", "MynaAudit"],
        "MynaCardOffice": ["MynaCore", "MynaCard", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI"],
        "MynaLinkage": ["MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaAudit"],
        "MynaPortal": [
            "MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardOffice", "MynaLinkage", "MynaAudit", "MynaOIDC",
        ],
        "MynaServices": ["MynaCore", "MynaDatabase", "MynaRegistry", "MynaCardOffice", "MynaLinkage", "MynaPDF", "MynaCharts"],
        "MynaSystem": [
            "MynaCore", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCardOffice", "MynaAudit", "MynaLinkage", "MynaPortal",
            "MynaServices",
        ],
        // The demo's data, made through the system's services.
        "MynaDemo": [
            "MynaCore", "MynaCard", "MynaCardEmulator", "MynaCardOffice", "MynaPKI", "MynaRegistry", "MynaLinkage", "MynaSecrets", "MynaServices",
            "MynaSystem",
        ],
        // The benchmarks measure the database by itself too (their references), so they
        // may reach MynaDatabase; the tables stay their owners' (the rule above).
        "MynaBench": [
            "MynaCore", "MynaNumbering", "MynaDatabase", "MynaSecrets", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardEmulator", "MynaCardOffice",
            "MynaLinkage", "MynaAudit", "MynaOIDC", "MynaPortal", "MynaServices", "MynaPDF", "MynaServer", "MynaSystem", "MynaDemo",
        ],
        // The server sees the system and the domain's types, never the database.
        "MynaServer": [
            "MynaCore", "MynaRegistry", "MynaPKI", "MynaCard", "MynaCardOffice", "MynaLinkage", "MynaPortal", "MynaPortalPages", "MynaOIDC",
            "MynaServices", "MynaCharts", "MynaAudit", "MynaSystem",
        ],
    ]

    /// Imports the layering forbids that the code still has, each with the issue that
    /// removes it (none now). The list only shrinks: a new entry is a new wall broken.
    static let knownImportDebts: Set<String> = []

    /// Files outside the owners that still name tables, each with its way out (none).
    static let knownTableDebts: Set<String> = []

    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources").standardized

    /// Every Swift file of a module, as (path under Sources, text).
    static func files(of module: String) throws -> [(path: String, text: String)] {
        let root = sources.appendingPathComponent(module)
        guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        return try walker.compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }.map { url in
            (String(url.standardized.path.dropFirst(sources.path.count + 1)), try String(contentsOf: url, encoding: .utf8))
        }.sorted { $0.path < $1.path }
    }

    static var modules: [String] {
        get throws {
            try FileManager.default.contentsOfDirectory(atPath: sources.path).filter { !$0.hasPrefix(".") }.sorted()
        }
    }

    /// The code of a file without its comments, line by line (numbers kept).
    static func codeLines(_ text: String) -> [(number: Int, code: String)] {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { index, line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed.hasPrefix("//") ? nil : (index + 1, String(line))
        }
    }

    /// Each table and the module whose `Schema/` creates it.
    static func owners() throws -> [String: String] {
        var owners: [String: String] = ["schema_migrations": "MynaDatabase"]
        let create = #/CREATE TABLE (?:IF NOT EXISTS )?([a-z_]+)/#
        for module in try modules {
            for file in try files(of: module) where file.path.contains("/Schema/") {
                for match in file.text.matches(of: create) where !match.output.1.hasSuffix("_rebuilt") {
                    let table = String(match.output.1)
                    #expect(owners[table] == nil || owners[table] == module, "\(table) is created by \(owners[table] ?? "") and \(module)")
                    owners[table] = owners[table] ?? module
                }
            }
        }
        return owners
    }

    @Test("every table is named in SQL only by the module that owns it")
    func tablesHaveOneOwner() throws {
        let owners = try Self.owners()
        #expect(owners.count > 50, "the schema files were not found: \(owners.count) tables")
        // A table named where SQL names one: after FROM, JOIN, INTO, UPDATE or TABLE (Myna
        // writes SQL's keywords in capitals, prose does not), or as
        // the `into:`/`table:` argument of a bulk insert or an identity reservation.
        let named = #/(?:\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+|\b(?:into|table):\s*")([a-z_]+)\b/#
        var trespasses: [String] = []
        for module in try Self.modules {
            for file in try Self.files(of: module) where !Self.knownTableDebts.contains(file.path) {
                for (number, code) in Self.codeLines(file.text) {
                    for match in code.matches(of: named) {
                        let table = String(match.output.1)
                        if let owner = owners[table], owner != module {
                            trespasses.append("\(file.path):\(number) names \(table), which \(owner) owns")
                        }
                    }
                }
            }
        }
        #expect(trespasses.isEmpty, "\(trespasses.joined(separator: "\n"))")
    }

    @Test("each module imports only the modules beneath it")
    func importsFollowTheLayers() throws {
        let importLine = #/^(?:public |internal |package |@testable )?import (Myna[A-Za-z]*)\s*$/#
        var broken: Set<String> = []
        for module in try Self.modules where module.hasPrefix("Myna") {
            let allowed = try #require(Self.allowedImports[module], "\(module) is not in the architecture's map")
            for file in try Self.files(of: module) {
                for (_, code) in Self.codeLines(file.text) {
                    guard let match = code.wholeMatch(of: importLine) else { continue }
                    let imported = String(match.output.1)
                    if !allowed.contains(imported) { broken.insert("\(module) imports \(imported)") }
                }
            }
        }
        #expect(broken.subtracting(Self.knownImportDebts).isEmpty, "\(broken.subtracting(Self.knownImportDebts).sorted())")
        // A debt paid is crossed off the list, so the list stays true.
        #expect(Self.knownImportDebts.subtracting(broken).isEmpty, "no longer true: \(Self.knownImportDebts.subtracting(broken).sorted())")
    }

    @Test("the HTTP server and the operator's commands reach data only through the modules")
    func noSQLAboveTheModules() throws {
        // (The CLI may name where the database is — `DatabaseLocation`, configuration — but
        // not open a connection; the server's module list above keeps MynaDatabase out.)
        let database = #/\.database\b|\bSQL\(|\.read\s*\{|\.transaction\s*\{/#
        var found: [String] = []
        for module in ["MynaServer", "myna"] {
            for file in try Self.files(of: module) where !Self.knownTableDebts.contains(file.path) {
                for (number, code) in Self.codeLines(file.text) where code.contains(database) {
                    found.append("\(file.path):\(number): \(code.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    @Test("the rules would catch a trespass")
    func rulesBite() throws {
        // The same patterns, on lines written to break them.
        let named = #/(?:\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+|\b(?:into|table):\s*")([a-z_]+)\b/#
        #expect("SELECT status FROM cards WHERE id = ?".firstMatch(of: named)?.output.1 == "cards")
        #expect("certificates written into cards for OCSP".firstMatch(of: named) == nil)
        #expect(#"insertMany(into: "residents", columns: [])"#.firstMatch(of: named)?.output.1 == "residents")
        #expect(try Self.owners()["cards"] == "MynaCardOffice")
        #expect(Self.codeLines("// SELECT * FROM cards\nlet x = 1").map(\.number) == [2])
    }
}
