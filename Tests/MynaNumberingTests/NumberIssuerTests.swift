import MynaCore
import MynaNumbering
import Testing

/// The key 00 01 02 … 0f (the SipHash reference key, also used by the Feistel tests).
private let testKey: [UInt8] = Array(0..<16)

/// 総務省令第85号 第5条 check digit, computed here rather than by the code under test:
/// Pn from the least significant of the eleven digits, Qn = n + 1 (n ≤ 6) or n − 5 (n ≥ 7).
private func ordinanceCheckDigit(_ base: UInt64) -> Int {
    var sum = 0
    var rest = base
    for n in 1...11 {
        sum += Int(rest % 10) * (n <= 6 ? n + 1 : n - 5)
        rest /= 10
    }
    let remainder = sum % 11
    return remainder <= 1 ? 0 : 11 - remainder
}

private func elevenDigits(_ value: UInt64) -> String {
    let text = String(value)
    return String(repeating: "0", count: 11 - text.count) + text
}

@Suite("NumberIssuer")
struct NumberIssuerTests {
    let issuer: NumberIssuer

    init() throws {
        issuer = try NumberIssuer(key: testKey)
    }

    /// 番号法 第8条第2項第1号: every number differs from every other. The permutation makes
    /// this true by construction; this checks it, and the check digit, on a million.
    @Test("1,000,000 consecutive sequences give 1,000,000 distinct valid numbers")
    func millionDistinctValidNumbers() {
        let count = 1_000_000
        var seen = Set<String>(minimumCapacity: count)
        var invalid: [UInt64] = []
        for sequence in 0..<UInt64(count) {
            let number = issuer.number(forSequence: sequence)
            seen.insert(number.unmaskedDigits)
            // Re-parse the digits as any other input would be parsed.
            if (try? IndividualNumber(number.unmaskedDigits)) != number { invalid.append(sequence) }
        }
        #expect(seen.count == count, "\(count - seen.count) duplicates")
        #expect(invalid.isEmpty, "\(invalid.count) numbers did not re-parse, first sequences: \(invalid.prefix(5))")
    }

    @Test("the same key and sequence always give the same number")
    func deterministic() throws {
        let again = try NumberIssuer(key: testKey)
        for sequence: UInt64 in [0, 1, 2, 41, 1_000_000, 99_999_999_999] {
            #expect(again.number(forSequence: sequence) == issuer.number(forSequence: sequence))
            #expect(issuer.number(forSequence: sequence) == issuer.number(forSequence: sequence))
        }
    }

    /// Issued numbers depend on these staying fixed: the bases are the pinned outputs of
    /// the Feistel permutation for this key, followed by their check digits.
    @Test("known numbers for the test key", arguments: [
        (UInt64(0), "488554001214"),
        (1, "871381330347"),
        (2, "415300316790"),
        (12_345_678_901, "288697699663"),
        (99_999_999_999, "063751678195"),  // a base below 10^10 keeps its leading zero
    ])
    func knownAnswers(sequence: UInt64, digits: String) {
        #expect(issuer.number(forSequence: sequence).unmaskedDigits == digits)
    }

    @Test("the number is the permuted sequence, zero padded, with its check digit appended")
    func numberIsPermutationPlusCheckDigit() throws {
        let permutation = try FeistelPermutation(key: testKey)
        // Sequences whose images are small, so the padding is exercised.
        for base: UInt64 in [0, 7, 42, 123_456, 9_999_999_999] {
            let sequence = permutation.invert(base)
            let digits = issuer.number(forSequence: sequence).unmaskedDigits
            #expect(digits == elevenDigits(base) + String(ordinanceCheckDigit(base)))
            #expect(digits.count == 12)
        }
    }

    @Test("a different key gives a different number for the same sequence")
    func differentKeyDifferentNumbers() throws {
        var flipped = testKey
        flipped[0] ^= 0x01  // one bit
        let others = [try NumberIssuer(key: flipped), try NumberIssuer(key: Array(repeating: 0xA5, count: 32))]
        for other in others {
            let same = (0..<UInt64(1_000)).filter { other.number(forSequence: $0) == issuer.number(forSequence: $0) }
            #expect(same.isEmpty, "sequences with equal numbers: \(same)")
        }
    }

    /// 番号法 第8条第2項第3号: no regularity from which the source could be recovered.
    @Test("numbers for consecutive sequences are not consecutive or evenly spaced")
    func consecutiveSequencesAreNotConsecutive() {
        let bases = (0..<UInt64(1_000)).map { Int64(issuer.number(forSequence: $0).unmaskedDigits.prefix(11))! }
        let differences = zip(bases, bases.dropFirst()).map { $1 - $0 }
        #expect(Set(differences).count > 1, "all differences equal")
        #expect(!differences.contains(1), "some consecutive sequences gave consecutive bases")
        // Increasing and decreasing steps both occur in fair numbers.
        let rises = differences.filter { $0 > 0 }.count
        #expect(rises > 400 && rises < 600, "\(rises) rises in \(differences.count) steps")
    }

    @Test("the key must be at least 16 bytes", arguments: [0, 1, 8, 15])
    func shortKeysAreRejected(length: Int) {
        #expect(throws: FeistelPermutation.KeyError.tooShort(byteCount: length)) {
            try NumberIssuer(key: Array(repeating: 0x5A, count: length))
        }
    }

    @Test("keys of 16 bytes or more are accepted; bytes after the 16th are ignored")
    func longKeys() throws {
        let longer = try NumberIssuer(key: testKey + Array(repeating: 0xFF, count: 16))
        let exact = try NumberIssuer(key: testKey)
        for sequence: UInt64 in [0, 1, 500_000] {
            #expect(longer.number(forSequence: sequence) == exact.number(forSequence: sequence))
        }
    }

    @Test("a sequence beyond the 11-digit domain is refused")
    func sequenceOutOfDomain() async {
        await #expect(processExitsWith: .failure) {
            let issuer = try! NumberIssuer(key: Array(0..<16))
            _ = issuer.number(forSequence: FeistelPermutation.domainSize)
        }
    }
}

@Suite("ResidentCodeIssuer")
struct ResidentCodeIssuerTests {
    private let key = (0..<32).map { UInt8($0 * 7 % 256) }

    @Test("500,000 issued resident codes are distinct and carry valid check digits")
    func uniqueAndValid() throws {
        let issuer = try ResidentCodeIssuer(key: key)
        var seen = Set<String>()
        seen.reserveCapacity(500_000)
        for sequence in 0..<UInt64(500_000) {
            let code = try #require(issuer.code(forSequence: sequence))
            #expect(try ResidentCode(code.digits) == code)
            seen.insert(code.digits)
        }
        #expect(seen.count == 500_000)
    }

    @Test("codes and numbers of one sequence value are unrelated, and the code space ends at 10^10")
    func separateKeysAndLimit() throws {
        let codes = try ResidentCodeIssuer(key: key)
        let numbers = try NumberIssuer(key: key.reversed())
        let code = try #require(codes.code(forSequence: 42))
        #expect(!numbers.number(forSequence: 42).unmaskedDigits.hasPrefix(code.digits.prefix(10)))
        #expect(codes.code(forSequence: 9_999_999_999) != nil)
        #expect(codes.code(forSequence: 10_000_000_000) == nil)
    }

    @Test("a 10-digit permutation stays in its domain and inverts")
    func tenDigitDomain() throws {
        let permutation = try FeistelPermutation(key: key, digits: 10)
        #expect(permutation.domainSize == 10_000_000_000)
        for value in [0, 1, 12_345, 9_999_999_999] + (0..<2000).map({ UInt64($0) * 4_999_999 }) {
            let image = permutation.permute(value)
            #expect(image < 10_000_000_000)
            #expect(permutation.invert(image) == value)
        }
    }
}
