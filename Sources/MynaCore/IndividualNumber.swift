/// 個人番号 — the 12-digit individual number ("My Number").
///
/// Eleven digits followed by a check digit defined by 総務省令第85号 第5条.
/// The number is a key, never a password: its `description` is masked so that it can
/// never reach a log or an error text by accident. Code that truly needs the digits
/// (storage, the resident's own view) asks for ``unmaskedDigits`` by name.
public struct IndividualNumber: Sendable, Hashable, DigitIdentifier, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The twelve digits, ASCII. Deliberately not called `description`.
    public let unmaskedDigits: String

    /// Parses a number as people write it: spaces, hyphens and full-width digits are
    /// accepted; the check digit must be right.
    public init(_ text: String) throws(IdentifierError) {
        guard let digits = DigitString.normalise(text) else {
            throw IdentifierError(.notDigits, of: .individualNumber)
        }
        guard digits.count == 12 else { throw IdentifierError(.wrongLength, of: .individualNumber) }
        guard Self.checkDigit(forFirstEleven: digits[0..<11]) == digits[11] else {
            throw IdentifierError(.wrongCheckDigit, of: .individualNumber)
        }
        unmaskedDigits = DigitString.text(digits)
    }

    /// Builds the number for an 11-digit base value (0 ..< 10^11) by appending its check
    /// digit. Used by issuance, which draws the base from a keyed permutation.
    public init(base: UInt64) {
        precondition(base < 100_000_000_000, "the base of an individual number has 11 digits")
        let digits = DigitString.digits(of: base, count: 11)
        unmaskedDigits = DigitString.text(digits + [Self.checkDigit(forFirstEleven: digits)])
    }

    /// 総務省令第85号 第5条: with Pn the n-th digit counted from the least significant of
    /// the eleven and Qn = n+1 (n ≤ 6) or n−5 (n ≥ 7), the check digit is
    /// 11 − (Σ Pn·Qn mod 11), or 0 when that remainder is 0 or 1.
    /// Left to right the weights are 6 5 4 3 2 7 6 5 4 3 2.
    @inlinable
    public static func checkDigit(forFirstEleven digits: some Collection<UInt8>) -> UInt8 {
        precondition(digits.count == 11)
        var sum = 0
        for (offset, digit) in digits.enumerated() {
            sum += Int(digit) * weights[offset]
        }
        let remainder = sum % 11
        return remainder <= 1 ? 0 : UInt8(11 - remainder)
    }

    /// Check digit for an 11-character ASCII digit string; `nil` if it is not one.
    public static func checkDigit(forFirstEleven text: String) -> UInt8? {
        guard let digits = DigitString.normalise(text), digits.count == 11 else { return nil }
        return checkDigit(forFirstEleven: digits)
    }

    @usableFromInline static let weights = [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]

    /// Masked: the number never appears in logs, errors or string interpolation.
    public var description: String { "************" }
    public var debugDescription: String { "IndividualNumber(************)" }
    /// `dump` and debuggers see the mask too.
    public var customMirror: Mirror { Mirror(self, children: ["unmaskedDigits": "************"]) }

    /// The last four digits, as printed on notices so that a person can tell which
    /// number is meant without exposing it (the rest is masked).
    public var lastFour: String { String(unmaskedDigits.suffix(4)) }
}
