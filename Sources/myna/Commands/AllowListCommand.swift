import ArgumentParser
import Foundation
import MynaLinkage
import MynaSystem

/// The allow-list of lawful exchanges changes with the law: a new version ships with a
/// release, or — between releases, when an amendment takes effect — an operator loads it
/// with this command. Either way the version is recorded (digest, who, why) and committed
/// to the transparency log; a loaded version is never edited or taken back.
struct AllowListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "allow-list", abstract: "The allow-list of lawful exchanges (番号法 別表): show it, or load an amendment.",
        subcommands: [Show.self, Load.self, History.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the version in force, as JSON.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let list = try await store.withSystem("myna.allow-list") { try await $0.linkage.allowListInForce() }
            guard let list else { throw ValidationError("no allow-list is loaded; run `myna serve` or `myna demo` once") }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(ShownList(version: list.version, effectiveOn: list.effectiveOn, rows: list.rows)), as: UTF8.self))
        }

        struct ShownList: Encodable {
            let version: Int
            let effectiveOn: String
            let rows: [AllowListRow]
        }
    }

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a new version of the allow-list from a file (operator). Running servers take it up within seconds.",
            discussion: """
                The file has the shape of Sources/MynaLinkage/Resources/allow-list.json with a version above the one in force. \\
                The load is recorded with --operator, the system user running the command, --reason and the file's SHA-256, and \\
                committed to the transparency log.
                """)
        @Argument(help: "The allow-list file (JSON).") var file: String
        @Option(help: "Who loads it (a name the audit can trace).") var `operator`: String
        @Option(help: "Why: the amendment, e.g. 令和8年法律第12号による改正.") var reason: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let trimmedReason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmedReason.isEmpty, trimmedReason.count <= 500, !`operator`.isEmpty, `operator`.count <= 100 else {
                throw ValidationError("--operator and --reason are required (at most 100 and 500 characters)")
            }
            let list = try AllowList.parse(Array(bytes))
            let user = ProcessInfo.processInfo.environment["USER"] ?? "unknown"
            let loaded: Bool
            do {
                loaded = try await store.withSystem("myna.allow-list") { system in
                    try await system.linkage.loadAllowList(list, bytes: Array(bytes), by: "operator:\(`operator`) (system user \(user))", reason: trimmedReason)
                }
            } catch let error as UsageFailure {
                throw ValidationError(error.description)
            }
            print(loaded ? "loaded allow-list version \(list.version) (\(list.rows.count) rows)" : "version \(list.version) is loaded already, unchanged")
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version loaded: when, by whom, why, and its SHA-256.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let history = try await store.withSystem("myna.allow-list") { try await $0.linkage.allowListHistory() }
            let formatter = ISO8601DateFormatter()
            for entry in history {
                print("\(entry.version)\t\(entry.effectiveOn)\t\(formatter.string(from: entry.loadedAt))\t\(entry.loadedBy)\t\(entry.sha256)\t\(entry.reason ?? "")")
            }
        }
    }
}
