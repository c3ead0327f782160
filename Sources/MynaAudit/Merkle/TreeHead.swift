// Signed tree heads (RFC 6962 §3.5) and the log's signing key.

public import Crypto
public import Foundation

// MARK: - Signed tree head

/// A log's signed statement that its tree of `treeSize` leaves has root
/// `rootHash`, as RFC 6962 §3.5 defines it.
///
/// The signature covers the TLS serialization of
///
/// ```
/// digitally-signed struct {
///     Version version;                      // v1(0), 1 byte
///     SignatureType signature_type = tree_hash;  // tree_hash(1), 1 byte
///     uint64 timestamp;                     // ms since the epoch, big-endian
///     uint64 tree_size;                     // big-endian
///     opaque sha256_root_hash[32];
/// } TreeHeadSignature;
/// ```
///
/// and `signature` holds the RFC 5246 §4.7 `DigitallySigned` encoding of an
/// ECDSA P-256 / SHA-256 signature over it.
///
/// `Codable` produces exactly the `get-sth` response of RFC 6962 §4.3:
/// `{"tree_size", "timestamp", "sha256_root_hash", "tree_head_signature"}`, the
/// last two in base64.
public struct SignedTreeHead: Sendable, Hashable, Codable {
    /// The number of leaves in the tree.
    public let treeSize: UInt64
    /// When the tree head was issued, in milliseconds since the Unix epoch.
    public let timestamp: UInt64
    /// `MTH` of the tree: 32 bytes.
    public let rootHash: [UInt8]
    /// The `DigitallySigned` bytes (RFC 5246 §4.7) over ``signedBytes``.
    public let signature: [UInt8]

    /// A tree head as received or stored; nothing is checked until ``verify(publicKey:)``.
    public init(treeSize: UInt64, timestamp: UInt64, rootHash: [UInt8], signature: [UInt8]) {
        self.treeSize = treeSize
        self.timestamp = timestamp
        self.rootHash = rootHash
        self.signature = signature
    }

    /// Signs a tree head with the log's key.
    ///
    /// - Throws: ``TreeHeadError/malformedRootHash`` unless `rootHash` is 32 bytes,
    ///   or the signing error of the crypto library.
    public static func sign(
        treeSize: UInt64, timestamp: UInt64, rootHash: [UInt8], key: LogKey
    ) throws -> SignedTreeHead {
        guard MerkleHash.isWellFormed(rootHash) else { throw TreeHeadError.malformedRootHash }
        let message = signedBytes(treeSize: treeSize, timestamp: timestamp, rootHash: rootHash)
        let ecdsa = try key.privateKey.signature(for: message)
        return SignedTreeHead(
            treeSize: treeSize, timestamp: timestamp, rootHash: rootHash,
            signature: DigitallySigned.encode(derSignature: Array(ecdsa.derRepresentation)))
    }

    /// Whether `signature` is a valid `DigitallySigned` ECDSA P-256 / SHA-256
    /// signature by `publicKey` over this tree head. Any malformed field yields
    /// `false`.
    public func verify(publicKey: P256.Signing.PublicKey) -> Bool {
        guard MerkleHash.isWellFormed(rootHash),
              let der = DigitallySigned.derSignature(in: signature),
              let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: der)
        else { return false }
        return publicKey.isValidSignature(ecdsa, for: signedBytes)
    }

    /// The 50-byte `TreeHeadSignature` this tree head's signature covers.
    public var signedBytes: [UInt8] {
        Self.signedBytes(treeSize: treeSize, timestamp: timestamp, rootHash: rootHash)
    }

    /// The TLS serialization of RFC 6962 §3.5 `TreeHeadSignature`:
    /// version ‖ signature_type ‖ timestamp ‖ tree_size ‖ sha256_root_hash.
    public static func signedBytes(treeSize: UInt64, timestamp: UInt64, rootHash: [UInt8]) -> [UInt8] {
        let version: UInt8 = 0            // v1
        let signatureType: UInt8 = 1      // tree_hash
        var bytes: [UInt8] = [version, signatureType]
        bytes.reserveCapacity(2 + 8 + 8 + rootHash.count)
        bytes += timestamp.bigEndianBytes
        bytes += treeSize.bigEndianBytes
        bytes += rootHash
        return bytes
    }

    // MARK: get-sth JSON (RFC 6962 §4.3)

    /// This tree head as the body of an RFC 6962 §4.3 `get-sth` response.
    public func jsonRepresentation() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try encoder.encode(self)
    }

    /// Reads the body of an RFC 6962 §4.3 `get-sth` response.
    public init(jsonRepresentation: Data) throws {
        self = try JSONDecoder().decode(SignedTreeHead.self, from: jsonRepresentation)
    }

    private enum CodingKeys: String, CodingKey {
        case treeSize = "tree_size"
        case timestamp
        case rootHash = "sha256_root_hash"
        case signature = "tree_head_signature"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        treeSize = try container.decode(UInt64.self, forKey: .treeSize)
        timestamp = try container.decode(UInt64.self, forKey: .timestamp)
        rootHash = try container.decodeBase64(forKey: .rootHash)
        signature = try container.decodeBase64(forKey: .signature)
        guard MerkleHash.isWellFormed(rootHash) else {
            throw DecodingError.dataCorruptedError(
                forKey: .rootHash, in: container, debugDescription: "a SHA-256 root hash is 32 bytes")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(treeSize, forKey: .treeSize)
        try container.encode(timestamp, forKey: .timestamp)
        try container.encode(Data(rootHash).base64EncodedString(), forKey: .rootHash)
        try container.encode(Data(signature).base64EncodedString(), forKey: .signature)
    }
}

/// Why a tree head could not be signed.
public enum TreeHeadError: Error, Hashable, Sendable {
    /// The root hash was not 32 bytes.
    case malformedRootHash
}

// MARK: - DigitallySigned (RFC 5246 §4.7)

/// The TLS `DigitallySigned` wrapping of a signature, fixed to the one algorithm
/// pair this log uses: `SignatureAndHashAlgorithm {hash: sha256(4), signature:
/// ecdsa(3)}`, then `opaque signature<0..2^16-1>` (a 2-byte big-endian length
/// and the DER-encoded ECDSA signature).
enum DigitallySigned {
    static let sha256: UInt8 = 4
    static let ecdsa: UInt8 = 3

    static func encode(derSignature: [UInt8]) -> [UInt8] {
        precondition(derSignature.count <= Int(UInt16.max), "a P-256 DER signature is at most 72 bytes")
        let length = UInt16(derSignature.count)
        return [sha256, ecdsa, UInt8(length >> 8), UInt8(length & 0xFF)] + derSignature
    }

    /// The DER signature inside `bytes`, or `nil` unless `bytes` is exactly one
    /// SHA-256/ECDSA `DigitallySigned` structure.
    static func derSignature(in bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 4, bytes[0] == sha256, bytes[1] == ecdsa else { return nil }
        let length = Int(bytes[2]) << 8 | Int(bytes[3])
        guard bytes.count == 4 + length else { return nil }
        return Array(bytes[4...])
    }
}

// MARK: - Log key

/// The log's ECDSA P-256 signing key, and the identifiers derived from it.
public struct LogKey: Sendable {
    /// The private key. Keep it secret: whoever holds it can sign tree heads.
    public let privateKey: P256.Signing.PrivateKey

    public init(privateKey: P256.Signing.PrivateKey) {
        self.privateKey = privateKey
    }

    /// A fresh random key.
    public static func generate() -> LogKey {
        LogKey(privateKey: P256.Signing.PrivateKey())
    }

    /// Loads a key from PEM: PKCS#8 (`PRIVATE KEY`) or SEC 1 (`EC PRIVATE KEY`).
    public init(privateKeyPEM: String) throws {
        self.privateKey = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
    }

    /// The private key as PKCS#8 PEM, for storing it. Secret.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    /// The public key that verifies this log's tree heads.
    public var publicKey: P256.Signing.PublicKey { privateKey.publicKey }

    /// The public key as a PEM `SubjectPublicKeyInfo` (`PUBLIC KEY`), the form
    /// logs publish and `openssl` reads.
    public var publicKeyPEM: String { publicKey.pemRepresentation }

    /// The log ID of RFC 6962 §3.2: SHA-256 of the DER `SubjectPublicKeyInfo`.
    public var logID: [UInt8] { Self.logID(of: publicKey) }

    /// The RFC 6962 §3.2 log ID of any log's public key.
    public static func logID(of publicKey: P256.Signing.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: publicKey.derRepresentation))
    }
}

// MARK: - Helpers

extension UInt64 {
    /// The eight bytes of the value, most significant first (TLS `uint64`).
    fileprivate var bigEndianBytes: [UInt8] {
        (0 ..< 8).reversed().map { UInt8(truncatingIfNeeded: self >> ($0 * 8)) }
    }
}

extension KeyedDecodingContainer {
    /// A base64 string field, decoded to bytes.
    fileprivate func decodeBase64(forKey key: Key) throws -> [UInt8] {
        let text = try decode(String.self, forKey: key)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self, debugDescription: "not base64")
        }
        return Array(data)
    }
}
