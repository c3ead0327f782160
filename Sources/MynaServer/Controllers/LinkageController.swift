import Foundation
import Hummingbird
import MynaCore
import MynaLinkage
import MynaRegistry

/// The linkage network's API: agencies (each request signed with the agency's key, see
/// ``RequestAssertion``) acquire codes, register their copies and query through the hub;
/// the counter shows a person's provision records and records their refusals; the
/// allow-list is public, as the law is.
struct LinkageController {
    let hub: LinkageHub

    func register(public routes: RouterGroup<MynaRequestContext>, staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(routes, .get, "/v1/linkage/allow-list") { _, _ in
            JSONResponse(value: AllowListView(version: hub.allowList.version, effectiveOn: hub.allowList.effectiveOn, rows: hub.allowList.rows))
        }
        book.on(routes, .post, "/v1/linkage/codes") { request, context in
            let (agency, data) = try await hub.agencies.authenticate(request, context)
            let body = try Request.decodeJSON(as: CodeAcquisitionBody.self, from: data)
            return JSONResponse(status: .created, value: CodeView(code: try await hub.acquireCode(for: body.individualNumber, by: agency)))
        }
        book.on(routes, .post, "/v1/linkage/items") { request, context in
            let (agency, data) = try await hub.agencies.authenticate(request, context)
            let body = try Request.decodeJSON(as: ItemBody.self, from: data)
            guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], let value = object["value"] as? [String: Any] else {
                throw Problem(.unprocessableContent, code: "invalid-field", detail: "field \"value\" must be a JSON object")
            }
            let bytes = Array(try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]))
            let version = try await hub.register(item: body.item, value: bytes, code: body.code, by: agency)
            return JSONResponse(value: ItemVersionView(item: body.item.rawValue, version: version))
        }
        book.on(routes, .post, "/v1/linkage/queries") { request, context in
            let (agency, data) = try await hub.agencies.authenticate(request, context)
            let body = try Request.decodeJSON(as: QueryBody.self, from: data)
            do {
                let answer = try await hub.query(code: body.code, item: body.item, task: body.task, withholdDays: body.withholdDays, by: agency)
                RegistryMetrics.linkageExchange("provided")
                return JSONResponse(value: AnswerView(answer))
            } catch let error as LinkageError {
                RegistryMetrics.linkageExchange(error.code.rawValue)
                throw error
            }
        }
        book.on(routes, .post, "/v1/linkage/subscriptions") { request, context in
            let (agency, data) = try await hub.agencies.authenticate(request, context)
            let body = try Request.decodeJSON(as: SubscriptionBody.self, from: data)
            guard let push = try await hub.subscribe(to: body.item, endpoint: body.endpoint, by: agency) else {
                return Response(status: .noContent)
            }
            return try JSONResponse(status: .created, value: SubscriptionView(
                item: body.item.rawValue, endpoint: push.url.absoluteString, secret: Data(push.secret).base64EncodedString())
            ).response(from: request, context: context)
        }
        // The outbox, pulled: notices stay pending until acknowledged, and keep their
        // idempotency key on every redelivery.
        book.on(routes, .get, "/v1/linkage/notices") { request, context in
            let (agency, _) = try await hub.agencies.authenticate(request, context, body: false)
            return JSONResponse(value: NoticesView(notices: try await hub.pendingNotices(for: agency).map(NoticeView.init)))
        }
        book.on(routes, .post, "/v1/linkage/notices/ack") { request, context in
            let (agency, data) = try await hub.agencies.authenticate(request, context)
            let body = try Request.decodeJSON(as: AckBody.self, from: data)
            return JSONResponse(value: AckView(acknowledged: try await hub.acknowledge(body.idempotencyKeys, for: agency)))
        }
        book.on(routes, .get, "/v1/linkage/records") { request, context in
            let (agency, _) = try await hub.agencies.authenticate(request, context, body: false)
            return JSONResponse(value: AgencyRecordsView(
                agencyId: agency.id, records: try await hub.records(of: agency).map(AgencyRecordView.init)))
        }

        book.on(staff, .get, "/v1/residents/{id}/provision-records") { _, context in
            let (id, purpose) = try context.residentInProcedureOrAudit()
            return JSONResponse(value: ProvisionRecordsView(
                residentId: id, records: try await hub.records(of: id, by: context.session.actor, purpose: purpose).map(ProvisionRecordView.init)))
        }
        book.on(staff, .get, "/v1/residents/{id}/linkage-refusals") { _, context in
            let (id, purpose) = try context.residentInProcedureOrAudit()
            return JSONResponse(value: RefusalsView(
                residentId: id, refusable: hub.allowList.refusableItems.map(\.rawValue).sorted(),
                refusals: try await hub.refusals(of: id, by: context.session.actor, purpose: purpose).map { RefusalView(item: $0.item.rawValue, refusedAt: $0.refusedAt, recordedBy: $0.recordedBy) }))
        }
        book.on(staff, .post, "/v1/residents/{id}/linkage-refusals") { request, context in
            try context.require(.changeResident)
            let id = try context.residentInProcedure().id
            let body = try await request.decodeJSON(as: RefusalBody.self, context: context)
            try await hub.refuse(body.item, for: id, by: context.session.actor)
            return Response(status: .noContent)
        }
        book.on(staff, .delete, "/v1/residents/{id}/linkage-refusals/{item}") { _, context in
            try context.require(.changeResident)
            let id = try context.residentInProcedure().id
            guard let item = context.parameters.get("item").flatMap(DataItem.init(rawValue:)) else {
                throw Problem(.notFound, code: "invalid-item", detail: "no such data item")
            }
            try await hub.withdrawRefusal(item, for: id, by: context.session.actor)
            return Response(status: .noContent)
        }
    }

    /// The agency whose key signed this request, and the body it signed.
}

// MARK: Bodies

struct CodeAcquisitionBody: RequestBody {
    static let fields: Set<String> = ["individualNumber"]
    let individualNumber: IndividualNumber
}

struct ItemBody: RequestBody {
    static let fields: Set<String> = ["code", "item", "value"]
    let code: String
    let item: DataItem
}

struct QueryBody: RequestBody {
    static let fields: Set<String> = ["code", "item", "task", "withholdDays"]
    let code: String
    let item: String
    let task: String
    let withholdDays: Int?
}

struct AckBody: RequestBody {
    static let fields: Set<String> = ["idempotencyKeys"]
    let idempotencyKeys: [String]
}

struct NoticeView: Encodable, Sendable {
    let idempotencyKey: String
    let code: String
    let item: String
    let providerId: String
    let version: Int
    let createdAt: Date
    let attempts: Int

    init(_ notice: Notice) {
        idempotencyKey = notice.idempotencyKey
        code = notice.code
        item = notice.item.rawValue
        providerId = notice.providerID
        version = notice.version
        createdAt = notice.createdAt
        attempts = notice.attempts
    }
}

struct NoticesView: Encodable, Sendable {
    let notices: [NoticeView]
}

struct AckView: Encodable, Sendable {
    let acknowledged: Int
}

struct SubscriptionBody: RequestBody {
    static let fields: Set<String> = ["item", "endpoint"]
    let item: DataItem
    let endpoint: String?
}

/// A subscription with an endpoint: the secret that verifies its pushes, shown this once.
struct SubscriptionView: Encodable, Sendable {
    let item: String
    let endpoint: String
    let secret: String
}

/// A body naming one data item (a refusal).
struct RefusalBody: RequestBody {
    static let fields: Set<String> = ["item"]
    let item: DataItem
}

// MARK: Views

struct AllowListView: Encodable, Sendable {
    let version: Int
    let effectiveOn: String
    let rows: [AllowListRow]
}

struct CodeView: Encodable, Sendable {
    let code: String
}

struct ItemVersionView: Encodable, Sendable {
    let item: String
    let version: Int
}

struct AgencyView: Encodable, Sendable {
    let id: String
    let name: String
    let type: String
    let municipalityCode: String?

    init(_ agency: Agency) {
        id = agency.id
        name = agency.name
        type = agency.type.rawValue
        municipalityCode = agency.municipality?.digits
    }
}

/// The answer to a query. `value` is the provider's JSON object as registered.
struct AnswerView: Encodable, Sendable {
    let recordId: Int
    let item: String
    let value: RawJSON
    let provider: AgencyView
    let legalBasis: String
    let providedAt: Date
    let updatedAt: Date

    init(_ answer: LinkageHub.Answer) {
        recordId = answer.recordID
        item = answer.item.rawValue
        value = RawJSON(text: answer.value)
        provider = AgencyView(answer.provider)
        legalBasis = answer.legalBasis
        providedAt = answer.providedAt
        updatedAt = answer.updatedAt
    }
}

/// JSON stored as text, encoded as the object it is.
struct RawJSON: Encodable, Sendable {
    let text: String

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(JSONValue(parsing: text))
    }
}

/// Any JSON value, for passing provider data through unchanged.
indirect enum JSONValue: Codable, Sendable {
    case object([String: JSONValue]), array([JSONValue]), string(String), integer(Int64), number(Double), bool(Bool), null

    init(parsing text: String) {
        self = (try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))) ?? .null
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
        else if let integer = try? container.decode(Int64.self) { self = .integer(integer) }
        else if let number = try? container.decode(Double.self) { self = .number(number) }
        else if let string = try? container.decode(String.self) { self = .string(string) }
        else if let array = try? container.decode([JSONValue].self) { self = .array(array) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .object(let object): try container.encode(object)
        case .array(let array): try container.encode(array)
        case .string(let string): try container.encode(string)
        case .integer(let integer): try container.encode(integer)
        case .number(let number): try container.encode(number)
        case .bool(let bool): try container.encode(bool)
        case .null: try container.encodeNil()
        }
    }
}

struct ProvisionRecordView: Encodable, Sendable {
    let id: Int
    let requesterId: String
    let providerId: String?
    let item: String
    let task: String
    let legalBasis: String?
    let requestedAt: Date
    let providedAt: Date?
    let outcome: String

    init(_ record: ProvisionRecord) {
        id = record.id
        requesterId = record.requesterID
        providerId = record.providerID
        item = record.item
        task = record.task
        legalBasis = record.legalBasis
        requestedAt = record.requestedAt
        providedAt = record.providedAt
        outcome = record.outcome
    }
}

struct ProvisionRecordsView: Encodable, Sendable {
    let residentId: String
    let records: [ProvisionRecordView]
}

/// An agency's view of a record: the person appears only as this agency's own code.
struct AgencyRecordView: Encodable, Sendable {
    let id: Int
    let role: String
    let code: String?
    let requesterId: String
    let providerId: String?
    let item: String
    let task: String
    let requestedAt: Date
    let providedAt: Date?
    let outcome: String

    init(_ entry: (record: ProvisionRecord, code: String?, role: String)) {
        id = entry.record.id
        role = entry.role
        code = entry.code
        requesterId = entry.record.requesterID
        providerId = entry.record.providerID
        item = entry.record.item
        task = entry.record.task
        requestedAt = entry.record.requestedAt
        providedAt = entry.record.providedAt
        outcome = entry.record.outcome
    }
}

struct AgencyRecordsView: Encodable, Sendable {
    let agencyId: String
    let records: [AgencyRecordView]
}

struct RefusalView: Encodable, Sendable {
    let item: String
    let refusedAt: Date
    let recordedBy: String
}

struct RefusalsView: Encodable, Sendable {
    let residentId: String
    let refusable: [String]
    let refusals: [RefusalView]
}
