public import Crypto
public import Foundation
public import MynaCore

/// The seal on a printed certificate: a compact JWS (RFC 7515) with ES256 (RFC 7518
/// §3.4), made by the issuing centre's key, over what the certificate is and the SHA-256
/// of every byte of the PDF but the seal itself. It sits in the PDF's `/Info` dictionary
/// (MynaPDF's `PDFDigitalSeal`), so anyone holding the file can check it offline against the
/// published key (`GET /v1/certificates/keys`), and the paper carries the verification
/// code for checking online.
public struct CertificateSeal: Sendable, Hashable {
    public struct Claims: Codable, Sendable, Hashable {
        /// The verification code printed on the certificate.
        public let code: String
        /// 発行番号.
        public let num: String
        /// The kind of certificate (`residence`).
        public let kind: String
        /// The certifying municipality's code.
        public let mun: String
        /// Issued at, seconds since the epoch.
        public let iat: Int64
        /// base64url(SHA-256(the PDF without its seal)).
        public let sha: String
    }

    public static let type = "myna-certificate+jws"

    public let keyID: String
    public let claims: Claims

    /// Signs claims with the centre's key.
    public static func sign(_ claims: Claims, key: P256.Signing.PrivateKey) throws -> String {
        try CompactJWS.sign(claims, type: type, keyID: keyID(of: key.publicKey), key: key)
    }

    /// Checks a seal with a public key and returns what it says. The caller then compares
    /// `claims.sha` with the digest of the file it has.
    public init(verifying token: String, with key: P256.Signing.PublicKey) throws(ServiceError) {
        guard let parsed = CompactJWS<Claims>(parsing: token, type: Self.type, maximumLength: 2048) else {
            throw ServiceError(.sealInvalid, "the seal is not a certificate JWS")
        }
        guard parsed.keyID == Self.keyID(of: key), parsed.isSigned(by: key) else {
            throw ServiceError(.sealInvalid, "the seal was not made by the issuing centre's key")
        }
        (keyID, claims) = (parsed.keyID, parsed.claims)
    }

    /// The key's id: the RFC 7638 thumbprint of its JWK.
    public static func keyID(of key: P256.Signing.PublicKey) -> String { JWKThumbprint.thumbprint(of: key) }

    /// The public key as a JWK's members (RFC 7518 §6.2.1).
    public static func publicJWK(_ key: P256.Signing.PublicKey) -> [String: String] {
        let (x, y) = JWKThumbprint.coordinates(of: key)
        return ["kty": "EC", "crv": "P-256", "x": x, "y": y]
    }

    public static func digest(_ bytes: [UInt8]) -> String { Base64URL.encode(Array(SHA256.hash(data: bytes))) }
}
