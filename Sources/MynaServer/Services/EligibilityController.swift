import Foundation
import Hummingbird
import MynaLinkage
import MynaServices

/// Online eligibility confirmation for registered medical institutions (signed requests):
/// the card's answer made with the PIN, or its card-face application's answer (opened by
/// 照合番号B) and the name of the member of staff who compared the patient with the photo.
struct EligibilityController {
    let eligibility: OnlineEligibility
    let agencies: AgencyDirectory

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/eligibility/checks") { request, context in
            let (institution, data) = try await agencies.authenticate(request, context, as: .medicalInstitution)
            let body = try Request.decodeJSON(as: EligibilityBody.self, from: data)
            let certificate = try Self.bytes(body.certificate)
            let identification: OnlineEligibility.Identification
            switch (body.challengeId, body.signature, body.cardFaceSignature, body.visualCheckBy) {
            case (let challenge?, let signature?, nil, nil):
                identification = .pin(challengeID: challenge, certificateDER: Array(certificate), signature: try Self.bytes(signature))
            case (let challenge?, nil, let signature?, let staff?):
                identification = .visualCheck(
                    challengeID: challenge, certificateDER: Array(certificate), cardFaceSignature: try Self.bytes(signature), staff: staff)
            default:
                throw ServiceError(
                    .invalidEligibilityCheck,
                    "send challengeId with either signature (the PIN was entered) or cardFaceSignature and visualCheckBy (the card face was read with 照合番号B and a member of staff checked the photo)")
            }
            let result = try await eligibility.check(identification, by: institution, source: "institution:\(institution.id)")
            return JSONResponse(value: EligibilityView(result))
        }
    }

    static func bytes(_ base64: String) throws -> [UInt8] {
        guard let data = Data(base64Encoded: base64) else {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "certificate, signature and cardFaceSignature are base64")
        }
        return Array(data)
    }
}

struct EligibilityBody: RequestBody {
    static let fields: Set<String> = ["certificate", "challengeId", "signature", "cardFaceSignature", "visualCheckBy"]
    /// The card's user-authentication certificate, DER in base64.
    let certificate: String
    let challengeId: String?
    /// The authentication key's signature over the challenge, after the PIN.
    let signature: String?
    /// The card-face key's signature over the challenge, after 照合番号B (ECDSA, DER).
    let cardFaceSignature: String?
    /// The member of staff who compared the patient with the card's photo.
    let visualCheckBy: String?
}

struct EligibilityView: Encodable, Sendable {
    let eligible: Bool
    let insurerName: String
    let insurerNumber: String?
    let symbol: String?
    let number: String?
    let branchNumber: String?
    let copaymentPercent: Int?
    let method: String
    let provisionRecordId: Int
    let checkedAt: Date

    init(_ result: OnlineEligibility.Result) {
        (eligible, insurerName, insurerNumber, symbol, number, branchNumber) =
            (result.eligible, result.insurerName, result.insurerNumber, result.symbol, result.number, result.branchNumber)
        (copaymentPercent, method, provisionRecordId, checkedAt) = (result.copaymentPercent, result.method, result.provisionRecordID, result.checkedAt)
    }
}
