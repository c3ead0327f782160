import ArgumentParser
import Foundation
import MynaPortal
import MynaSystem

/// The 総点検: after the 2023 mis-links the government checked every linkage by hand.
/// Myna checks them against the register whenever asked.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect", abstract: "Check data against the register.", subcommands: [Linkages.self])

    struct Linkages: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every public-fund account and health-insurance linkage whose facts disagree with the register (exit 1 if any).",
            discussion: "One JSON line per disagreement: the resident's id, the linkage and the facts that differ. Names no one else.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let found = try await store.withSystem("myna.inspect") { try await $0.portal.linkages.disagreements() }
            for disagreement in found {
                let line: [String: Any] = ["residentId": disagreement.residentID, "linkage": disagreement.kind, "facts": disagreement.facts]
                print(String(decoding: try JSONSerialization.data(withJSONObject: line, options: [.sortedKeys]), as: UTF8.self))
            }
            FileHandle.standardError.write(Data("\(found.count) linkage(s) disagree with the register\n".utf8))
            if !found.isEmpty { throw ExitCode(1) }
        }
    }
}
