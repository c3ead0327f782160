// Salted commitments: what the public log holds in place of a record.

import Crypto

/// A hiding, binding commitment to a record, which is what the public log stores.
///
/// ```
/// commitment = SHA-256("myna-record-v1" ‖ 0x00 ‖ salt ‖ canonicalRecordBytes)
/// ```
///
/// The 32-byte random salt makes the commitment reveal nothing about the record,
/// even one drawn from a small space such as a 12-digit individual number; the
/// domain tag keeps these hashes apart from every other SHA-256 in the system.
/// The salt stays private beside the record: revealing record and salt to
/// someone lets them check ``matches(commitment:record:salt:)`` and, with an
/// inclusion proof, that the record was logged.
///
/// The log's leaf *entry* is the 32-byte commitment itself, so its leaf hash is
/// `MerkleHash.leaf(commitment)` = SHA-256(0x00 ‖ commitment) (RFC 9162 §2.1.1).
public enum RecordCommitment {
    /// The domain-separation tag, versioned so the format can change.
    public static let domainTag: [UInt8] = Array("myna-record-v1".utf8)

    /// The length in bytes of a salt.
    public static let saltByteCount = 32

    /// A fresh salt from the system's cryptographically secure generator.
    public static func newSalt() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0 ..< saltByteCount).map { _ in generator.next() }
    }

    /// The 32-byte commitment to the canonical bytes of `record` under `salt`.
    ///
    /// - Throws: ``RecordCommitmentError/malformedSalt`` unless `salt` is
    ///   ``saltByteCount`` bytes.
    public static func commit(record: [UInt8], salt: [UInt8]) throws(RecordCommitmentError) -> [UInt8] {
        guard salt.count == saltByteCount else { throw .malformedSalt }
        var hasher = SHA256()
        hasher.update(data: domainTag)
        hasher.update(data: [0x00])
        hasher.update(data: salt)
        hasher.update(data: record)
        return Array(hasher.finalize())
    }

    /// Whether `commitment` commits to `record` under `salt`.
    public static func matches(commitment: [UInt8], record: [UInt8], salt: [UInt8]) -> Bool {
        guard let expected = try? commit(record: record, salt: salt) else { return false }
        return expected == commitment
    }
}

/// Why a commitment could not be computed.
public enum RecordCommitmentError: Error, Hashable, Sendable {
    /// The salt was not ``RecordCommitment/saltByteCount`` bytes.
    case malformedSalt
}
