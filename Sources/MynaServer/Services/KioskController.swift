import Foundation
import Hummingbird
import MynaCore
import MynaLinkage
import MynaServices

/// Convenience-store certificates: registered kiosks ask for a certificate with the
/// card's answer (signed requests); anyone checks a certificate by its code, or its PDF,
/// or offline against the published key.
struct KioskController {
    let centre: CertificateIssuingCentre
    let agencies: AgencyDirectory

    /// A sealed certificate is about 40 KB; a PDF sent for checking may be at most this.
    static let largestPDF = 1024 * 1024

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/kiosk/certificates") { request, context in
            let (kiosk, data) = try await agencies.authenticate(request, context, as: .certificateKiosk)
            let body = try Request.decodeJSON(as: KioskRequestBody.self, from: data)
            let answer = try body.answer()
            let issued = try await centre.issue(
                try CertificateIssuingCentre.Request(
                    requestID: body.requestId, storeCode: body.storeCode, kind: body.kind, challengeID: answer.challenge, certificateDER: answer.certificate,
                    signature: answer.signature),
                by: kiosk, source: "kiosk:\(kiosk.id)")
            return JSONResponse(status: issued.replayed ? .ok : .created, value: PrintedCertificateView(issued))
        }
        book.on(routes, .get, "/v1/certificates/verifications/{code}") { _, context in
            JSONResponse(value: VerificationView(try await centre.verification(code: try context.parameters.require("code"))))
        }
        book.on(routes, .post, "/v1/certificates/verifications") { request, _ in
            guard request.headers[.contentType]?.lowercased().hasPrefix("application/pdf") == true else {
                throw Problem(.unsupportedMediaType, code: "unsupported-media-type", detail: "send the certificate as application/pdf")
            }
            let pdf: [UInt8]
            do { pdf = Array(try await request.body.collect(upTo: Self.largestPDF).readableBytesView) } catch {
                throw Problem(.contentTooLarge, code: "body-too-large", detail: "a certificate is smaller than \(Self.largestPDF) bytes")
            }
            return JSONResponse(value: VerificationView(try await centre.verify(pdf: pdf)))
        }
        book.on(routes, .get, "/v1/certificates/keys") { _, _ in
            var jwk = CertificateSeal.publicJWK(centre.publicKey)
            jwk["kid"] = CertificateSeal.keyID(of: centre.publicKey)
            jwk["alg"] = "ES256"
            jwk["use"] = "sig"
            return JSONResponse(value: ["keys": [jwk]])
        }
    }
}

struct KioskRequestBody: CardAnswerBody {
    static let fields: Set<String> = ["requestId", "storeCode", "kind", "challengeId", "certificate", "signature"]
    let requestId: String
    let storeCode: String
    let kind: CertificateIssuingCentre.Kind
    let challengeId: String
    let certificate: String
    let signature: String
}

struct PrintedCertificateView: Encodable, Sendable {
    let id: String
    let kind: String
    let verificationCode: String
    let issueNumber: String
    let municipalityCode: String
    let feeYen: Int
    let issuedAt: Date
    let replayed: Bool
    /// The sealed PDF, base64.
    let pdf: String

    init(_ issued: CertificateIssuingCentre.Issued) {
        (id, kind, verificationCode, issueNumber, municipalityCode) =
            (issued.id, issued.kind.rawValue, issued.verificationCode, issued.issueNumber, issued.municipalityCode)
        (feeYen, issuedAt, replayed, pdf) = (issued.feeYen, issued.issuedAt, issued.replayed, Data(issued.pdf).base64EncodedString())
    }
}

struct VerificationView: Encodable, Sendable {
    let valid: Bool
    let verificationCode: String
    let kind: String
    let municipalityCode: String
    let municipalityName: String
    let issuedAt: Date
    /// base64url(SHA-256) of the PDF as issued.
    let pdfSha256: String
    let sealVerified: Bool

    init(_ verification: CertificateIssuingCentre.Verification) {
        valid = true
        (verificationCode, kind, municipalityCode, municipalityName) =
            (verification.verificationCode, verification.kind.rawValue, verification.municipalityCode, verification.municipalityName)
        (issuedAt, pdfSha256, sealVerified) = (verification.issuedAt, verification.pdfSHA256, verification.sealVerified)
    }
}
