import ArgumentParser
import Foundation
import MynaCardEmulator
import MynaCore

extension CardCommand {
    /// The card's side of the portal's cross-device sign-in (like the real QR login).
    struct Login: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve the sign-in a browser shows: the card signs the challenge bound to the code, after its 4-digit PIN.",
            discussion: "The browser then completes the sign-in by itself. The code works once, for five minutes.")
        @OptionGroup var options: CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "The code the browser shows, e.g. K7Q2-9XMP.") var code: String
        @Option(help: "The portal's server.") var server = "http://127.0.0.1:8080"

        func run() async throws {
            let client = JSONClient(server: server)
            let challenge = try await client.object("POST", "/v1/portal/sign-in/challenges", ["code": code])
            try await CardSignature(options: options, pin: pin).answer(challenge, expecting: .portalSignIn, with: client)
            print("approved: the browser signs in now")
        }
    }
}

/// Answers a challenge with the card, as the holder's own card app: it reads what the
/// card is asked to sign (a `CardChallengeStatement`), refuses what it cannot read, what
/// the holder did not ask for and what names another server, shows the holder in words
/// what they approve — the purpose, the party, and for a cross-device sign-in the waiting
/// browser — and only then takes the PIN (issue 14, finding 1).
struct CardSignature {
    let options: CardCommand.CardOptions
    let pin: String?

    /// Posts the answer (to the sign-in endpoint, or to another that takes one, with more
    /// fields); returns the server's JSON answer.
    @discardableResult
    func answer(
        _ challenge: [String: Any], expecting purpose: CardChallengeStatement.Purpose, with client: JSONClient,
        at path: String = "/v1/portal/sign-in/responses", extra: [String: Any] = [:]
    ) async throws -> [String: Any] {
        try await client.object("POST", path, try fields(answering: challenge, expecting: purpose, server: client.server).merging(extra) { $1 })
    }

    /// The answer's fields — `challengeId`, `certificate`, `signature` — for a request
    /// that carries them (a kiosk's, a clinic's). With `cardFaceNumber` (照合番号B, read
    /// off the card at a clinic's desk) the card-face application answers instead of the
    /// PIN-protected key, as `cardFaceSignature`: it shows the card is there, no more.
    func fields(
        answering challenge: [String: Any], expecting purpose: CardChallengeStatement.Purpose, server: String, cardFaceNumber: String? = nil
    ) throws -> [String: Any] {
        guard let id = challenge["challengeId"] as? String, let input = (challenge["signingInput"] as? String).flatMap(Base64URL.decode) else {
            throw UsageFailure("the server's challenge is malformed")
        }
        let statement: CardChallengeStatement
        do { statement = try CardChallengeStatement(parsing: input) } catch { throw UsageFailure("refused: \(error)") }
        guard statement.challengeID == id else { throw UsageFailure("refused: the statement names another challenge than the one sent") }
        if let refusal = statement.refusal(expecting: [purpose], origin: server, now: Date()) { throw UsageFailure("refused: \(refusal)") }
        FileHandle.standardError.write(Data((statement.summary.joined(separator: "\n") + "\n").utf8))
        if let cardFaceNumber {
            let (certificate, result) = try options.file().update { card in
                (card.certificate(for: .authentication), try card.signWithCardFace(input, numberB: cardFaceNumber))
            }
            guard let certificate else { throw UsageFailure("the card holds no authentication certificate yet: it is written at issuance") }
            guard case .signed(let signature) = result else {
                if case .refused(let verification) = result { throw CardRefusal(verification, what: "照合番号B") }
                throw UsageFailure("the card did not sign")
            }
            return ["challengeId": id, "certificate": Data(certificate).base64EncodedString(), "cardFaceSignature": Data(signature).base64EncodedString()]
        }
        let pin = try pin ?? ProcessInfo.processInfo.environment["MYNA_CARD_PIN"] ?? Self.askForPIN()
        let (certificate, result) = try options.file().update { card in
            (card.certificate(for: .authentication), try card.sign(digestInfo: DigestInfo.sha256(input), with: .authentication, pin: pin))
        }
        guard let certificate else { throw UsageFailure("the card holds no authentication certificate yet: it is written at issuance") }
        guard case .signed(let signature) = result else {
            if case .refused(let verification) = result { throw CardRefusal(verification) }
            throw UsageFailure("the card did not sign")
        }
        return ["challengeId": id, "certificate": Data(certificate).base64EncodedString(), "signature": Data(signature).base64EncodedString()]
    }

    /// The PIN from the terminal, after the holder has read what it approves; without a
    /// terminal there is no one to ask.
    static func askForPIN() throws -> String {
        guard isatty(STDIN_FILENO) == 1, let typed = getpass("User-authentication PIN (4 digits), or Ctrl-C to refuse: ") else {
            throw UsageFailure("no PIN: give --pin or MYNA_CARD_PIN, or run on a terminal to be asked")
        }
        return String(cString: typed)
    }
}

extension CardCommand {
    /// The Mykey platform, from the device holding the card.
    struct Mykey: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show (or create) the card holder's Mykey ID; with --library or --volunteer, attach a municipal card to it.",
            discussion: "The card signs a fresh challenge after its 4-digit PIN each time. Prints the Mykey ID and the attached cards as JSON.")
        @OptionGroup var options: CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "Attach a library card with this number.") var library: String?
        @Option(help: "Attach a volunteer-participation card with this number.") var volunteer: String?
        @Option(help: "The municipality that issued the card (6-digit code).") var municipality: String?
        @Option(help: "The server.") var server = "http://127.0.0.1:8080"

        func run() async throws {
            let client = JSONClient(server: server)
            var extra: [String: Any] = [:]
            let (path, purpose): (String, CardChallengeStatement.Purpose)
            if let number = library ?? volunteer {
                guard let municipality else { throw ValidationError("--municipality names the municipality that issued the card") }
                extra = ["kind": library != nil ? "library" : "volunteer", "municipalityCode": municipality, "number": number]
                (path, purpose) = ("/v1/mykey/cards", .mykeyAttachCard)
            } else {
                (path, purpose) = ("/v1/mykey", .mykey)
            }
            let challenge = try await client.object("POST", "/v1/card/challenges", extra.merging(["purpose": purpose.rawValue]) { $1 })
            let answer = try await CardSignature(options: options, pin: pin).answer(challenge, expecting: purpose, with: client, at: path, extra: extra)
            printJSON(answer)
        }
    }
}
