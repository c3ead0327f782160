import ArgumentParser
import Foundation
import MynaCore
import MynaRegistry

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
                The import is recorded as done by the system actor `import` with the file's name as the reason.
                """)

        @Argument(help: "The CSV file.")
        var file: String

        @Option(help: "Rows per transaction.")
        var batch: Int = 2000

        @OptionGroup var store: StoreOptions

        func validate() throws {
            guard (1...50_000).contains(batch) else { throw ValidationError("--batch must be between 1 and 50000") }
        }

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw UsageFailure("cannot read \(file)") }
            guard let text = String(data: data, encoding: .utf8) else { throw UsageFailure("\(file) is not UTF-8") }
            let logger = makeLogger("myna.import")
            let registry = try await store.openRegistry(logger: logger)
            let known = Set(try await registry.municipalities().map(\.code))
            let summary = try await ResidentImport(registry: registry, knownMunicipalities: known, batchSize: batch)
                .run(text, source: URL(fileURLWithPath: file).lastPathComponent)
            try await registry.database.close()
            for problem in summary.problems.prefix(100) { print("line \(problem.line): \(problem.reason)") }
            if summary.problems.count > 100 { print("… and \(summary.problems.count - 100) more bad rows") }
            print("imported \(summary.imported) residents, skipped \(summary.problems.count) bad rows in \(String(format: "%.1f", summary.seconds)) s")
            if summary.imported == 0 && !summary.problems.isEmpty { throw ExitCode(1) }
        }
    }
}

/// Parses and registers a CSV of residents; shared by `myna resident import` and the
/// benchmark, so both measure the same path.
struct ResidentImport {
    let registry: Registry
    let knownMunicipalities: Set<MunicipalityCode>
    var batchSize = 2000
    var showProgress = true
    /// Sees each registered batch (the benchmark keeps a sample of numbers to look up).
    var onRegistered: ([RegisteredResident]) -> Void = { _ in }

    struct Problem: Error { let line: Int; let reason: String }
    struct Summary {
        var imported = 0
        var problems: [Problem] = []
        var seconds = 0.0
        /// Time spent preparing batches, and waiting for the database to finish one.
        var preparing = 0.0
        var waitingForCommit = 0.0
    }

    static let header = ["name", "name_kana", "birth_date", "sex", "municipality_code", "address"]

    func run(_ text: String, source: String) async throws -> Summary {
        let began = Date()
        var summary = Summary()
        var reader = CSVReader(text)
        guard let header = reader.next(), header.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == Self.header else {
            summary.problems.append(Problem(line: 1, reason: "the header must be \(Self.header.joined(separator: ","))"))
            return summary
        }
        let estimated = max(1, text.utf8.count / 90)
        var progress = ProgressBar(total: estimated, label: "importing")
        var pending: [BasicInfo] = []
        let today = CalendarDate(inJapanAt: Date())
        // Two stages on two cores: while the database commits one batch, the next is
        // parsed and prepared (numbers drawn, sealed, hashed, names normalised).
        var committing: Task<[RegisteredResident], any Error>?
        let residents = registry.residents
        let clock = ContinuousClock()
        func finishCommit() async throws {
            let waitStart = clock.now
            defer { summary.waitingForCommit += (clock.now - waitStart).seconds }
            guard let batch = try await committing?.value else { return }
            committing = nil
            onRegistered(batch)
            summary.imported += batch.count
            if showProgress { progress.update(summary.imported) }
        }
        func flush() async throws {
            guard !pending.isEmpty else { return }
            let prepareStart = clock.now
            let prepared = try await residents.prepareRegistration(pending, by: .system("import"), reason: "import of \(source)")
            summary.preparing += (clock.now - prepareStart).seconds
            pending.removeAll(keepingCapacity: true)
            try await finishCommit()
            committing = Task { try await residents.commit(prepared) }
        }
        for record in reader {
            if record.fields == [""] { continue }  // blank line
            switch parse(record, today: today) {
            case .success(let facts):
                pending.append(facts)
                if pending.count >= batchSize { try await flush() }
            case .failure(let problem):
                summary.problems.append(problem)
            }
        }
        try await flush()
        try await finishCommit()
        if showProgress { progress.finish(summary.imported) }
        summary.seconds = Date().timeIntervalSince(began)
        return summary
    }

    /// One row to basic facts, or the reason it is refused. Reasons name the column and
    /// the rule, never the value.
    func parse(_ record: CSVReader.Record, today: CalendarDate) -> Result<BasicInfo, Problem> {
        func fail(_ reason: String) -> Result<BasicInfo, Problem> { .failure(Problem(line: record.line, reason: reason)) }
        guard !record.unterminated else { return fail("a quoted field is not closed") }
        guard record.fields.count == Self.header.count else {
            return fail("expected \(Self.header.count) fields, found \(record.fields.count)")
        }
        let f = record.fields
        let sex: Sex
        switch f[3].trimmingCharacters(in: .whitespaces) {
        case "1", "男": sex = .male
        case "2", "女": sex = .female
        case "9": sex = .notApplicable
        case "0": sex = .notKnown
        default: return fail("sex must be 0, 1, 2, 9, 男 or 女")
        }
        do {
            let municipality = try MunicipalityCode(f[4])
            guard knownMunicipalities.contains(municipality) else { return fail("municipality_code is not in the directory") }
            let birthDate = try CalendarDate(iso: f[2].trimmingCharacters(in: .whitespaces))
            guard birthDate <= today else { return fail("birth_date is in the future") }
            return .success(try BasicInfo(
                name: f[0], nameKana: f[1], address: try Address(municipality: municipality, text: f[5]), birthDate: birthDate, sex: sex))
        } catch let error as IdentifierError {
            return fail("municipality_code: \(error.description)")
        } catch let error as FactError {
            return fail(error.description)
        } catch {
            return fail("the row could not be read")
        }
    }
}
