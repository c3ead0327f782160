internal import Crypto
public import MynaCard
public import Foundation

/// A resident's virtual My Number card: the state of the real card's JPKI application
/// (and, if set, its text-input assist application), modelled so that a reader layer
/// (`CardReader`) can expose it over APDUs (domain notes §3).
///
/// What it holds:
/// - a random card id;
/// - two RSA-2048 key pairs generated on the card — authentication (EF `0017`) and, for
///   holders who set a signature password, signature (EF `001A`). Private keys are never
///   exported; only the public keys are readable, so the CA can certify them;
/// - the installed certificates: authentication (EF `000A`), signature (EF `0001`) and
///   the two CA certificates (EF `000B`, EF `0002`), as DER;
/// - the PINs, each as HMAC-SHA256 under a per-card random salt (never the PIN) with its
///   retry counter (`PINKind.maximumTries`);
/// - optionally the text-input assist data (`TextInputData`);
/// - the card-face application (券面AP): a P-256 key generated on the card, whose public
///   half the card office records at issuance, and the printed face (`CardFace`) written
///   at hand-over, whose 照合番号B opens the application (``signWithCardFace(_:numberB:)``);
/// - the card office's PIN-reset public key, written once at hand-over, and the sequence
///   of the last reset the card took (`resetPIN(_:newPIN:authorisation:at:)`).
///
/// `VirtualCard` is a value: every operation that touches a retry counter is `mutating`,
/// and the caller must persist the new value before it acts on the result. Use
/// `VirtualCardFile.update(_:)` or a `CardReader` with a file, which do exactly that.
public struct VirtualCard: Sendable {
    /// Random 128-bit card id, lower-case hex.
    public let id: String
    let salt: [UInt8]
    let authenticationKey: CardKeyPair
    let signatureKey: CardKeyPair?
    var pins: [PINKind: CardPIN]
    var certificates: [KeyKind: [UInt8]] = [:]
    var caCertificates: [KeyKind: [UInt8]] = [:]
    /// The text-input assist AP's contents, if the card carries them.
    public var textInput: TextInputData?
    /// The card office's PIN-reset key (P-256 SubjectPublicKeyInfo DER): the only key whose
    /// authorisations reset a PIN. `nil` on a card issued before resets were signed.
    private(set) var cardOfficeKey: [UInt8]?
    /// The sequence of the last reset taken: an authorisation at or below it is refused.
    private(set) var lastPINResetSequence: Int
    /// The card-face application's key; `nil` on a card made before the application existed.
    let cardFaceKey: P256.Signing.PrivateKey?
    /// What is printed on the card, written once at hand-over; `nil` before it.
    public private(set) var face: CardFace?

    init(
        id: String, salt: [UInt8], authenticationKey: CardKeyPair, signatureKey: CardKeyPair?,
        pins: [PINKind: CardPIN], certificates: [KeyKind: [UInt8]], caCertificates: [KeyKind: [UInt8]],
        textInput: TextInputData?, cardOfficeKey: [UInt8]? = nil, lastPINResetSequence: Int = 0,
        cardFaceKey: P256.Signing.PrivateKey? = nil, face: CardFace? = nil
    ) {
        self.id = id
        self.salt = salt
        self.authenticationKey = authenticationKey
        self.signatureKey = signatureKey
        self.pins = pins
        self.certificates = certificates
        self.caCertificates = caCertificates
        self.textInput = textInput
        self.cardOfficeKey = cardOfficeKey
        self.lastPINResetSequence = lastPINResetSequence
        self.cardFaceKey = cardFaceKey
        self.face = face
    }

    /// Issues a new card: checks each PIN's format (`PINKind.validate`), generates the key
    /// pairs on the card, and stores salted hashes of the PINs.
    ///
    /// `.authentication` and `.textInput` are required. `.signature` may be omitted — as
    /// for holders under 15, who get no signature certificate — and then the card has no
    /// signature key at all: the signature EFs are absent (SELECT answers `6A 82`) and
    /// `publicKey(for: .signature)` is `nil`. `.residentRegistry` is optional and only stored.
    public static func new(pins: [PINKind: String], textInput: TextInputData? = nil) throws -> VirtualCard {
        for required in [PINKind.authentication, .textInput] where pins[required] == nil {
            throw VirtualCardError.missingPIN(required)
        }
        // The card-face number is printed at hand-over (``personalise(face:)``), not chosen.
        guard pins[.cardFace] == nil else { throw VirtualCardError.noPIN(.cardFace) }
        for (kind, pin) in pins {
            if let problem = kind.validate(pin) { throw VirtualCardError.invalidPIN(kind, problem) }
        }
        let salt = randomBytes(32)
        return VirtualCard(
            id: randomBytes(16).map { String($0, radix: 16).leftPadded(to: 2) }.joined(),
            salt: salt,
            authenticationKey: try CardKeyPair.generate(),
            signatureKey: pins[.signature] == nil ? nil : try CardKeyPair.generate(),
            pins: pins.reduce(into: [:]) { $0[$1.key] = CardPIN(kind: $1.key, pin: $1.value, salt: salt) },
            certificates: [:],
            caCertificates: [:],
            textInput: textInput,
            cardFaceKey: P256.Signing.PrivateKey()
        )
    }

    // MARK: Keys and certificates

    /// Whether the card has this key (no signature key when no signature PIN was set).
    public func hasKey(_ kind: KeyKind) -> Bool { key(kind) != nil }

    /// The public key the CA certifies; `nil` for a signature key the card does not have.
    public func publicKey(for kind: KeyKind) -> CardPublicKey? { key(kind)?.publicKey }

    /// Installs the certificate for a key (DER). Throws if the card has no such key.
    public mutating func install(certificate: [UInt8], for kind: KeyKind) throws {
        guard hasKey(kind) else { throw VirtualCardError.noKey(kind) }
        guard !certificate.isEmpty, certificate.count <= Self.maximumFileSize else {
            throw VirtualCardError.certificateSize(certificate.count)
        }
        certificates[kind] = certificate
    }

    /// Installs the CA certificate that issued the certificate for a key (DER).
    public mutating func installCA(certificate: [UInt8], for kind: KeyKind) throws {
        guard hasKey(kind) else { throw VirtualCardError.noKey(kind) }
        guard !certificate.isEmpty, certificate.count <= Self.maximumFileSize else {
            throw VirtualCardError.certificateSize(certificate.count)
        }
        caCertificates[kind] = certificate
    }

    /// The installed certificate for a key, if any.
    public func certificate(for kind: KeyKind) -> [UInt8]? { certificates[kind] }
    /// The installed CA certificate for a key, if any.
    public func caCertificate(for kind: KeyKind) -> [UInt8]? { caCertificates[kind] }

    /// EF `0008`: one byte per certificate slot (signature, authentication), `8F` when
    /// installed, then `00` — `8F 8F 00` when both are.
    public var certificatePresence: [UInt8] {
        [KeyKind.signature, .authentication].map {
            certificates[$0] == nil ? 0x00 : JPKIApplication.certificatePresent
        } + [0x00]
    }

    /// READ BINARY offsets are 15 bits; no file on the card may be longer.
    static let maximumFileSize = 0x7FFF

    // MARK: PINs

    /// Whether the card holds this PIN at all.
    public func hasPIN(_ kind: PINKind) -> Bool { pins[kind] != nil }

    /// Tries left before the PIN blocks (0 when blocked); `nil` when the card has no such PIN.
    public func triesLeft(_ kind: PINKind) -> Int? { pins[kind]?.triesLeft }

    /// One PIN attempt. Every attempt changes the card (a wrong PIN costs a try, the right
    /// one restores them), so persist the card before acting on the result.
    public mutating func verify(pin: String, for kind: PINKind) throws -> PINVerification {
        guard var record = pins[kind] else { throw VirtualCardError.noPIN(kind) }
        let result = record.attempt(pin, salt: salt)
        pins[kind] = record
        return result
    }

    /// Sets a new PIN after the holder proves the old one (the old PIN attempt counts as
    /// one try, like `verify`). Returns the old PIN's verification; the PIN changes only
    /// on `.verified`.
    public mutating func changePIN(_ kind: PINKind, from oldPIN: String, to newPIN: String) throws -> PINVerification {
        if let problem = kind.validate(newPIN) { throw VirtualCardError.invalidPIN(kind, problem) }
        let result = try verify(pin: oldPIN, for: kind)
        if result == .verified { try setPIN(kind, to: newPIN) }
        return result
    }

    /// Sets a PIN the holder has already verified in a reader session (CHANGE REFERENCE
    /// DATA with only the new value).
    mutating func setPIN(_ kind: PINKind, to newPIN: String) throws {
        if let problem = kind.validate(newPIN) { throw VirtualCardError.invalidPIN(kind, problem) }
        guard var record = pins[kind] else { throw VirtualCardError.noPIN(kind) }
        record.replace(with: newPIN, salt: salt)
        pins[kind] = record
    }

    /// Resets a PIN — typically a blocked one — to a new value with all tries restored.
    /// Only the municipal counter does this (domain notes §2): the card takes the reset
    /// only with the card office's signed authorisation for this chip and this PIN,
    /// unexpired at `now` and newer than any reset it took before
    /// (``PINResetAuthorisation/verify(_:officeKeyDER:chipID:pin:after:at:)``), and then
    /// remembers its sequence, so the same authorisation never works twice. Nothing
    /// changes when any check fails. Throws `.resetRefused` with the reason, or
    /// `.invalidPIN` for a badly formed PIN.
    public mutating func resetPIN(_ kind: PINKind, newPIN: String, authorisation token: String, at now: Date = Date()) throws {
        guard hasPIN(kind) else { throw VirtualCardError.noPIN(kind) }
        if let problem = kind.validate(newPIN) { throw VirtualCardError.invalidPIN(kind, problem) }
        // 照合番号B is what the face says; a reset restores its tries and cannot change it.
        if kind == .cardFace, newPIN != face?.numberB { throw VirtualCardError.invalidPIN(kind, .characters("the number printed on the card")) }
        let authorisation: PINResetAuthorisation
        do {
            authorisation = try PINResetAuthorisation.verify(
                token, officeKeyDER: cardOfficeKey, chipID: id, pin: kind, after: lastPINResetSequence, at: now)
        } catch {
            throw VirtualCardError.resetRefused(error)
        }
        try setPIN(kind, to: newPIN)
        lastPINResetSequence = authorisation.sequence
    }

    /// Whether the card can take PIN resets at all (it holds the card office's key).
    public var hasCardOfficeKey: Bool { cardOfficeKey != nil }

    /// Writes the card office's PIN-reset key (P-256 SubjectPublicKeyInfo DER), as the
    /// counter does at hand-over, with the card's first certificates. Write-once, like a
    /// chip's personalisation: the same key again is accepted and changes nothing; a
    /// different key, or a first key on a card that already carries certificates (issued
    /// before resets were signed), is refused — otherwise whoever holds the card file
    /// could install their own key and sign their own resets.
    public mutating func installCardOfficeKey(_ der: [UInt8]) throws {
        guard (try? P256.Signing.PublicKey(derRepresentation: der)) != nil else { throw VirtualCardError.cardOfficeKeyInvalid }
        if let cardOfficeKey {
            guard cardOfficeKey == der else { throw VirtualCardError.cardOfficeKeyLocked }
            return
        }
        guard certificates.isEmpty else { throw VirtualCardError.cardOfficeKeyLocked }
        cardOfficeKey = der
    }

    // MARK: The card-face application

    /// The card-face key's public half (P-256 SubjectPublicKeyInfo DER), which the card
    /// office records at issuance; `nil` on a card without the application.
    public var cardFacePublicKeyDER: [UInt8]? { cardFaceKey.map { Array($0.publicKey.derRepresentation) } }

    /// Writes the printed face and with it the card-face application's opening number
    /// (照合番号B), as the card office does at hand-over. Write-once, like the office key:
    /// only on a card with the application and without certificates yet; the same face
    /// again changes nothing.
    public mutating func personalise(face printed: CardFace) throws {
        guard cardFaceKey != nil, printed.isWellFormed else { throw VirtualCardError.cardFaceUnavailable }
        if let face {
            guard face == printed else { throw VirtualCardError.cardFaceLocked }
            return
        }
        guard certificates.isEmpty else { throw VirtualCardError.cardFaceLocked }
        face = printed
        pins[.cardFace] = CardPIN(kind: .cardFace, pin: printed.numberB, salt: salt)
    }

    /// INTERNAL AUTHENTICATE in the card-face application: once the card is personalised,
    /// only after 照合番号B (a wrong number costs a try, like a PIN); before hand-over, for
    /// the issuance challenge, without it — there is nothing on the card yet to protect.
    /// The answer is an ECDSA P-256 / SHA-256 signature over `message` (DER). Persist the
    /// card afterwards: the attempt changed it.
    public mutating func signWithCardFace(_ message: [UInt8], numberB: String?) throws -> SigningResult {
        guard let cardFaceKey else { throw VirtualCardError.cardFaceUnavailable }
        if face != nil {
            let verification = try verify(pin: numberB ?? "", for: .cardFace)
            guard verification == .verified else { return .refused(verification) }
        }
        return .signed(Array(try cardFaceKey.signature(for: message).derRepresentation))
    }

    /// Signs after the reader session has opened the application; no number check here.
    func signWithCardFaceVerified(_ message: [UInt8]) throws -> [UInt8] {
        guard let cardFaceKey else { throw VirtualCardError.cardFaceUnavailable }
        return Array(try cardFaceKey.signature(for: message).derRepresentation)
    }

    // MARK: Signing

    /// Verifies the key's PIN and, if it matches, signs `digestInfo` (a DER DigestInfo,
    /// e.g. the SHA-256 prefix `30 31 30 0d 06 09 60 86 48 01 65 03 04 02 01 05 00 04 20`
    /// followed by the hash) with RSASSA-PKCS1-v1_5 — the card's COMPUTE DIGITAL
    /// SIGNATURE. Persist the card afterwards: the PIN attempt changed it.
    public mutating func sign(digestInfo: [UInt8], with kind: KeyKind, pin: String) throws -> SigningResult {
        guard let key = key(kind) else { throw VirtualCardError.noKey(kind) }
        let verification = try verify(pin: pin, for: kind.pinKind)
        guard verification == .verified else { return .refused(verification) }
        return .signed(try key.sign(digestInfo: digestInfo))
    }

    /// Signs after the reader session has verified the PIN; no PIN check here.
    func signVerified(digestInfo: [UInt8], with kind: KeyKind) throws -> [UInt8] {
        guard let key = key(kind) else { throw VirtualCardError.noKey(kind) }
        return try key.sign(digestInfo: digestInfo)
    }

    func key(_ kind: KeyKind) -> CardKeyPair? {
        kind == .signature ? signatureKey : authenticationKey
    }

    /// The private key's PKCS#1 DER — internal, for `@testable` tests that check the key
    /// never appears in the clear. Nothing public exposes it.
    func privateKeyPKCS1DERForTesting(_ kind: KeyKind) -> [UInt8]? { key(kind)?.privateKeyPKCS1DER }
    /// The private key's PKCS#8 DER, likewise only for `@testable` tests.
    func privateKeyPKCS8DERForTesting(_ kind: KeyKind) -> [UInt8]? { key(kind)?.privateKeyPKCS8DER }
}

/// The result of `VirtualCard.sign(digestInfo:with:pin:)`.
public enum SigningResult: Sendable, Hashable {
    /// The 256-byte RSA signature.
    case signed([UInt8])
    /// The PIN was wrong or blocked; nothing was signed.
    case refused(PINVerification)
}

public enum VirtualCardError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingPIN(PINKind)
    case invalidPIN(PINKind, PINFormatError)
    case noPIN(PINKind)
    case noKey(KeyKind)
    case certificateSize(Int)
    case digestInfoLength(Int)
    case resetRefused(PINResetRefusal)
    case cardOfficeKeyInvalid
    case cardOfficeKeyLocked
    case cardFaceUnavailable
    case cardFaceLocked

    public var description: String {
        switch self {
        case .missingPIN(let kind): "a new card needs the \(kind.rawValue) PIN"
        case .invalidPIN(let kind, let problem): "\(kind.rawValue) PIN: \(problem)"
        case .noPIN(let kind): "the card has no \(kind.rawValue) PIN"
        case .noKey(let kind): "the card has no \(kind.rawValue) key"
        case .certificateSize(let size): "a certificate of \(size) bytes does not fit the card (1 to 32767 bytes)"
        case .digestInfoLength(let size): "a DigestInfo of \(size) bytes cannot be signed (1 to \(CardKeyPair.maximumDigestInfoLength) bytes)"
        case .resetRefused(let refusal): "PIN reset refused: \(refusal)"
        case .cardOfficeKeyInvalid: "the card office's key is not a P-256 public key"
        case .cardOfficeKeyLocked:
            "the card office's key is written once, at hand-over with the first certificates: this card keeps the key it has (or, issued before, none)"
        case .cardFaceUnavailable: "the card has no card-face application, or the face given is not one the office prints"
        case .cardFaceLocked: "the card face is printed once, at hand-over with the first certificates"
        }
    }
}

func randomBytes(_ count: Int) -> [UInt8] {
    var generator = SystemRandomNumberGenerator()
    return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

extension VirtualCard: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the card and what it holds; never keys, salt or PIN hashes, so logging a card is safe.
    public var description: String {
        let keys = KeyKind.allCases.filter(hasKey).map(\.rawValue).joined(separator: ",")
        let installed = KeyKind.allCases.filter { certificates[$0] != nil }.map(\.rawValue).joined(separator: ",")
        return "VirtualCard(\(id), keys: [\(keys)], certificates: [\(installed)])"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["id": id], displayStyle: .struct) }
}
