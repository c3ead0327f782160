import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MynaServer
import MynaTestSupport
import Testing

/// What schemathesis' data checks found (scripts/contract: `positive_data_acceptance`,
/// `negative_data_rejection`): data openapi.json allows is taken, data it forbids is refused
/// with a 4xx and a stable code, and a rule the document cannot state gets the status it
/// documents for it.
@Suite("The document's data, taken and refused")
struct ContractDataTests {
    /// The log's answers to ranges (RFC 6962 §4.4–4.6), on an empty log.
    @Test("log ranges: past the tree is 404 or an empty list, reversed is 400 reversed-range, out of Int is 400 invalid-query", arguments: DatabaseKind.available)
    func logRanges(kind: DatabaseKind) async throws {
        try await withRouter(kind, linkage: true) { _, _, client in
            func get(_ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await API(client: client).call(.get, uri)
            }
            let empty = try await get("/v1/log/get-entries?start=0&end=0")
            #expect(empty.0 == .ok && (empty.1["entries"] as? [Any])?.isEmpty == true)
            // start + 999 overflowed Int here before, near the document's maximum.
            let far = try await get("/v1/log/get-entries?start=9223372036854775000&end=9223372036854775807")
            #expect(far.0 == .ok && (far.1["entries"] as? [Any])?.isEmpty == true)
            let zero = try await get("/v1/log/get-sth-consistency?first=0&second=0")
            #expect(zero.0 == .ok && (zero.1["consistency"] as? [Any])?.isEmpty == true)
            let leaf = Data(repeating: 0, count: 32).base64EncodedString().addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for (uri, status, code) in [
                ("/v1/log/get-entries?start=5&end=1", HTTPResponse.Status.badRequest, "reversed-range"),
                ("/v1/log/get-sth-consistency?first=2&second=1", .badRequest, "reversed-range"),
                ("/v1/log/get-sth-consistency?first=0&second=5", .notFound, "out-of-range"),
                ("/v1/log/get-proof-by-hash?hash=\(leaf)&tree_size=0", .notFound, "out-of-range"),
                ("/v1/log/get-proof-by-hash?hash=\(leaf)&tree_size=9223372036854775807", .notFound, "out-of-range"),
                ("/v1/log/get-proof-by-hash?hash=AAAA&tree_size=1", .badRequest, "invalid-query"),
                ("/v1/log/get-entries?start=-1&end=1", .badRequest, "invalid-query"),
                ("/v1/log/get-entries?start=0&end=9223372036854775808", .badRequest, "invalid-query"),
                ("/v1/log/get-entries?start=0", .badRequest, "invalid-query"),
            ] {
                let (got, problem) = try await get(uri)
                #expect(got == status && problem["code"] as? String == code, "\(uri)")
            }
        }
    }
}
