import Foundation
import Hummingbird
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaPortal
import MynaServices

/// Challenges for the card, each for one purpose and one party (issue 14, finding 1).
///
/// - `POST /v1/card/challenges` — for the holder's own device (Mykey, Mynapoint), the
///   party is the portal; for a kiosk's certificate or a clinic's eligibility check the
///   party asks with its signed request (`Authorization: MynaAgency …`) and the challenge
///   is its own: no other party, and no other endpoint, accepts the answer.
/// - `POST /v1/residents/{id}/card-challenges` — a clerk, inside the resident's
///   procedure, for a Mynapoint sign-up at the counter; the party is that clerk.
///
/// The details the holder approves (the provider chosen, the card attached, the
/// certificate asked for) are inside what the card signs, and the endpoint that takes the
/// answer checks them against its request.
struct CardChallengeController {
    let signIn: CardSignIn
    let agencies: AgencyDirectory?

    func register(routes: RouterGroup<MynaRequestContext>, staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/card/challenges") { request, context in
            let party: Agency?
            let body: CardChallengeBody
            if request.headers[.authorization]?.hasPrefix("MynaAgency ") == true, let agencies {
                let (agency, data) = try await agencies.authenticate(request, context)
                (party, body) = (agency, try Request.decodeJSON(as: CardChallengeBody.self, from: data))
            } else {
                (party, body) = (nil, try await request.decodeJSON(as: CardChallengeBody.self, context: context))
            }
            let purpose = try body.chosenPurpose()
            let audience: ChallengeAudience
            switch (purpose.needsRegisteredParty, party) {
            case (true, nil):
                throw LinkageError(.credentialRequired, "a \(purpose.rawValue) challenge is asked for by the registered party, with its signed request")
            case (true, let party?):
                guard party.type == Self.partyType(for: purpose) else {
                    throw Problem(.forbidden, code: "wrong-party-type", detail: "\(purpose.rawValue) challenges are for registered \(Self.partyType(for: purpose).rawValue) parties")
                }
                audience = .party(id: party.id, name: party.name)
            case (false, nil):
                audience = .portal
            case (false, .some):
                throw PortalError(.challengePurposeMismatch, "a registered party asks only for challenges of its own purpose")
            }
            let challenge = try await signIn.challenge(for: purpose, audience: audience, details: try await details(purpose, body))
            return JSONResponse(status: .created, value: ChallengeView(challenge))
        }
        book.on(staff, .post, "/v1/residents/{id}/card-challenges") { request, context in
            try context.require(.changeResident)
            _ = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: CardChallengeBody.self, context: context)
            let purpose = try body.chosenPurpose()
            guard purpose == .mynapointSignUp else {
                throw PortalError(.challengePurposeMismatch, "at the counter, the card answers for a Mynapoint sign-up only")
            }
            let challenge = try await signIn.challenge(
                for: purpose, audience: .counter(staffID: context.session.member.id), details: try await details(purpose, body))
            return JSONResponse(status: .created, value: ChallengeView(challenge))
        }
    }

    static func partyType(for purpose: CardChallengeStatement.Purpose) -> AgencyType {
        purpose == .kioskCertificate ? .certificateKiosk : .medicalInstitution
    }

    /// The purpose's details from the request, in the statement's order; the provider's
    /// registered name is looked up, so the holder reads who they are signing up with.
    private func details(_ purpose: CardChallengeStatement.Purpose, _ body: CardChallengeBody) async throws -> [(key: String, value: String)] {
        func required(_ value: String?, _ field: String) throws -> String {
            // 128 code points, as the document's maxLength counts.
            guard let value, !value.isEmpty, value.unicodeScalars.count <= 128 else {
                throw Problem(.unprocessableContent, code: "invalid-field", detail: "a \(purpose.rawValue) challenge needs \(field)")
            }
            return value
        }
        switch purpose {
        case .portalSignIn:
            throw PortalError(.challengePurposeMismatch, "sign-in challenges come from POST /v1/portal/sign-in/challenges")
        case .mykey, .mynapointClaim, .eligibilityCheck:
            return []
        case .mykeyAttachCard:
            let kind = try required(body.kind, "kind")
            guard MunicipalCard.Kind(rawValue: kind) != nil else { throw ServiceError(.invalidMunicipalCard, "kind is library or volunteer") }
            guard let municipality = try? MunicipalityCode(try required(body.municipalityCode, "municipalityCode")) else {
                throw Problem(.unprocessableContent, code: "invalid-field", detail: "municipalityCode is a 6-digit municipality code")
            }
            return [("card-kind", kind), ("card-municipality", municipality.digits), ("card-number", try required(body.number, "number"))]
        case .mynapointSignUp:
            let providerID = try required(body.providerId, "providerId")
            guard let provider = try await agencies?.agency(providerID), provider.type == .cashlessProvider else {
                throw ServiceError(.unknownProvider, "no cashless provider is registered with that id")
            }
            return [
                ("campaign", try required(body.campaignId, "campaignId")), ("provider", provider.id), ("provider-name", provider.name),
                ("provider-account", try required(body.providerAccount, "providerAccount")),
            ]
        case .kioskCertificate:
            let kind = try required(body.kind, "kind")
            guard CertificateIssuingCentre.Kind(rawValue: kind) != nil else {
                throw ServiceError(.invalidCertificateRequest, "kind is one of \(CertificateIssuingCentre.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return [("certificate-kind", kind)]
        }
    }
}

struct CardChallengeBody: RequestBody {
    static let fields: Set<String> = ["purpose", "campaignId", "providerId", "providerAccount", "kind", "municipalityCode", "number"]
    let purpose: String
    let campaignId: String?
    let providerId: String?
    let providerAccount: String?
    /// A municipal card's kind, or a certificate's.
    let kind: String?
    let municipalityCode: String?
    let number: String?

    func chosenPurpose() throws -> CardChallengeStatement.Purpose {
        guard let purpose = CardChallengeStatement.Purpose(rawValue: purpose) else {
            throw Problem(
                .unprocessableContent, code: "invalid-field",
                detail: "purpose is one of \(CardChallengeStatement.Purpose.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return purpose
    }
}

extension CardSignIn {
    /// The holder of the card that answered a challenge of `purpose` for `audience`,
    /// approving `details`, as every service on the card needs it. `source` is what
    /// failed answers are throttled by: the client's address, the party, or the counter.
    func holder(
        of body: some CardAnswerBody, for purpose: CardChallengeStatement.Purpose, audience: ChallengeAudience = .portal,
        details: [(key: String, value: String)] = [], source: String?
    ) async throws -> String {
        let answer = try body.answer()
        return try await cardHolder(
            answering: answer.challenge, for: purpose, audience: audience, details: details, certificateDER: answer.certificate, signature: answer.signature,
            source: source ?? "unknown")
    }
}
