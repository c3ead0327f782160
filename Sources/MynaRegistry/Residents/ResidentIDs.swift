import MynaDatabase
import MynaSecrets

/// Resident ids: UUID version 7 (RFC 9562 §5.7), 48 bits of Unix milliseconds, then a
/// 42-bit counter and 32 random bits (§6.2, method 1). Ids made by one generator only
/// ever increase, even thousands within a millisecond, so every index keyed by resident
/// id — the residents themselves, their history, their access records — appends rather
/// than inserting at random; that is what keeps a bulk import fast as the registry
/// grows. The counter starts at a random point in its lower half each millisecond (the
/// rollover guard of §6.2), and ids from different generators differ in their random
/// bits. An id reveals only when the record was created, which its history holds anyway.
struct ResidentIDs {
    private var random = BulkRandom()
    private var milliseconds: Int64 = -1
    private var counter: UInt64 = 0
    private static let counterBits: UInt64 = 42

    mutating func next(at now: Int64) -> String {
        if now > milliseconds {
            milliseconds = now
            counter = random.next() & (1 << (Self.counterBits - 1) - 1)
        } else {
            counter += 1
            if counter >> Self.counterBits != 0 {  // borrow the next millisecond (§6.2)
                milliseconds += 1
                counter = random.next() & (1 << (Self.counterBits - 1) - 1)
            }
        }
        let high = UInt64(truncatingIfNeeded: milliseconds) << 16 | 0x7000 | counter >> 30  // version 7, counter's top 12 bits
        let low = 0x8000_0000_0000_0000 | (counter & (1 << 30 - 1)) << 32 | random.next() & 0xFFFF_FFFF  // variant 10
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (word, range) in [(high, 0..<16), (low, 16..<32)] {
            for nibble in range {
                if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 { text.append(UInt8(ascii: "-")) }
                text.append(Self.digits[Int(word >> UInt64(60 - 4 * (nibble % 16)) & 0xF)])
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let digits = Array("0123456789abcdef".utf8)
}
