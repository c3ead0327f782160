import Foundation
import Hummingbird
import MynaCore

/// A request body type with the exact set of fields it accepts. Unknown fields are an
/// error rather than silently ignored, so a client's typo (`adress`) never turns into
/// "nothing changed" — the request fails and says which field is wrong.
protocol RequestBody: Decodable {
    static var fields: Set<String> { get }
    /// The allowed fields of nested objects, by the name of the field holding them.
    static var nestedFields: [String: Set<String>] { get }
    /// The fields that may be `null` (the same as absent), as openapi.json types them
    /// (`["string", "null"]`). Any other field sent as `null` is refused: a decoder takes
    /// `null` for an optional field as absent, which the document does not allow.
    static var nullableFields: Set<String> { get }
}

extension RequestBody {
    static var nestedFields: [String: Set<String>] { [:] }
    static var nullableFields: Set<String> { [] }
}

extension Request {
    /// Decodes a JSON body strictly: `application/json` only, at most the context's
    /// upload size, an object with known fields only, every value of the right type.
    /// Error details name fields, never values.
    func decodeJSON<Body: RequestBody>(as type: Body.Type, context: some RequestContext) async throws -> Body {
        try Self.decodeJSON(as: type, from: try await collectJSON(context: context))
    }

    /// The raw bytes of a JSON body (`application/json`, at most the context's upload
    /// size), for handlers that must see exactly what was sent — a signed request's hash.
    func collectJSON(context: some RequestContext) async throws -> Data {
        guard let contentType = headers[.contentType], contentType.lowercased().hasPrefix("application/json") else {
            throw Problem(.unsupportedMediaType, code: "unsupported-media-type", detail: "send the body as application/json")
        }
        do {
            return Data(try await body.collect(upTo: context.maxUploadSize).readableBytesView)
        } catch {
            throw Problem(.contentTooLarge, code: "body-too-large", detail: "the body is larger than \(context.maxUploadSize) bytes")
        }
    }

    /// Decodes collected bytes with the same strict rules.
    static func decodeJSON<Body: RequestBody>(as type: Body.Type, from data: Data) throws -> Body {
        guard let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            throw Problem(.badRequest, code: "malformed-json", detail: "the body is not valid JSON")
        }
        guard let fields = object as? [String: Any] else {
            throw Problem(.badRequest, code: "malformed-json", detail: "the body must be a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !Body.fields.contains($0) }) {
            throw Problem(.badRequest, code: "unknown-field", detail: "unknown field \"\(unknown.prefix(40))\"")
        }
        if let null = fields.keys.sorted().first(where: { fields[$0] is NSNull && !Body.nullableFields.contains($0) }) {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "field \"\(null)\" must not be null")
        }
        // No text Myna keeps may hold U+0000, and PostgreSQL's text type cannot store it
        // (on SQLite it went through): refused here, for every body, on both databases.
        if let field = Self.fieldHoldingNUL(fields) {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "field \"\(field.prefix(40))\" contains the character U+0000")
        }
        for (name, allowed) in Body.nestedFields {
            guard let nested = fields[name] as? [String: Any] else { continue }
            if let unknown = nested.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw Problem(.badRequest, code: "unknown-field", detail: "unknown field \"\(name).\(unknown.prefix(40))\"")
            }
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: Self.describe(error))
        }
    }

    /// The path of the first string (key or value) in a parsed body that holds U+0000.
    private static func fieldHoldingNUL(_ value: Any, at path: String = "") -> String? {
        switch value {
        case let text as String:
            return text.unicodeScalars.contains("\u{0}") ? (path.isEmpty ? "body" : path) : nil
        case let object as [String: Any]:
            for (key, nested) in object.sorted(by: { $0.key < $1.key }) {
                let keyPath = path.isEmpty ? key : path + "." + key
                if key.unicodeScalars.contains("\u{0}") { return path.isEmpty ? "body" : path }
                if let found = fieldHoldingNUL(nested, at: keyPath) { return found }
            }
            return nil
        case let array as [Any]:
            for (index, nested) in array.enumerated() {
                if let found = fieldHoldingNUL(nested, at: "\(path)[\(index)]") { return found }
            }
            return nil
        default:
            return nil
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \"\(path(context.codingPath + [key]))\""
        case .valueNotFound(_, let context): return "field \"\(path(context.codingPath))\" must not be null"
        case .typeMismatch(_, let context): return "field \"\(path(context.codingPath))\" has the wrong type"
        case .dataCorrupted(let context):
            // Myna's own value types describe the rule that failed without echoing input
            // (IdentifierError, FactError); Foundation's messages may quote the value, so
            // they are replaced by a generic one.
            let reason = context.underlyingError == nil && context.debugDescription.hasPrefix(safeReasonMarker)
                ? String(context.debugDescription.dropFirst(safeReasonMarker.count)) : "has a value that is not allowed"
            return "field \"\(path(context.codingPath))\" \(reason)"
        @unknown default: return "the body does not match the schema"
        }
    }
}

/// Encodes responses as JSON with ISO 8601 dates and stable key order.
struct JSONResponse<Value: Encodable & Sendable>: ResponseGenerator {
    var status: HTTPResponse.Status = .ok
    let value: Value

    /// The API's JSON: sorted keys, dates in ISO 8601 with milliseconds, UTC.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).format(date))
        }
        return encoder
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = Self.encoder()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
