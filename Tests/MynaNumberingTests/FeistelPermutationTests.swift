import Testing
@testable import MynaNumbering

/// The key 00 01 02 … 0f used by the SipHash reference vectors.
private let referenceKey: [UInt8] = Array(0..<16)
private let referenceK0: UInt64 = 0x0706_0504_0302_0100
private let referenceK1: UInt64 = 0x0f0e_0d0c_0b0a_0908

@Suite("SipHash-2-4")
struct SipHashTests {
    /// `vectors_sip64[0...15]` from the reference implementation: the message of length n
    /// is 00 01 … (n-1), and the 8 output bytes are read little-endian.
    static let referenceVectors: [UInt64] = [
        0x726f_db47_dd0e_0e31, 0x74f8_39c5_93dc_67fd, 0x0d6c_8009_d9a9_4f5a, 0x8567_6696_d7fb_7e2d,
        0xcf27_94e0_2771_87b7, 0x1876_5564_cd99_a68d, 0xcbc9_466e_58fe_e3ce, 0xab02_00f5_8b01_d137,
        0x93f5_f579_9a93_2462, 0x9e00_82df_0ba9_e4b0, 0x7a5d_bbc5_94dd_b9f3, 0xf4b3_2f46_226b_ada7,
        0x751e_8fbc_860e_e5fb, 0x14ea_5627_c084_3d90, 0xf723_ca90_8e7a_f2ee, 0xa129_ca61_49be_45e5,
    ]

    @Test("byte-array form matches the reference vectors for lengths 0 to 15", arguments: 0..<16)
    func referenceVector(length: Int) {
        let message = (0..<length).map(UInt8.init)
        #expect(SipHash24.hash(message, k0: referenceK0, k1: referenceK1) == Self.referenceVectors[length])
    }

    @Test("paper examples: empty message and 00 … 07")
    func paperExamples() {
        #expect(SipHash24.hash([], k0: referenceK0, k1: referenceK1) == 0x726f_db47_dd0e_0e31)
        #expect(SipHash24.hash(Array(0..<8), k0: referenceK0, k1: referenceK1) == 0x93f5_f579_9a93_2462)
    }

    @Test("8-byte fast path matches the reference vector and the byte-array form")
    func fastPath() {
        #expect(SipHash24.hash(0x0706_0504_0302_0100, k0: referenceK0, k1: referenceK1) == 0x93f5_f579_9a93_2462)
        var word: UInt64 = 0x0123_4567_89ab_cdef
        for _ in 0..<1000 {
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
            #expect(SipHash24.hash(word, k0: referenceK0, k1: referenceK1) == SipHash24.hash(bytes, k0: referenceK0, k1: referenceK1))
            word = word &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        }
    }
}

@Suite("FeistelPermutation")
struct FeistelPermutationTests {
    let permutation: FeistelPermutation
    let domainSize = FeistelPermutation.domainSize

    init() throws {
        permutation = try FeistelPermutation(key: referenceKey)
    }

    @Test("keys shorter than 16 bytes are rejected")
    func shortKey() {
        #expect(throws: FeistelPermutation.KeyError.tooShort(byteCount: 15)) {
            try FeistelPermutation(key: Array(repeating: 0, count: 15))
        }
        #expect(throws: FeistelPermutation.KeyError.tooShort(byteCount: 0)) {
            try FeistelPermutation(key: [])
        }
    }

    @Test("only the first 16 key bytes are used")
    func longKey() throws {
        let extended = try FeistelPermutation(key: referenceKey + Array(repeating: 0xaa, count: 16))
        for value: UInt64 in [0, 1, 42, domainSize - 1] {
            #expect(extended.permute(value) == permutation.permute(value))
        }
    }

    /// Pinned outputs, computed by an independent Python implementation of the same
    /// construction. Issued numbers depend on these: a change here must never ship.
    @Test("known answers for the reference key", arguments: [
        (UInt64(0), UInt64(48_855_400_121)),
        (1, 87_138_133_034),
        (2, 41_530_031_679),
        (12_345_678_901, 28_869_769_966),
        (99_999_999_999, 6_375_167_819),
    ])
    func knownAnswers(input: UInt64, output: UInt64) {
        #expect(permutation.permute(input) == output)
        #expect(permutation.invert(output) == input)
    }

    @Test("invert undoes permute, including at both ends of the domain")
    func roundTrip() {
        var samples: [UInt64] = [0, 1, 2, domainSize - 2, domainSize - 1]
        samples += (0..<20_000).map { $0 * 4_999_999 % domainSize }
        for value in samples {
            #expect(permutation.invert(permutation.permute(value)) == value)
            #expect(permutation.permute(permutation.invert(value)) == value)
        }
    }

    @Test("outputs stay inside the 11-digit domain")
    func outputsInDomain() {
        let topOfDomain = Array((domainSize - 50_000)..<domainSize)
        let acrossDomain = Array(stride(from: 0, to: domainSize, by: 2_000_000))
        let outOfDomain = (topOfDomain + acrossDomain).filter { permutation.permute($0) >= domainSize }
        #expect(outOfDomain.isEmpty)
    }

    @Test("the first 1,000,000 inputs map to 1,000,000 distinct numbers")
    func distinctOutputs() {
        let count = 1_000_000
        var seen = Set<UInt64>(minimumCapacity: count)
        for value in 0..<UInt64(count) {
            seen.insert(permutation.permute(value))
        }
        #expect(seen.count == count)
    }

    @Test("the same key always gives the same permutation")
    func deterministic() throws {
        let again = try FeistelPermutation(key: referenceKey)
        for value in 0..<UInt64(1000) {
            #expect(again.permute(value) == permutation.permute(value))
        }
    }

    @Test("a key differing in one bit gives an unrelated permutation")
    func differentKeys() throws {
        var flipped = referenceKey
        flipped[15] ^= 0x01
        let other = try FeistelPermutation(key: flipped)
        let agreeing = (0..<UInt64(1000)).filter { other.permute($0) == permutation.permute($0) }
        #expect(agreeing.isEmpty)
    }

    @Test("consecutive inputs give outputs that rise and fall about equally often")
    func noMonotonicity() {
        let outputs = (0..<UInt64(10_000)).map(permutation.permute)
        let rises = zip(outputs, outputs.dropFirst()).filter { $0 < $1 }.count
        let share = Double(rises) / Double(outputs.count - 1)
        #expect(share > 0.40 && share < 0.60, "share of rising pairs: \(share)")
    }

    @Test("leading digits (zero-padded to 11 digits) are roughly uniform")
    func leadingDigitsUniform() {
        let count = 100_000
        var histogram = [Int](repeating: 0, count: 10)
        for value in 0..<UInt64(count) {
            histogram[Int(permutation.permute(value) / 10_000_000_000)] += 1
        }
        for (digit, hits) in histogram.enumerated() {
            let share = Double(hits) / Double(count)
            #expect(share > 0.08 && share < 0.12, "leading digit \(digit): \(share)")
        }
    }
}
