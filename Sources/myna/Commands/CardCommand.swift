import ArgumentParser
import Crypto
import Foundation
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaPKI
import MynaSecrets
import SwiftASN1

/// The resident's side: a virtual My Number card in a file.
struct CardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "A virtual My Number card (keys generated on the card, PINs enforced by it).",
        subcommands: [New.self, Show.self, PublicKey.self, Keys.self, ProveKeys.self, Install.self, ResetPIN.self, ExportCertificate.self, Sign.self, Login.self, SignIn.self, Mykey.self])

    struct CardOptions: ParsableArguments {
        @Option(help: "The card file.") var card: String
        @Option(help: "Data directory holding the device key that seals card files. Default ./.myna. Env: MYNA_DATA_DIR.")
        var dataDir: String?

        /// The card's counter record lives outside the card file, in MYNA_CARD_STATE_DIR or
        /// the user's state directory (`CardCounterStore.standard`), so a copy of the file
        /// put back does not restore PIN tries.
        func file() throws -> VirtualCardFile {
            let directory = URL(fileURLWithPath: dataDir ?? ProcessInfo.processInfo.environment["MYNA_DATA_DIR"] ?? ".myna")
            let keys = KeyStore(directory: directory.appendingPathComponent("keys"))
            return try VirtualCardFile(url: URL(fileURLWithPath: card), deviceKey: try keys.key(.cardDevice), counters: .standard())
        }
    }

    struct KeyChoice: ParsableArguments {
        @Flag(name: .customLong("auth"), help: "The user-authentication key (利用者証明用).") var authentication = false
        @Flag(name: .customLong("sign"), help: "The signature key (署名用).") var signature = false

        func kind() throws -> KeyKind {
            guard authentication != signature else { throw ValidationError("choose one of --auth or --sign") }
            return authentication ? .authentication : .signature
        }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a card: key pairs are generated on it and never leave it.",
            discussion: "PINs: --auth-pin and --text-pin are 4 digits (3 tries); --sign-pin is 6–16 of A–Z and 0–9 with both (5 tries). Omit --sign-pin for a holder under 15: the card then has no signature key.")

        @OptionGroup var options: CardOptions
        @Option(help: "User-authentication PIN (4 digits).") var authPin: String
        @Option(help: "Signature password (6–16 upper-case letters and digits).") var signPin: String?
        @Option(help: "Text-input assist PIN (4 digits). Default: the authentication PIN.") var textPin: String?

        func run() throws {
            guard !FileManager.default.fileExists(atPath: options.card) else { throw ValidationError("\(options.card) already exists") }
            var pins: [PINKind: String] = [.authentication: authPin, .textInput: textPin ?? authPin, .residentRegistry: authPin]
            if let signPin { pins[.signature] = signPin }
            for (kind, pin) in pins {
                if let problem = kind.validate(pin) { throw ValidationError("\(kind.rawValue) PIN: \(problem.description)") }
            }
            let card = try VirtualCard.new(pins: pins)
            try options.file().save(card)
            print("created card \(card.id) in \(options.card)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "What the card holds, readable without a PIN.")
        @OptionGroup var options: CardOptions

        func run() throws {
            let card = try options.file().load()
            print("card \(card.id)")
            for kind in [KeyKind.authentication, .signature] {
                let certificate = card.certificate(for: kind) == nil ? "no certificate yet" : "certificate installed"
                print("  \(kind.rawValue): \(card.hasKey(kind) ? "key on card, \(certificate)" : "no key")")
            }
            for kind in PINKind.allCases {
                if let tries = card.triesLeft(kind) { print("  \(kind.rawValue) PIN: \(tries == 0 ? "blocked (reset at the counter)" : "\(tries) tries left")") }
            }
            // What anyone holding the card reads off its face; 照合番号B is made of it.
            if let face = card.face {
                print("  printed: \(face.name), born \(face.birthDate), valid until \(face.expiresOn), security code \(face.securityCode)")
                print("  照合番号B (birth YYMMDD + expiry year + security code): \(face.numberB)")
            }
        }
    }

    struct PublicKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "public-key", abstract: "Print a key's public half (PEM), which the CA certifies.")
        @OptionGroup var options: CardOptions
        @OptionGroup var key: KeyChoice

        func run() throws {
            guard let publicKey = try options.file().load().publicKey(for: try key.kind()) else { throw ValidationError("the card has no such key") }
            print(publicKey.pem, terminator: publicKey.pem.hasSuffix("\n") ? "" : "\n")
        }
    }

    struct Keys: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print what the counter's reader reads from the card: the chip id and the public keys (JSON).",
            discussion: "The counter certifies keys only with the card's proof: for /issue, /resume and /renew, ask POST /v1/residents/{id}/cards/{card}/issuance-challenge with the chip id and answer it with prove-keys.")
        @OptionGroup var options: CardOptions

        func run() throws {
            let card = try options.file().load()
            var body: [String: String] = ["chipId": card.id]
            body["authenticationKey"] = card.publicKey(for: .authentication)?.pem
            body["signatureKey"] = card.publicKey(for: .signature)?.pem
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(body), as: UTF8.self))
        }
    }

    struct ProveKeys: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prove-keys",
            abstract: "Answer the counter's key challenge: the card signs it with each key after its PIN; prints the body for /issue, /resume or /renew (JSON).",
            discussion: "--from takes the answer of POST /v1/residents/{id}/cards/{card}/issuance-challenge. Add identityDocuments and post the output to /issue or /resume, or post it as it is to /renew. Before hand-over the card-face application signs too.")
        @OptionGroup var options: CardOptions
        @Option(name: .customLong("from"), help: "The counter's issuance challenge (JSON).") var challenge: String
        @Option(help: "User-authentication PIN. Env: MYNA_CARD_PIN.") var authPin: String?
        @Option(help: "Signature password, when the card has a signature key.") var signPin: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: challenge),
                let asked = try? JSONDecoder().decode(IssuanceChallengeFile.self, from: data)
            else { throw ValidationError("\(challenge) is not the counter's issuance challenge") }
            let file = try options.file()
            let card = try file.load()
            // The card answers only a challenge for itself: a statement naming another chip
            // would let its signature vouch for keys it does not hold.
            guard asked.chipId.lowercased() == card.id.lowercased() else { throw ValidationError("the challenge is for another card") }
            var body: [String: String] = ["chipId": card.id, "nonce": asked.nonce]
            for (kind, certificateKind, pin) in [
                (KeyKind.authentication, CertificateKind.authentication, authPin ?? ProcessInfo.processInfo.environment["MYNA_CARD_PIN"]),
                (.signature, .signature, signPin),
            ] {
                guard let publicKey = card.publicKey(for: kind) else { continue }
                guard let pin else { throw ValidationError("the card's \(kind.rawValue) key needs its PIN") }
                let statement = IssuanceChallenge.statement(cardID: asked.cardId, chipID: card.id, kind: certificateKind, nonce: asked.nonce)
                let result = try file.update { card in try card.sign(digestInfo: DigestInfo.sha256(statement), with: kind, pin: pin) }
                guard case .signed(let signature) = result else {
                    if case .refused(let verification) = result { throw CardRefusal(verification) }
                    return
                }
                body["\(kind == .authentication ? "authentication" : "signature")Key"] = publicKey.pem
                body["\(kind == .authentication ? "authentication" : "signature")Proof"] = Data(signature).base64EncodedString()
            }
            // The card-face application signs too, before anything is printed on the card: the
            // office records its key for clinics' visual checks.
            if let faceKey = card.cardFacePublicKeyDER, card.face == nil {
                let statement = IssuanceChallenge.cardFaceStatement(cardID: asked.cardId, chipID: card.id, nonce: asked.nonce)
                if case .signed(let signature) = try file.update({ try $0.signWithCardFace(statement, numberB: nil) }) {
                    body["cardFaceKey"] = try P256.Signing.PublicKey(derRepresentation: faceKey).pemRepresentation
                    body["cardFaceProof"] = Data(signature).base64EncodedString()
                }
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(body), as: UTF8.self))
        }
    }

    struct Install: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write certificates to the card, as the counter does at issuance, resumption or renewal.",
            discussion: "--from takes the JSON the counter API answered (authenticationCertificate, signatureCertificate and the two CA certificates, PEM).")
        @OptionGroup var options: CardOptions
        @Option(name: .customLong("from"), help: "The counter's answer (JSON).") var answer: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: answer),
                let issued = try? JSONDecoder().decode(IssuedCertificatesFile.self, from: data)
            else { throw ValidationError("\(answer) is not the counter's answer with certificates") }
            var installed: [String] = []
            var note: String?
            try options.file().update { card in
                // The office key goes first: a new card takes it only before its first certificates.
                if let key = issued.cardOfficeKey {
                    do {
                        try card.installCardOfficeKey(try PEMDecoding.publicKey(key))
                    } catch VirtualCardError.cardOfficeKeyLocked where !card.hasCardOfficeKey {
                        note = "this card was issued before PIN resets were signed: it keeps no card-office key and cannot take a PIN reset"
                    }
                }
                // The printed face, with it the card-face application's number, before the certificates too.
                if let face = issued.cardFace { try card.personalise(face: face) }
                for (kind, certificate, ca) in [
                    (KeyKind.authentication, issued.authenticationCertificate, issued.authenticationCACertificate),
                    (.signature, issued.signatureCertificate, issued.signatureCACertificate),
                ] {
                    guard let certificate else { continue }
                    try card.install(certificate: try PEMDecoding.certificate(certificate), for: kind)
                    try card.installCA(certificate: try PEMDecoding.certificate(ca), for: kind)
                    installed.append(kind.rawValue)
                }
            }
            print("installed \(installed.joined(separator: " and ")) certificate\(installed.count == 1 ? "" : "s")")
            if let note { print("note: \(note)") }
        }
    }

    struct ResetPIN: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-pin",
            abstract: "Set a new PIN on the card with the counter's authorisation, all tries restored.",
            discussion: "--from takes the counter's answer to POST /v1/residents/{id}/cards/{card}/pin-reset, which records the identity check and carries the card office's signed authorisation. The card takes it only if the office key written at hand-over verifies it, for this card and this PIN, unexpired and not used before.")
        @OptionGroup var options: CardOptions
        @Option(name: .customLong("from"), help: "The counter's authorisation (JSON).") var answer: String
        @Option(help: "The new PIN. Env: MYNA_CARD_PIN.") var newPin: String?

        func run() throws {
            guard let data = FileManager.default.contents(atPath: answer),
                let grant = try? JSONDecoder().decode(PINResetFile.self, from: data), let kind = PINKind(rawValue: grant.pin)
            else { throw ValidationError("\(answer) is not the counter's PIN-reset answer") }
            guard let authorisation = grant.authorisation else {
                throw ValidationError("\(answer) carries no signed authorisation from the card office: the card takes none other")
            }
            // The card-face number is printed on the card, not chosen: a reset restores its tries.
            let file = try options.file()
            let printed = kind == .cardFace ? try file.load().face?.numberB : nil
            let pin = printed ?? newPin ?? ProcessInfo.processInfo.environment["MYNA_CARD_PIN"] ?? ""
            if let problem = kind.validate(pin) { throw ValidationError("\(kind.rawValue) PIN: \(problem.description)") }
            // The card checks everything (signature, chip, PIN kind, expiry, single use).
            try file.update { card in try card.resetPIN(kind, newPIN: pin, authorisation: authorisation) }
            print("\(kind.rawValue) PIN reset: \(kind.maximumTries) tries")
        }
    }

    struct ExportCertificate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-cert",
            abstract: "Print a certificate (PEM). The authentication certificate is free to read; the signature certificate needs the signature password.")
        @OptionGroup var options: CardOptions
        @OptionGroup var key: KeyChoice
        @Option(help: "The signature password, for --sign. Env: MYNA_CARD_PIN.") var pin: String?

        func run() throws {
            let kind = try key.kind()
            let file = try options.file()
            let der: [UInt8]? = try file.update { card in
                if kind == .signature {
                    let verification = try card.verify(pin: pin ?? ProcessInfo.processInfo.environment["MYNA_CARD_PIN"] ?? "", for: .signature)
                    guard verification == .verified else { throw CardRefusal(verification) }
                }
                return card.certificate(for: kind)
            }
            guard let der else {
                print("the card holds no \(kind.rawValue) certificate yet: certificates are written at issuance at the counter")
                throw ExitCode(1)
            }
            print(PEMDocument(type: "CERTIFICATE", derBytes: der).pemString)
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a file with a card key after the PIN (RSA PKCS#1 v1.5, SHA-256); prints the signature in base64.")
        @OptionGroup var options: CardOptions
        @OptionGroup var key: KeyChoice
        @Option(help: "The PIN of that key. Env: MYNA_CARD_PIN.") var pin: String?
        @Option(name: .customLong("in"), help: "The file to sign.") var input: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: input) else { throw ValidationError("cannot read \(input)") }
            let digestInfo = DigestInfo.sha256(data)
            let kind = try key.kind()
            let pin = pin ?? ProcessInfo.processInfo.environment["MYNA_CARD_PIN"] ?? ""
            let result = try options.file().update { card in try card.sign(digestInfo: digestInfo, with: kind, pin: pin) }
            switch result {
            case .signed(let signature): print(Data(signature).base64EncodedString())
            case .refused(let verification): throw CardRefusal(verification)
            }
        }
    }
}

/// The card said no; the message gives what a person needs, never the PIN.
struct CardRefusal: Error, CustomStringConvertible {
    let verification: PINVerification
    /// What was refused: the PIN, or the card-face number.
    let what: String
    init(_ verification: PINVerification, what: String = "PIN") {
        self.verification = verification
        self.what = what
    }

    var description: String {
        switch verification {
        case .verified: "the card refused"
        case .wrong(let tries): "wrong \(what): \(tries) \(tries == 1 ? "try" : "tries") left before it locks"
        case .blocked: "the \(what) is locked: it can be reset only at the municipal counter"
        }
    }
}

/// The parts of the counter's answers the card commands read.
struct IssuedCertificatesFile: Decodable {
    let authenticationCertificate: String?
    let signatureCertificate: String?
    let authenticationCACertificate: String
    let signatureCACertificate: String
    /// Absent from answers of servers older than signed PIN resets.
    let cardOfficeKey: String?
    /// At issuance: what is printed on the card (``CardFace``).
    let cardFace: CardFace?
}

struct IssuanceChallengeFile: Decodable {
    let cardId: String
    let chipId: String
    let nonce: String
}

struct PINResetFile: Decodable {
    let pin: String
    /// The card office's compact JWS; the rest of the answer is for the holder to read.
    let authorisation: String?
}

enum PEMDecoding {
    /// The DER inside one PEM CERTIFICATE block.
    static func certificate(_ pem: String) throws -> [UInt8] {
        try der(of: "CERTIFICATE", in: pem, else: "not a PEM certificate")
    }

    /// The DER inside one PEM PUBLIC KEY block (SubjectPublicKeyInfo).
    static func publicKey(_ pem: String) throws -> [UInt8] {
        try der(of: "PUBLIC KEY", in: pem, else: "not a PEM public key")
    }

    /// swift-asn1 reads the block (RFC 7468); the label must be the one expected.
    private static func der(of label: String, in pem: String, else message: String) throws -> [UInt8] {
        guard let document = try? PEMDocument(pemString: pem), document.discriminator == label, !document.derBytes.isEmpty else {
            throw ValidationError(message)
        }
        return document.derBytes
    }
}
