import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPortal
import MynaRegistry
@testable import MynaServer
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

    @Test("null is refused where the document does not allow it, and taken where it does")
    func nulls() throws {
        func decode<Body: MynaServer.RequestBody>(_ type: Body.Type, _ json: String) throws -> Body {
            try Request.decodeJSON(as: type, from: Data(json.utf8))
        }
        let refused = #expect(throws: Problem.self) { try decode(CardChallengeBody.self, #"{"purpose": "mykey", "campaignId": null}"#) }
        #expect(refused?.code == "invalid-field" && refused?.detail == "field \"campaignId\" must not be null")
        #expect(throws: Problem.self) { try decode(SubscriptionBody.self, #"{"item": "household", "endpoint": null}"#) }
        #expect(throws: Problem.self) { try decode(ChallengeBody.self, #"{"code": null}"#) }
        // ["string", "null"] in the document: null is the same as absent.
        #expect(try decode(SearchBody.self, #"{"birthDate": "1990-04-01", "name": "山田", "nameKana": null, "sex": null, "address": null}"#).nameKana == nil)
        #expect(try decode(ChangeFactsBody.self, #"{"name": null, "address": "東京都", "reason": "転居"}"#).name == nil)
        #expect(try decode(VerifyBody.self, #"{"certificate": "AAAA", "data": null, "signature": null}"#).data == nil)
    }

    @Test("a report's time is any RFC 3339 date-time, with a fraction of a second")
    func reportTimes() throws {
        let body = #"{"campaignId": "c", "reportId": "r", "account": "a", "kind": "top-up", "amountYen": 1, "occurredAt": "2026-04-01T09:00:00.25+09:00"}"#
        let report = try Request.decodeJSON(as: ReportBody.self, from: Data(body.utf8))
        #expect(report.occurredAt == Date(timeIntervalSince1970: 1_775_001_600.25))
    }

    @Test("counter data: lengths in code points, each document once, ASCII chip ids; a search of separators finds no one", arguments: DatabaseKind.available)
    func counterData(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true) { registry, environment, client in
            let clerk = try await API(client: client).signedIn(registry, environment, username: "clerk")
            let before = try await rowCount("residents", environment)
            // 250 characters written with combining marks are 500 code points and one more: too long.
            let long = String(repeating: "か\u{3099}", count: 250) + "x"
            var body = demoResident
            body["reason"] = long
            let (status, problem) = try await clerk.call(.post, "/v1/residents", json: body)
            #expect(status == .unprocessableContent && problem["code"] as? String == "invalid-reason")
            #expect(try await rowCount("residents", environment) == before)

            let (found, results) = try await clerk.call(.post, "/v1/residents/search", json: ["birthDate": "1990-05-05", "name": "・ 、"])
            #expect(found == .ok && (results["results"] as? [Any])?.isEmpty == true)
            let (nameless, refusal) = try await clerk.call(.post, "/v1/residents/search", json: ["birthDate": "1990-05-05", "name": NSNull()])
            #expect(nameless == .unprocessableContent && refusal["code"] as? String == "invalid-request")

            let (_, registered) = try await clerk.call(.post, "/v1/residents", json: demoResident)
            let id = try #require((registered["resident"] as? [String: Any])?["id"] as? String)
            _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": id, "purpose": "マイナンバーカード交付"])
            let (_, application) = try await clerk.call(.post, "/v1/residents/\(id)/cards")
            let cardID = try #require((application["card"] as? [String: Any])?["id"] as? String)
            // Character.isHexDigit takes full-width digits; the document's pattern does not.
            let (wide, wideProblem) = try await clerk.call(.post, "/v1/residents/\(id)/cards/\(cardID)/issuance-challenge", json: ["chipId": "０Ａ"])
            #expect(wide == .unprocessableContent && wideProblem["code"] as? String == "invalid-key")
            let twice = try await clerk.call(.post, "/v1/residents/\(id)/cards/\(cardID)/pin-reset", json: [
                "pin": "authentication", "identityDocuments": ["pension-book", "pension-book"],
            ])
            #expect(twice.0 == .unprocessableContent && twice.1["detail"] as? String == "field \"identityDocuments\" lists a document twice")
        }
    }

    /// The statuses that changed, for codes an API test cannot reach without a whole
    /// fixture (an insurer's record): each now says what kind of "no" it is.
    @Test("codes moved to the status that says what they are")
    func remappedStatuses() {
        #expect(Problem(CardOfficeError(.factsDoNotMatch, "")).status == .notFound)
        #expect(Problem(CardOfficeError(.residentNotEligible, "")).status == .conflict)
        #expect(Problem(RegistryError(.unknownMunicipality, "")).status == .notFound)
        #expect(Problem(LinkageError(.notRefusable, "")).status == .forbidden)
        #expect(Problem(PortalError(.holderNameMismatch, "")).status == .conflict)
        #expect(Problem(PortalError(.insuranceFactsMismatch, "")).status == .conflict)
    }

    @Test("a challenge's details are at most 128 code points", arguments: DatabaseKind.available)
    func challengeDetails(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true, linkage: true, portal: true) { _, _, client in
            let attach: [String: Any] = ["purpose": "mykey-attach-card", "kind": "library", "municipalityCode": "131016"]
            // 65 characters written with combining marks: 130 code points.
            let (long, problem) = try await API(client: client).call(
                .post, "/v1/card/challenges", json: attach.merging(["number": String(repeating: "か\u{3099}", count: 65)]) { $1 })
            #expect(long == .unprocessableContent && problem["code"] as? String == "invalid-field")
            #expect(try await API(client: client).call(.post, "/v1/card/challenges", json: attach.merging(["number": "L-1"]) { $1 }).0 == .created)
        }
    }

    @Test("well-formed data naming nothing is 404; a record's state is 409", arguments: DatabaseKind.available)
    func statuses(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true) { registry, environment, client in
            let clerk = try await API(client: client).signedIn(registry, environment, username: "clerk")
            let (_, registered) = try await clerk.call(.post, "/v1/residents", json: demoResident)
            let id = try #require((registered["resident"] as? [String: Any])?["id"] as? String)
            _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": id, "purpose": "転出届"])
            // 99999 with its check digit: a well-formed code no municipality has.
            let (unknown, problem) = try await clerk.call(
                .post, "/v1/residents/\(id)/move-out", json: ["destinationMunicipalityCode": "999997", "date": "2026-04-01", "reason": "転出"])
            #expect(unknown == .notFound && problem["code"] as? String == "unknown-municipality")
            let (died, _) = try await clerk.call(.post, "/v1/residents/\(id)/death", json: ["date": "2026-04-01", "reason": "死亡届"])
            #expect(died == .ok)
            let (closed, refusal) = try await clerk.call(.post, "/v1/residents/\(id)/cards")
            #expect(closed == .conflict && refusal["code"] as? String == "resident-not-eligible")
        }
    }
}
