import Foundation
import Hummingbird
import MynaAudit
import MynaLinkage
import MynaRegistry

/// The transparency log, in the HTTP shape of RFC 6962 §4 (so CT-style verifiers can
/// audit it) under `/v1/log/`, and the evidence a person or oversight needs to check one
/// record against a signed tree head without trusting Myna.
struct LogController {
    let log: TransparencyLog
    let linkage: LinkageHub?

    func register(public routes: RouterGroup<MynaRequestContext>, staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(routes, .get, "/v1/log/public-key") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-pem-file"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: log.publicKeyPEM + "\n")))
        }
        // RFC 6962 §4.3.
        book.on(routes, .get, "/v1/log/get-sth") { _, _ in
            guard let head = try await log.latestHead() else { throw Problem(.notFound, code: "no-tree-head", detail: "the log has not signed a head yet") }
            return JSONResponse(value: head)
        }
        // RFC 6962 §4.4.
        book.on(routes, .get, "/v1/log/get-sth-consistency") { request, _ in
            let first = try request.integerQuery(required: "first", in: 0...Int.max)
            let second = try request.integerQuery(required: "second", in: 0...Int.max)
            let proof = try await Self.inRange { try await log.consistencyProof(first: first, second: second) }
            return JSONResponse(value: ConsistencyView(consistency: proof.map { Data($0).base64EncodedString() }))
        }
        // RFC 6962 §4.5.
        book.on(routes, .get, "/v1/log/get-proof-by-hash") { request, _ in
            guard let text = request.uri.queryParameters.get("hash"), let hash = Data(base64Encoded: String(text)), hash.count == 32 else {
                throw Problem(.badRequest, code: "invalid-query", detail: "hash is a base64 SHA-256 leaf hash")
            }
            let size = try request.integerQuery(required: "tree_size", in: 0...Int.max)
            let (index, path) = try await Self.inRange { try await log.inclusionProof(leafHash: Array(hash), treeSize: size) }
            return JSONResponse(value: AuditPathView(leaf_index: index, audit_path: path.map { Data($0).base64EncodedString() }))
        }
        // RFC 6962 §4.6. Entries are commitments; extra_data is empty, as the log must
        // reveal nothing about anyone.
        book.on(routes, .get, "/v1/log/get-entries") { request, _ in
            let start = try request.integerQuery(required: "start", in: 0...Int.max)
            let end = try request.integerQuery(required: "end", in: 0...Int.max)
            let entries = try await Self.inRange { try await log.entries(start: start, end: end) }
            return JSONResponse(value: EntriesView(entries: entries.map { EntryView(leaf_input: Data($0).base64EncodedString(), extra_data: "") }))
        }

        // What a person (or oversight) checks one provision record with: the record's
        // canonical bytes, its salt, its leaf and audit path, and the signed head.
        book.on(staff, .get, "/v1/residents/{id}/provision-records/{record}/evidence") { _, context in
            guard let linkage else { throw Problem(.notFound, code: "not-found", detail: "no such resource") }
            let (id, purpose) = try context.residentInProcedureOrAudit()
            return JSONResponse(value: try await Self.evidence(
                of: context.parameters.get("record"), for: id, linkage: linkage, log: log, readBy: (context.session.actor, purpose)))
        }
    }

    /// The evidence of one of the person's provision records (for the counter and the
    /// portal). A reader other than the person is recorded with the read.
    static func evidence(
        of recordParameter: String?, for residentID: String, linkage: LinkageHub, log: TransparencyLog,
        readBy reader: (actor: RegistryActor, purpose: String)? = nil
    ) async throws -> EvidenceView {
        guard let recordID = recordParameter.flatMap(Int.init), let record = try await linkage.record(recordID, of: residentID, readBy: reader)
        else { throw Problem(.notFound, code: "record-not-found", detail: "no such provision record for this person") }
        guard let leaf = try await log.leaf(kind: ProvisionRecords.logKind, recordID: recordID), let head = try await log.latestHead(),
            leaf.leafIndex < Int(head.treeSize)
        else { throw Problem(.notFound, code: "not-yet-logged", detail: "the record is not yet in a signed tree head; try again in a second") }
        let (_, path) = try await log.inclusionProof(leafHash: MerkleHash.leaf(leaf.commitment), treeSize: Int(head.treeSize))
        return EvidenceView(
            kind: ProvisionRecords.logKind, record: String(decoding: record.canonicalBytes, as: UTF8.self),
            salt: Data(record.salt).base64EncodedString(), leafIndex: leaf.leafIndex,
            auditPath: path.map { Data($0).base64EncodedString() }, treeHead: head)
    }

    /// RFC 6962 §4 answers a client's error with a 4xx. A size or leaf past the tree is
    /// "nothing there" (404), as for any other resource that does not exist (yet: a
    /// monitor a little ahead of the newest head asks again). A range that ends before it
    /// starts is the one rule on these parameters that OpenAPI cannot state (it compares
    /// two of them), so it is a 400 of its own (scripts/contract/schemathesis.toml).
    private static func inRange<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch LogError.outOfRange {
            throw Problem(.notFound, code: "out-of-range", detail: "the log has no such entry or size")
        } catch LogError.reversedRange {
            throw Problem(.badRequest, code: "reversed-range", detail: "the range ends before it starts")
        }
    }
}

struct ConsistencyView: Encodable, Sendable {
    let consistency: [String]
}

struct AuditPathView: Encodable, Sendable {
    let leaf_index: Int
    let audit_path: [String]
}

struct EntryView: Encodable, Sendable {
    let leaf_input: String
    let extra_data: String
}

struct EntriesView: Encodable, Sendable {
    let entries: [EntryView]
}

/// Everything needed to check one record against the log offline (`myna log verify`).
struct EvidenceView: Encodable, Sendable {
    let kind: String
    /// The record's canonical bytes (UTF-8 JSON).
    let record: String
    let salt: String
    let leafIndex: Int
    let auditPath: [String]
    let treeHead: SignedTreeHead
}
