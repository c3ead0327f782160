/// 住民票コード — the 11-digit resident code: ten random digits and a check digit.
///
/// The check-digit rule for resident codes is not published in our sources
/// (UNCONFIRMED, domain.md §1); Myna uses the same modulus-11 rule and weights as the
/// individual number over the ten digits (weights 5 4 3 2 7 6 5 4 3 2). The code can be
/// changed on request, so nothing keys on it except the registry's own lookups.
public struct ResidentCode: Sendable, Hashable, DigitIdentifier, CustomStringConvertible, CustomReflectable {
    public let digits: String

    public init(_ text: String) throws(IdentifierError) {
        guard let digits = DigitString.normalise(text) else {
            throw IdentifierError(.notDigits, of: .residentCode)
        }
        guard digits.count == 11 else { throw IdentifierError(.wrongLength, of: .residentCode) }
        guard Self.checkDigit(forFirstTen: digits[0..<10]) == digits[10] else {
            throw IdentifierError(.wrongCheckDigit, of: .residentCode)
        }
        self.digits = DigitString.text(digits)
    }

    /// The code for a 10-digit base value (0 ..< 10^10), with its check digit appended.
    public init(base: UInt64) {
        precondition(base < 10_000_000_000, "the base of a resident code has 10 digits")
        let digits = DigitString.digits(of: base, count: 10)
        self.digits = DigitString.text(digits + [Self.checkDigit(forFirstTen: digits)])
    }

    /// Draws a fresh random code from `generator`.
    public static func random(using generator: inout some RandomNumberGenerator) -> ResidentCode {
        var digits = (0..<10).map { _ in UInt8.random(in: 0...9, using: &generator) }
        digits.append(checkDigit(forFirstTen: digits))
        // Cannot fail: the digits were built to satisfy the rule.
        return try! ResidentCode(DigitString.text(digits))
    }

    public static func checkDigit(forFirstTen digits: some Collection<UInt8>) -> UInt8 {
        precondition(digits.count == 10)
        let weights = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2]
        var sum = 0
        for (offset, digit) in digits.enumerated() { sum += Int(digit) * weights[offset] }
        let remainder = sum % 11
        return remainder <= 1 ? 0 : UInt8(11 - remainder)
    }

    /// Masked like every personal identifier; the registry shows it only inside a procedure.
    public var description: String { "***********" }
    public var customMirror: Mirror { Mirror(self, children: ["digits": "***********"]) }
}
