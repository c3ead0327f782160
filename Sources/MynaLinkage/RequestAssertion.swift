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

    struct Header: Codable, Hashable {
        let alg: String
        let typ: String
        let kid: String
    }

    public static let audience = "myna-linkage"
    public static let type = "myna-request+jwt"
    /// The longest an assertion may live, and the clock skew tolerated.
    public static let maximumLifetime: Int64 = 300
    public static let allowedSkew: Int64 = 60

    public let keyID: String
    public let claims: Claims
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Signs an assertion for one request.
    public static func sign(
        agencyID: String, keyID: String, key: P256.Signing.PrivateKey, method: String, path: String, body: [UInt8], now: Date,
        lifetime: Int64 = 60, jti: String = UUID().uuidString.lowercased()
    ) throws -> String {
        let iat = Int64(now.timeIntervalSince1970)
        let claims = Claims(
            iss: agencyID, aud: audience, iat: iat, exp: iat + lifetime, jti: jti, htm: method.uppercased(), htu: path,
            bh: Base64URL.encode(Array(SHA256.hash(data: body))))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = Base64URL.encode(Array(try encoder.encode(Header(alg: "ES256", typ: type, kid: keyID)))) + "."
            + Base64URL.encode(Array(try encoder.encode(claims)))
        // JWS ES256 signatures are R || S, 64 bytes (RFC 7518 §3.4), not DER.
        let signature = try key.signature(for: Array(input.utf8)).rawRepresentation
        return input + "." + Base64URL.encode(Array(signature))
    }

    /// Parses a compact JWS without trusting it: the signature is checked by
    /// ``verify(with:)`` once the key is known from `kid`.
    public init(parsing token: String) throws(LinkageError) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 4096, parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])),
            let claimBytes = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2])),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)),
            let claims = try? JSONDecoder().decode(Claims.self, from: Data(claimBytes))
        else { throw LinkageError(.invalidAssertion, "the request assertion is not a compact JWS with the expected claims") }
        guard header.alg == "ES256", header.typ == Self.type, !header.kid.isEmpty, header.kid.count <= 64 else {
            throw LinkageError(.invalidAssertion, "the request assertion must be ES256 with typ \(Self.type) and a kid")
        }
        keyID = header.kid
        self.claims = claims
        signingInput = Array("\(parts[0]).\(parts[1])".utf8)
        self.signature = signature
    }

    /// Whether the agency's key made the signature.
    public func verify(with key: P256.Signing.PublicKey) -> Bool {
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(signature, for: signingInput)
    }

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
