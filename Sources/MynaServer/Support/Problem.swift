import Foundation
public import HTTPTypes
public import Hummingbird
import MynaCore

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
    /// The problem document for a module's refusal: its code, its fixed message, its
    /// `Retry-After`, and the status its kind has. Any ``CodedError`` from any module.
    init(_ error: some CodedError) {
        self.init(HTTPResponse.Status(error.kind), code: error.code.rawValue, detail: error.message)
        retryAfter = error.retryAfter
    }
}

extension HTTPResponse.Status {
    /// The one place a kind of "no" becomes an HTTP status (RFC 9110 §15).
    init(_ kind: ErrorKind) {
        self = switch kind {
        case .invalid: .unprocessableContent
        case .notFound: .notFound
        case .conflict: .conflict
        case .forbidden: .forbidden
        case .unauthorized: .unauthorized
        case .tooManyRequests: .tooManyRequests
        case .unavailable: .serviceUnavailable
        case .internal: .internalServerError
        }
    }
}
