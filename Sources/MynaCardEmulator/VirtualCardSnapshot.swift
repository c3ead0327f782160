internal import Crypto
internal import MynaCard

/// The card's persisted form (inside the encrypted file only).
struct VirtualCardSnapshot: Codable, Hashable {
    static let currentVersion = 1

    struct PIN: Codable, Hashable {
        var kind: PINKind
        var record: CardPIN
    }

    var version: Int
    var id: String
    var salt: [UInt8]
    var authenticationKey: [UInt8]
    var signatureKey: [UInt8]?
    var pins: [PIN]
    var certificates: [String: [UInt8]]
    var caCertificates: [String: [UInt8]]
    var textInput: TextInputData?
    /// The card office's PIN-reset key (P-256 SubjectPublicKeyInfo DER), written at
    /// hand-over; absent on cards issued before resets were signed.
    var cardOfficeKey: [UInt8]?
    /// The sequence of the last PIN reset the card took (absent: none).
    var lastPINResetSequence: Int?
    /// Raised by every save and checked against the counter store (`VirtualCardFile`);
    /// absent in files written before the store existed.
    var fileVersion: Int?
    /// The card-face application's key (P-256 raw) and printed face; absent on cards made
    /// before the application existed, and the face before hand-over.
    var cardFaceKey: [UInt8]?
    var face: CardFace?

    init(_ card: VirtualCard) {
        version = Self.currentVersion
        id = card.id
        salt = card.salt
        authenticationKey = card.authenticationKey.privateKeyPKCS1DER
        signatureKey = card.signatureKey?.privateKeyPKCS1DER
        pins = card.pins.sorted { $0.key.rawValue < $1.key.rawValue }.map { PIN(kind: $0.key, record: $0.value) }
        certificates = Dictionary(uniqueKeysWithValues: card.certificates.map { ($0.key.rawValue, $0.value) })
        caCertificates = Dictionary(uniqueKeysWithValues: card.caCertificates.map { ($0.key.rawValue, $0.value) })
        textInput = card.textInput
        cardOfficeKey = card.cardOfficeKey
        lastPINResetSequence = card.lastPINResetSequence == 0 ? nil : card.lastPINResetSequence
        cardFaceKey = card.cardFaceKey.map { Array($0.rawRepresentation) }
        face = card.face
    }

    func card() throws -> VirtualCard {
        guard version == Self.currentVersion else { throw VirtualCardFileError.corrupt }
        func keyed(_ files: [String: [UInt8]]) throws -> [KeyKind: [UInt8]] {
            try files.reduce(into: [:]) { result, entry in
                guard let kind = KeyKind(rawValue: entry.key) else { throw VirtualCardFileError.corrupt }
                result[kind] = entry.value
            }
        }
        return VirtualCard(
            id: id,
            salt: salt,
            authenticationKey: try CardKeyPair(pkcs1DER: authenticationKey),
            signatureKey: try signatureKey.map { try CardKeyPair(pkcs1DER: $0) },
            pins: Dictionary(uniqueKeysWithValues: pins.map { ($0.kind, $0.record) }),
            certificates: try keyed(certificates),
            caCertificates: try keyed(caCertificates),
            textInput: textInput,
            cardOfficeKey: cardOfficeKey,
            lastPINResetSequence: lastPINResetSequence ?? 0,
            cardFaceKey: try cardFaceKey.map { try P256.Signing.PrivateKey(rawRepresentation: $0) },
            face: face
        )
    }
}

extension VirtualCard: Equatable {
    /// Two cards are equal when their whole state is — keys, PIN hashes and counters,
    /// certificates, text-input data and the card-office key with the last reset taken.
    public static func == (lhs: VirtualCard, rhs: VirtualCard) -> Bool {
        VirtualCardSnapshot(lhs) == VirtualCardSnapshot(rhs)
    }
}
