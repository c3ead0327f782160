import Foundation
import MynaAudit
import MynaLinkage
import MynaPortal
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
            let (_, endpoints) = buildRouter(
                registry: registry, cards: office, linkage: hub, log: try TransparencyLog(database: registry.database, keys: environment.keys), portal: portal,
                services: try makeTestServices(portal, hub, environment))
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
