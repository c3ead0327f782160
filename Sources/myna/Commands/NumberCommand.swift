import ArgumentParser
import Crypto
import Foundation
import MynaCore
import MynaNumbering

struct NumberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "number", abstract: "Check, compute and issue individual numbers.",
        subcommands: [Check.self, CheckDigit.self, Issue.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a number's format and check digit: exit 0 and 'valid', or exit 1 and the reason.")

        @Argument(help: "The number (spaces, hyphens and full-width digits are accepted).")
        var number: String

        @Flag(help: "Check a 13-digit corporate number instead of a 12-digit individual number.")
        var corporate = false

        func run() throws {
            do throws(IdentifierError) {
                if corporate { _ = try CorporateNumber(number) } else { _ = try IndividualNumber(number) }
                print("valid")
            } catch {
                print("invalid: \(error.description)")
                throw ExitCode(1)
            }
        }
    }

    struct CheckDigit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-digit", abstract: "Print the check digit for the first 11 digits of an individual number.")

        @Argument(help: "Eleven digits.")
        var digits: String

        func run() throws {
            guard let digit = IndividualNumber.checkDigit(forFirstEleven: digits) else {
                print("invalid: give exactly 11 digits")
                throw ExitCode(1)
            }
            print(digit)
        }
    }

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print fresh numbers from the issuing permutation, one per line (for benchmarks and audits).",
            discussion: """
                The permutation is keyed with a new random key each run, so the output is a faithful sample of \
                what issuance produces without ever printing a number that belongs to a resident. The rate goes \
                to standard error.
                """)

        @Option(help: "How many numbers to print.")
        var count: Int = 10

        @Option(help: "First sequence value.")
        var start: UInt64 = 0

        func validate() throws {
            guard count >= 0, start <= FeistelPermutation.domainSize, UInt64(count) <= FeistelPermutation.domainSize - start else {
                throw ValidationError("count and start must stay within the 10^11 sequence space")
            }
        }

        func run() throws {
            let issuer = try NumberIssuer(key: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
            let clock = ContinuousClock()
            var output = ""
            output.reserveCapacity(1 << 20)
            let began = clock.now
            for sequence in start..<(start + UInt64(count)) {
                output += issuer.number(forSequence: sequence).unmaskedDigits
                output += "\n"
                if output.utf8.count >= 1 << 20 {
                    FileHandle.standardOutput.write(Data(output.utf8))
                    output.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(output.utf8))
            let seconds = Double((clock.now - began).components.attoseconds) / 1e18 + Double((clock.now - began).components.seconds)
            FileHandle.standardError.write(Data("issued \(count) numbers in \(String(format: "%.3f", seconds)) s\n".utf8))
        }
    }
}
