import Foundation
import Hummingbird
import MynaCardOffice
import MynaCore
import MynaPortal
import MynaServices

/// The Mykey platform over HTTP: every call carries the card's answer to a fresh
/// challenge for its purpose (`POST /v1/card/challenges {"purpose": "mykey"}`, or
/// `mykey-attach-card` with the card to attach), so the card and its PIN are there each
/// time, and the Mykey ID is the person's — whichever of their cards answers.
struct MykeyController {
    let signIn: CardSignIn
    let mykey: MykeyPlatform

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/mykey") { request, context in
            let resident = try await signIn.holder(
                of: try await request.decodeJSON(as: SignInResponseBody.self, context: context), for: .mykey, source: context.clientAddress)
            let (id, created) = try await mykey.mykeyID(for: resident)
            return JSONResponse(status: created ? .created : .ok, value: MykeyView(mykeyId: id, cards: try await mykey.cards(of: id).map(MunicipalCardView.init)))
        }
        book.on(routes, .post, "/v1/mykey/cards") { request, context in
            let body = try await request.decodeJSON(as: MunicipalCardBody.self, context: context)
            let resident = try await signIn.holder(
                of: body, for: .mykeyAttachCard,
                details: [("card-kind", body.kind.rawValue), ("card-municipality", body.municipalityCode.digits), ("card-number", body.number)],
                source: context.clientAddress)
            _ = try await mykey.attach(body.kind, municipality: body.municipalityCode, number: body.number, for: resident)
            let (id, _) = try await mykey.mykeyID(for: resident)
            return JSONResponse(value: MykeyView(mykeyId: id, cards: try await mykey.cards(of: id).map(MunicipalCardView.init)))
        }
    }
}

struct MunicipalCardBody: CardAnswerBody {
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
