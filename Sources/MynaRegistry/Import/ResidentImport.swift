import Foundation
public import MynaCore
import Synchronization

/// Parses and registers a CSV of residents; shared by `myna resident import` and the
/// benchmark, so both measure the same path.
public struct ResidentImport: Sendable {
    let registry: Registry
    let knownMunicipalities: Set<MunicipalityCode>
    var batchSize = 5000
    /// Sees each registered batch (the benchmark keeps a sample of numbers to look up).
    public var onRegistered: @Sendable ([RegisteredResident]) -> Void = { _ in }
    /// Sees how many people are registered so far (a progress bar).
    public var onProgress: @Sendable (Int) -> Void = { _ in }

    public init(registry: Registry, knownMunicipalities: Set<MunicipalityCode>, batchSize: Int = 5000) {
        (self.registry, self.knownMunicipalities, self.batchSize) = (registry, knownMunicipalities, batchSize)
    }

    public struct Problem: Error, Sendable {
        public let line: Int
        public let reason: String
    }

    public struct Summary: Sendable {
        public var imported = 0
        public var problems: [Problem] = []
        public var seconds = 0.0
    }

    /// About how many rows `text` holds (90 bytes a row), for a progress bar's total.
    public static func estimatedRows(in text: String) -> Int { max(1, text.utf8.count / 90) }

    static let header = ["name", "name_kana", "birth_date", "sex", "municipality_code", "address"]

    /// Two stages on two cores, in one transaction: the registry parses and prepares the
    /// next batch (numbers drawn, sealed, hashed, names normalised) while the database
    /// writes the previous one.
    public func run(_ text: String, source: String) async throws -> Summary {
        let began = Date()
        var summary = Summary()
        var reader = CSVReader(text)
        guard let header = reader.next(), header.fields.map({ $0.trimmingCharacters(in: .whitespaces) }) == Self.header else {
            summary.problems.append(Problem(line: 1, reason: "the header must be \(Self.header.joined(separator: ","))"))
            return summary
        }
        let batches = ParsedBatches(reader: reader, importer: self)
        let written = Mutex(0)
        let (onRegistered, onProgress) = (onRegistered, onProgress)
        summary.imported = try await registry.residents.registerAll(batches, by: .system("import"), reason: "import of \(source)") {
            registered in
            onRegistered(registered)
            onProgress(written.withLock { $0 += registered.count; return $0 })
        }
        summary.problems = batches.problems
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
