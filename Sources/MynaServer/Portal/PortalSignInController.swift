import Foundation
import Hummingbird
import MynaCore
import MynaPortal

/// The card's side of signing in to the portal, as JSON for the device holding the card
/// (`myna card login`, `myna card sign-in`): ask for a challenge — bound to the code a
/// browser shows, or for a direct sign-in — and answer it with the authentication
/// certificate and the card's signature. These challenges are for signing in only; the
/// services on the card ask `POST /v1/card/challenges` for their own.
struct PortalSignInController {
    let portal: Portal

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .post, "/v1/portal/sign-in/challenges") { request, context in
            let body = try await request.decodeJSON(as: ChallengeBody.self, context: context)
            let challenge = if let code = body.code {
                try await portal.signIn.challenge(forCode: code, source: context.clientAddress ?? "unknown")
            } else {
                try await portal.signIn.challenge()
            }
            return JSONResponse(status: .created, value: ChallengeView(challenge))
        }
        book.on(routes, .post, "/v1/portal/sign-in/responses") { request, context in
            let body = try await request.decodeJSON(as: SignInResponseBody.self, context: context)
            let answer = try body.answer()
            let approval = try await portal.signIn.respond(
                to: answer.challenge, certificateDER: answer.certificate, signature: answer.signature, source: context.clientAddress ?? "unknown",
                device: SignInDevice(address: context.clientAddress, userAgent: request.headers[.userAgent]))
            RegistryMetrics.portalSignIn("success")
            switch approval {
            case .approved:
                return try JSONResponse(value: SignInView(status: "approved", sessionToken: nil))
                    .response(from: request, context: context)
            case .signedIn(let token, _):
                var response = try JSONResponse(value: SignInView(status: "signed-in", sessionToken: token)).response(from: request, context: context)
                response.setCookie(PortalCookie.set(token))
                return response
            }
        }
    }
}

struct ChallengeBody: RequestBody {
    static let fields: Set<String> = ["code"]
    let code: String?
}

struct SignInResponseBody: CardAnswerBody {
    static let fields: Set<String> = ["challengeId", "certificate", "signature"]
    let challengeId: String
    /// The authentication certificate, DER in base64.
    let certificate: String
    /// The card's RSA PKCS#1 v1.5 SHA-256 signature over the signing input, base64.
    let signature: String
}

struct ChallengeView: Encodable, Sendable {
    let challengeId: String
    let purpose: String
    /// `portal`, `party:<id>` or `counter:<staff id>`.
    let audience: String
    let nonce: String
    /// What the card signs, base64url: a `CardChallengeStatement` (purpose, audience,
    /// origin, challenge, nonce, expiry, details), which the card's app shows the holder.
    let signingInput: String
    let expiresAt: Date

    init(_ challenge: CardChallenge) {
        (challengeId, purpose, audience, nonce) = (challenge.id, challenge.statement.purpose.rawValue, challenge.statement.audience, challenge.statement.nonce)
        (signingInput, expiresAt) = (Base64URL.encode(challenge.signingInput), challenge.expiresAt)
    }
}

struct SignInView: Encodable, Sendable {
    let status: String
    /// A direct sign-in's session (also set as the portal cookie).
    let sessionToken: String?
}
