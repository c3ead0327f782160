public import Crypto
import MynaCore
public import Foundation

/// A signed, time-bound request assertion: how an agency proves that a request is its
/// own, new and unaltered. It has the shape of a DPoP proof (RFC 9449 §4.2) signed with
/// the agency's registered key — a compact JWS (RFC 7515) with ES256 (RFC 7518 §3.4) —
/// and binds the method, the path and a hash of the body, so a captured assertion is
/// good for nothing but the one request it came with, once, within a minute.
///
/// Sent as `Authorization: MynaAgency <jws>`.
public struct RequestAssertion: Sendable, Hashable {
    public struct Claims: Codable, Sendable, Hashable {
        /// The agency's id.
        public let iss: String
        /// Always ``RequestAssertion/audience``.
        public let aud: String
        /// Issued at and expires at, seconds since the epoch.
        public let iat: Int64
        public let exp: Int64
        /// A unique id; the hub refuses to see it twice.
        public let jti: String
        /// The HTTP method and the path (with query) the assertion is for.
        public let htm: String
        public let htu: String
        /// base64url(SHA-256(body)).
        public let bh: String
    }

    public static let audience = "myna-linkage"
    public static let type = "myna-request+jwt"
    /// The longest an assertion may live, and the clock skew tolerated.
    public static let maximumLifetime: Int64 = 300
    public static let allowedSkew: Int64 = 60

    let token: CompactJWS<Claims>
    public var keyID: String { token.keyID }
    public var claims: Claims { token.claims }

    /// Signs an assertion for one request.
    public static func sign(
        agencyID: String, keyID: String, key: P256.Signing.PrivateKey, method: String, path: String, body: [UInt8], now: Date,
        lifetime: Int64 = 60, jti: String = UUID().uuidString.lowercased()
    ) throws -> String {
        let iat = Int64(now.timeIntervalSince1970)
        let claims = Claims(
            iss: agencyID, aud: audience, iat: iat, exp: iat + lifetime, jti: jti, htm: method.uppercased(), htu: path,
            bh: Base64URL.encode(Array(SHA256.hash(data: body))))
        return try CompactJWS.sign(claims, type: type, keyID: keyID, key: key)
    }

    /// Parses a compact JWS without trusting it: the signature is checked by
    /// ``verify(with:)`` once the key is known from `kid`.
    public init(parsing token: String) throws(LinkageError) {
        guard let parsed = CompactJWS<Claims>(parsing: token, type: Self.type, maximumLength: 4096) else {
            throw LinkageError(.invalidAssertion, "the request assertion must be a compact JWS, ES256 with typ \(Self.type), a kid and the expected claims")
        }
        self.token = parsed
    }

    /// Whether the agency's key made the signature.
    public func verify(with key: P256.Signing.PublicKey) -> Bool { token.isSigned(by: key) }

    /// Checks the claims against the request in hand and the clock; the caller checks
    /// the signature, the issuer and that `jti` is new.
    public func check(method: String, path: String, body: [UInt8], now: Date) throws(LinkageError) {
        let seconds = Int64(now.timeIntervalSince1970)
        guard claims.aud == Self.audience, claims.htm == method.uppercased(), claims.htu == path,
            claims.bh == Base64URL.encode(Array(SHA256.hash(data: body)))
        else { throw LinkageError(.invalidAssertion, "the request assertion is for another request") }
        guard claims.exp > seconds, claims.iat <= seconds + Self.allowedSkew, claims.exp - claims.iat <= Self.maximumLifetime,
            claims.exp >= claims.iat
        else { throw LinkageError(.expiredAssertion, "the request assertion is expired, not yet valid or too long-lived") }
        guard (1...64).contains(claims.jti.count) else { throw LinkageError(.invalidAssertion, "jti is 1–64 characters") }
    }
}
