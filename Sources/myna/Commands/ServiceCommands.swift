import ArgumentParser
import Crypto
import Foundation
import MynaCore
import MynaServices
import MynaSystem

/// Mynapoint campaigns, loaded by an operator as data.
struct CampaignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", abstract: "Mynapoint campaigns: load one from a JSON file, list them.", subcommands: [Load.self, List.self])

    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a campaign (docs/examples/campaigns/*.json). A campaign never changes once loaded; loading it again is a no-op.")
        @Argument(help: "The campaign file.") var file: String
        @Option(name: .customLong("operator"), help: "Who loads it.") var loadedBy: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let bytes = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let (campaign, loaded) = try await store.withSystem("myna.campaign") { try await $0.services.mynapoint.load(Array(bytes), by: loadedBy) }
            print(loaded
                ? "loaded \(campaign.id) (\(campaign.name)): \(campaign.seats) seats of ¥\(campaign.maximumPerPersonYen)"
                : "\(campaign.id) is already loaded with this definition")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the campaigns with their seats and points granted.")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let lines = try await store.withSystem("myna.campaign") { system in
                let mynapoint = system.services.mynapoint
                var lines: [String] = []
                for campaign in try await mynapoint.all() {
                    let budget = try await mynapoint.budget(of: campaign.id)
                    lines.append("\(campaign.id)\t\(campaign.name)\tsign-up \(campaign.signUp.from)…\(campaign.signUp.until)\tseats \(budget.taken)/\(budget.seats)\tgranted ¥\(budget.grantedYen)")
                }
                return lines
            }
            lines.forEach { print($0) }
        }
    }
}

/// Mynapoint from both sides: the resident with the card, the cashless provider with its
/// credential.
struct MynapointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mynapoint", abstract: "Sign up with the card, claim linkage rewards; as a provider, report spending and fetch grants.",
        subcommands: [SignUp.self, Claim.self, Report.self, Grants.self])

    struct SignUp: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-up", abstract: "Sign the card's holder up to a campaign with a cashless provider, chosen once for good.")
        @OptionGroup var card: CardCommand.CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "The campaign id.") var campaign: String
        @Option(help: "The cashless provider's id.") var provider: String
        @Option(help: "Your account with the provider, as it shows it.") var account: String
        @Option(help: "The server.") var server = "http://127.0.0.1:8080"

        func run() async throws {
            let client = JSONClient(server: server)
            let choice = ["campaignId": campaign, "providerId": provider, "providerAccount": account]
            let challenge = try await client.object("POST", "/v1/card/challenges", choice.merging(["purpose": "mynapoint-sign-up"]) { $1 })
            printJSON(try await CardSignature(options: card, pin: pin).answer(
                challenge, expecting: .mynapointSignUp, with: client, at: "/v1/mynapoint/sign-ups", extra: choice))
        }
    }

    struct Claim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Claim the rewards your linkages have earned (insurance, public-fund account) and show your sign-ups.")
        @OptionGroup var card: CardCommand.CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "The server.") var server = "http://127.0.0.1:8080"

        func run() async throws {
            let client = JSONClient(server: server)
            let challenge = try await client.object("POST", "/v1/card/challenges", ["purpose": "mynapoint-claim"])
            printJSON(try await CardSignature(options: card, pin: pin).answer(challenge, expecting: .mynapointClaim, with: client, at: "/v1/mynapoint/claims"))
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "As a cashless provider: report a top-up, purchase or cancellation. The report id makes a retry safe.")
        @OptionGroup var client: AgencyCommand.ClientOptions
        @Option(help: "The campaign id.") var campaign: String
        @Option(help: "Your id for this report.") var reportId: String
        @Option(help: "The person's account with you.") var account: String
        @Option(help: "top-up, purchase or cancellation.") var kind: String
        @Option(help: "The amount in yen.") var amount: Int
        @Option(help: "When it happened (RFC 3339). Default now.") var occurredAt: String?
        @Option(help: "For a cancellation: the report id of the purchase it cancels.") var cancels: String?

        func run() async throws {
            var body: [String: Any] = [
                "campaignId": campaign, "reportId": reportId, "account": account, "kind": kind, "amountYen": amount,
                "occurredAt": occurredAt ?? ISO8601DateFormatter().string(from: Date()),
            ]
            if let cancels { body["cancels"] = cancels }
            try await AgencyClient(client).send("POST", "/v1/mynapoint/reports", body)
        }
    }

    struct Grants: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "As a cashless provider: the grants to credit, after the last one seen.")
        @OptionGroup var client: AgencyCommand.ClientOptions
        @Option(help: "The id of the last grant already credited.") var after: Int = 0

        func run() async throws {
            try await AgencyClient(client).send("GET", "/v1/mynapoint/grants?after=\(after)", nil)
        }
    }
}

/// A convenience store's kiosk (コンビニ交付).
struct KioskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk", abstract: "A convenience-store kiosk: print the card holder's certificate of residence.", subcommands: [Print.self])

    struct Print: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a certificate of residence (住民票の写し) for the card's holder, after the 4-digit PIN; writes the sealed PDF.",
            discussion: "A retry with the same --request-id returns the same certificate instead of printing a second one.")
        @OptionGroup var client: AgencyCommand.ClientOptions
        @OptionGroup var card: CardCommand.CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "The store's code.") var storeCode = "000001"
        @Option(help: "This request's id; default a new one.") var requestId: String?
        @Option(help: "Where to write the PDF.") var out: String

        func run() async throws {
            let kiosk = try AgencyClient(client)
            // The kiosk asks for its own challenge, signed: the card's answer is good for this
            // kiosk's certificate and nothing else.
            let challenge = try JSONSerialization.jsonObject(
                with: try await kiosk.fetch("POST", "/v1/card/challenges", ["purpose": "kiosk-certificate", "kind": "residence"])) as? [String: Any] ?? [:]
            var body = try CardSignature(options: card, pin: pin).fields(answering: challenge, expecting: .kioskCertificate, server: kiosk.server)
            body.merge(["requestId": requestId ?? UUID().uuidString.lowercased(), "storeCode": storeCode, "kind": "residence"]) { $1 }
            let data = try await kiosk.fetch("POST", "/v1/kiosk/certificates", body)
            guard var answer = try JSONSerialization.jsonObject(with: data) as? [String: Any], let pdf = (answer["pdf"] as? String).flatMap({ Data(base64Encoded: $0) })
            else { throw UsageFailure("the centre's answer carries no PDF") }
            guard FileManager.default.createFile(atPath: out, contents: pdf) else { throw UsageFailure("cannot write \(out)") }
            answer["pdf"] = out
            printJSON(answer)
        }
    }
}

/// Anyone's check of a printed certificate.
struct CertificateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certificate", abstract: "Check a certificate printed at a kiosk.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a certificate PDF: offline with the published key (--keys), or online at the issuing centre (--server).",
            discussion: "Exit 0 and what the seal says when it verifies; exit 1 with the reason when it does not.")
        @Argument(help: "The PDF.") var file: String
        @Option(help: "The published keys (a JWKS file saved from GET /v1/certificates/keys), for an offline check.") var keys: String?
        @Option(help: "The issuing centre, for an online check.") var server = "http://127.0.0.1:8080"

        func run() async throws {
            guard let pdf = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            if let keys {
                guard let data = FileManager.default.contents(atPath: keys) else { throw ValidationError("cannot read \(keys)") }
                let claims = try CertificateIssuingCentre.verifyOffline(pdf: Array(pdf), publicKey: try Self.publicKey(fromJWKS: data))
                printJSON(["valid": true, "verificationCode": claims.code, "issueNumber": claims.num, "kind": claims.kind, "municipalityCode": claims.mun,
                           "issuedAt": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(claims.iat)))])
                return
            }
            let (data, status, _) = try await JSONClient(server: server).exchange(
                "POST", "/v1/certificates/verifications", json: pdf, headers: ["content-type": "application/pdf"])
            print(String(decoding: data, as: UTF8.self))
            guard (200..<300).contains(status) else { throw ExitCode(1) }
        }

        static func publicKey(fromJWKS data: Data) throws -> P256.Signing.PublicKey {
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any], let key = (object["keys"] as? [[String: Any]])?.first,
                let x = (key["x"] as? String).flatMap(Base64URL.decode), let y = (key["y"] as? String).flatMap(Base64URL.decode), x.count == 32, y.count == 32
            else { throw ValidationError("the keys file is not a JWKS with a P-256 key") }
            return try P256.Signing.PublicKey(rawRepresentation: x + y)
        }
    }
}

/// A medical institution's reception (オンライン資格確認).
struct ClinicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clinic", abstract: "A medical institution: check a patient's eligibility with the card.", subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the card holder's health-insurance eligibility: with the PIN, or --visual-check-by the member of staff who compared the photo.",
            discussion: "A visual check reads the card's face application, opened by 照合番号B — birth date (YYMMDD), expiry year and the security code, as printed on the card — so the card must be at the desk.")
        @OptionGroup var client: AgencyCommand.ClientOptions
        @OptionGroup var card: CardCommand.CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "Instead of the PIN: who compared the patient with the card's photo.") var visualCheckBy: String?
        @Option(help: "With --visual-check-by: 照合番号B as read off the card (14 digits). Env: MYNA_CARD_FACE_NUMBER.") var cardFaceNumber: String?

        func run() async throws {
            let clinic = try AgencyClient(client)
            let challenge = try JSONSerialization.jsonObject(
                with: try await clinic.fetch("POST", "/v1/card/challenges", ["purpose": "eligibility-check"])) as? [String: Any] ?? [:]
            var body: [String: Any]
            if let visualCheckBy {
                guard let numberB = cardFaceNumber ?? ProcessInfo.processInfo.environment["MYNA_CARD_FACE_NUMBER"] else {
                    throw UsageFailure("a visual check reads the card face: give --card-face-number (照合番号B as printed on the card)")
                }
                body = try CardSignature(options: card, pin: nil).fields(
                    answering: challenge, expecting: .eligibilityCheck, server: clinic.server, cardFaceNumber: numberB)
                body["visualCheckBy"] = visualCheckBy
            } else {
                body = try CardSignature(options: card, pin: pin).fields(answering: challenge, expecting: .eligibilityCheck, server: clinic.server)
            }
            try await clinic.send("POST", "/v1/eligibility/checks", body)
        }
    }
}

func printJSON(_ object: [String: Any]) {
    guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]) else { return }
    print(String(decoding: data, as: UTF8.self))
}
