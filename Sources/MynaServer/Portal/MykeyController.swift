import Foundation
import Hummingbird
import MynaCore
import MynaPortal

/// The Mykey platform over HTTP: every call carries the card's answer to a fresh
/// challenge (`POST /v1/portal/sign-in/challenges {}`), so the card and its PIN are there
/// each time, and the Mykey ID is the person's — whichever of their cards answers.
struct MykeyController {
    let portal: Portal

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/mykey") { request, context in
            let body = try await request.decodeJSON(as: SignInResponseBody.self, context: context)
            let resident = try await holder(body.challengeId, body.certificate, body.signature, context)
            let (id, created) = try await portal.mykey.mykeyID(for: resident)
            return JSONResponse(status: created ? .created : .ok, value: MykeyView(mykeyId: id, cards: try await portal.mykey.cards(of: id).map(MunicipalCardView.init)))
        }
        book.on(routes, .post, "/v1/mykey/cards") { request, context in
            let body = try await request.decodeJSON(as: MunicipalCardBody.self, context: context)
            let resident = try await holder(body.challengeId, body.certificate, body.signature, context)
            _ = try await portal.mykey.attach(body.kind, municipality: body.municipalityCode, number: body.number, for: resident)
            let (id, _) = try await portal.mykey.mykeyID(for: resident)
            return JSONResponse(value: MykeyView(mykeyId: id, cards: try await portal.mykey.cards(of: id).map(MunicipalCardView.init)))
        }
    }

    private func holder(_ challenge: String, _ certificate: String, _ signature: String, _ context: MynaRequestContext) async throws -> String {
        guard let certificate = Data(base64Encoded: certificate), let signature = Data(base64Encoded: signature) else {
            throw Problem(.unprocessableContent, code: "invalid-field", detail: "certificate and signature are base64")
        }
        return try await portal.signIn.cardHolder(
            answering: challenge, certificateDER: Array(certificate), signature: Array(signature), source: context.clientAddress ?? "unknown")
    }
}

struct MunicipalCardBody: RequestBody {
    static let fields: Set<String> = ["challengeId", "certificate", "signature", "kind", "municipalityCode", "number"]
    let challengeId: String
    let certificate: String
    let signature: String
    let kind: MunicipalCard.Kind
    let municipalityCode: MunicipalityCode
    let number: String
}

struct MykeyView: Encodable, Sendable {
    let mykeyId: String
    let cards: [MunicipalCardView]
}

struct MunicipalCardView: Encodable, Sendable {
    let kind: String
    let municipalityCode: String
    let number: String
    let attachedAt: Date

    init(_ card: MunicipalCard) {
        (kind, municipalityCode, number, attachedAt) = (card.kind.rawValue, card.municipality.digits, card.number, card.attachedAt)
    }
}
