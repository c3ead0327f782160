public import Crypto
public import Foundation
internal import MynaCore

/// 暗証番号再設定の認可 — the card office's signed permission for one chip to take a new
/// value for one PIN (domain.md §2: a locked PIN is reset only at the municipal counter,
/// after staff check the holder's identity in person).
///
/// A compact JWS (ES256, `typ` ``type``) signed with the card office's PIN-reset key,
/// whose public half is written to the chip at hand-over. Its claims carry what
/// style.md asks of every signature: the purpose (the `typ` and `purpose`), the audience
/// (the chip id) and a nonce — and what the card needs to take it once only: the PIN kind,
/// an expiry, and a sequence number that grows with every step the office records for the
/// card, so the card can refuse any authorisation at or below the last one it took.
public struct PINResetAuthorisation: Sendable, Hashable, Codable {
    public static let type = "myna-pin-reset+jwt"
    public static let purpose = "pin-reset"
    /// The holder sets the new PIN at the counter, straight after the check.
    public static let lifetime: TimeInterval = 15 * 60
    /// Tokens are a few hundred bytes; anything much longer is not one.
    static let maximumLength = 2048

    public let purpose: String
    /// The chip the office recorded at hand-over (the card's `id`).
    public let chipId: String
    public let pin: PINKind
    /// Grows with every step recorded for the card: the card takes only a higher one.
    public let sequence: Int
    /// 16 random bytes, hex: no two authorisations are the same bytes.
    public let nonce: String
    /// Seconds since 1970.
    public let issuedAt: Int64
    public let expiresAt: Int64

    public init(chipID: String, pin: PINKind, sequence: Int, issuedAt: Date) {
        purpose = Self.purpose
        chipId = chipID
        self.pin = pin
        self.sequence = sequence
        var generator = SystemRandomNumberGenerator()
        nonce = (0..<16).map { _ in String(UInt8.random(in: .min ... .max, using: &generator), radix: 16) }
            .map { $0.count == 1 ? "0" + $0 : $0 }.joined()
        self.issuedAt = Int64(issuedAt.timeIntervalSince1970.rounded(.down))
        expiresAt = self.issuedAt + Int64(Self.lifetime)
    }

    public var expiry: Date { Date(timeIntervalSince1970: Double(expiresAt)) }

    /// The token the counter hands to the card.
    public func signed(with key: P256.Signing.PrivateKey) throws -> String {
        try CompactJWS.sign(self, type: Self.type, keyID: JWKThumbprint.thumbprint(of: key.publicKey), key: key)
    }

    /// What the card does with a token: it must be signed by the card office's key the
    /// chip holds (`officeKeyDER`, a P-256 SubjectPublicKeyInfo; `nil` on a card issued
    /// before resets were signed), for this chip and this PIN, unexpired at `now`, and
    /// newer than the last reset the chip took. Every check runs before anything changes.
    public static func verify(
        _ token: String, officeKeyDER: [UInt8]?, chipID: String, pin: PINKind, after lastSequence: Int, at now: Date
    ) throws(PINResetRefusal) -> PINResetAuthorisation {
        guard let officeKeyDER else { throw .noCardOfficeKey }
        guard let key = try? P256.Signing.PublicKey(derRepresentation: officeKeyDER),
            let parsed = CompactJWS<PINResetAuthorisation>(parsing: token, type: type, maximumLength: maximumLength),
            parsed.isSigned(by: key), parsed.claims.purpose == purpose
        else { throw .notSignedByCardOffice }
        let claims = parsed.claims
        guard claims.chipId == chipID else { throw .anotherCard }
        guard claims.pin == pin else { throw .anotherPIN(claims.pin) }
        guard Double(claims.expiresAt) > now.timeIntervalSince1970 else { throw .expired }
        guard claims.sequence > lastSequence else { throw .alreadyUsed }
        return claims
    }
}

/// Why a card refuses a PIN reset. None of them says anything about the PIN itself.
public enum PINResetRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case noCardOfficeKey
    case notSignedByCardOffice
    case anotherCard
    case anotherPIN(PINKind)
    case expired
    case alreadyUsed

    public var description: String {
        switch self {
        case .noCardOfficeKey:
            "this card was issued before PIN resets were signed by the card office and holds no card-office key, so it cannot take a reset: apply for a new card at the counter"
        case .notSignedByCardOffice: "the reset authorisation is not signed by the card office that issued this card"
        case .anotherCard: "the reset authorisation is for another card"
        case .anotherPIN(let kind): "the reset authorisation is for the \(kind.rawValue) PIN, not this one"
        case .expired: "the reset authorisation has expired: ask the counter for a new one"
        case .alreadyUsed: "the reset authorisation was already used (or a newer one was): ask the counter for a new one"
        }
    }
}
