public import Crypto

/// A cryptographically secure generator for bulk work: an AES-256 counter-mode
/// keystream (AES-GCM over zeros, whose ciphertext is exactly that keystream) under a key
/// drawn from the system for every 32 KiB. The system generator, and swift-crypto's
/// `SymmetricKey(size:)` which uses it, make one `getrandom` call per 8 bytes; that was
/// the largest single cost of bulk registration (ten draws per resident code, and two
/// per sealed number's nonce).
public struct BulkRandom: RandomNumberGenerator {
    private var buffer: [UInt8] = []
    private var offset = 0
    private static let zeros = [UInt8](repeating: 0, count: 32 * 1024)

    public init() {}

    public mutating func next() -> UInt64 {
        if offset + 8 > buffer.count { refill() }
        var value: UInt64 = 0
        for index in 0..<8 { value = value << 8 | UInt64(buffer[offset + index]) }
        offset += 8
        return value
    }

    private mutating func refill() {
        // A fresh key for each block, so the nonce can be fixed without ever repeating
        // a (key, nonce) pair.
        let key = SymmetricKey(size: .bits256)
        let nonce = try! AES.GCM.Nonce(data: [UInt8](repeating: 0, count: 12))  // 12 bytes is always valid
        buffer = Array(try! AES.GCM.seal(Self.zeros, using: key, nonce: nonce).ciphertext)  // cannot fail for these sizes
        offset = 0
    }
}
