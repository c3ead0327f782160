public import Crypto
public import MynaCore

/// Keeps individual numbers at rest: sealed with AES-256-GCM (a fresh nonce each time)
/// and found by an HMAC-SHA256 lookup hash, so the database never holds a number in the
/// clear and a stolen table cannot be searched without the lookup key (design.md
/// principle 1). The resident id is bound as associated data, so a sealed number moved
/// to another row fails to open.
public struct NumberVault: Sendable {
    private let sealingKey: SymmetricKey
    /// Keyed once: each lookup hash copies this state (copy on write) instead of
    /// hashing the padded key again.
    private let lookupMAC: HMAC<SHA256>

    public init(keys: KeyStore) throws {
        sealingKey = try keys.key(.numberEncryption)
        lookupMAC = HMAC<SHA256>(key: try keys.key(.numberLookup))
    }

    public func lookupHash(_ number: IndividualNumber) -> [UInt8] {
        var mac = lookupMAC
        mac.update(data: Array(number.unmaskedDigits.utf8))
        return Array(mac.finalize())
    }

    public func seal(_ number: IndividualNumber, for residentID: String) throws -> [UInt8] {
        var random = SystemRandomNumberGenerator()
        return try seal(number, for: residentID, nonces: &random)
    }

    /// Seals with a nonce drawn from `nonces`, a cryptographically secure generator: a
    /// bulk import passes a ``BulkRandom``, since the system generator makes two system
    /// calls per 12-byte nonce. 96 random bits per nonce, as AES.GCM.Nonce() draws them.
    public func seal(
        _ number: IndividualNumber, for residentID: String, nonces: inout some CryptographicallySecureRandom
    ) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(12)
        withUnsafeBytes(of: nonces.next()) { bytes += $0 }
        withUnsafeBytes(of: nonces.next()) { bytes += $0.prefix(4) }
        let nonce = try AES.GCM.Nonce(data: bytes)
        let box = try AES.GCM.seal(Array(number.unmaskedDigits.utf8), using: sealingKey, nonce: nonce, authenticating: Array(residentID.utf8))
        return Array(box.combined!)  // always present with a 12-byte nonce
    }

    public func open(_ sealed: [UInt8], for residentID: String) throws -> IndividualNumber {
        let box = try AES.GCM.SealedBox(combined: sealed)
        let digits = try AES.GCM.open(box, using: sealingKey, authenticating: Array(residentID.utf8))
        return try IndividualNumber(String(decoding: digits, as: UTF8.self))
    }
}

/// A random number generator fit for keys and nonces. Only the system's and
/// ``BulkRandom`` are: a seeded or fast generator (SplitMix64) would repeat nonces.
public protocol CryptographicallySecureRandom: RandomNumberGenerator {}

extension SystemRandomNumberGenerator: CryptographicallySecureRandom {}
extension BulkRandom: CryptographicallySecureRandom {}
