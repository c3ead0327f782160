/// 法人番号 — the 13-digit corporate number.
///
/// A 12-digit base with the check digit **prepended** (国税庁 法人番号の指定等に関する省令):
/// with Pn the n-th digit of the base from the least significant and Qn = 1 (n odd) or
/// 2 (n even), the check digit is 9 − (Σ Pn·Qn mod 9). Corporate numbers are public and
/// never change, so unlike ``IndividualNumber`` it is not masked.
public struct CorporateNumber: Sendable, Hashable, DigitIdentifier, CustomStringConvertible {
    public let digits: String

    public init(_ text: String) throws(IdentifierError) {
        guard let digits = DigitString.normalise(text) else {
            throw IdentifierError(.notDigits, of: .corporateNumber)
        }
        guard digits.count == 13 else { throw IdentifierError(.wrongLength, of: .corporateNumber) }
        guard Self.checkDigit(forBase: digits[1...]) == digits[0] else {
            throw IdentifierError(.wrongCheckDigit, of: .corporateNumber)
        }
        self.digits = DigitString.text(digits)
    }

    /// Sum first, then reduce mod 9 (the printed formula is ambiguous; this reading is the
    /// one that validates published numbers).
    public static func checkDigit(forBase base: some Collection<UInt8>) -> UInt8 {
        precondition(base.count == 12)
        var sum = 0
        for (offsetFromLeft, digit) in base.enumerated() {
            let n = 12 - offsetFromLeft  // position counted from the least significant digit
            sum += Int(digit) * (n.isMultiple(of: 2) ? 2 : 1)
        }
        return UInt8(9 - sum % 9)
    }

    public var description: String { digits }
}
