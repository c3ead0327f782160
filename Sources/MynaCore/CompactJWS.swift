public import Crypto
public import Foundation

/// A compact JWS (RFC 7515 §7.1) signed with ES256 (RFC 7518 §3.4) — the one shape in
/// which Myna signs small statements for others to check: an agency's request assertion,
/// the seal on a printed certificate. The header is `{alg, typ, kid}`; the claims are the
/// caller's. Signatures are R ‖ S, 64 bytes, not DER.
public struct CompactJWS<Claims: Codable & Sendable>: Sendable {
    struct Header: Codable, Hashable {
        let alg: String
        let typ: String
        let kid: String
    }

    public let keyID: String
    public let claims: Claims
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Signs `claims` (keys sorted, slashes unescaped: the same claims give the same bytes).
    public static func sign(_ claims: Claims, type: String, keyID: String, key: P256.Signing.PrivateKey) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = Base64URL.encode(Array(try encoder.encode(Header(alg: "ES256", typ: type, kid: keyID)))) + "."
            + Base64URL.encode(Array(try encoder.encode(claims)))
        return input + "." + Base64URL.encode(Array(try key.signature(for: Array(input.utf8)).rawRepresentation))
    }

    /// Parses a token of `type` without trusting it (nil when it is not one): the key is
    /// known from `keyID`, and ``isSigned(by:)`` checks the signature.
    public init?(parsing token: String, type: String, maximumLength: Int) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= maximumLength, parts.count == 3, let headerBytes = Base64URL.decode(String(parts[0])),
            let claimBytes = Base64URL.decode(String(parts[1])), let signature = Base64URL.decode(String(parts[2])),
            let header = try? JSONDecoder().decode(Header.self, from: Data(headerBytes)), header.alg == "ES256", header.typ == type,
            !header.kid.isEmpty, header.kid.count <= 64, let claims = try? JSONDecoder().decode(Claims.self, from: Data(claimBytes))
        else { return nil }
        (keyID, self.claims, signingInput, self.signature) = (header.kid, claims, Array("\(parts[0]).\(parts[1])".utf8), signature)
    }

    public func isSigned(by key: P256.Signing.PublicKey) -> Bool {
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(signature, for: signingInput)
    }
}

extension CompactJWS: Equatable, Hashable where Claims: Hashable {}
