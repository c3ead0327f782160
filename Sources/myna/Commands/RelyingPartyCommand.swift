import ArgumentParser
import Foundation
import MynaPKI
import MynaSystem

struct RelyingPartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rp", abstract: "Relying parties registered to verify card certificates.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a relying party; prints its API key once.",
            discussion: "A signature-verifier (署名検証者) verifies signature certificates; an authentication-verifier (利用者証明検証者) authentication certificates.")

        @Option(help: "The party's name.") var name: String
        @Option(help: "signature-verifier or authentication-verifier.") var role: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = RelyingParty.Role(rawValue: role) else {
                throw ValidationError("role must be signature-verifier or authentication-verifier")
            }
            let (party, key) = try await store.withSystem("myna.rp") { try await $0.relyingParties.register(name: name, role: role) }
            print("registered \(party.name) (\(party.role.rawValue)), id \(party.id)")
            print("API key (shown once): \(key)")
        }
    }
}
