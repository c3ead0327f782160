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
        let box = try AES.GCM.seal(Array(number.unmaskedDigits.utf8), using: sealingKey, authenticating: Array(residentID.utf8))
        return Array(box.combined!)  // always present with the default 12-byte nonce
    }

    public func open(_ sealed: [UInt8], for residentID: String) throws -> IndividualNumber {
        let box = try AES.GCM.SealedBox(combined: sealed)
        let digits = try AES.GCM.open(box, using: sealingKey, authenticating: Array(residentID.utf8))
        return try IndividualNumber(String(decoding: digits, as: UTF8.self))
    }
}
