import ArgumentParser
import Foundation
import MynaCore
import MynaDemo
import MynaRegistry
import Synchronization
import MynaSystem

struct ResidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resident", abstract: "Work with the resident registry.", subcommands: [Import.self])

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register residents in bulk from a CSV file.",
            discussion: """
                The file has the header `name,name_kana,birth_date,sex,municipality_code,address` (UTF-8, RFC 4180). \
                sex is the ISO 5218 code (1, 2, 9 or 0) or 男/女; birth_date is YYYY-MM-DD. Each good row is \
                registered with a new individual number; each bad row is reported by line number and skipped. \
                The good rows are registered in one transaction: all of them or, if the import fails, none, so \
                running the file again never registers anyone twice. Counter changes wait while it runs (about \
                a second per 50,000 rows). The import is recorded as done by the system actor `import` with the \
                file's name as the reason.
                """)

        @Argument(help: "The CSV file.")
        var file: String

        @Option(help: "Rows prepared together while the previous ones are written.")
        var batch: Int = 5000

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...50_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 50000") }
        }

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw UsageFailure("cannot read \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { throw UsageFailure("\(file) is not UTF-8") }
            let summary = try await store.withSystem("myna.import") { system in
                let known = Set(try await system.registry.municipalities().map(\.code))
                return try await ResidentImport(registry: system.registry, knownMunicipalities: known, batchSize: batch)
                    .runShowingProgress(text, source: URL(fileURLWithPath: file).lastPathComponent)
            }
            for problem in summary.problems.prefix(100) { print("line \(problem.line): \(problem.reason)") }
            if summary.problems.count > 100 { print("… and \(summary.problems.count - 100) more bad rows") }
            print("imported \(summary.imported) residents, skipped \(summary.problems.count) bad rows in \(String(format: "%.1f", summary.seconds)) s")
            if summary.imported == 0 && !summary.problems.isEmpty { throw ExitCode(1) }
        }
    }
}
