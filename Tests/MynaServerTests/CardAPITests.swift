import Crypto
import Foundation
import HummingbirdTesting
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaRegistry
import MynaServer
import MynaTestSupport
import SwiftASN1
import Testing
import X509

@Suite("Card API")
struct CardAPITests {
    /// The card's public keys as the counter's reader sends them.
    static func keysBody(_ card: VirtualCard, documents: [String]? = ["drivers-licence"]) -> [String: Any] {
        var body: [String: Any] = ["chipId": card.id, "authenticationKey": card.publicKey(for: .authentication)!.pem]
        if let signature = card.publicKey(for: .signature) { body["signatureKey"] = signature.pem }
        if let documents { body["identityDocuments"] = documents }
        return body
    }

    /// The body of `/issue` as the counter sends it: the office's challenge for this chip,
    /// answered by the card with each key after its PIN (`myna card prove-keys`).
    static func provenBody(
        _ card: inout VirtualCard, clerk: API, path: String, pins: [KeyKind: String] = [.authentication: "1234", .signature: "PASS1234"],
        documents: [String]? = ["drivers-licence"]
    ) async throws -> [String: Any] {
        let (status, answer) = try await clerk.call(.post, "\(path)/issuance-challenge", json: ["chipId": card.id])
        #expect(status == .created)
        let challenge = IssuanceChallenge(
            cardID: try #require(answer["cardId"] as? String), chipID: try #require(answer["chipId"] as? String),
            nonce: try #require(answer["nonce"] as? String), expiresAt: Date())
        #expect((answer["statements"] as? [String: String])?["authentication"] == String(decoding: challenge.statement(for: .authentication), as: UTF8.self))
        let proof = try card.prove(challenge, pins: pins)
        var body = keysBody(card, documents: documents)
        body["nonce"] = challenge.nonce
        body["authenticationProof"] = Data(proof.authentication).base64EncodedString()
        if let signature = proof.signature { body["signatureProof"] = Data(signature).base64EncodedString() }
        if let faceKey = card.cardFacePublicKeyDER, let faceProof = proof.cardFace {
            body["cardFaceKey"] = try P256.Signing.PublicKey(derRepresentation: faceKey).pemRepresentation
            body["cardFaceProof"] = Data(faceProof).base64EncodedString()
        }
        return body
    }

    @Test("apply, hand over, suspend by hotline, resume, report loss, reissue, return — over HTTP", arguments: DatabaseKind.available)
    func lifecycle(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true) { registry, environment, client in
            let clerk = try await API(client: client).signedIn(registry, environment, username: "clerk")
            let (_, registered) = try await clerk.call(.post, "/v1/residents", json: demoResident)
            let id = try #require((registered["resident"] as? [String: Any])?["id"] as? String)
            let number = try #require(registered["individualNumber"] as? String)

            // Without the resident's procedure, nothing.
            #expect(try await clerk.call(.post, "/v1/residents/\(id)/cards").1["code"] as? String == "procedure-required")
            _ = try await clerk.call(.post, "/v1/procedures", json: ["residentId": id, "purpose": "マイナンバーカード交付"])
            let (applied, application) = try await clerk.call(.post, "/v1/residents/\(id)/cards")
            #expect(applied == .created && application["feeYen"] as? Int == 0)
            let card = try #require(application["card"] as? [String: Any])
            let cardID = try #require(card["id"] as? String)
            let serial = try #require(card["serial"] as? String)
            #expect(try await clerk.call(.post, "/v1/residents/\(id)/cards").1["code"] as? String == "card-already-live")

            var chip = try VirtualCard.new(pins: [.authentication: "1234", .textInput: "1234", .signature: "PASS1234"])
            let base = "/v1/residents/\(id)/cards/\(cardID)"
            for (body, code) in [
                (Self.keysBody(chip, documents: ["pension-book"]), "identity-not-verified"),
                (Self.keysBody(chip).merging(["authenticationKey": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----"]) { $1 }, "invalid-key"),
                (Self.keysBody(chip).merging(["chipId": "not hex"]) { $1 }, "invalid-field"),
                (Self.keysBody(chip).merging(["identityDocuments": ["a-napkin"]]) { $1 }, "invalid-field"),
                (Self.keysBody(chip).merging(["extra": 1]) { $1 }, "unknown-field"),
                // Keys without the card's proof that it holds them (issue 14).
                (Self.keysBody(chip), "key-possession-not-proven"),
                (Self.keysBody(chip).merging(["nonce": "made-up", "authenticationProof": "AAAA"]) { $1 }, "key-possession-not-proven"),
            ] {
                let (status, problem) = try await clerk.call(.post, "\(base)/issue", json: body)
                #expect(problem["code"] as? String == code && status.code >= 400 && status.code < 500, "\(code): \(status)")
            }
            #expect(try await clerk.call(.post, "\(base)/suspend").1["code"] as? String == "wrong-card-state")
            let (issuedStatus, issued) = try await clerk.call(.post, "\(base)/issue", json: try await Self.provenBody(&chip, clerk: clerk, path: base))
            #expect(issuedStatus == .ok)
            // The office's PIN-reset key, written first, as `myna card install` does.
            let officeKey = try #require(issued["cardOfficeKey"] as? String)
            #expect(officeKey.hasPrefix("-----BEGIN PUBLIC KEY-----"))
            try chip.installCardOfficeKey(Array(try #require(Data(base64Encoded: officeKey.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()))))
            for (field, kind) in [("authenticationCertificate", KeyKind.authentication), ("signatureCertificate", .signature)] {
                let pem = try #require(issued[field] as? String)
                try chip.install(certificate: Array(try Certificate(pemEncoded: pem).derBytesForTest), for: kind)
            }
            #expect(chip.certificate(for: .authentication) != nil)

            // The hotline: public, facts in the body, wrong facts told apart from nothing.
            let hotline = API(client: client)
            let wrong = try await hotline.call(.post, "/v1/cards/suspension", json: ["individualNumber": number, "birthDate": "1990-05-06", "cardSerial": serial])
            #expect(wrong.0 == .notFound && wrong.1["code"] as? String == "facts-do-not-match")
            let badNumber = try await hotline.call(.post, "/v1/cards/suspension", json: ["individualNumber": "123456789010", "birthDate": "1990-05-05", "cardSerial": serial])
            #expect(badNumber.0 == .unprocessableContent)
            let (suspended, answer) = try await hotline.call(.post, "/v1/cards/suspension", json: ["individualNumber": number, "birthDate": "1990-05-05", "cardSerial": serial])
            #expect(suspended == .ok && answer["outcome"] as? String == "suspended")

            // Resumption at the counter, with new certificates.
            // Without the card's proof of its keys, nothing is certified; with it, new certificates.
            let (unproven, refusal) = try await clerk.call(.post, "\(base)/resume", json: Self.keysBody(chip, documents: ["passport"]))
            #expect(unproven == .unprocessableContent && refusal["code"] as? String == "key-possession-not-proven")
            let (resumed, again) = try await clerk.call(
                .post, "\(base)/resume", json: try await Self.provenBody(&chip, clerk: clerk, path: base, documents: ["passport"]))
            #expect(resumed == .ok && (again["card"] as? [String: Any])?["status"] as? String == "active")
            #expect(again["authenticationCertificate"] as? String != issued["authenticationCertificate"] as? String)

            // A change of address revokes the signature certificate at once.
            _ = try await clerk.call(.patch, "/v1/residents/\(id)", json: ["address": "東京都千代田区永田町2-3-1", "reason": "転居届"])
            let (_, listed) = try await clerk.call(.get, "/v1/residents/\(id)/cards")
            let certificates = try #require(((listed["cards"] as? [[String: Any]])?.first)?["certificates"] as? [[String: Any]])
            let signatureEnds = certificates.filter { $0["kind"] as? String == "signature" }.map { $0["endReason"] as? String }
            #expect(signatureEnds.contains("affiliationChanged"))

            // PIN reset needs identity; loss abolishes; the reissue costs ¥1,000.
            #expect(try await clerk.call(.post, "\(base)/pin-reset", json: ["pin": "authentication", "identityDocuments": []]).1["code"] as? String == "identity-not-verified")
            let (resetStatus, reset) = try await clerk.call(.post, "\(base)/pin-reset", json: ["pin": "authentication", "identityDocuments": ["passport"]])
            #expect(resetStatus == .ok && reset["expiresAt"] is String)
            // The answer's authorisation is what the card takes, once.
            let authorisation = try #require(reset["authorisation"] as? String)
            try chip.resetPIN(.authentication, newPIN: "2468", authorisation: authorisation, at: environment.clock.now)
            #expect(try chip.verify(pin: "2468", for: .authentication) == .verified)
            #expect(throws: VirtualCardError.resetRefused(.alreadyUsed)) {
                try chip.resetPIN(.authentication, newPIN: "9999", authorisation: authorisation, at: environment.clock.now)
            }
            #expect(try await clerk.call(.post, "\(base)/loss", json: ["reason": " "]).1["code"] as? String == "invalid-reason")
            #expect(try await clerk.call(.post, "\(base)/loss", json: ["reason": "紛失（警察に届出済）"]).0 == .ok)
            let (_, reissue) = try await clerk.call(.post, "/v1/residents/\(id)/cards")
            #expect(reissue["feeYen"] as? Int == 1000)
            let second = try #require((reissue["card"] as? [String: Any])?["id"] as? String)
            var fresh = try VirtualCard.new(pins: [.authentication: "5678", .textInput: "5678"])
            let secondPath = "/v1/residents/\(id)/cards/\(second)"
            let proven = try await Self.provenBody(&fresh, clerk: clerk, path: secondPath, pins: [.authentication: "5678"])
            #expect(try await clerk.call(.post, "\(secondPath)/issue", json: proven).0 == .ok)
            let (returned, statement) = try await clerk.call(.post, "/v1/residents/\(id)/cards/\(second)/return", json: ["reason": "使わないため"])
            #expect(returned == .ok && (statement["remains"] as? [String])?.isEmpty == false)
            #expect(try await clerk.call(.post, "/v1/residents/\(id)/cards/\(cardID)/return", json: ["reason": "x"]).1["code"] as? String == "wrong-card-state")

            // Each step has its one method.
            #expect(try await clerk.call(.get, "/v1/residents/\(id)/cards/\(second)/issue").0 == .methodNotAllowed)
        }
    }

    @Test("the hotline limits wrong calls and answers with Retry-After", arguments: DatabaseKind.available)
    func hotlineLimit(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true) { _, _, client in
            let caller = API(client: client)
            let body: [String: Any] = ["individualNumber": "123456789018", "birthDate": "1990-01-01", "cardSerial": "AAAA-BBBB-CCCC"]
            for _ in 0..<CardOffice.hotlineFailuresPerNumberAndSourcePerDay {
                #expect(try await caller.call(.post, "/v1/cards/suspension", json: body).1["code"] as? String == "facts-do-not-match")
            }
            let response = try await client.execute(
                uri: "/v1/cards/suspension", method: .post, headers: [.contentType: "application/json"],
                body: .init(bytes: try JSONSerialization.data(withJSONObject: body)))
            #expect(response.status == .tooManyRequests && Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
        }
    }
}

extension Certificate {
    var derBytesForTest: [UInt8] {
        var serializer = DER.Serializer()
        try! serializer.serialize(self)
        return serializer.serializedBytes
    }
}
