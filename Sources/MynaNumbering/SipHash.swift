/// SipHash-2-4 (Aumasson & Bernstein, "SipHash: a fast short-input PRF", 2012):
/// a keyed pseudorandom function with a 128-bit key `(k0, k1)` and a 64-bit output.
///
/// `FeistelPermutation` uses it as its round function through the 8-byte fast path
/// (`hash(_: UInt64, …)`); the byte-array form lets the tests check the implementation
/// against the reference vectors (`vectors.h` of the reference code).
internal struct SipHash24 {
    private var v0: UInt64
    private var v1: UInt64
    private var v2: UInt64
    private var v3: UInt64

    private init(k0: UInt64, k1: UInt64) {
        v0 = k0 ^ 0x736f_6d65_7073_6575  // "somepseudorandomlygeneratedbytes"
        v1 = k1 ^ 0x646f_7261_6e64_6f6d
        v2 = k0 ^ 0x6c79_6765_6e65_7261
        v3 = k1 ^ 0x7465_6462_7974_6573
    }

    /// SipHash-2-4 of exactly 8 bytes, given as one little-endian `UInt64`.
    /// No allocation: one message block, then the length block `8 << 56`.
    @inline(__always)
    static func hash(_ message: UInt64, k0: UInt64, k1: UInt64) -> UInt64 {
        var state = SipHash24(k0: k0, k1: k1)
        state.compress(message)
        state.compress(8 << 56)
        return state.finalize()
    }

    /// SipHash-2-4 of a message of any length.
    static func hash(_ message: [UInt8], k0: UInt64, k1: UInt64) -> UInt64 {
        var state = SipHash24(k0: k0, k1: k1)
        let tailStart = message.count - message.count % 8
        for blockStart in stride(from: 0, to: tailStart, by: 8) {
            state.compress(littleEndianWord(message[blockStart..<blockStart + 8]))
        }
        // Last block: the remaining 0...7 bytes, with the message length (mod 256) in the top byte.
        let lengthByte = UInt64(truncatingIfNeeded: message.count) << 56
        state.compress(lengthByte | littleEndianWord(message[tailStart...]))
        return state.finalize()
    }

    private static func littleEndianWord(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var word: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            word |= UInt64(byte) << (8 * index)
        }
        return word
    }

    @inline(__always)
    private mutating func compress(_ block: UInt64) {
        v3 ^= block
        sipRound()
        sipRound()
        v0 ^= block
    }

    @inline(__always)
    private mutating func finalize() -> UInt64 {
        v2 ^= 0xff
        sipRound()
        sipRound()
        sipRound()
        sipRound()
        return v0 ^ v1 ^ v2 ^ v3
    }

    @inline(__always)
    private mutating func sipRound() {
        v0 &+= v1; v1 = Self.rotl(v1, 13); v1 ^= v0; v0 = Self.rotl(v0, 32)
        v2 &+= v3; v3 = Self.rotl(v3, 16); v3 ^= v2
        v0 &+= v3; v3 = Self.rotl(v3, 21); v3 ^= v0
        v2 &+= v1; v1 = Self.rotl(v1, 17); v1 ^= v2; v2 = Self.rotl(v2, 32)
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ bits: UInt64) -> UInt64 {
        (x &<< bits) | (x &>> (64 &- bits))
    }
}
