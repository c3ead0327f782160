/// Number formatting that never depends on the locale or on the platform's
/// floating-point printing, so the same chart always gives the same bytes.
public enum NumberText {
    /// A whole number with comma thousands separators: `1,234`, `10,000,000`.
    public static func grouped(_ number: Int) -> String {
        (number < 0 ? "-" : "") + grouped(digitsOf: number.magnitude)
    }

    private static func grouped(digitsOf magnitude: UInt) -> String {
        let digits = Array(String(magnitude))
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 {
                result.append(",")
            }
            result.append(digit)
        }
        return result
    }

    /// A coordinate with at most two decimals and no trailing zeros:
    /// `12`, `12.5`, `12.25`. Non-finite values (which a layout bug could
    /// produce) become `0` rather than `nan`, which would break the SVG.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite, abs(value) < 1e12 else { return "0" }
        let hundredths = Int((value * 100).rounded())
        if hundredths == 0 { return "0" }

        let sign = hundredths < 0 ? "-" : ""
        let (whole, fraction) = hundredths.magnitude.quotientAndRemainder(dividingBy: 100)
        switch fraction {
        case 0: return "\(sign)\(whole)"
        case let tenths where tenths % 10 == 0: return "\(sign)\(whole).\(tenths / 10)"
        case ..<10: return "\(sign)\(whole).0\(fraction)"
        default: return "\(sign)\(whole).\(fraction)"
        }
    }

    /// A percentage given in tenths of a percent: `625` → `62.5%`.
    static func percent(tenths: Int) -> String {
        let sign = tenths < 0 ? "-" : ""
        let (whole, fraction) = tenths.magnitude.quotientAndRemainder(dividingBy: 10)
        return "\(sign)\(grouped(digitsOf: whole)).\(fraction)%"
    }
}
