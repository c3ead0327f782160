import Foundation
import Hummingbird
import MynaCore
import MynaPortal
import MynaServices

/// The Mykey platform over HTTP: every call carries the card's answer to a fresh
/// challenge (`POST /v1/portal/sign-in/challenges {}`), so the card and its PIN are there
/// each time, and the Mykey ID is the person's — whichever of their cards answers.
struct MykeyController {
    let signIn: CardSignIn
    let mykey: MykeyPlatform

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/mykey") { request, context in
            let resident = try await signIn.holder(of: try await request.decodeJSON(as: SignInResponseBody.self, context: context), source: context.clientAddress)
            let (id, created) = try await mykey.mykeyID(for: resident)
            return JSONResponse(status: created ? .created : .ok, value: MykeyView(mykeyId: id, cards: try await mykey.cards(of: id).map(MunicipalCardView.init)))
        }
        book.on(routes, .post, "/v1/mykey/cards") { request, context in
            let body = try await request.decodeJSON(as: MunicipalCardBody.self, context: context)
            let resident = try await signIn.holder(of: body, source: context.clientAddress)
            _ = try await mykey.attach(body.kind, municipality: body.municipalityCode, number: body.number, for: resident)
            let (id, _) = try await mykey.mykeyID(for: resident)
            return JSONResponse(value: MykeyView(mykeyId: id, cards: try await mykey.cards(of: id).map(MunicipalCardView.init)))
        }
    }
}

extension CardSignIn {
    /// The holder of the card that answered, as every service on the card needs it.
    /// `source` is what failed answers are throttled by: the client's address, or the counter.
    func holder(of body: some CardAnswerBody, source: String?) async throws -> String {
        let answer = try body.answer()
        return try await cardHolder(answering: answer.challenge, certificateDER: answer.certificate, signature: answer.signature, source: source ?? "unknown")
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
