import ArgumentParser
import Crypto
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MynaCore
import MynaLinkage
import MynaSecrets
import MynaSystem

/// The reference agency client: what a tax office, a pension office or a municipality's
/// welfare section runs to use the linkage network. Every request is signed with the
/// agency's key (a request assertion bound to the method, path and body).
struct AgencyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agency", abstract: "Agencies on the linkage network, and a client that speaks for one.",
        subcommands: [Add.self, AcquireCode.self, RegisterItem.self, Query.self, Records.self, Subscribe.self, Notices.self, Listen.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an agency (operator). Writes its credential file — id, key id and private key — with mode 0600.")
        @Option(help: "The agency's name.") var name: String
        @Option(help: "national-tax, pension, health-insurer, municipal-tax, municipal-welfare or resident-registry.") var type: String
        @Option(help: "For a municipal agency: its municipality code.") var municipality: String?
        @Option(help: "Where to write the credential file.") var credentialOut: String
        @Option(help: "The server URL written into the credential file.") var server = "http://127.0.0.1:8080"
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let agencyType = AgencyType(rawValue: type) else {
                throw ValidationError("type must be one of \(AgencyType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard !FileManager.default.fileExists(atPath: credentialOut) else { throw ValidationError("\(credentialOut) already exists") }
            let municipality = try municipality.map { try MunicipalityCode($0) }
            let (agency, keyID, key) = try await store.withSystem("myna.agency") { system in
                try await system.linkage.agencies.register(name: name, type: agencyType, municipality: municipality)
            }
            do {
                try AgencyCredential(agencyId: agency.id, keyId: keyID, privateKey: key.pemRepresentation, server: server).write(to: credentialOut)
            } catch { throw UsageFailure("\(error)") }
            print("registered \(agency.name) (\(agency.type.rawValue)), id \(agency.id); credential in \(credentialOut)")
        }
    }

    struct ClientOptions: ParsableArguments {
        @Option(help: "The agency's credential file (from `myna agency add`).") var credential: String
        @Option(help: "The server URL; default the one in the credential file.") var server: String?
    }

    struct AcquireCode: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "acquire-code", abstract: "Obtain this agency's code for a person whose number it lawfully holds.")
        @OptionGroup var client: ClientOptions
        @Option(help: "The individual number. Env: MYNA_NUMBER.") var number: String?

        func run() async throws {
            let number = number ?? ProcessInfo.processInfo.environment["MYNA_NUMBER"] ?? ""
            try await AgencyClient(client).send("POST", "/v1/linkage/codes", ["individualNumber": number])
        }
    }

    struct RegisterItem: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-item", abstract: "Register this agency's copy of a data item for a person (中間サーバー).")
        @OptionGroup var client: ClientOptions
        @Option(help: "This agency's code for the person.") var code: String
        @Option(help: "The data item, e.g. local-tax-assessment.") var item: String
        @Option(help: "The value, a JSON object.") var value: String

        func run() async throws {
            guard let object = try? JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any] else {
                throw ValidationError("--value must be a JSON object")
            }
            try await AgencyClient(client).send("POST", "/v1/linkage/items", ["code": code, "item": item, "value": object])
        }
    }

    struct Query: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask the network for a data item about a person, for a task the allow-list names.")
        @OptionGroup var client: ClientOptions
        @Option(help: "This agency's code for the person.") var code: String
        @Option(help: "The data item.") var item: String
        @Option(help: "The task, as the allow-list names it (e.g. child-allowance).") var task: String
        @Option(help: "Withhold the record from the person for this many days, where the allow-list permits.") var withholdDays: Int?

        func run() async throws {
            var body: [String: Any] = ["code": code, "item": item, "task": task]
            body["withholdDays"] = withholdDays
            try await AgencyClient(client).send("POST", "/v1/linkage/queries", body)
        }
    }

    struct Records: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "This agency's side of its provision records.")
        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await AgencyClient(client).send("GET", "/v1/linkage/records", nil)
        }
    }
}

extension AgencyCommand {
    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe to changes of a data item for the persons this agency holds codes for.",
            discussion: """
                Without --endpoint the agency pulls its notices (`myna agency notices`). With it, the hub also pushes them there, \
                signed; the answer carries the secret that verifies the pushes (shown this once: give it to `myna agency listen`).
                """)
        @OptionGroup var client: ClientOptions
        @Option(help: "The data item.") var item: String
        @Option(help: "Push notices to this https URL (http only to hosts the server allows with --push-allow).") var endpoint: String?

        func run() async throws {
            var body: [String: Any] = ["item": item]
            body["endpoint"] = endpoint
            try await AgencyClient(client).send("POST", "/v1/linkage/subscriptions", body)
            if endpoint == nil { print("subscribed to \(item)") }
        }
    }

    struct Notices: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch pending notices, hand each new one to the handler (print it as a JSON line), then acknowledge them.",
            discussion: "--seen keeps the idempotency keys already handled, so a notice redelivered after a crash is handled once.")
        @OptionGroup var client: ClientOptions
        @Option(help: "File of idempotency keys already handled.") var seen: String?

        func run() async throws {
            let agency = try AgencyClient(client)
            let data = try await agency.fetch("GET", "/v1/linkage/notices", nil)
            var handler = NoticeHandler(seen: seen)
            guard let keys = try handler.handle(data) else { throw UsageFailure(String(decoding: data, as: UTF8.self)) }
            if !keys.isEmpty { _ = try await agency.fetch("POST", "/v1/linkage/notices/ack", ["idempotencyKeys": keys]) }
        }
    }
}

/// The reference handler of notices: prints each new one as a JSON line, once, however
/// often it is delivered — the idempotency keys handled are kept in the seen-file, written
/// before the delivery is acknowledged (a crash in between means a redelivery, absorbed).
struct NoticeHandler {
    let seen: String?
    private var handled: Set<String>
    /// New notices handled since this handler started.
    private(set) var handledCount = 0

    init(seen: String?) {
        self.seen = seen
        handled = Set(seen.flatMap { FileManager.default.contents(atPath: $0) }.map { String(decoding: $0, as: UTF8.self).split(separator: "\n").map(String.init) } ?? [])
    }

    /// Handles a `{"notices": [...]}` document; returns every key in it (to acknowledge),
    /// or nil when it is not such a document.
    mutating func handle(_ data: Data) throws -> [String]? {
        guard let notices = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["notices"] as? [[String: Any]] else { return nil }
        var keys: [String] = []
        for notice in notices {
            guard let key = notice["idempotencyKey"] as? String else { continue }
            keys.append(key)
            guard handled.insert(key).inserted else { continue }
            print(String(decoding: try JSONSerialization.data(withJSONObject: notice, options: [.sortedKeys]), as: UTF8.self))
            handledCount += 1
        }
        fflush(nil)
        if let seen { try Data(handled.sorted().joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: seen)) }
        return keys
    }
}

/// Signs and sends one request; prints the JSON answer; exits 1 on an error answer.
struct AgencyClient {
    let credential: AgencyCredential
    let key: P256.Signing.PrivateKey
    let server: String

    init(_ options: AgencyCommand.ClientOptions) throws {
        let data: [UInt8]?
        do { data = try SecretFile.read(options.credential) } catch { throw ValidationError("\(error)") }
        guard let data, let credential = try? JSONDecoder().decode(AgencyCredential.self, from: Data(data))
        else { throw ValidationError("\(options.credential) is not an agency credential file") }
        self.credential = credential
        key = try P256.Signing.PrivateKey(pemRepresentation: credential.privateKey)
        server = (options.server ?? credential.server).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
    }

    func send(_ method: String, _ path: String, _ body: [String: Any]?) async throws {
        let (data, status) = try await exchange(method, path, body)
        print(String(decoding: data, as: UTF8.self))
        guard (200..<300).contains(status) else { throw ExitCode(1) }
    }

    /// The answer's body, or an error with it when the status is not 2xx.
    func fetch(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> Data {
        let (data, status) = try await exchange(method, path, body)
        guard (200..<300).contains(status) else { throw UsageFailure(String(decoding: data, as: UTF8.self)) }
        return data
    }

    private func exchange(_ method: String, _ path: String, _ body: [String: Any]?) async throws -> (Data, Int) {
        let bytes = try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) } ?? Data()
        let assertion = try RequestAssertion.sign(
            agencyID: credential.agencyId, keyID: credential.keyId, key: key, method: method, path: path, body: Array(bytes), now: Date())
        let (data, status, _) = try await JSONClient(server: server).exchange(
            method, path, json: body == nil ? nil : bytes, headers: ["authorization": "MynaAgency \(assertion)"])
        return (data, status)
    }
}
