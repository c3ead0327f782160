import Foundation
import MynaCore
import MynaLinkage
import MynaRegistry
import MynaTestSupport
import Testing

/// Issue 15 put each table behind its owner; these hold the hot paths to the statements
/// they had before the walls (BENCHMARKS.md, "Statements per hot path"), so a boundary
/// never costs a round trip.
@Suite("Statements per hot path")
struct StatementCountTests {
    @Test("a brokered query: one decision read, then the provision record — one statement (a CTE) on PostgreSQL", arguments: DatabaseKind.available)
    func brokeredQuery(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let counting = CountingDatabase(environment.database)
            let registry = try Registry(database: counting, keys: environment.keys, clock: environment.clock.wallClock, passwordCost: 1 << 10)
            let fixture = try await LinkageFixture.make(registry, environment)
            let hub = fixture.hub
            let taxCode = try await hub.acquireCode(for: fixture.number, by: fixture.tax)
            let welfareCode = try await hub.acquireCode(for: fixture.number, by: fixture.welfare)
            _ = try await hub.register(item: .localTaxAssessment, value: try fixture.value(["taxableIncomeYen": 3_200_000]), code: taxCode, by: fixture.tax)
            // The first query also reserves a block of provision-record ids (PostgreSQL).
            _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "child-allowance", by: fixture.welfare)
            counting.reset()
            _ = try await hub.query(code: welfareCode, item: "local-tax-assessment", task: "child-allowance", by: fixture.welfare)
            let counts = counting.counts
            switch kind {
            case .postgres:
                // The decision read, and the record with its log commitment in one autocommitted CTE.
                #expect(counts == CountingDatabase.Counts(statements: 2, reads: 1, transactions: 0, autocommits: 1), "\(counts)")
            case .sqlite:
                // In process a transaction costs no round trip: the record, then its commitment.
                #expect(counts == CountingDatabase.Counts(statements: 3, reads: 1, transactions: 1, autocommits: 0), "\(counts)")
            }
        }
    }

    @Test("an import: one transaction, a fixed number of statements per batch however many people", arguments: DatabaseKind.available)
    func importBulkPath(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            let counting = CountingDatabase(environment.database)
            let registry = try Registry(database: counting, keys: environment.keys, clock: environment.clock.wallClock, passwordCost: 1 << 10)
            func csv(_ rows: Int) -> String {
                "name,name_kana,birth_date,sex,municipality_code,address\n"
                    + (0..<rows).map { "山田 太郎\($0),ヤマダ タロウ,1980-04-01,1,131016,東京都千代田区丸の内1-\($0)\n" }.joined()
            }
            var perImport: [CountingDatabase.Counts] = []
            for rows in [100, 400] {
                counting.reset()
                let summary = try await ResidentImport(registry: registry, knownMunicipalities: [try MunicipalityCode("131016")], batchSize: 100)
                    .run(csv(rows), source: "test.csv")
                #expect(summary.imported == rows && summary.problems.isEmpty)
                perImport.append(counting.counts)
            }
            // One transaction each; five bulk statements a batch and two for the whole import
            // (on both databases), never a statement per person.
            #expect(perImport.allSatisfy { $0.transactions == 1 }, "\(perImport)")
            let (one, four) = (perImport[0].statements, perImport[1].statements)
            let perBatch = (four - one) / 3
            #expect((four - one) % 3 == 0 && perBatch == 5 && one - perBatch == 2, "\(perImport)")
        }
    }
}
