import Foundation
import Hummingbird
import MynaPKI
import X509

/// The public face of the CAs: their certificates and CRLs, for relying parties and for
/// anyone checking a signature (the CRL distribution points and the AIA point here).
struct PKIController {
    let publisher: RevocationPublisher

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .get, "/v1/pki/ca/{file}") { _, context in
            let role = try Self.role(context, suffix: ".pem")
            let ca = publisher.authorities.all.first { $0.role == role }!
            return Self.response(Array(try ca.pemRepresentation.utf8), type: "application/x-pem-file")
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

    private static func response(_ bytes: [UInt8], type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "public, max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
