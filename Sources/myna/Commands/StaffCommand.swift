import ArgumentParser
import Crypto
import Foundation
import MynaCore
import MynaDemo
import MynaRegistry
import MynaSystem

struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "Staff accounts and their one-time codes.", subcommands: [Add.self, TOTPCode.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a staff account; prints its password (if generated) and TOTP secret once, as JSON.")

        @Option(help: "Sign-in name (ASCII letters, digits, . _ -).") var username: String
        @Option(help: "Name shown in records.") var displayName: String
        @Option(help: "clerk, supervisor, operator or auditor.") var role: String
        @Option(help: "6-digit code of the municipality whose counter the member works at.") var municipality: String
        @Option(help: "Password (at least 12 characters). Default: a generated one. Env: MYNA_STAFF_PASSWORD.") var password: String?

        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let role = StaffRole(rawValue: role) else { throw ValidationError("role must be clerk, supervisor, operator or auditor") }
            let code: MunicipalityCode
            do { code = try MunicipalityCode(municipality) } catch { throw ValidationError("\(error)") }
            let password = password ?? ProcessInfo.processInfo.environment["MYNA_STAFF_PASSWORD"] ?? generatePassword()
            let account = try await store.withSystem("myna.staff") { system in
                try await system.registry.staff.create(username: username, displayName: displayName, role: role, municipality: code, password: password)
            }
            let output = DemoStaff(account, password: password)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        }
    }

    struct TOTPCode: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "totp", abstract: "Print the current one-time code for a base32 TOTP secret (what an authenticator app shows).")

        @Argument(help: "The base32 secret.") var secret: String

        func run() throws {
            guard let bytes = Base32.decode(secret), !bytes.isEmpty else { throw ValidationError("the secret is not base32") }
            print(TOTP(secret: bytes).code(at: Date()))
        }
    }
}
