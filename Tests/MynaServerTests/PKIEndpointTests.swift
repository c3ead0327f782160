import Foundation
import Hummingbird
import HummingbirdTesting
import MynaPKI
import MynaServer
import NIOCore
import SwiftASN1
import X509
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

@Suite("OCSP responder over HTTP")
struct OCSPEndpointTests {
    @Test("openssl's requests get answers openssl verifies: good, then revoked", arguments: DatabaseKind.available)
    func goodThenRevoked(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let publisher = try makePublisher(environment)
            let app = buildApplication(system: try await makeTestSystem(registry, environment, pki: publisher), configuration: .testing(), logger: testLogger)
            let directory = environment.directory
            @Sendable func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
            let authorities = publisher.authorities
            try Data(try authorities.root.pemRepresentation.utf8).write(to: URL(fileURLWithPath: path("root.pem")))
            try Data(try authorities.authentication.pemRepresentation.utf8).write(to: URL(fileURLWithPath: path("issuer.pem")))
            let (_, certificate) = try await issueAuthenticationCertificate(publisher, environment)
            try Data(try certificate.serializeAsPEM().pemString.utf8).write(to: URL(fileURLWithPath: path("leaf.pem")))

            try await app.test(.router) { client in
                func ask() async throws -> String {
                    let made = try OpenSSL.run(["ocsp", "-issuer", path("issuer.pem"), "-cert", path("leaf.pem"), "-no_nonce", "-reqout", path("req.der")])
                    #expect(made.status == 0, "\(made.output)")
                    var headers = HTTPFields()
                    headers[.contentType] = "application/ocsp-request"
                    let response = try await client.execute(
                        uri: "/v1/pki/ocsp/authentication", method: .post, headers: headers,
                        body: ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path("req.der")))))
                    #expect(response.headers[.contentType] == "application/ocsp-response")
                    try Data(response.body.readableBytesView).write(to: URL(fileURLWithPath: path("resp.der")))
                    return try OpenSSL.run([
                        "ocsp", "-respin", path("resp.der"), "-issuer", path("issuer.pem"), "-cert", path("leaf.pem"),
                        "-CAfile", path("root.pem"), "-verify_other", path("issuer.pem"), "-no_nonce",
                    ]).output
                }
                let good = try await ask()
                #expect(good.contains("Response verify OK") && good.contains("leaf.pem: good"), "\(good)")
                #expect(try await publisher.revoke(serial: Array(certificate.serialNumber.bytes), role: .authentication, reason: .keyCompromise))
                let revoked = try await ask()
                #expect(revoked.contains("Response verify OK") && revoked.contains("leaf.pem: revoked") && revoked.contains("keyCompromise"), "\(revoked)")

                // The GET form answers the same.
                let request = try Data(contentsOf: URL(fileURLWithPath: path("req.der"))).base64EncodedString()
                    .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                let viaGet = try await client.execute(uri: "/v1/pki/ocsp/authentication/\(request)", method: .get)
                let parsed = try OCSPResponse(derEncoded: Array(viaGet.body.readableBytesView))
                #expect(parsed.status == .successful)
                if case .revoked = parsed.basicResponse?.responses.first?.status {} else { Issue.record("GET did not say revoked") }

                // Garbage is malformedRequest; another CA's certificate is unauthorized; no root responder.
                var headers = HTTPFields()
                headers[.contentType] = "application/ocsp-request"
                let garbage = try await client.execute(uri: "/v1/pki/ocsp/authentication", method: .post, headers: headers, body: ByteBuffer(bytes: [0x30, 0x03, 1, 2]))
                #expect(try OCSPResponse(derEncoded: Array(garbage.body.readableBytesView)).status == .malformedRequest)
                let foreign = try await client.execute(
                    uri: "/v1/pki/ocsp/signature", method: .post, headers: headers,
                    body: ByteBuffer(bytes: try Data(contentsOf: URL(fileURLWithPath: path("req.der")))))
                #expect(try OCSPResponse(derEncoded: Array(foreign.body.readableBytesView)).status == .unauthorized)
                #expect(try await client.execute(uri: "/v1/pki/ocsp/root", method: .post, headers: headers, body: ByteBuffer(bytes: [0])).status == .notFound)
                #expect(try await client.execute(uri: "/v1/pki/ocsp/authentication", method: .post, body: ByteBuffer(bytes: [0])).status == .unsupportedMediaType)
                // Over the document's maxLength (16 KiB): refused like any body too large, not answered.
                let tooLarge = try await client.execute(
                    uri: "/v1/pki/ocsp/authentication", method: .post, headers: headers, body: ByteBuffer(bytes: [UInt8](repeating: 0x30, count: 16 * 1024 + 1)))
                let problem = try JSONSerialization.jsonObject(with: Data(tooLarge.body.readableBytesView)) as? [String: Any]
                #expect(tooLarge.status == .contentTooLarge && problem?["code"] as? String == "body-too-large")
            }
        }
    }
}

@Suite("Verification endpoint")
struct VerifyEndpointTests {
    @Test("registered parties verify their kind of certificate; others are refused", arguments: DatabaseKind.available)
    func verify(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let publisher = try makePublisher(environment)
            let app = buildApplication(system: try await makeTestSystem(registry, environment, pki: publisher), configuration: .testing(), logger: testLogger)
            let parties = RelyingParties(database: environment.database)
            let (_, authKey) = try await parties.register(name: "みらい銀行", role: .authenticationVerifier)
            let (_, signatureKey) = try await parties.register(name: "電子契約サービス", role: .signatureVerifier)
            let (card, certificate) = try await issueAuthenticationCertificate(publisher, environment)
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            let challenge = Array("nonce-from-the-bank".utf8)
            let body: [String: String] = [
                "certificate": Data(serializer.serializedBytes).base64EncodedString(),
                "data": Data(challenge).base64EncodedString(), "signature": Data(try card.sign(challenge)).base64EncodedString(),
            ]
            try await app.test(.router) { client in
                var bank = API(client: client)
                bank.token = authKey
                let (status, report) = try await bank.call(.post, "/v1/pki/verify", json: body)
                #expect(status == .ok && report["chainValid"] as? Bool == true && report["revocation"] as? String == "good")
                #expect(report["signatureValid"] as? Bool == true && (report["problems"] as? [String])?.isEmpty == true)

                var notary = API(client: client)
                notary.token = signatureKey
                #expect(try await notary.call(.post, "/v1/pki/verify", json: body).1["code"] as? String == "not-registered-for-kind")
                #expect(try await API(client: client).call(.post, "/v1/pki/verify", json: body).1["code"] as? String == "relying-party-required")
                var stranger = API(client: client)
                stranger.token = "rp_not-a-key"
                #expect(try await stranger.call(.post, "/v1/pki/verify", json: body).0 == .unauthorized)
                #expect(try await bank.call(.post, "/v1/pki/verify", json: ["certificate": "***"]).1["code"] as? String == "invalid-field")

                _ = try await publisher.revoke(serial: Array(certificate.serialNumber.bytes), role: .authentication, reason: .keyCompromise)
                let (_, revoked) = try await bank.call(.post, "/v1/pki/verify", json: body)
                #expect(revoked["revocation"] as? String == "revoked")
            }
        }
    }
}

/// A card key and an authentication certificate for it, issued through the ledger.
func issueAuthenticationCertificate(_ publisher: RevocationPublisher, _ environment: TestEnvironment) async throws -> (FileSigner, Certificate) {
    let card = try FileSigner.create(at: environment.directory.appendingPathComponent("card-\(UUID().uuidString).key"))
    let now = Date()
    let certificate = try await CertificateIssuer(authorities: publisher.authorities).issue(
        CertificateRequest(kind: .authentication, subjectPublicKey: card.publicKey, facts: nil, notBefore: now.addingTimeInterval(-60),
                           notAfter: now.addingTimeInterval(86_400 * 365), commonName: "2026112200000000001131016"),
        ledger: publisher.ledger)
    return (card, certificate)
}
