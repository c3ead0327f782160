import Foundation
import Hummingbird
import MynaPKI
import X509

/// The public face of the CAs: their certificates and CRLs, for relying parties and for
/// anyone checking a signature (the CRL distribution points and the AIA point here).
struct PKIController {
    let publisher: RevocationPublisher
    let relyingParties: RelyingParties

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        // The verification service: registered relying parties only, each for the kind
        // of certificate its registration covers (公的個人認証法 第17条・第36条).
        book.on(routes, .post, "/v1/pki/verify") { request, context in
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
                let party = try await relyingParties.authenticate(apiKey: String(header.dropFirst("Bearer ".count)))
            else {
                throw Problem(.unauthorized, code: "relying-party-required", detail: "send a registered relying party's key (Authorization: Bearer rp_…)")
            }
            let body = try await request.decodeJSON(as: VerifyBody.self, context: context)
            func bytes(_ field: String, _ text: String?) throws -> [UInt8]? {
                guard let text else { return nil }
                guard let data = Data(base64Encoded: text), !data.isEmpty else {
                    throw Problem(.unprocessableContent, code: "invalid-field", detail: "field \"\(field)\" must be base64")
                }
                return Array(data)
            }
            let verifier = CertificateVerifier(authorities: publisher.authorities, ledger: publisher.ledger)
            let report = try await verifier.verify(
                certificateDER: try bytes("certificate", body.certificate) ?? [], data: try bytes("data", body.data),
                signature: try bytes("signature", body.signature))
            if let kind = report.kind, kind != party.role.kind {
                throw Problem(.forbidden, code: "not-registered-for-kind", detail: "this relying party is registered as \(party.role.rawValue)")
            }
            return JSONResponse(value: report)
        }
        book.on(routes, .get, "/v1/pki/ca/{file}") { _, context in
            let role = try Self.role(context, suffix: ".pem")
            let ca = publisher.authorities.all.first { $0.role == role }!
            return Self.response(Array(try ca.pemRepresentation.utf8), type: "application/x-pem-file")
        }
        // RFC 6960 Appendix A.1: POST with the DER request as the body, or GET with its
        // base64 (URL-encoded) as the last path segment; the answer is DER either way.
        book.on(routes, .post, "/v1/pki/ocsp/{role}") { request, context in
            let responder = try Self.responder(publisher, context)
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/ocsp-request") == true else {
                throw Problem(.unsupportedMediaType, code: "unsupported-media-type", detail: "send the request as application/ocsp-request")
            }
            // A body over the size the document states is refused at the HTTP level, as on
            // every other route: it is not an OCSP request to answer malformedRequest to.
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: OCSPRequest.maximumEncodedSize)
            } catch {
                throw Problem(.contentTooLarge, code: "body-too-large", detail: "an OCSP request is at most \(OCSPRequest.maximumEncodedSize) bytes")
            }
            return Self.response(await responder.respond(to: Array(body.readableBytesView)), type: "application/ocsp-response", cache: false)
        }
        book.on(routes, .get, "/v1/pki/ocsp/{role}/{request}") { _, context in
            let responder = try Self.responder(publisher, context)
            guard let encoded = context.parameters.get("request"), let request = try? OCSPRequest.fromGETPath(encoded) else {
                return Self.response(OCSPResponse.errorResponse(.malformedRequest), type: "application/ocsp-response", cache: false)
            }
            return Self.response(await responder.respond(to: request), type: "application/ocsp-response")
        }
        book.on(routes, .get, "/v1/pki/crl/{file}") { _, context in
            let role = try Self.role(context, suffix: ".crl")
            // RFC 5280 §4.2.1.13 / RFC 2585 §4.2: DER over HTTP as application/pkix-crl.
            return Self.response(try await publisher.crl(role), type: "application/pkix-crl")
        }
    }

    private static func role(_ context: some RequestContext, suffix: String) throws -> CertificateAuthority.Role {
        guard let file = context.parameters.get("file"), file.hasSuffix(suffix),
            let role = CertificateAuthority.Role(rawValue: String(file.dropLast(suffix.count)))
        else { throw Problem(.notFound, code: "not-found", detail: "no such CA file") }
        return role
    }

    private static func responder(_ publisher: RevocationPublisher, _ context: some RequestContext) throws -> OCSPResponder {
        guard let name = context.parameters.get("role"), let role = CertificateAuthority.Role(rawValue: name),
            let responder = publisher.responder(role)
        else { throw Problem(.notFound, code: "not-found", detail: "no OCSP responder by that name") }
        return responder
    }

    private static func response(_ bytes: [UInt8], type: String, cache: Bool = true) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = cache ? "public, max-age=300" : "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
