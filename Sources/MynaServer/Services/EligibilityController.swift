import Foundation
import Hummingbird
import MynaLinkage
import MynaServices

/// Online eligibility confirmation for registered medical institutions (signed requests):
/// the card's answer made with the PIN, or its certificate and the name of the member of
/// staff who compared the patient with the card's photo.
struct EligibilityController {
    let eligibility: OnlineEligibility
    let agencies: AgencyDirectory

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/eligibility/checks") { request, context in
            let (institution, data) = try await agencies.authenticate(request, context, as: .medicalInstitution)
            let body = try Request.decodeJSON(as: EligibilityBody.self, from: data)
            guard let certificate = Data(base64Encoded: body.certificate) else {
                throw Problem(.unprocessableContent, code: "invalid-field", detail: "certificate and signature are base64")
            }
            let identification: OnlineEligibility.Identification
            switch (body.challengeId, body.signature, body.visualCheckBy) {
            case (let challenge?, let signature?, nil):
                guard let signature = Data(base64Encoded: signature) else {
                    throw Problem(.unprocessableContent, code: "invalid-field", detail: "certificate and signature are base64")
                }
                identification = .pin(challengeID: challenge, certificateDER: Array(certificate), signature: Array(signature))
            case (nil, nil, let staff?):
                identification = .visualCheck(certificateDER: Array(certificate), staff: staff)
            default:
                throw ServiceError(
                    .invalidEligibilityCheck, "send either challengeId and signature (the PIN was entered) or visualCheckBy (a member of staff checked the photo)")
            }
            let result = try await eligibility.check(identification, by: institution, source: "institution:\(institution.id)")
            return JSONResponse(value: EligibilityView(result))
        }
    }
}

struct EligibilityBody: RequestBody {
    static let fields: Set<String> = ["certificate", "challengeId", "signature", "visualCheckBy"]
    /// The card's user-authentication certificate, DER in base64.
    let certificate: String
    let challengeId: String?
    let signature: String?
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
