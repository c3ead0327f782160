import ArgumentParser
import Foundation
import MynaCore
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
                    .run(text, source: URL(fileURLWithPath: file).lastPathComponent)
            }
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
    var batchSize = 5000
    var showProgress = true
    /// Sees each registered batch (the benchmark keeps a sample of numbers to look up).
    var onRegistered: @Sendable ([RegisteredResident]) -> Void = { _ in }

    struct Problem: Error { let line: Int; let reason: String }
    struct Summary {
        var imported = 0
        var problems: [Problem] = []
        var seconds = 0.0
    }

    static let header = ["name", "name_kana", "birth_date", "sex", "municipality_code", "address"]

    /// Two stages on two cores, in one transaction: the registry parses and prepares the
    /// next batch (numbers drawn, sealed, hashed, names normalised) while the database
    /// writes the previous one.
    func run(_ text: String, source: String) async throws -> Summary {
        let began = Date()
        var summary = Summary()
        var reader = CSVReader(text)
        guard let header = reader.next(), header.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == Self.header else {
            summary.problems.append(Problem(line: 1, reason: "the header must be \(Self.header.joined(separator: ","))"))
            return summary
        }
        let batches = ParsedBatches(reader: reader, importer: self)
        let progress = Mutex(ProgressBar(total: max(1, text.utf8.count / 90), label: "importing"))
        let written = Mutex(0)
        let showProgress = showProgress
        let onRegistered = onRegistered
        summary.imported = try await registry.residents.registerAll(batches, by: .system("import"), reason: "import of \(source)") {
            registered in
            onRegistered(registered)
            let done = written.withLock { $0 += registered.count; return $0 }
            if showProgress { progress.withLock { $0.update(done) } }
        }
        summary.problems = batches.problems
        if showProgress { progress.withLock { $0.finish(summary.imported) } }
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
        switch f[3].trimmingWhitespace {  // not Foundation's: it bridges each field through NSString
        case "1", "男": sex = .male
        case "2", "女": sex = .female
        case "9": sex = .notApplicable
        case "0": sex = .notKnown
        default: return fail("sex must be 0, 1, 2, 9, 男 or 女")
        }
        do {
            let municipality = try MunicipalityCode(f[4])
            guard knownMunicipalities.contains(municipality) else { return fail("municipality_code is not in the directory") }
            let birthDate = try CalendarDate(iso: String(f[2].trimmingWhitespace))
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

/// The file's good rows in batches, each parsed when the registry asks for it. Parsing
/// runs on the thread that prepares, not beside it: the database writer is the slowest
/// stage of an import, and a third busy thread on two cores would take time from it.
final class ParsedBatches: AsyncSequence, Sendable {
    typealias Element = [BasicInfo]
    private let reader: CSVReader
    private let importer: ResidentImport
    private let refused = Mutex<[ResidentImport.Problem]>([])

    init(reader: CSVReader, importer: ResidentImport) {
        self.reader = reader
        self.importer = importer
    }

    /// The rows refused so far (all of them once the registry has taken every batch).
    var problems: [ResidentImport.Problem] { refused.withLock { $0 } }

    struct AsyncIterator: AsyncIteratorProtocol {
        var reader: CSVReader
        let batches: ParsedBatches
        let today = CalendarDate(inJapanAt: Date())

        mutating func next() async throws -> [BasicInfo]? {
            var batch: [BasicInfo] = []
            var problems: [ResidentImport.Problem] = []
            batch.reserveCapacity(batches.importer.batchSize)
            while batch.count < batches.importer.batchSize, let record = reader.next() {
                if record.fields == [""] { continue }  // blank line
                switch batches.importer.parse(record, today: today) {
                case .success(let facts): batch.append(facts)
                case .failure(let problem): problems.append(problem)
                }
            }
            if !problems.isEmpty { batches.refused.withLock { $0 += problems } }
            return batch.isEmpty ? nil : batch
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(reader: reader, batches: self) }
}
