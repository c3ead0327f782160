import Crypto
import Foundation

/// A cryptographically secure generator for bulk work: an AES-256 counter-mode
/// keystream (AES-GCM over zeros, whose ciphertext is exactly that keystream) under a key
/// drawn from the system for every 32 KiB. The system generator, and swift-crypto's
/// `SymmetricKey(size:)` which uses it, make one `getrandom` call per 8 bytes; that was
/// the largest single cost of bulk registration (ten draws per resident code).
struct BulkRandom: RandomNumberGenerator {
    private var buffer: [UInt8] = []
    private var offset = 0
    private static let zeros = [UInt8](repeating: 0, count: 32 * 1024)

    mutating func next() -> UInt64 {
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

    /// A UUID version 7 (RFC 9562 §5.7): 48 bits of Unix milliseconds, then 74 random
    /// bits. Time-ordered ids keep the indexes keyed by resident id appending rather
    /// than inserting at random, which is what lets bulk imports stay fast as the
    /// registry grows. The id reveals only when the record was created, which its
    /// history holds anyway.
    mutating func uuidV7(milliseconds: Int64) -> String {
        let high = UInt64(truncatingIfNeeded: milliseconds) << 16 | 0x7000 | (next() & 0x0FFF)  // version 7
        let low = 0x8000_0000_0000_0000 | (next() & 0x3FFF_FFFF_FFFF_FFFF)  // variant 10
        var text = [UInt8]()
        text.reserveCapacity(36)
        let digits = Array("0123456789abcdef".utf8)
        for (word, range) in [(high, 0..<16), (low, 16..<32)] {
            for nibble in range {
                if [8, 12, 16, 20].contains(nibble) { text.append(UInt8(ascii: "-")) }
                text.append(digits[Int(word >> UInt64(60 - 4 * (nibble % 16)) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
