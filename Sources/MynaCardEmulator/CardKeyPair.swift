internal import Crypto
internal import _CryptoExtras
internal import Foundation

/// An RSA-2048 key pair generated on the card (domain notes §3). The private half never
/// leaves: nothing public returns it, and the only operation on it is the card's
/// COMPUTE DIGITAL SIGNATURE, which pads a caller-supplied DigestInfo (EMSA-PKCS1-v1_5,
/// RFC 8017 §9.2) and applies the private key — exactly what the real card does, so a
/// host can sign any hash the card itself never sees.
struct CardKeyPair: Sendable {
    private let privateKey: _RSA.Signing.PrivateKey

    static let modulusBytes = 256
    /// The longest DigestInfo that fits PKCS#1 v1.5 padding in a 2048-bit modulus (k − 11).
    static let maximumDigestInfoLength = modulusBytes - 11

    static func generate() throws -> CardKeyPair {
        CardKeyPair(privateKey: try _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    private init(privateKey: _RSA.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// Restores a key from the (encrypted) card file.
    init(pkcs1DER: [UInt8]) throws {
        self.privateKey = try _RSA.Signing.PrivateKey(derRepresentation: pkcs1DER)
    }

    /// PKCS#1 RSAPrivateKey DER, for the encrypted card file and `@testable` tests only.
    var privateKeyPKCS1DER: [UInt8] { Array(privateKey.derRepresentation) }
    /// PKCS#8 PrivateKeyInfo DER, for `@testable` tests only.
    var privateKeyPKCS8DER: [UInt8] { Array(privateKey.pkcs8DERRepresentation) }

    var publicKey: CardPublicKey {
        let key = privateKey.publicKey
        return CardPublicKey(
            subjectPublicKeyInfoDER: Array(key.derRepresentation),
            pkcs1DER: Array(key.pkcs1DERRepresentation),
            pem: key.pemRepresentation
        )
    }

    /// Signs `digestInfo` with RSASSA-PKCS1-v1_5: `00 01 FF…FF 00 ‖ DigestInfo`, then the
    /// raw private-key operation. Throws for an empty or over-long DigestInfo.
    func sign(digestInfo: [UInt8]) throws -> [UInt8] {
        guard !digestInfo.isEmpty, digestInfo.count <= Self.maximumDigestInfoLength else {
            throw VirtualCardError.digestInfoLength(digestInfo.count)
        }
        let padding = Self.modulusBytes - 3 - digestInfo.count
        let encoded: [UInt8] = [0x00, 0x01] + Array(repeating: 0xFF, count: padding) + [0x00] + digestInfo
        let raw = try _RSA.BlindSigning.PrivateKey(derRepresentation: privateKey.derRepresentation)
        return Array(try raw.blindSignature(for: encoded).rawRepresentation)
    }
}

/// The public half of a card key, readable so that the CA can certify it.
public struct CardPublicKey: Sendable, Hashable, Codable {
    /// DER SubjectPublicKeyInfo (what goes into a certificate).
    public let subjectPublicKeyInfoDER: [UInt8]
    /// DER PKCS#1 RSAPublicKey.
    public let pkcs1DER: [UInt8]
    /// PEM "PUBLIC KEY" (SubjectPublicKeyInfo), as `openssl` reads it.
    public let pem: String
}
