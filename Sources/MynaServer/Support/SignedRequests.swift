import Foundation
import Hummingbird
import MynaLinkage

/// Every registered party — agencies, medical institutions, kiosks, cashless providers —
/// signs each request with its key (`Authorization: MynaAgency <assertion>`, see
/// `RequestAssertion`), bound to the method, the path and the body's hash.
extension AgencyDirectory {
    /// The party that signed the request, and the body it signed.
    func authenticate(_ request: Request, _ context: MynaRequestContext, body: Bool = true) async throws -> (Agency, Data) {
        guard let header = request.headers[.authorization], header.hasPrefix("MynaAgency ") else {
            throw LinkageError(.credentialRequired, "sign the request with the registered key: Authorization: MynaAgency <assertion>")
        }
        let data = body ? try await request.collectJSON(context: context) : Data()
        let agency = try await authenticate(
            assertion: String(header.dropFirst("MynaAgency ".count)), method: request.method.rawValue, path: request.uri.string, body: Array(data))
        return (agency, data)
    }

    /// The same, for a party of one type: anyone else is refused as not allowed here.
    func authenticate(_ request: Request, _ context: MynaRequestContext, as type: AgencyType, body: Bool = true) async throws -> (Agency, Data) {
        let (agency, data) = try await authenticate(request, context, body: body)
        guard agency.type == type else {
            throw Problem(.forbidden, code: "wrong-party-type", detail: "this endpoint is for registered \(type.rawValue) parties")
        }
        return (agency, data)
    }
}

/// A card's answer to a challenge (`POST /v1/portal/sign-in/challenges`): the card and
/// its PIN were there.
protocol CardAnswerBody: RequestBody {
    var challengeId: String { get }
    var certificate: String { get }
    var signature: String { get }
}

extension CardAnswerBody {
    func answer() throws -> (challenge: String, certificate: [UInt8], signature: [UInt8]) {
        guard let certificate = Data(base64Encoded: certificate), let signature = Data(base64Encoded: signature) else {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "certificate and signature are base64")
        }
        return (challengeId, Array(certificate), Array(signature))
    }
}
