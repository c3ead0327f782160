import Foundation
import Hummingbird
import HummingbirdTesting
import MynaPKI
import MynaTestSupport
import Testing

@Suite("PKI endpoints")
struct PKIEndpointTests {
    @Test("CA certificates and CRLs are served, and OpenSSL accepts what it fetches", arguments: DatabaseKind.available)
    func caAndCRL(kind: DatabaseKind) async throws {
        try await withRouter(kind, pki: true) { _, environment, client in
            let directory = environment.directory
            for role in ["root", "signature", "authentication"] {
                let pem = try await client.execute(uri: "/v1/pki/ca/\(role).pem", method: .get)
                #expect(pem.status == .ok && pem.headers[.contentType] == "application/x-pem-file")
                try Data(pem.body.readableBytesView).write(to: directory.appendingPathComponent("\(role)-fetched.pem"))
                let crl = try await client.execute(uri: "/v1/pki/crl/\(role).crl", method: .get)
                #expect(crl.status == .ok && crl.headers[.contentType] == "application/pkix-crl")
                let crlFile = directory.appendingPathComponent("\(role).crl")
                try Data(crl.body.readableBytesView).write(to: crlFile)
                let issuer = directory.appendingPathComponent("\(role)-fetched.pem").path
                let verified = try OpenSSL.run(["crl", "-inform", "DER", "-in", crlFile.path, "-CAfile", issuer, "-noout"])
                #expect(verified.output.contains("verify OK"), "\(verified.output)")
            }
            let numbers = try await [1, 2].asyncMap { _ in
                try await client.execute(uri: "/v1/pki/crl/signature.crl", method: .get).body
            }
            #expect(numbers[0] == numbers[1])  // cached until due or revoked
            for bad in ["/v1/pki/ca/other.pem", "/v1/pki/crl/signature.pem", "/v1/pki/crl/..%2F..%2Fkeys.crl"] {
                #expect(try await client.execute(uri: bad, method: .get).status == .notFound, "\(bad)")
            }
        }
    }
}

extension Array {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
