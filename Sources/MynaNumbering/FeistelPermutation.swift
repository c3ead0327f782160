/// A keyed pseudorandom permutation of `[0, 10^11)`, the 11 digits of an individual
/// number before its check digit.
///
/// 番号法 第8条第2項 requires each generated number to be
/// (一) different from every other individual number, including superseded ones,
/// (二) obtained by converting the 住民票コード, and
/// (三) free of any regularity that would let anyone recover that 住民票コード.
/// Permuting an internal sequence under a secret key meets all three: a bijection cannot
/// produce the same output twice, and without the key the outputs are indistinguishable
/// from random and cannot be inverted.
///
/// Construction: a balanced Feistel network on 38 bits (two 19-bit halves, 8 rounds,
/// round function SipHash-2-4 of `(round, half)` truncated to 19 bits), which permutes
/// `[0, 2^38)`; outputs that fall outside `[0, 10^11)` are fed through the network again
/// until one lands inside ("cycle-walking", Black & Rogaway, "Ciphers with Arbitrary
/// Finite Domains", CT-RSA 2002). The walk always ends, since the cycle through a domain
/// point returns to the domain; on average it takes 2^38 / 10^11 ≈ 2.75 passes.
///
/// The key must stay secret and must never change once numbers have been issued with it.
public struct FeistelPermutation: Sendable {
    /// The size of the permuted domain: every 11-digit value, zero padded.
    /// The 11-digit space of the individual number before its check digit.
    public static let domainSize: UInt64 = 100_000_000_000

    /// The size of this permutation's domain: 10^digits.
    public let domainSize: UInt64

    /// Why a key was rejected.
    public enum KeyError: Error, Equatable {
        /// The key has fewer than the 16 bytes SipHash-2-4 needs.
        case tooShort(byteCount: Int)
    }

    /// Half the width of the smallest even number of bits that holds the domain: 19 for
    /// 11 digits (38 bits), 17 for 10 digits (34 bits). Cycle-walking then needs fewer
    /// than three passes on average.
    private let halfBits: UInt64
    private let halfMask: UInt64
    private static let rounds: UInt64 = 8

    private let k0: UInt64
    private let k1: UInt64

    /// Creates the permutation for a secret key.
    ///
    /// - Parameter key: at least 16 bytes; bytes 0..<8 and 8..<16, read little-endian,
    ///   form the SipHash key `(k0, k1)`. Bytes after the 16th are ignored.
    /// - Throws: `KeyError.tooShort` if `key` has fewer than 16 bytes.
    /// A permutation of [0, 10^digits) under `key` (at least 16 bytes; the first 16 are
    /// used). `digits` is 11 for individual numbers and 10 for resident codes.
    public init(key: [UInt8], digits: Int = 11) throws(KeyError) {
        guard key.count >= 16 else { throw .tooShort(byteCount: key.count) }
        precondition((1...18).contains(digits), "a domain of 1 to 18 digits")
        var size: UInt64 = 1
        for _ in 0..<digits { size *= 10 }
        domainSize = size
        var bits: UInt64 = 0
        while (1 << bits) < size { bits += 1 }
        halfBits = (bits + 1) / 2
        halfMask = (1 << halfBits) - 1
        func littleEndianWord(at start: Int) -> UInt64 {
            (0..<8).reduce(0) { word, index in word | UInt64(key[start + index]) << (8 * index) }
        }
        k0 = littleEndianWord(at: 0)
        k1 = littleEndianWord(at: 8)
    }

    /// The image of `value` under the permutation; always below `domainSize`.
    /// - Precondition: `value < domainSize`.
    public func permute(_ value: UInt64) -> UInt64 {
        precondition(value < domainSize, "value outside the domain")
        var result = encrypt(value)
        while result >= domainSize {
            result = encrypt(result)
        }
        return result
    }

    /// The inverse of `permute(_:)`: `invert(permute(x)) == x` for every `x` in the domain.
    /// - Precondition: `value < domainSize`.
    public func invert(_ value: UInt64) -> UInt64 {
        precondition(value < domainSize, "value outside the domain")
        var result = decrypt(value)
        while result >= domainSize {
            result = decrypt(result)
        }
        return result
    }

    /// One pass of the Feistel network over `[0, 2^38)`.
    @inline(__always)
    private func encrypt(_ block: UInt64) -> UInt64 {
        var left = block >> halfBits
        var right = block & halfMask
        var round: UInt64 = 0
        while round < Self.rounds {
            (left, right) = (right, left ^ roundFunction(round, right))
            round &+= 1
        }
        return left << halfBits | right
    }

    /// One pass of the inverse network: the rounds of `encrypt(_:)` undone in reverse order.
    @inline(__always)
    private func decrypt(_ block: UInt64) -> UInt64 {
        var left = block >> halfBits
        var right = block & halfMask
        var round = Self.rounds
        while round > 0 {
            round &-= 1
            (left, right) = (right ^ roundFunction(round, left), left)
        }
        return left << halfBits | right
    }

    @inline(__always)
    private func roundFunction(_ round: UInt64, _ half: UInt64) -> UInt64 {
        SipHash24.hash(round << 32 | half, k0: k0, k1: k1) & halfMask
    }
}
