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
import MynaServices
import Testing

/// Every stable code of every module's error, and the HTTP status it answers with. The
/// tables were written from the server's mapping before the codes' kinds moved into their
/// modules (issue 15): a code whose string or status changes fails here, and so does a
/// new code nobody placed in a table. A new module's error adds its table here.
@Suite("Every error code keeps its string and its status")
struct ErrorStatusTests {
    static let registry: [String: HTTPResponse.Status] = [
        "resident-not-found": .notFound,
        "unknown-municipality": .notFound,
        "invalid-facts": .unprocessableContent,
        "wrong-resident-status": .conflict,
        "outside-jurisdiction": .forbidden,
        "invalid-credentials": .unauthorized,
        "account-locked": .tooManyRequests,
        "session-required": .unauthorized,
        "role-not-permitted": .forbidden,
        "procedure-required": .forbidden,
        "procedure-already-open": .conflict,
        "procedure-for-another-resident": .forbidden,
        "username-taken": .conflict,
        "weak-password": .unprocessableContent,
        "invalid-request": .unprocessableContent,
        "record-integrity-failure": .internalServerError,
        "number-space-exhausted": .internalServerError,
    ]

    static let cardOffice: [String: HTTPResponse.Status] = [
        "card-not-found": .notFound,
        "wrong-card-state": .conflict,
        "card-already-live": .conflict,
        "identity-not-verified": .unprocessableContent,
        "reason-required": .unprocessableContent,
        "resident-not-eligible": .conflict,
        "outside-jurisdiction": .forbidden,
        "signature-key-not-allowed": .unprocessableContent,
        "renewal-too-early": .unprocessableContent,
        "invalid-key": .unprocessableContent,
        "facts-do-not-match": .notFound,
        "too-many-attempts": .tooManyRequests,
        "card-changed-concurrently": .conflict,
        "key-possession-not-proven": .unprocessableContent,
        "key-already-certified": .conflict,
        "keys-not-distinct": .unprocessableContent,
    ]

    static let linkage: [String: HTTPResponse.Status] = [
        "agency-credential-required": .unauthorized,
        "invalid-assertion": .unauthorized,
        "expired-assertion": .unauthorized,
        "replayed-assertion": .unauthorized,
        "unknown-agency": .unauthorized,
        "unknown-code": .notFound,
        "not-on-allow-list": .forbidden,
        "refused-by-person": .forbidden,
        "not-a-provider": .forbidden,
        "no-data": .notFound,
        "invalid-item": .unprocessableContent,
        "invalid-value": .unprocessableContent,
        "person-not-found": .notFound,
        "not-refusable": .forbidden,
        "invalid-allow-list": .internalServerError,
        "non-disclosure-not-allowed": .forbidden,
        "invalid-endpoint": .unprocessableContent,
        "endpoint-not-https": .unprocessableContent,
        "endpoint-not-public": .unprocessableContent,
        "endpoint-unresolvable": .unprocessableContent,
        "numbers-not-permitted": .forbidden,
    ]

    static let services: [String: HTTPResponse.Status] = [
        "invalid-municipal-card": .unprocessableContent,
        "invalid-campaign": .unprocessableContent,
        "campaign-exists": .conflict,
        "unknown-campaign": .notFound,
        "outside-sign-up-window": .forbidden,
        "unknown-provider": .notFound,
        "invalid-provider-account": .unprocessableContent,
        "provider-account-taken": .conflict,
        "already-signed-up": .conflict,
        "provider-cannot-change": .conflict,
        "campaign-budget-reached": .conflict,
        "invalid-report": .unprocessableContent,
        "report-id-reused": .conflict,
        "unknown-account": .notFound,
        "unknown-purchase": .notFound,
        "already-cancelled": .conflict,
        "outside-spending-window": .unprocessableContent,
        "spending-reward-not-available": .unprocessableContent,
        "invalid-certificate-request": .unprocessableContent,
        "request-id-reused": .conflict,
        "kiosk-closed": .serviceUnavailable,
        "kiosk-timeout": .serviceUnavailable,
        "not-card-holder": .forbidden,
        "resident-not-registered": .forbidden,
        "unknown-verification-code": .notFound,
        "certificate-seal-invalid": .unprocessableContent,
        "invalid-eligibility-check": .unprocessableContent,
        "no-eligibility-record": .notFound,
        "visual-check-limit-reached": .forbidden,
    ]

    static let portal: [String: HTTPResponse.Status] = [
        "invalid-sign-in-code": .notFound,
        "challenge-expired": .notFound,
        "challenge-used": .conflict,
        "challenge-purpose-mismatch": .forbidden,
        "signature-invalid": .unauthorized,
        "certificate-not-accepted": .unauthorized,
        "certificate-revoked": .unauthorized,
        "card-not-usable": .forbidden,
        "card-face-unavailable": .conflict,
        "holder-not-eligible": .forbidden,
        "too-many-attempts": .tooManyRequests,
        "portal-session-required": .unauthorized,
        "csrf-check-failed": .forbidden,
        "sign-in-not-approved": .forbidden,
        "invalid-account": .unprocessableContent,
        "invalid-insurance": .unprocessableContent,
        "confirmation-required": .unprocessableContent,
        "holder-name-mismatch": .conflict,
        "insurance-record-not-found": .notFound,
        "insurance-facts-mismatch": .conflict,
    ]

    /// The table names exactly the codes there are, each with the problem it becomes.
    func check<Code: RawRepresentable>(
        _ table: [String: HTTPResponse.Status], _ codes: [Code], _ make: (Code) -> Problem
    ) where Code.RawValue == String {
        #expect(Set(codes.map(\.rawValue)) == Set(table.keys))
        #expect(codes.count == table.count)
        for code in codes {
            let problem = make(code)
            #expect(problem.status == table[code.rawValue], "\(code.rawValue)")
            #expect(problem.code == code.rawValue)
            #expect(problem.type == "urn:myna:problem:\(code.rawValue)")
            #expect(problem.detail == "fixed text")
        }
    }

    @Test("registry") func registryCodes() {
        check(Self.registry, RegistryError.Code.allCases) { Problem(RegistryError($0, "fixed text")) }
    }

    @Test("card office") func cardOfficeCodes() {
        check(Self.cardOffice, CardOfficeError.Code.allCases) { Problem(CardOfficeError($0, "fixed text")) }
    }

    @Test("linkage") func linkageCodes() {
        check(Self.linkage, LinkageError.Code.allCases) { Problem(LinkageError($0, "fixed text")) }
    }

    @Test("services") func serviceCodes() {
        check(Self.services, ServiceError.Code.allCases) { Problem(ServiceError($0, "fixed text")) }
    }

    @Test("portal") func portalCodes() {
        check(Self.portal, PortalError.Code.allCases) { Problem(PortalError($0, "fixed text")) }
    }

    /// Retry-After: a locked staff account waits out the lockout, a card that failed too
    /// often the sign-in window; the card office says its own wait; nothing else has one.
    @Test("Retry-After") func retryAfter() {
        for code in RegistryError.Code.allCases {
            #expect(Problem(RegistryError(code, "")).retryAfter == (code == .accountLocked ? Int(StaffDirectory.lockoutDuration) : nil))
        }
        for code in PortalError.Code.allCases {
            #expect(Problem(PortalError(code, "")).retryAfter == (code == .tooManyAttempts ? Int(CardSignIn.failureWindow / 1000) : nil))
        }
        #expect(Problem(CardOfficeError(.tooManyAttempts, "", retryAfter: 42)).retryAfter == 42)
        #expect(Problem(CardOfficeError(.tooManyAttempts, "")).retryAfter == nil)
        for code in LinkageError.Code.allCases { #expect(Problem(LinkageError(code, "")).retryAfter == nil) }
        for code in ServiceError.Code.allCases { #expect(Problem(ServiceError(code, "")).retryAfter == nil) }
    }

    /// A module the server has never heard of: its error reaches the client through the
    /// one generic path, with its kind's status, its code and its Retry-After.
    struct InventedError: CodedError {
        enum Code: String, ErrorCode {
            case closed = "invented-closed"
            var kind: ErrorKind { .unavailable }
        }
        let code: Code
        let message: String
        var retryAfter: Int? { 7 }
    }

    /// `error`, thrown by a route, as the client receives it through the problem middleware.
    func answer(_ error: any Error, log: CapturedLog = CapturedLog()) async throws -> (HTTPResponse.Status, HTTPFields, [String: Any]) {
        let router = Router()
        router.add(middleware: ProblemMiddleware(book: EndpointBook()))
        router.get("/refused") { _, _ -> Response in throw error }
        let response = try await Application(router: router, logger: log.logger).test(.router) { client in
            try await client.execute(uri: "/refused", method: .get)
        }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return (response.status, response.headers, body ?? [:])
    }

    @Test("a new module's error needs no change in the server") func newModule() async throws {
        let (status, headers, body) = try await answer(InventedError(code: .closed, message: "closed for the test"))
        #expect(status == .serviceUnavailable)
        #expect(headers[.retryAfter] == "7")
        #expect(headers[.contentType] == "application/problem+json")
        #expect(body["code"] as? String == "invented-closed")
        #expect(body["type"] as? String == "urn:myna:problem:invented-closed")
        #expect(body["detail"] as? String == "closed for the test")
        #expect(body["status"] as? Int == 503)
    }

    /// A record that fails its integrity check is an incident: the server says so in its log
    /// as well as in the answer. Other refusals are not.
    @Test("a record-integrity failure is logged as critical") func integrityLogged() async throws {
        let log = CapturedLog()
        let (status, _, body) = try await answer(RegistryError(.recordIntegrity, "fixed text"), log: log)
        #expect(status == .internalServerError && body["code"] as? String == "record-integrity-failure")
        #expect(log.text.contains("critical record integrity check failed"))
        let quiet = CapturedLog()
        _ = try await answer(RegistryError(.residentNotFound, "fixed text"), log: quiet)
        #expect(!quiet.text.contains("critical"))
    }
}
