import Foundation
import MynaAudit
import MynaCardOffice
import MynaLinkage
import MynaPortal
import MynaRegistry
import MynaServices
import MynaServer
import MynaTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    /// The document and the router cannot drift: every route the router serves is
    /// described, and every described operation is served.
    @Test func documentMatchesTheRouter() async throws {
        try await withTestRegistry(.sqlite) { registry, environment in
            let office = try makeTestCardOffice(registry, environment)
            let hub = try await LinkageHub.open(registry: registry, keys: environment.keys, clock: environment.clock.wallClock)
            let portal = Portal(registry: registry, cards: office, linkage: hub)
            let (_, endpoints) = buildRouter(system: try await makeTestSystem(registry, environment, cards: office, linkage: hub, log: try TransparencyLog(database: registry.database, keys: environment.keys), portal: portal, services: try makeTestServices(portal, hub, environment)))
            let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../Sources/MynaServer/Resources/openapi.json")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            let methods: Set<String> = ["get", "post", "put", "patch", "delete", "head", "options"]
            let documented = Set(paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
            let served = Set(endpoints.map(\.description))
            #expect(served.subtracting(documented).isEmpty, "served but not documented: \(served.subtracting(documented).sorted())")
            #expect(documented.subtracting(served).isEmpty, "documented but not served: \(documented.subtracting(served).sorted())")
            #expect(served.count == endpoints.count, "a route is registered twice")
        }
    }
}

@Suite("OpenAPI document: error codes")
struct OpenAPIErrorCodeTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources")

    /// Codes in the coded error enums that never reach the JSON API, and why. Anything
    /// else the code can emit must be in the document.
    static let neverServed: [String: String] = [
        "invalid-allow-list": "the allow-list is checked when the server starts; a bad one stops it (LinkageHub.open)",
        "invalid-campaign": "campaigns are loaded by the operator's CLI, not over HTTP",
        "campaign-exists": "campaigns are loaded by the operator's CLI, not over HTTP",
        "portal-session-required": "the portal's pages answer in HTML (docs/portal.md), not with problem documents",
        "csrf-check-failed": "the portal's pages answer in HTML (docs/portal.md), not with problem documents",
        "sign-in-not-approved": "the portal's pages answer in HTML (docs/portal.md), not with problem documents",
    ]

    /// Every code the API can emit: the coded error enums (all `CaseIterable`) and the
    /// `code: "…"` literals given to `Problem(…)` in the server's sources.
    static func emittable() throws -> Set<String> {
        var codes = Set(RegistryError.Code.allCases.map(\.rawValue))
        codes.formUnion(CardOfficeError.Code.allCases.map(\.rawValue))
        codes.formUnion(LinkageError.Code.allCases.map(\.rawValue))
        codes.formUnion(ServiceError.Code.allCases.map(\.rawValue))
        codes.formUnion(PortalError.Code.allCases.map(\.rawValue))
        let server = sources.appendingPathComponent("MynaServer")
        let files = try #require(FileManager.default.enumerator(at: server, includingPropertiesForKeys: nil))
        let literal = /code: "([a-z0-9-]+)"/
        var scanned = 0
        for case let file as URL in files where file.pathExtension == "swift" {
            scanned += 1
            for match in try String(contentsOf: file, encoding: .utf8).matches(of: literal) { codes.insert(String(match.1)) }
        }
        #expect(scanned > 10, "the scan found the server's sources")
        return codes
    }

    /// A code is documented when the `Problem` table has a row for it, or a response's
    /// description names it (`- \`code\`: …` or in a list of codes).
    static func documented() throws -> Set<String> {
        let data = try Data(contentsOf: sources.appendingPathComponent("MynaServer/Resources/openapi.json"))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let components = try #require(document["components"] as? [String: Any])
        let table = try #require(((components["schemas"] as? [String: Any])?["Problem"] as? [String: Any])?["description"] as? String)
        var codes = Set(table.matches(of: /\| `([a-z0-9-]+)` \|/).map { String($0.1) })
        var responses = Array(((components["responses"] as? [String: Any]) ?? [:]).values)
        for item in ((document["paths"] as? [String: [String: Any]]) ?? [:]).values {
            for operation in item.values.compactMap({ $0 as? [String: Any] }) {
                responses += ((operation["responses"] as? [String: Any]) ?? [:]).values
            }
        }
        for case let response as [String: Any] in responses {
            let description = (response["description"] as? String) ?? ""
            codes.formUnion(description.matches(of: /`([a-z0-9]+(?:-[a-z0-9]+)+)`/).map { String($0.1) })
        }
        return codes
    }

    @Test func everyCodeTheServerCanEmitIsDocumented() throws {
        let emittable = try Self.emittable()
        let documented = try Self.documented()
        #expect(emittable.contains("procedure-required") && emittable.contains("method-not-allowed") && emittable.contains("wrong-party-type"))
        let missing = emittable.subtracting(documented).subtracting(Self.neverServed.keys)
        #expect(missing.isEmpty, "emitted but not in openapi.json: \(missing.sorted())")
        // The exceptions stay true: each is a real code, and none is given to Problem(…) directly.
        let stale = Set(Self.neverServed.keys).subtracting(emittable)
        #expect(stale.isEmpty, "listed as never served but no longer a code: \(stale.sorted())")
    }
}
