/// 全国地方公共団体コード — the 6-digit local-government code: five digits and a check
/// digit (weights 6 5 4 3 2 over the five; r = Σ mod 11; check = (11 − r) mod 10).
/// `131016` is 千代田区, `011002` is 札幌市.
public struct MunicipalityCode: Sendable, Hashable, DigitIdentifier, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws(IdentifierError) {
        guard let digits = DigitString.normalise(text) else {
            throw IdentifierError(.notDigits, of: .municipalityCode)
        }
        guard digits.count == 6 else { throw IdentifierError(.wrongLength, of: .municipalityCode) }
        guard Self.checkDigit(forFive: digits[0..<5]) == digits[5] else {
            throw IdentifierError(.wrongCheckDigit, of: .municipalityCode)
        }
        self.digits = DigitString.text(digits)
    }

    /// Builds the code from its five significant digits, appending the check digit.
    public init(fiveDigits: String) throws(IdentifierError) {
        guard let digits = DigitString.normalise(fiveDigits), digits.count == 5 else {
            throw IdentifierError(.wrongLength, of: .municipalityCode)
        }
        self.digits = DigitString.text(digits + [Self.checkDigit(forFive: digits)])
    }

    public static func checkDigit(forFiveDigits text: String) -> Int? {
        guard let digits = DigitString.normalise(text), digits.count == 5 else { return nil }
        return Int(checkDigit(forFive: digits))
    }

    static func checkDigit(forFive digits: some Collection<UInt8>) -> UInt8 {
        let weights = [6, 5, 4, 3, 2]
        var sum = 0
        for (offset, digit) in digits.enumerated() { sum += Int(digit) * weights[offset] }
        return UInt8((11 - sum % 11) % 10)
    }

    /// The two-digit prefecture code (都道府県コード).
    public var prefectureCode: String { String(digits.prefix(2)) }
    public var description: String { digits }
}
