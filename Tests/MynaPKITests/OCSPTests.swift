import Foundation
import MynaPKI
import MynaTestSupport
import SwiftASN1
import Testing
import X509

/// OCSP (RFC 6960): OpenSSL writes the requests Myna must read and judges the
/// responses Myna signs (`openssl ocsp`, Debian OpenSSL 3).
@Suite("OCSP (RFC 6960)") struct OCSPTests {
    // MARK: Requests from OpenSSL

    enum RequestKind: String, CaseIterable, Sendable {
        case sha1WithNonce, sha1NoNonce, sha256WithNonce

        var arguments: [String] {
            switch self {
            case .sha1WithNonce: []
            case .sha1NoNonce: ["-no_nonce"]
            // The digest option must come before -cert (OpenSSL: "Digest must be before -cert").
            case .sha256WithNonce: ["-sha256"]
            }
        }

        var hash: OCSPCertID.HashAlgorithm { self == .sha256WithNonce ? .sha256 : .sha1 }
    }

    @Test(arguments: RequestKind.allCases)
    func readsTheRequestOpenSSLWrites(kind: RequestKind) throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let requestDER = try pki.opensslRequest(kind.arguments)

        let request = try OCSPRequest(derEncoded: requestDER)
        #expect(request.version == 0)
        #expect(request.requestorName == nil)
        #expect(request.signature == nil)
        #expect(request.certIDs == [pki.leafCertID(kind.hash)])
        #expect(request.certIDs[0].certificateSerialNumber == pki.leaf.serialNumber)
        #expect(request.certIDs[0].hasSameIssuer(as: pki.leafCertID(kind.hash)))

        // OpenSSL's own reading of the same request names the same nonce octets.
        let text = try OpenSSL.run(["ocsp", "-reqin", pki.path("req.der"), "-req_text"])
        #expect(text.status == 0, "\(text.output)")
        if kind == .sha1NoNonce {
            #expect(request.nonce == nil)
            #expect(request.nonceValue == nil)
            #expect(!text.output.contains("OCSP Nonce"))
        } else {
            let nonce = try #require(request.nonce)
            // RFC 8954: extnValue holds OCTET STRING (16 random octets) from openssl.
            #expect(nonce.count == 18 && nonce.prefix(2) == [0x04, 0x10])
            #expect(request.nonceValue == Array(nonce.dropFirst(2)))
            #expect(text.output.contains(hex(nonce).uppercased()), "\(text.output)")
        }
    }

    @Test func readsASignedRequestWithItsRequestorName() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        // -signer signs the request and names the signer's subject as requestorName.
        let der = try pki.opensslRequest(["-signer", pki.path("leaf.pem"), "-signkey", pki.path("leaf.key")])
        let request = try OCSPRequest(derEncoded: der)
        #expect(request.requestorName == .directoryName(pki.leaf.subject))
        let signature = try #require(request.signature)
        #expect(signature.algorithm == [1, 2, 840, 113_549, 1, 1, 11])  // sha256WithRSAEncryption
        #expect(signature.certificates == [pki.leaf])
        #expect(!signature.signature.isEmpty)
        #expect(request.certIDs == [pki.leafCertID(.sha1)])
        #expect(request.nonce != nil)
        // Every truncation of a signed request is refused as well.
        for length in stride(from: 0, to: der.count, by: 7) {
            #expect(throws: OCSPError.self) { try OCSPRequest(derEncoded: Array(der.prefix(length))) }
        }
    }

    /// A request captured from `openssl ocsp -issuer ca.pem -cert leaf.pem -reqout req.der`
    /// for serial 0x8A0102030405 (top bit set, so its INTEGER has a leading 00), read by
    /// `openssl ocsp -reqin req.der -req_text` as:
    ///
    ///     Hash Algorithm: sha1
    ///     Issuer Name Hash: 5349B66CE79040F1D18AA21C784C32C0D11DDBAA
    ///     Issuer Key Hash: 2FC7D604897F07B444DE956B1D612743F791109E
    ///     Serial Number: 8A0102030405
    ///     OCSP Nonce: 0410059C80F4C1BB3F06DF5CC6F0B43BE299
    static let capturedRequest = Self.bytes(
        hex: "306d306b304430423040300906052b0e03021a050004145349b66ce79040f1d18aa21c784c32c0d11ddbaa"
            + "04142fc7d604897f07b444de956b1d612743f791109e0207008a0102030405a2233021301f06092b0601"
            + "05050730010204120410059c80f4c1bb3f06df5cc6f0b43be299")

    @Test func parsesTheCommittedRequestVector() throws {
        let request = try OCSPRequest(derEncoded: Self.capturedRequest)
        #expect(request.requests.count == 1)
        let certID = request.certIDs[0]
        #expect(certID.hashAlgorithm == .sha1)
        #expect(hex(certID.issuerNameHash) == "5349b66ce79040f1d18aa21c784c32c0d11ddbaa")
        #expect(hex(certID.issuerKeyHash) == "2fc7d604897f07b444de956b1d612743f791109e")
        #expect(certID.serialNumber == [0x00, 0x8A, 0x01, 0x02, 0x03, 0x04, 0x05])
        #expect(certID.certificateSerialNumber == Certificate.SerialNumber(bytes: [0x8A, 0x01, 0x02, 0x03, 0x04, 0x05]))
        #expect(request.nonce.map(hex) == "0410059c80f4c1bb3f06df5cc6f0b43be299")
        #expect(request.nonceValue.map(hex) == "059c80f4c1bb3f06df5cc6f0b43be299")
        #expect(request.requests[0].extensions.isEmpty)
        #expect(request.extensions.count == 1 && request.extensions[0].critical == false)

        // The same CertID from its parts: a redundant leading zero octet in the serial is dropped.
        let rebuilt = OCSPCertID(
            hashAlgorithm: .sha1, issuerNameHash: certID.issuerNameHash, issuerKeyHash: certID.issuerKeyHash,
            serialNumber: [0x00, 0x00, 0x8A, 0x01, 0x02, 0x03, 0x04, 0x05])
        #expect(rebuilt.serialNumber == certID.serialNumber)
        #expect(rebuilt == certID)
        #expect(Set([certID, rebuilt]).count == 1)
    }

    // MARK: Responses judged by OpenSSL

    enum StatusCase: String, CaseIterable, Sendable {
        case good, revoked, unknown
    }

    @Test(arguments: StatusCase.allCases)
    func openSSLAcceptsTheSignedResponse(statusCase: StatusCase) throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let request = try OCSPRequest(derEncoded: pki.opensslRequest(["-no_nonce"]))
        let now = Date()
        let revokedAt = now.addingTimeInterval(-3600)
        let status: OCSPCertStatus =
            switch statusCase {
            case .good: .good
            case .revoked: .revoked(at: revokedAt, reason: 1)  // keyCompromise
            case .unknown: .unknown
            }
        let single = OCSPSingleResponse(
            certID: request.certIDs[0], status: status, thisUpdate: now, nextUpdate: now.addingTimeInterval(86_400))
        let der = try OCSPResponse.signedResponse(
            responses: [single], producedAt: now, nonce: nil, signer: pki.caSigner)
        try pki.write(der, to: "resp.der")

        let check = try OpenSSL.run([
            "ocsp", "-respin", pki.path("resp.der"), "-issuer", pki.path("ca.pem"), "-cert", pki.path("leaf.pem"),
            "-CAfile", pki.path("ca.pem"), "-no_nonce",
        ])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("Response verify OK"), "\(check.output)")
        #expect(check.output.contains("\(pki.path("leaf.pem")): \(statusCase.rawValue)"), "\(check.output)")
        #expect(!check.output.contains("WARNING"), "\(check.output)")
        if statusCase == .revoked {
            #expect(check.output.contains("Reason: keyCompromise"), "\(check.output)")
            #expect(check.output.contains("Revocation Time:"), "\(check.output)")
        }

        let text = try OpenSSL.run(["ocsp", "-respin", pki.path("resp.der"), "-resp_text", "-noverify"])
        #expect(text.status == 0, "\(text.output)")
        for field in ["OCSP Response Status: successful (0x0)", "Response Type: Basic OCSP Response",
                      "Responder Id:", "Produced At:", "This Update:", "Next Update:",
                      "Signature Algorithm: sha256WithRSAEncryption", "Cert Status: \(statusCase.rawValue)"] {
            #expect(text.output.contains(field), "\(field) missing from \(text.output)")
        }

        // Myna's own reading of what it serves.
        let parsed = try OCSPResponse(derEncoded: der)
        #expect(parsed.status == .successful)
        let basic = try #require(parsed.basicResponse)
        #expect(basic.isSignatureValid(for: pki.caSigner.publicKey))
        #expect(basic.responderID == .byKey(of: pki.caSigner.publicKey))
        #expect(basic.producedAt == wholeSeconds(now))
        #expect(basic.nonce == nil)
        #expect(basic.certificates.isEmpty)
        let answer = try #require(basic.response(for: pki.leafCertID(.sha1)))
        #expect(answer.thisUpdate == wholeSeconds(now))
        #expect(answer.nextUpdate == wholeSeconds(now.addingTimeInterval(86_400)))
        switch statusCase {
        case .good: #expect(answer.status == .good)
        case .revoked: #expect(answer.status == .revoked(at: wholeSeconds(revokedAt), reason: 1))
        case .unknown: #expect(answer.status == .unknown)
        }
    }

    @Test func revokedWithoutAReasonAndAllTheReasons() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let now = Date()
        let certID = pki.leafCertID(.sha1)
        // OpenSSL's names for the RFC 5280 CRLReason codes; OpenSSL 3.0's table
        // (OCSP_crl_reason_str) stops at removeFromCRL and prints "(UNKNOWN)" for 9 and 10.
        let names = [0: "unspecified", 1: "keyCompromise", 2: "cACompromise", 3: "affiliationChanged",
                     4: "superseded", 5: "cessationOfOperation", 6: "certificateHold", 8: "removeFromCRL"]
        for reason in [nil, 0, 1, 2, 3, 4, 5, 6, 8, 9, 10] as [Int?] {
            let single = OCSPSingleResponse(
                certID: certID, status: .revoked(at: now, reason: reason), thisUpdate: now, nextUpdate: nil)
            let der = try OCSPResponse.signedResponse(responses: [single], producedAt: now, nonce: nil, signer: pki.caSigner)
            try pki.write(der, to: "resp.der")
            let check = try OpenSSL.run([
                "ocsp", "-respin", pki.path("resp.der"), "-issuer", pki.path("ca.pem"), "-cert", pki.path("leaf.pem"),
                "-CAfile", pki.path("ca.pem"), "-no_nonce",
            ])
            #expect(check.output.contains("Response verify OK"), "\(check.output)")
            #expect(check.output.contains(": revoked"), "\(check.output)")
            if let reason {
                #expect(check.output.contains("Reason: \(names[reason] ?? "")"), "\(reason): \(check.output)")
            } else {
                #expect(!check.output.contains("Reason:"), "\(check.output)")
            }
            let read = try #require(try OCSPResponse(derEncoded: der).basicResponse?.responses.first)
            #expect(read.status == .revoked(at: wholeSeconds(now), reason: reason))
            #expect(read.nextUpdate == nil)
        }
        // 7 is not a CRLReason (RFC 5280 §5.3.1), nor is anything past 10.
        for bad in [7, 11, -1] {
            let single = OCSPSingleResponse(certID: certID, status: .revoked(at: now, reason: bad), thisUpdate: now, nextUpdate: nil)
            #expect(throws: OCSPError.invalidRevocationReason(bad)) {
                try OCSPResponse.signedResponse(responses: [single], producedAt: now, nonce: nil, signer: pki.caSigner)
            }
        }
    }

    @Test func theNonceIsEchoedAndOpenSSLChecksIt() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let request = try OCSPRequest(derEncoded: pki.opensslRequest([]))
        let nonce = try #require(request.nonce)
        let now = Date()
        let single = OCSPSingleResponse(certID: request.certIDs[0], status: .good, thisUpdate: now, nextUpdate: nil)

        func check(nonce: [UInt8]?) throws -> OpenSSL.Result {
            let der = try OCSPResponse.signedResponse(responses: [single], producedAt: now, nonce: nonce, signer: pki.caSigner)
            try pki.write(der, to: "resp.der")
            #expect(try OCSPResponse(derEncoded: der).basicResponse?.nonce == nonce)
            // -issuer without -cert: OpenSSL keeps req.der (and its nonce) and trusts ca.pem as the signer.
            return try OpenSSL.run([
                "ocsp", "-reqin", pki.path("req.der"), "-respin", pki.path("resp.der"), "-issuer", pki.path("ca.pem"),
                "-CAfile", pki.path("ca.pem"),
            ])
        }

        let echoed = try check(nonce: nonce)
        #expect(echoed.output.contains("Response verify OK"), "\(echoed.output)")
        #expect(!echoed.output.contains("Nonce Verify error") && !echoed.output.contains("WARNING"), "\(echoed.output)")

        let missing = try check(nonce: nil)
        #expect(missing.output.contains("WARNING: no nonce in response"), "\(missing.output)")

        var other = nonce
        other[other.count - 1] ^= 0xFF
        let wrong = try check(nonce: other)
        #expect(wrong.output.contains("Nonce Verify error"), "\(wrong.output)")

        #expect(throws: OCSPError.emptyNonce) {
            try OCSPResponse.signedResponse(responses: [single], producedAt: now, nonce: [], signer: pki.caSigner)
        }
    }

    @Test func aSHA256CertIDIsAnsweredInKind() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let request = try OCSPRequest(derEncoded: pki.opensslRequest(["-sha256", "-no_nonce"]))
        #expect(request.certIDs == [pki.leafCertID(.sha256)])
        let now = Date()
        let der = try OCSPResponse.signedResponse(
            responses: [OCSPSingleResponse(certID: request.certIDs[0], status: .good, thisUpdate: now, nextUpdate: nil)],
            producedAt: now, nonce: nil, signer: pki.caSigner)
        try pki.write(der, to: "resp.der")
        let check = try OpenSSL.run([
            "ocsp", "-respin", pki.path("resp.der"), "-sha256", "-issuer", pki.path("ca.pem"), "-cert", pki.path("leaf.pem"),
            "-CAfile", pki.path("ca.pem"), "-no_nonce",
        ])
        #expect(check.output.contains("Response verify OK"), "\(check.output)")
        #expect(check.output.contains("leaf.pem: good"), "\(check.output)")
        let text = try OpenSSL.run(["ocsp", "-respin", pki.path("resp.der"), "-resp_text", "-noverify"])
        #expect(text.output.contains("Hash Algorithm: sha256"), "\(text.output)")
    }

    @Test func manyCertIDsInOneResponse() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let now = Date()
        let other = OCSPCertID(
            hashAlgorithm: .sha1, issuerNameHash: pki.leafCertID(.sha1).issuerNameHash,
            issuerKeyHash: pki.leafCertID(.sha1).issuerKeyHash, serialNumber: [0x01, 0x02])
        let der = try OCSPResponse.signedResponse(
            responses: [
                OCSPSingleResponse(certID: other, status: .unknown, thisUpdate: now, nextUpdate: nil),
                OCSPSingleResponse(certID: pki.leafCertID(.sha1), status: .good, thisUpdate: now, nextUpdate: nil),
            ],
            producedAt: now, nonce: nil, signer: pki.caSigner)
        try pki.write(der, to: "resp.der")
        let check = try OpenSSL.run([
            "ocsp", "-respin", pki.path("resp.der"), "-issuer", pki.path("ca.pem"), "-cert", pki.path("leaf.pem"),
            "-CAfile", pki.path("ca.pem"), "-no_nonce",
        ])
        #expect(check.output.contains("Response verify OK") && check.output.contains("leaf.pem: good"), "\(check.output)")
        let basic = try #require(try OCSPResponse(derEncoded: der).basicResponse)
        #expect(basic.responses.map(\.certID) == [other, pki.leafCertID(.sha1)])
        #expect(basic.response(for: other)?.status == .unknown)
    }

    @Test func theResponderCertificateTravelsInCerts() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let now = Date()
        let single = OCSPSingleResponse(certID: pki.leafCertID(.sha1), status: .good, thisUpdate: now, nextUpdate: nil)

        // With the CA certificate in certs, OpenSSL finds the signer without -issuer.
        let withCerts = try OCSPResponse.signedResponse(
            responses: [single], producedAt: now, nonce: nil, signer: pki.caSigner, responderCertificates: [pki.ca])
        try pki.write(withCerts, to: "with.der")
        let found = try OpenSSL.run(["ocsp", "-respin", pki.path("with.der"), "-CAfile", pki.path("ca.pem")])
        #expect(found.status == 0 && found.output.contains("Response verify OK"), "\(found.output)")
        #expect(try OCSPResponse(derEncoded: withCerts).basicResponse?.certificates == [pki.ca])

        // Without it (and without -issuer) OpenSSL has no signer to check against.
        let without = try OCSPResponse.signedResponse(responses: [single], producedAt: now, nonce: nil, signer: pki.caSigner)
        try pki.write(without, to: "without.der")
        let lost = try OpenSSL.run(["ocsp", "-respin", pki.path("without.der"), "-CAfile", pki.path("ca.pem")])
        #expect(lost.output.contains("Response Verify Failure"), "\(lost.output)")
    }

    @Test func aResponseSignedByAnotherKeyFails() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let impostor = try FileSigner.create(at: pki.directory.appendingPathComponent("impostor.key"))
        let now = Date()
        let der = try OCSPResponse.signedResponse(
            responses: [OCSPSingleResponse(certID: pki.leafCertID(.sha1), status: .good, thisUpdate: now, nextUpdate: nil)],
            producedAt: now, nonce: nil, signer: impostor)
        try pki.write(der, to: "resp.der")
        let check = try OpenSSL.run([
            "ocsp", "-respin", pki.path("resp.der"), "-issuer", pki.path("ca.pem"), "-cert", pki.path("leaf.pem"),
            "-CAfile", pki.path("ca.pem"), "-no_nonce",
        ])
        #expect(check.status != 0)
        #expect(check.output.contains("Response Verify Failure"), "\(check.output)")
        #expect(!check.output.contains("Response verify OK"), "\(check.output)")

        let basic = try #require(try OCSPResponse(derEncoded: der).basicResponse)
        #expect(!basic.isSignatureValid(for: pki.caSigner.publicKey))
        #expect(basic.isSignatureValid(for: impostor.publicKey))

        // A genuine response with one bit of its ResponseData flipped fails too.
        let genuine = try OCSPResponse.signedResponse(
            responses: [OCSPSingleResponse(certID: pki.leafCertID(.sha1), status: .good, thisUpdate: now, nextUpdate: nil)],
            producedAt: now, nonce: nil, signer: pki.caSigner)
        let serial = pki.leafCertID(.sha1).serialNumber
        let at = try #require(firstRange(of: serial, in: genuine))
        var tampered = genuine
        tampered[at + serial.count - 1] ^= 0x01
        let tamperedBasic = try #require(try OCSPResponse(derEncoded: tampered).basicResponse)
        #expect(!tamperedBasic.isSignatureValid(for: pki.caSigner.publicKey))
        #expect(try OCSPResponse(derEncoded: genuine).basicResponse?.isSignatureValid(for: pki.caSigner.publicKey) == true)
    }

    @Test(arguments: OCSPResponse.ErrorStatus.allCases)
    func errorResponsesCarryOnlyTheirStatus(status: OCSPResponse.ErrorStatus) throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let der = OCSPResponse.errorResponse(status)
        try pki.write(der, to: "err.der")
        let text = try OpenSSL.run(["ocsp", "-respin", pki.path("err.der"), "-resp_text", "-ignore_err"])
        // OpenSSL 3.0 spells the statuses in lower case (OCSP_response_status_str).
        let name = "\(status)".lowercased()
        #expect(text.output.lowercased().contains("ocsp response status: \(name) (0x\(status.rawValue))"), "\(text.output)")
        #expect(text.output.contains("Responder Error: \(name) (\(status.rawValue))"), "\(text.output)")

        let parsed = try OCSPResponse(derEncoded: der)
        #expect(parsed.status == status.responseStatus)
        #expect(parsed.basicResponse == nil)
    }

    @Test func signedResponsesAreReproducible() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let second = Date(timeIntervalSince1970: 1_790_000_000)
        func build(_ offset: TimeInterval) throws -> [UInt8] {
            let single = OCSPSingleResponse(
                certID: pki.leafCertID(.sha1), status: .revoked(at: second.addingTimeInterval(-60 + offset), reason: 4),
                thisUpdate: second.addingTimeInterval(offset), nextUpdate: second.addingTimeInterval(3600 + offset))
            return try OCSPResponse.signedResponse(
                responses: [single], producedAt: second.addingTimeInterval(offset), nonce: nil, signer: pki.caSigner)
        }
        // Same inputs, same bytes; fractions of a second do not reach the encoding.
        #expect(try build(0) == build(0))
        #expect(try build(0) == build(0.75))
        #expect(try build(0) != build(1))
        // 1_790_000_000 is 2026-09-21T14:13:20Z: the GeneralizedTime is exact.
        #expect(firstRange(of: Array("20260921141320Z".utf8), in: try build(0.5)) != nil)
        let read = try #require(try OCSPResponse(derEncoded: build(0.5)).basicResponse)
        #expect(read.producedAt == second)
    }

    @Test func timesOutsideGeneralizedTimeAndBackwardsValidityAreRefused() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let now = Date()
        let backwards = OCSPSingleResponse(
            certID: pki.leafCertID(.sha1), status: .good, thisUpdate: now, nextUpdate: now.addingTimeInterval(-10))
        #expect(throws: OCSPError.nextUpdateBeforeThisUpdate) {
            try OCSPResponse.signedResponse(responses: [backwards], producedAt: now, nonce: nil, signer: pki.caSigner)
        }
        let single = OCSPSingleResponse(certID: pki.leafCertID(.sha1), status: .good, thisUpdate: now, nextUpdate: nil)
        #expect(throws: OCSPError.self) {
            try OCSPResponse.signedResponse(
                responses: [single], producedAt: Date(timeIntervalSince1970: 1e12), nonce: nil, signer: pki.caSigner)
        }
        #expect(throws: OCSPError.emptyResponseList) {
            try OCSPResponse.signedResponse(responses: [], producedAt: now, nonce: nil, signer: pki.caSigner)
        }
        // Far but representable dates survive the round trip (1950, 2049, 2100, 9999).
        for seconds: TimeInterval in [-631_152_000, 2_524_607_999, 4_102_444_800, 253_402_300_799] {
            let date = Date(timeIntervalSince1970: seconds)
            let der = try OCSPResponse.signedResponse(
                responses: [OCSPSingleResponse(certID: pki.leafCertID(.sha1), status: .good, thisUpdate: date, nextUpdate: nil)],
                producedAt: date, nonce: nil, signer: pki.caSigner)
            let read = try #require(try OCSPResponse(derEncoded: der).basicResponse)
            #expect(read.producedAt == date && read.responses[0].thisUpdate == date)
        }
    }

    // MARK: GET form (RFC 6960 Appendix A.1)

    @Test func theGETFormDecodesToTheSameRequest() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let der = try pki.opensslRequest([])
        let expected = try OCSPRequest(derEncoded: der)
        let base64 = Data(der).base64EncodedString()

        // url-encoding of the standard base64, as RFC 6960 A.1 asks.
        var allowed = CharacterSet.alphanumerics
        allowed.remove(charactersIn: "+/=")
        let percentEncoded = try #require(base64.addingPercentEncoding(withAllowedCharacters: allowed))
        #expect(try OCSPRequest.fromGETPath(percentEncoded) == expected)
        // Lower-case escapes, plain base64 with literal '/' and '+', and URL-safe base64 without padding.
        #expect(try OCSPRequest.fromGETPath(percentEncoded.replacingOccurrences(of: "%2F", with: "%2f")) == expected)
        #expect(try OCSPRequest.fromGETPath(base64) == expected)
        let urlSafe = base64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        #expect(try OCSPRequest.fromGETPath(urlSafe) == expected)

        // The committed vector, with its known shape.
        let vector = Data(Self.capturedRequest).base64EncodedString()
        #expect(try OCSPRequest.fromGETPath(vector) == OCSPRequest(derEncoded: Self.capturedRequest))

        for bad in ["", "%", "%4", "%zz", "MG0w*", "MG0wa=w=", "A", "====", String(repeating: "A", count: 200_000)] {
            #expect(throws: OCSPError.self, "\(bad.prefix(20))") { try OCSPRequest.fromGETPath(bad) }
        }
    }

    // MARK: Hostile input

    @Test func garbageTruncationsAndOversizedInputsThrow() throws {
        var generator = SystemRandomNumberGenerator()
        // 2,000 random byte strings, half of them dressed as a SEQUENCE to get past the first tag.
        for index in 0..<2000 {
            let count = Int.random(in: 0...300, using: &generator)
            var input = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if index % 2 == 0, input.count >= 2 {
                input[0] = 0x30
                input[1] = UInt8(min(input.count - 2, 127))
            }
            #expect(throws: OCSPError.self) { try OCSPRequest(derEncoded: input) }
            #expect(throws: OCSPError.self) { try OCSPResponse(derEncoded: input) }
        }

        // Every proper prefix of a real request, and every one-byte corruption of it: each
        // either throws OCSPError or parses (a flipped hash octet is still a request).
        let request = Self.capturedRequest
        for length in 0..<request.count {
            #expect(throws: OCSPError.self) { try OCSPRequest(derEncoded: Array(request.prefix(length))) }
        }
        var parsed = 0
        var refused = 0
        for index in request.indices {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var mutated = request
                mutated[index] ^= flip
                do {
                    _ = try OCSPRequest(derEncoded: mutated)
                    parsed += 1
                } catch {
                    refused += 1
                }
            }
        }
        #expect(parsed + refused == request.count * 3)
        #expect(parsed > 0 && refused > 0)
        // Trailing bytes after the request.
        #expect(throws: OCSPError.self) { try OCSPRequest(derEncoded: request + [0x00]) }

        // Oversized: refused by size before parsing, however it starts.
        let huge = [0x30, 0x84, 0x00, 0x01, 0x00, 0x00] + [UInt8](repeating: 0x04, count: 65_536)
        #expect(throws: OCSPError.tooLarge(huge.count)) { try OCSPRequest(derEncoded: huge) }
        #expect(throws: OCSPError.tooLarge(OCSPRequest.maximumEncodedSize + 1)) {
            try OCSPRequest(derEncoded: [UInt8](repeating: 0, count: OCSPRequest.maximumEncodedSize + 1))
        }
        // Deep nesting (1,000 SEQUENCEs, well-formed lengths) stays within the parser's limits.
        var deep: [UInt8] = []
        for _ in 0..<1000 {
            let length: [UInt8] = deep.count < 128 ? [UInt8(deep.count)] : [0x82, UInt8(deep.count >> 8), UInt8(deep.count & 0xFF)]
            deep = [0x30] + length + deep
        }
        #expect(deep.count < OCSPRequest.maximumEncodedSize)
        #expect(throws: OCSPError.self) { try OCSPRequest(derEncoded: deep) }
    }

    @Test func structurallyWrongRequestsNameTheirFault() throws {
        // An empty requestList: SEQUENCE { SEQUENCE { SEQUENCE {} } }
        #expect(throws: OCSPError.emptyRequestList) { try OCSPRequest(derEncoded: [0x30, 0x04, 0x30, 0x02, 0x30, 0x00]) }

        // The vector with SHA-1 replaced by MD5 (1.2.840.113549.2.5): a hash this responder does not use.
        let sha1OID: [UInt8] = [0x06, 0x05, 0x2B, 0x0E, 0x03, 0x02, 0x1A]
        let at = try #require(firstRange(of: sha1OID, in: Self.capturedRequest))
        var md5 = Self.capturedRequest
        md5.replaceSubrange(at..<(at + sha1OID.count), with: [0x06, 0x08, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x02, 0x05])
        md5 = fixLengths(md5, grownBy: 3, containersBefore: at)
        #expect(throws: OCSPError.unsupportedHashAlgorithm("1.2.840.113549.2.5")) { try OCSPRequest(derEncoded: md5) }

        // The nonce marked critical is still understood; another critical extension is not.
        let nonceExtension: [UInt8] = [0x30, 0x1F, 0x06, 0x09]
        let nonceAt = try #require(firstRange(of: nonceExtension, in: Self.capturedRequest))
        var critical = Self.capturedRequest
        critical.insert(contentsOf: [0x01, 0x01, 0xFF], at: nonceAt + 2 + 11)  // BOOLEAN TRUE after the OID
        critical = fixLengths(critical, grownBy: 3, containersBefore: nonceAt + 2)
        #expect(try OCSPRequest(derEncoded: critical).nonce == OCSPRequest(derEncoded: Self.capturedRequest).nonce)
        var unknown = critical
        unknown[nonceAt + 2 + 10] = 0x07  // id-pkix-ocsp 7, which nothing here knows
        #expect(throws: OCSPError.unsupportedCriticalExtension("1.3.6.1.5.5.7.48.1.7")) {
            try OCSPRequest(derEncoded: unknown)
        }
    }

    @Test func responsesWithTheWrongShapeAreRefused() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        let now = Date()
        let single = OCSPSingleResponse(
            certID: pki.leafCertID(.sha1), status: .revoked(at: now, reason: 1), thisUpdate: now, nextUpdate: now)
        let der = try OCSPResponse.signedResponse(
            responses: [single], producedAt: now, nonce: [0x04, 0x01, 0x2A], signer: pki.caSigner,
            responderCertificates: [pki.ca])
        #expect(der.prefix(2) == [0x30, 0x82] && der[4...6] == [0x0A, 0x01, 0x00])

        // successful without responseBytes; an undefined status (4); an error status with responseBytes.
        #expect(throws: OCSPError.malformed("status successful without responseBytes")) {
            try OCSPResponse(derEncoded: [0x30, 0x03, 0x0A, 0x01, 0x00])
        }
        #expect(throws: OCSPError.malformed("OCSPResponseStatus 4 is not defined")) {
            try OCSPResponse(derEncoded: [0x30, 0x03, 0x0A, 0x01, 0x04])
        }
        var errorWithBytes = der
        errorWithBytes[6] = 0x01
        #expect(throws: OCSPError.malformed("status malformedRequest with responseBytes")) {
            try OCSPResponse(derEncoded: errorWithBytes)
        }
        // Every truncation of a real signed response.
        for length in 0..<der.count {
            #expect(throws: OCSPError.self) { try OCSPResponse(derEncoded: Array(der.prefix(length))) }
        }
        #expect(try OCSPResponse(derEncoded: der).basicResponse?.nonce == [0x04, 0x01, 0x2A])
    }

    @Test func certIDsForCertificatesMatchWhatOpenSSLHashes() throws {
        let pki = try OCSPTestPKI()
        defer { pki.remove() }
        // The hashes OpenSSL computes from ca.pem, as it prints them, for both algorithms.
        for (options, hash) in [([String](), OCSPCertID.HashAlgorithm.sha1), (["-sha256"], .sha256)] {
            _ = try pki.opensslRequest(options + ["-no_nonce"])
            let text = try OpenSSL.run(["ocsp", "-reqin", pki.path("req.der"), "-req_text"])
            let id = pki.leafCertID(hash)
            #expect(text.output.contains("Issuer Name Hash: \(hex(id.issuerNameHash).uppercased())"), "\(text.output)")
            #expect(text.output.contains("Issuer Key Hash: \(hex(id.issuerKeyHash).uppercased())"), "\(text.output)")
            #expect(text.output.contains("Serial Number: \(hex(pki.leaf.serialNumber.bytes).uppercased())"), "\(text.output)")
        }
        // Serial magnitudes with or without leading zeros name the same certificate.
        let serial = Array(pki.leaf.serialNumber.bytes)
        let id = OCSPCertID.forCertificate(serial: [0, 0] + serial, issuerNameDER: pki.caNameDER,
                                           issuerPublicKey: pki.caSigner.publicKey, hash: .sha1)
        #expect(id == pki.leafCertID(.sha1))
        let high = OCSPCertID.forCertificate(serial: [0x80], issuerNameDER: pki.caNameDER,
                                             issuerPublicKey: pki.caSigner.publicKey, hash: .sha256)
        #expect(high.serialNumber == [0x00, 0x80])
        #expect(high.certificateSerialNumber == Certificate.SerialNumber(bytes: [0x80]))
        #expect(high.issuerNameHash.count == 32 && high.issuerKeyHash.count == 32)
    }
}

// MARK: - A CA and a leaf, in a temporary directory

/// A self-signed CA (RSA-2048, FileSigner) and a leaf it issued, written as PEM for OpenSSL.
private struct OCSPTestPKI {
    let directory: URL
    let caSigner: FileSigner
    let ca: Certificate
    let leaf: Certificate
    let caNameDER: [UInt8]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-ocsp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        caSigner = try FileSigner.create(at: directory.appendingPathComponent("ca.key"))
        let now = Date()
        let caName = try DistinguishedName {
            CountryName("JP")
            OrganizationName("Myna Test")
            CommonName("Myna OCSP Test CA")
        }
        ca = try Certificate(
            version: .v3, serialNumber: Self.serialNumber(), publicKey: caSigner.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(365 * 86_400),
            issuer: caName, subject: caName, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: caSigner.certificateKey)
        // FileSigner writes leaf.key as PEM, which `openssl ocsp -signkey` reads.
        let leafKey = try FileSigner.create(at: directory.appendingPathComponent("leaf.key"))
        leaf = try Certificate(
            version: .v3, serialNumber: Self.serialNumber(), publicKey: leafKey.publicKey,
            notValidBefore: now.addingTimeInterval(-3600), notValidAfter: now.addingTimeInterval(30 * 86_400),
            issuer: caName, subject: try DistinguishedName { CommonName("Myna OCSP Test Leaf") },
            signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions { Critical(KeyUsage(digitalSignature: true)) },
            issuerPrivateKey: caSigner.certificateKey)
        var serializer = DER.Serializer()
        try serializer.serialize(caName)
        caNameDER = serializer.serializedBytes
        try write(PEM.encode(Self.der(ca), label: "CERTIFICATE"), to: "ca.pem")
        try write(PEM.encode(Self.der(leaf), label: "CERTIFICATE"), to: "leaf.pem")
    }

    /// RFC 5280 §4.1.2.2: positive, at most 20 octets. 20 random octets, top bit clear, first octet non-zero.
    static func serialNumber() -> Certificate.SerialNumber {
        var bytes = (0..<20).map { _ in UInt8.random(in: 0...255) }
        bytes[0] = bytes[0] & 0x7F == 0 ? 0x01 : bytes[0] & 0x7F
        return Certificate.SerialNumber(bytes: bytes)
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    func leafCertID(_ hash: OCSPCertID.HashAlgorithm) -> OCSPCertID {
        OCSPCertID.forCertificate(
            serial: Array(leaf.serialNumber.bytes), issuerNameDER: caNameDER, issuerPublicKey: caSigner.publicKey,
            hash: hash)
    }

    /// `openssl ocsp [options] -issuer ca.pem -cert leaf.pem -reqout req.der`, returning req.der.
    func opensslRequest(_ options: [String]) throws -> [UInt8] {
        let result = try OpenSSL.run(
            ["ocsp"] + options + ["-issuer", path("ca.pem"), "-cert", path("leaf.pem"), "-reqout", path("req.der")])
        #expect(result.status == 0, "\(result.output)")
        return Array(try Data(contentsOf: directory.appendingPathComponent("req.der")))
    }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    func write(_ bytes: [UInt8], to name: String) throws {
        try Data(bytes).write(to: directory.appendingPathComponent(name))
    }

    func write(_ text: String, to name: String) throws {
        try Data(text.utf8).write(to: directory.appendingPathComponent(name))
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

// MARK: - Helpers

// Members rather than free functions, so that helpers of the same name in other test
// files of this module cannot make a call ambiguous.
extension OCSPTests {
    fileprivate func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    fileprivate static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var digits = hex.utf8.makeIterator()
        while let high = digits.next(), let low = digits.next() {
            result.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
        }
        return result
    }

    fileprivate func wholeSeconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
    }

    fileprivate func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// After inserting `grownBy` octets at or after `containersBefore`, adds them to the
    /// short-form length of every SEQUENCE/[n] that encloses that point (the vector's
    /// containers all use one-octet lengths).
    fileprivate func fixLengths(_ der: [UInt8], grownBy growth: Int, containersBefore point: Int) -> [UInt8] {
        var result = der
        var index = 0
        while index < point {
            let tag = result[index]
            let length = Int(result[index + 1])
            let constructed = tag & 0x20 != 0
            if constructed && index + 2 + length > point {
                // This container encloses the insertion point: grow it and step inside.
                result[index + 1] = UInt8(length + growth)
                index += 2
            } else {
                index += 2 + length
            }
        }
        return result
    }
}
