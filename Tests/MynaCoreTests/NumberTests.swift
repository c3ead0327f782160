import Foundation
import MynaCore
import Testing

// Tests for the fixed-length identifiers: 個人番号, 法人番号, 住民票コード and
// 全国地方公共団体コード. Where a test needs the check digit it computes it here, from the
// published rule, rather than asking the type under test.

// MARK: - Independent reference implementations

/// 総務省令第85号 第5条, written the way the ordinance states it: Pn is the n-th digit of the
/// eleven counted from the least significant, Qn = n + 1 for 1 ≤ n ≤ 6 and n − 5 for
/// 7 ≤ n ≤ 11; the check digit is 11 − (Σ Pn·Qn mod 11), or 0 when the remainder is ≤ 1.
private func ordinanceCheckDigit(_ elevenDigits: String) -> Int {
    let digits = elevenDigits.map { Int(String($0))! }
    precondition(digits.count == 11)
    var sum = 0
    for n in 1...11 {
        let p = digits[11 - n]
        let q = n <= 6 ? n + 1 : n - 5
        sum += p * q
    }
    let remainder = sum % 11
    return remainder <= 1 ? 0 : 11 - remainder
}

/// 法人番号の指定等に関する省令: Pn the n-th digit of the 12-digit base counted from the least
/// significant, Qn = 1 (n odd) or 2 (n even); check = 9 − (Σ Pn·Qn mod 9), prepended.
private func corporateCheckDigit(_ twelveDigits: String) -> Int {
    let digits = twelveDigits.map { Int(String($0))! }
    precondition(digits.count == 12)
    var sum = 0
    for n in 1...12 {
        sum += digits[12 - n] * (n % 2 == 1 ? 1 : 2)
    }
    return 9 - sum % 9
}

/// 全国地方公共団体コード: weights 6 5 4 3 2 over the five digits; check = (11 − Σ mod 11) mod 10.
private func municipalityCheckDigit(_ fiveDigits: String) -> Int {
    let weights = [6, 5, 4, 3, 2]
    let sum = zip(fiveDigits.map { Int(String($0))! }, weights).map(*).reduce(0, +)
    return (11 - sum % 11) % 10
}

/// An 11-digit decimal string, zero padded, built without the library's own padding code.
private func elevenDigits(_ value: UInt64) -> String {
    let text = String(value)
    return String(repeating: "0", count: 11 - text.count) + text
}

/// True when `text` has any character with a numeric value (ASCII, full-width or other).
private func containsDigit(_ text: String) -> Bool {
    text.contains { $0.isNumber }
}

/// A struct that does not customise its description, to see what a number looks like
/// when it is printed as part of something else.
private struct Envelope {
    let number: IndividualNumber
}

// MARK: - IndividualNumber

@Suite("IndividualNumber")
struct IndividualNumberTests {
    @Test("123456789018 is a valid individual number")
    func knownValidNumber() throws {
        let number = try IndividualNumber("123456789018")
        #expect(number.unmaskedDigits == "123456789018")
    }

    @Test("123456789010 is rejected for its check digit")
    func knownInvalidNumber() {
        #expect(throws: IdentifierError(.wrongCheckDigit, of: .individualNumber)) {
            try IndividualNumber("123456789010")
        }
    }

    /// Vectors worked by hand from the ordinance; the last three exercise the
    /// "remainder ≤ 1 gives 0" clause (remainder 0 with a non-zero sum, and remainder 1).
    @Test("check digits of known bases", arguments: [
        ("12345678901", 8), ("98765432109", 3), ("00000000000", 0),
        ("00000000001", 9), ("99999999999", 6), ("00000011000", 0), ("00000000006", 0),
    ])
    func checkDigitVectors(base: String, expected: Int) throws {
        #expect(IndividualNumber.checkDigit(forFirstEleven: base) == UInt8(expected))
        #expect(ordinanceCheckDigit(base) == expected)  // the vector itself is right
        let number = IndividualNumber(base: try #require(UInt64(base)))
        #expect(number.unmaskedDigits == base + String(expected))
    }

    @Test("weights are 6 5 4 3 2 7 6 5 4 3 2 from left to right")
    func weightsByPosition() {
        // A single 1 in position i contributes exactly weight[i] to the sum; every weight
        // is ≥ 2, so the check digit is 11 − weight.
        let weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        for (position, weight) in weights.enumerated() {
            var base = Array(repeating: "0", count: 11)
            base[position] = "1"
            #expect(
                IndividualNumber.checkDigit(forFirstEleven: base.joined()) == UInt8(11 - weight),
                "position \(position)")
        }
    }

    @Test("the check digit matches the ordinance for 10,000 random bases")
    func bruteForceAgainstOrdinance() throws {
        var generator = SplitMix64(seed: 0x4D59_4E41)  // "MYNA"
        var bases: [UInt64] = [0, 1, 99_999_999_999]
        bases += (0..<10_000).map { _ in UInt64.random(in: 0..<100_000_000_000, using: &generator) }
        var mismatches: [String] = []
        for base in bases {
            let text = elevenDigits(base)
            let expected = ordinanceCheckDigit(text)
            let issued = IndividualNumber(base: base)
            if issued.unmaskedDigits != text + String(expected) { mismatches.append("init(base:) \(text)") }
            if IndividualNumber.checkDigit(forFirstEleven: text) != UInt8(expected) {
                mismatches.append("checkDigit \(text)")
            }
            if (try? IndividualNumber(text + String(expected))) != issued { mismatches.append("parse \(text)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(5))")
    }

    @Test("for a base, exactly one of the ten possible last digits is accepted")
    func exactlyOneCheckDigitPerBase() {
        var generator = SplitMix64(seed: 85)
        for _ in 0..<1_000 {
            let text = elevenDigits(UInt64.random(in: 0..<100_000_000_000, using: &generator))
            var accepted: [Int] = []
            for last in 0...9 {
                do throws(IdentifierError) {
                    _ = try IndividualNumber(text + String(last))
                    accepted.append(last)
                } catch {
                    #expect(error.reason == .wrongCheckDigit)
                }
            }
            #expect(accepted == [ordinanceCheckDigit(text)], "base \(text)")
        }
    }

    @Test("a single changed digit is always detected")
    func singleDigitErrorsAreDetected() throws {
        // Modulus 11 with weights 2…7 (all coprime to 11) changes the remainder on every
        // single-digit error; only a move between remainders 0 and 1 (both give check
        // digit 0) could go unnoticed, and this vector's remainder is 3.
        let valid = Array("123456789018")
        for position in 0..<12 {
            for replacement in "0123456789" where replacement != valid[position] {
                var changed = valid
                changed[position] = replacement
                let text = String(changed)
                let expectedValid = ordinanceCheckDigit(String(changed[0..<11])) == Int(String(changed[11]))!
                #expect(((try? IndividualNumber(text)) != nil) == expectedValid, "\(text)")
                #expect(!expectedValid, "the vector was chosen so that no single change is valid: \(text)")
            }
        }
    }

    @Test("accepts the forms people write", arguments: [
        "123456789018",
        "1234 5678 9018",
        "1234-5678-9018",
        "１２３４５６７８９０１８",  // full-width digits
        "１２３４－５６７８－９０１８",  // full-width digits and hyphen
        "1234\u{3000}5678\u{3000}9018",  // ideographic spaces
        "1234\u{2212}5678\u{2010}9018",  // minus sign and Unicode hyphen
        " 123456789018\t",
    ])
    func acceptedForms(text: String) throws {
        let number = try IndividualNumber(text)
        #expect(number.unmaskedDigits == "123456789018")
        #expect(number == (try IndividualNumber("123456789018")))
    }

    @Test("rejects malformed input with the right reason", arguments: [
        ("12345678901A", IdentifierError.Reason.notDigits),
        ("abcdefghijkl", .notDigits),
        ("1234.5678.9018", .notDigits),
        ("1234/5678/9018", .notDigits),
        ("١٢٣٤٥٦٧٨٩٠١٨", .notDigits),  // Arabic-Indic digits are not accepted
        ("12345678901８\u{0301}", .notDigits),  // a combining mark
        (String(repeating: "a", count: 10_000), .notDigits),
        ("12345678901", .wrongLength),  // 11 digits
        ("1234567890180", .wrongLength),  // 13 digits
        ("", .wrongLength),
        ("   ", .wrongLength),
        ("----", .wrongLength),
        ("123456789010", .wrongCheckDigit),
        ("1234 5678 9019", .wrongCheckDigit),
    ])
    func rejectedInput(text: String, reason: IdentifierError.Reason) {
        let error = #expect(throws: IdentifierError.self) { try IndividualNumber(text) }
        #expect(error?.reason == reason)
        #expect(error?.identifier == .individualNumber)
    }

    @Test("very long input is rejected without being parsed in full")
    func veryLongInputIsRejected() {
        let long = String(repeating: "1234 5678 9018 ", count: 10_000)
        #expect(throws: IdentifierError.self) { try IndividualNumber(long) }
        #expect(throws: IdentifierError.self) { try IndividualNumber(String(repeating: "1", count: 1_000_000)) }
    }

    @Test("a very long run of digits is rejected for its length")
    func veryLongDigitsReportWrongLength() {
        let error = #expect(throws: IdentifierError.self) {
            try IndividualNumber(String(repeating: "1", count: 100))
        }
        #expect(error?.reason == .wrongLength)
    }

    @Test("error descriptions never repeat the input", arguments: [
        "123456789010", "12345678901", "1234567890180", "98765432109X", "９８７６５４３２１０９８",
    ])
    func errorsDoNotLeakDigits(text: String) {
        let error = #expect(throws: IdentifierError.self) { try IndividualNumber(text) }
        let description = error?.description ?? ""
        #expect(description.contains("individual number"))
        #expect(!containsDigit(description), "\(description)")
        #expect(!containsDigit(String(reflecting: error as Any)))
    }

    @Test("description, debugDescription and interpolation are masked")
    func textFormsAreMasked() throws {
        let number = try IndividualNumber("123456789018")
        #expect(number.description == "************")
        let renderings = [
            number.description,
            number.debugDescription,
            "\(number)",
            String(describing: number),
            String(reflecting: number),
            "\([number])",
            String(describing: Optional(number)),
            "\(Envelope(number: number))",
            "\(["key": number])",
        ]
        for text in renderings {
            #expect(!containsDigit(text), "\(text)")
            #expect(!text.contains("9018"))
        }
    }

    @Test("unmaskedDigits and lastFour give the digits when asked for by name")
    func unmaskedDigitsAndLastFour() throws {
        let number = try IndividualNumber("1234-5678-9018")
        #expect(number.unmaskedDigits == "123456789018")
        #expect(number.unmaskedDigits.count == 12)
        #expect(number.unmaskedDigits.allSatisfy { $0.isASCII && $0.isNumber })
        #expect(number.lastFour == "9018")
        #expect(IndividualNumber(base: 0).lastFour == "0000")
        #expect(IndividualNumber(base: 7).lastFour == "0078")  // 0…07 + check digit 8
    }

    @Test("init(base:) zero-pads the base and appends a valid check digit", arguments: [
        (UInt64(0), "000000000000"),
        (12_345_678_901, "123456789018"),
        (98_765_432_109, "987654321093"),
        (1, "000000000019"),
        (99_999_999_999, "999999999996"),
    ])
    func initFromBase(base: UInt64, expected: String) throws {
        let number = IndividualNumber(base: base)
        #expect(number.unmaskedDigits == expected)
        #expect(try IndividualNumber(number.unmaskedDigits) == number)
    }

    @Test("init(base:) refuses a base with more than 11 digits")
    func initFromBaseOutOfRange() async {
        await #expect(processExitsWith: .failure) {
            _ = IndividualNumber(base: 100_000_000_000)
        }
    }

    @Test("checkDigit(forFirstEleven:) returns nil for anything but eleven digits", arguments: [
        "", "1234567890", "123456789012", "1234567890A",
    ])
    func checkDigitForBadText(text: String) {
        #expect(IndividualNumber.checkDigit(forFirstEleven: text) == nil)
    }

    @Test("numbers equal by digits hash alike, whatever form they were parsed from")
    func hashable() throws {
        let set: Set<IndividualNumber> = [
            try IndividualNumber("123456789018"), try IndividualNumber("1234 5678 9018"),
            try IndividualNumber("１２３４５６７８９０１８"), IndividualNumber(base: 12_345_678_901),
        ]
        #expect(set.count == 1)
    }

    @Test("Codable round trip encodes the bare digits")
    func codableRoundTrip() throws {
        let number = try IndividualNumber("123456789018")
        let data = try JSONEncoder().encode([number])
        #expect(String(decoding: data, as: UTF8.self) == #"["123456789018"]"#)
        #expect(try JSONDecoder().decode([IndividualNumber].self, from: data) == [number])
    }

    @Test("decoding validates like parsing: a wrong check digit is a DecodingError")
    func decodingRejectsBadCheckDigit() {
        let data = Data(#"{"number":"123456789010"}"#.utf8)
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: IndividualNumber].self, from: data)
        }
        guard case .dataCorrupted(let context)? = error else {
            Issue.record("expected dataCorrupted, got \(String(describing: error))")
            return
        }
        // The reason is passed on (possibly behind a marker prefix), without the digits.
        #expect(context.debugDescription.hasSuffix(IdentifierError(.wrongCheckDigit, of: .individualNumber).description))
        #expect(!String(describing: error).contains("123456789010"))
    }

    @Test("decoding rejects a number that is not a string, or not digits")
    func decodingRejectsWrongShapes() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IndividualNumber].self, from: Data("[123456789018]".utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([IndividualNumber].self, from: Data(#"["1234567890AB"]"#.utf8))
        }
    }
}

// MARK: - CorporateNumber

@Suite("CorporateNumber")
struct CorporateNumberTests {
    static let valid = "7123456789012"

    @Test("7123456789012 is valid: the check digit 7 comes first")
    func knownValidNumber() throws {
        #expect(corporateCheckDigit("123456789012") == 7)
        let number = try CorporateNumber(Self.valid)
        #expect(number.digits == Self.valid)
        #expect(CorporateNumber.checkDigit(forBase: Array("123456789012".utf8).map { $0 - 48 }) == 7)
    }

    @Test("changing any one digit makes it invalid unless the sum mod 9 is kept", arguments: 0..<13)
    func everySingleDigitChange(position: Int) {
        let original = Array(Self.valid)
        var stillValid = 0
        for replacement in "0123456789" where replacement != original[position] {
            var changed = original
            changed[position] = replacement
            let text = String(changed)
            let expectedValid = corporateCheckDigit(String(changed[1...])) == Int(String(changed[0]))!
            if expectedValid { stillValid += 1 }
            do throws(IdentifierError) {
                let parsed = try CorporateNumber(text)
                #expect(expectedValid, "\(text) was accepted")
                #expect(parsed.digits == text)
            } catch {
                #expect(!expectedValid, "\(text) was rejected")
                #expect(error.reason == .wrongCheckDigit)
                #expect(error.identifier == .corporateNumber)
            }
        }
        // Only 0 ↔ 9 leaves Σ mod 9 unchanged (for weight 1 and weight 2 alike); this
        // number has a 9 at position 9 and a 0 at position 10, and the check digit
        // itself is fixed by the base.
        #expect(stillValid == ([9, 10].contains(position) ? 1 : 0))
    }

    @Test("the check digit is never 0 and can be 9", arguments: [
        ("000000000000", 9), ("000000000001", 8), ("000000000010", 7), ("999999999999", 9),
    ])
    func checkDigitRange(base: String, expected: Int) throws {
        #expect(corporateCheckDigit(base) == expected)
        #expect(try CorporateNumber(String(expected) + base).digits == String(expected) + base)
        #expect(throws: IdentifierError(.wrongCheckDigit, of: .corporateNumber)) {
            try CorporateNumber("0" + base)
        }
    }

    @Test("the check digit matches the rule for 10,000 random bases")
    func bruteForce() {
        var generator = SplitMix64(seed: 13)
        var mismatches: [String] = []
        for _ in 0..<10_000 {
            let base = (0..<12).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let check = corporateCheckDigit(base)
            let digits = Array(base.utf8).map { $0 - 48 }
            if CorporateNumber.checkDigit(forBase: digits) != UInt8(check) { mismatches.append(base) }
            if (try? CorporateNumber(String(check) + base)) == nil { mismatches.append(base) }
        }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5))")
    }

    @Test("12 or 14 digits are the wrong length", arguments: ["123456789012", "71234567890120", ""])
    func wrongLength(text: String) {
        #expect(throws: IdentifierError(.wrongLength, of: .corporateNumber)) { try CorporateNumber(text) }
    }

    @Test("letters are rejected")
    func letters() {
        #expect(throws: IdentifierError(.notDigits, of: .corporateNumber)) { try CorporateNumber("712345678901X") }
    }

    @Test("spaces, hyphens and full-width digits are accepted")
    func writtenForms() throws {
        #expect(try CorporateNumber("7-1234-5678-9012").digits == Self.valid)
        #expect(try CorporateNumber("７１２３４５６７８９０１２").digits == Self.valid)
    }

    @Test("the description is not masked: corporate numbers are public")
    func descriptionIsPlain() throws {
        let number = try CorporateNumber("7-1234-5678-9012")
        #expect(number.description == Self.valid)
        #expect("\(number)" == Self.valid)
    }

    @Test("decoding validates the check digit")
    func decodingValidates() throws {
        let valid = try CorporateNumber(Self.valid)
        let encoded = try JSONEncoder().encode(valid)
        #expect(try JSONDecoder().decode(CorporateNumber.self, from: encoded) == valid)

        let tampered = String(decoding: encoded, as: UTF8.self).replacingOccurrences(of: Self.valid, with: "1123456789012")
        #expect(tampered != String(decoding: encoded, as: UTF8.self))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(CorporateNumber.self, from: Data(tampered.utf8))
        }
    }
}

// MARK: - ResidentCode

@Suite("ResidentCode")
struct ResidentCodeTests {
    /// The rule Myna adopts (weights 5 4 3 2 7 6 5 4 3 2, modulus 11, remainder ≤ 1 → 0):
    /// the individual-number rule applied to the ten digits.
    private static func expectedCheckDigit(_ ten: String) -> Int {
        let weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        let sum = zip(ten.map { Int(String($0))! }, weights).map(*).reduce(0, +)
        return sum % 11 <= 1 ? 0 : 11 - sum % 11
    }

    @Test("random codes have 11 digits and validate")
    func randomCodesValidate() throws {
        var generator = SplitMix64(seed: 2002)
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let code = ResidentCode.random(using: &generator)
            #expect(code.digits.count == 11)
            #expect(code.digits.allSatisfy { $0.isASCII && $0.isNumber })
            #expect(Int(String(code.digits.last!)) == Self.expectedCheckDigit(String(code.digits.prefix(10))))
            #expect(try ResidentCode(code.digits) == code)
            seen.insert(code.digits)
        }
        // 10^10 possible codes: 10,000 draws should all differ.
        #expect(seen.count == 10_000)
    }

    @Test("the same seed gives the same codes")
    func reproducibleWithSeed() {
        var first = SplitMix64(seed: 7)
        var second = SplitMix64(seed: 7)
        let a = (0..<10).map { _ in ResidentCode.random(using: &first) }
        let b = (0..<10).map { _ in ResidentCode.random(using: &second) }
        #expect(a == b)
    }

    @Test("checkDigit(forFirstTen:) follows the modulus-11 rule")
    func checkDigitVectors() {
        // 1234567890: 5+8+9+8+35+36+35+32+27+0 = 195; 195 mod 11 = 8; 11 − 8 = 3.
        #expect(Self.expectedCheckDigit("1234567890") == 3)
        #expect(ResidentCode.checkDigit(forFirstTen: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0]) == 3)
        #expect(ResidentCode.checkDigit(forFirstTen: [UInt8](repeating: 0, count: 10)) == 0)
    }

    @Test("a wrong check digit is rejected")
    func wrongCheckDigit() throws {
        #expect(try ResidentCode("12345678903").digits == "12345678903")
        for last in 0...9 where last != 3 {
            #expect(throws: IdentifierError(.wrongCheckDigit, of: .residentCode)) {
                try ResidentCode("1234567890" + String(last))
            }
        }
    }

    @Test("wrong length and non-digits are rejected with their reasons")
    func otherRejections() {
        #expect(throws: IdentifierError(.wrongLength, of: .residentCode)) { try ResidentCode("1234567890") }
        #expect(throws: IdentifierError(.wrongLength, of: .residentCode)) { try ResidentCode("123456789030") }
        #expect(throws: IdentifierError(.notDigits, of: .residentCode)) { try ResidentCode("1234567890X") }
    }

    @Test("the description is masked")
    func descriptionIsMasked() throws {
        let code = try ResidentCode("1234-5678-903")
        #expect(code.digits == "12345678903")
        for text in [code.description, "\(code)", String(describing: code)] {
            #expect(!containsDigit(text), "\(text)")
        }
    }

    @Test("decoding validates the check digit")
    func decodingValidates() throws {
        let valid = try ResidentCode("12345678903")
        let encoded = try JSONEncoder().encode(valid)
        #expect(try JSONDecoder().decode(ResidentCode.self, from: encoded) == valid)

        let tampered = String(decoding: encoded, as: UTF8.self).replacingOccurrences(of: "12345678903", with: "12345678904")
        #expect(tampered != String(decoding: encoded, as: UTF8.self))
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ResidentCode.self, from: Data(tampered.utf8))
        }
    }
}

// MARK: - MunicipalityCode

@Suite("MunicipalityCode")
struct MunicipalityCodeTests {
    @Test("real codes are valid", arguments: [
        ("131016", "13", "千代田区"),
        ("011002", "01", "札幌市"),
        ("141003", "14", "横浜市"),
        ("271004", "27", "大阪市"),
        ("131041", "13", "新宿区"),  // Σ mod 11 = 0 → check digit 1
        ("131130", "13", "渋谷区"),  // Σ mod 11 = 1 → check digit 0
    ])
    func knownCodes(digits: String, prefecture: String, name: String) throws {
        #expect(municipalityCheckDigit(String(digits.prefix(5))) == Int(String(digits.last!)))
        let code = try MunicipalityCode(digits)
        #expect(code.digits == digits)
        #expect(code.description == digits)
        #expect(code.prefectureCode == prefecture)
        #expect(try MunicipalityCode(fiveDigits: String(digits.prefix(5))) == code)
        #expect(MunicipalityCode.checkDigit(forFiveDigits: String(digits.prefix(5))) == Int(String(digits.last!)))
        #expect(try #require(MunicipalityDirectory.named(code)).name == name)
    }

    @Test("131017 has a wrong check digit")
    func wrongCheckDigit() {
        #expect(throws: IdentifierError(.wrongCheckDigit, of: .municipalityCode)) { try MunicipalityCode("131017") }
        for last in 0...9 where last != 6 {
            #expect(throws: IdentifierError(.wrongCheckDigit, of: .municipalityCode)) {
                try MunicipalityCode("13101" + String(last))
            }
        }
    }

    @Test("wrong length and non-digits are rejected with their reasons")
    func otherRejections() {
        #expect(throws: IdentifierError(.wrongLength, of: .municipalityCode)) { try MunicipalityCode("13101") }
        #expect(throws: IdentifierError(.wrongLength, of: .municipalityCode)) { try MunicipalityCode("1310160") }
        #expect(throws: IdentifierError(.notDigits, of: .municipalityCode)) { try MunicipalityCode("13101X") }
    }

    @Test("init(fiveDigits:) appends the check digit, for every five-digit prefix")
    func fiveDigitsForEveryPrefix() throws {
        var mismatches: [String] = []
        for value in 0..<100_000 {
            let five = String(String(value + 100_000).dropFirst())  // zero padded
            let expected = five + String(municipalityCheckDigit(five))
            guard let code = try? MunicipalityCode(fiveDigits: five), code.digits == expected,
                (try? MunicipalityCode(expected)) == code
            else {
                mismatches.append(five)
                continue
            }
        }
        #expect(mismatches.isEmpty, "first: \(mismatches.prefix(5))")
    }

    @Test("init(fiveDigits:) rejects anything but five digits", arguments: ["1310", "131016", "", "1310X"])
    func fiveDigitsRejects(text: String) {
        #expect(throws: IdentifierError.self) { try MunicipalityCode(fiveDigits: text) }
        #expect(MunicipalityCode.checkDigit(forFiveDigits: text) == nil)
    }

    @Test("Codable encodes the six digits and validates on decoding")
    func codable() throws {
        let code = try MunicipalityCode("131016")
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["131016"]"#)
        #expect(try JSONDecoder().decode([MunicipalityCode].self, from: data) == [code])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([MunicipalityCode].self, from: Data(#"["131017"]"#.utf8))
        }
    }
}
