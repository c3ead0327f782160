import Foundation
import Hummingbird
import HummingbirdTesting
import MynaCore
import MynaAudit
import MynaLinkage
import MynaPortal
import MynaServices
import MynaServer
import MynaTestSupport
import NIOCore
import Testing

/// "No input makes the server crash or answer 5xx" (design.md): every route the router
/// serves, signed in and not, with hostile bodies and paths. A deterministic generator
/// keeps failures reproducible.
@Suite("Fuzzing the API")
struct FuzzTests {
    static let hostileStrings = [
        "", " ", "\u{0}", "\u{202E}evil", "💥", String(repeating: "長", count: 300), "' OR 1=1 --", "../../etc/passwd",
        "１２３４５６７８９０１８", "123456789018", "9999-99-99", "1980-02-30", "NaN", "-1", "1e309", "{{}}", "<script>",
    ]

    static func body(_ generator: inout SplitMix64, fields: [String]) -> [UInt8] {
        switch Int.random(in: 0..<8, using: &generator) {
        case 0: return (0..<Int.random(in: 0..<200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        case 1: return Array((String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000)).utf8)
        case 2: return Array("{\"a\":".utf8) + Array(repeating: UInt8(ascii: "9"), count: 400) + Array("}".utf8)
        case 3: return Array("null".utf8)
        default:
            // A JSON object with the route's own field names and hostile values of every type.
            var object: [String: Any] = [:]
            for field in fields.shuffled(using: &generator).prefix(Int.random(in: 0...fields.count, using: &generator)) {
                let values: [Any] = [
                    hostileStrings.randomElement(using: &generator)!, Int.random(in: Int.min...Int.max, using: &generator),
                    Double.greatestFiniteMagnitude, true, NSNull(), [1, 2, 3], ["municipalityCode": "131016", "text": "x"],
                ]
                object[field] = values.randomElement(using: &generator)!
            }
            return Array((try? JSONSerialization.data(withJSONObject: object)) ?? Data())
        }
    }

    @Test("no route answers 5xx to hostile input, signed in or not", arguments: DatabaseKind.available)
    func noServerErrors(kind: DatabaseKind) async throws {
        try await withRouter(kind, pki: true, cards: true, linkage: true, portal: true) { registry, environment, client in
            let office = try makeTestCardOffice(registry, environment, directory: "card-ca-routes")
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
            let portal = Portal(registry: registry, cards: office, linkage: hub)
            let (_, endpoints) = buildRouter(system: try await makeTestSystem(registry, environment, pki: try makePublisher(environment, directory: "ca-routes"), cards: office, linkage: hub, log: try TransparencyLog(database: registry.database, keys: environment.keys), portal: portal, services: try makeTestServices(portal, hub, environment)))
            let clerk = try await API(client: client).signedIn(registry, environment, username: "fuzz")
            let fields = ["name", "nameKana", "address", "birthDate", "sex", "reason", "residentId", "purpose", "username",
                          "password", "totp", "number", "kind", "individualNumber", "destinationMunicipalityCode", "date",
                          "authority", "displayName", "role", "chipId", "authenticationKey", "signatureKey", "identityDocuments",
                          "cardSerial", "pin", "code", "item", "task", "value", "withholdDays", "endpoint", "challengeId", "certificate",
                          "signature"]
            var generator = SplitMix64(seed: 20_261_122)
            var failures: [String] = []
            var seen: Set<Int> = []
            // Signing out would end the clerk's session for the routes after it: last.
            let isSignOut = { (endpoint: Endpoint) in endpoint.method == "DELETE" && endpoint.path == "/v1/staff/sessions/current" }
            let ordered = endpoints.filter { $0.path != "/metrics" && !isSignOut($0) } + endpoints.filter(isSignOut)
            for endpoint in ordered {
                for round in 0..<40 {
                    let segment = Self.hostileStrings.randomElement(using: &generator)!
                        .addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "x"
                    let uri = endpoint.path.replacingOccurrences(of: "{id}", with: segment)
                        .replacingOccurrences(of: "{file}", with: segment).replacingOccurrences(of: "{role}", with: round % 2 == 0 ? "signature" : segment)
                        .replacingOccurrences(of: "{request}", with: segment).replacingOccurrences(of: "{card}", with: segment)
                        .replacingOccurrences(of: "{item}", with: segment).replacingOccurrences(of: "{record}", with: segment)
                    var headers = HTTPFields()
                    headers[.contentType] = ["application/json", "application/ocsp-request", "text/plain"][round % 3]
                    if round % 4 != 0, let token = clerk.token { headers[.authorization] = "Bearer \(token)" }
                    let response = try await client.execute(
                        uri: uri, method: HTTPRequest.Method(endpoint.method)!, headers: headers,
                        body: ByteBuffer(bytes: Self.body(&generator, fields: fields)))
                    if response.status.code >= 500 { failures.append("\(endpoint) → \(response.status.code)") }
                    seen.insert(response.status.code)
                }
            }
            #expect(failures.isEmpty, "\(failures.prefix(10))")
            // The inputs reached the handlers' own checks, not only the front door.
            #expect(seen.isSuperset(of: [200, 400, 401, 403, 404, 415, 422]), "\(seen.sorted())")
        }
    }
}
