/// Shared parsing for the fixed-length digit identifiers of the system.
///
/// Forms people actually write — `1234 5678 9018`, `1234-5678-9018`, full-width
/// `１２３４５６７８９０１８` — are accepted and normalised to ASCII digits; anything
/// else is rejected with a reason that never repeats the input.
enum DigitString {
    /// Returns the ASCII digits of `text`, dropping spaces and hyphen-like separators
    /// and folding full-width digits; `nil` when any other character appears. Reading
    /// stops after 32 digits: no identifier is that long, and the caller reports the
    /// length, so a huge input costs no more than a short one.
    static func normalise(_ text: String) -> [UInt8]? {
        var digits: [UInt8] = []
        digits.reserveCapacity(16)
        for scalar in text.unicodeScalars {
            if digits.count > 32 { return digits }
            switch scalar.value {
            case 0x30...0x39: digits.append(UInt8(scalar.value - 0x30))
            case 0xFF10...0xFF19: digits.append(UInt8(scalar.value - 0xFF10))  // ０–９
            case 0x20, 0x3000, 0x09: continue  // space, ideographic space, tab
            case 0x2D, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2212, 0xFF0D: continue  // hyphens
            default: return nil
            }
        }
        return digits
    }

    /// The `count` decimal digits of `value`, most significant first, zero-padded.
    static func digits(of value: UInt64, count: Int) -> [UInt8] {
        var digits = [UInt8](repeating: 0, count: count)
        var rest = value
        for index in stride(from: count - 1, through: 0, by: -1) {
            digits[index] = UInt8(rest % 10)
            rest /= 10
        }
        return digits
    }

    static func text(_ digits: some Sequence<UInt8>) -> String {
        String(decoding: digits.map { $0 + 0x30 }, as: UTF8.self)
    }
}
