import Foundation
public import HTTPTypes
public import Hummingbird
import MynaCardOffice
import MynaLinkage
import MynaPortal
import MynaServices
import MynaRegistry

/// An RFC 9457 problem document: the one shape of every error Myna returns. `code` is
/// the stable identifier clients program against; `detail` is a fixed, human text that
/// never contains personal data.
public struct Problem: Error, HTTPResponseError, Encodable, Sendable {
    public var type: String
    public var title: String
    public var status: HTTPResponse.Status
    public var detail: String
    public var code: String
    /// Seconds after which a retry may succeed (`Retry-After`, RFC 9110 §10.2.3).
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, detail: String) {
        self.type = "urn:myna:problem:\(code)"
        self.title = status.reasonPhrase
        self.status = status
        self.detail = detail
        self.code = code
    }

    enum CodingKeys: String, CodingKey { case type, title, status, detail, code }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(title, forKey: .title)
        try container.encode(status.code, forKey: .status)
        try container.encode(detail, forKey: .detail)
        try container.encode(code, forKey: .code)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(self)
        var headers = HTTPFields()
        headers[.contentType] = "application/problem+json"
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Problem {
    static func from(_ error: RegistryError) -> Problem {
        let status: HTTPResponse.Status = switch error.code {
        // A well-formed code naming no municipality in the directory is "nothing there",
        // as an unknown resident or provider is: the document can state the code's form
        // but not the directory's contents.
        case .residentNotFound, .unknownMunicipality: .notFound
        case .invalidFacts, .invalidRequest, .weakPassword: .unprocessableContent
        case .wrongStatus, .procedureAlreadyOpen, .usernameTaken: .conflict
        case .outsideJurisdiction, .roleNotPermitted, .procedureRequired, .procedureForAnotherResident: .forbidden
        case .invalidCredentials, .sessionRequired: .unauthorized
        case .accountLocked: .tooManyRequests
        case .recordIntegrity, .numberExhausted: .internalServerError
        }
        var problem = Problem(status, code: error.code.rawValue, detail: error.message)
        if error.code == .accountLocked { problem.retryAfter = Int(StaffDirectory.lockoutDuration) }
        return problem
    }
}

extension Problem {
    static func from(_ error: CardOfficeError) -> Problem {
        let status: HTTPResponse.Status = switch error.code {
        // Facts that match no card are "nothing there" (which of them is wrong is never said).
        case .cardNotFound, .factsDoNotMatch: .notFound
        // A person moved out or deceased is a state the card step does not fit, as a card's is.
        case .wrongCardState, .cardAlreadyLive, .conflict, .residentNotEligible: .conflict
        case .outsideJurisdiction: .forbidden
        case .tooManyAttempts: .tooManyRequests
        case .identityNotVerified, .reasonRequired, .signatureKeyNotAllowed, .renewalTooEarly, .invalidKey,
            .keyPossessionNotProven, .keysNotDistinct: .unprocessableContent
        case .keyAlreadyCertified: .conflict
        }
        var problem = Problem(status, code: error.code.rawValue, detail: error.message)
        problem.retryAfter = error.retryAfter
        return problem
    }
}

extension Problem {
    static func from(_ error: LinkageError) -> Problem {
        let status: HTTPResponse.Status = switch error.code {
        case .credentialRequired, .invalidAssertion, .expiredAssertion, .replayedAssertion, .unknownAgency: .unauthorized
        // What the allow-list (the law, published at /v1/linkage/allow-list) does not permit,
        // a refusal of a linkage the law makes compulsory among it.
        case .notOnAllowList, .refusedByPerson, .notProvider, .nonDisclosureNotAllowed, .numbersNotPermitted, .notRefusable: .forbidden
        case .unknownCode, .noData, .personNotFound: .notFound
        case .invalidItem, .invalidValue, .invalidEndpoint, .endpointNotHTTPS, .endpointNotPublic, .endpointUnresolvable:
            .unprocessableContent
        case .invalidAllowList: .internalServerError
        }
        return Problem(status, code: error.code.rawValue, detail: error.message)
    }
}

extension Problem {
    static func from(_ error: ServiceError) -> Problem {
        let status: HTTPResponse.Status = switch error.kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unavailable: .serviceUnavailable
        }
        return Problem(status, code: error.code.rawValue, detail: error.message)
    }

    static func from(_ error: PortalError) -> Problem {
        let status: HTTPResponse.Status = switch error.code {
        case .invalidCode, .challengeExpired: .notFound
        // An account holder or an insurer's record that disagrees with the resident's record
        // conflicts with that record (RFC 9110 §15.5.10); the request itself is well formed.
        case .challengeUsed, .holderNameMismatch, .insuranceFactsMismatch: .conflict
        case .signatureInvalid, .certificateNotAccepted, .certificateRevoked, .sessionRequired: .unauthorized
        case .cardNotUsable, .holderNotEligible, .csrfFailed, .notApproved, .challengePurposeMismatch: .forbidden
        case .cardFaceUnavailable: .conflict
        case .tooManyAttempts: .tooManyRequests
        case .invalidAccount, .invalidInsurance, .confirmationRequired: .unprocessableContent
        case .insuranceRecordNotFound: .notFound
        }
        var problem = Problem(status, code: error.code.rawValue, detail: error.message)
        if error.code == .tooManyAttempts { problem.retryAfter = Int(CardSignIn.failureWindow / 1000) }
        return problem
    }
}
