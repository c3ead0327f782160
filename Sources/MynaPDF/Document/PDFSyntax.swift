/// Lexical pieces of the PDF file format (ISO 32000-1 §7.3), all producing ASCII.
enum PDFSyntax {
    /// A real number with at most three decimals and no exponent (§7.3.3: PDF has no
    /// exponent form). Three decimals are 1/72000 inch, far below any printer's dot.
    /// Non-finite values are a programming error.
    static func number(_ value: Double) -> String {
        precondition(value.isFinite, "PDF numbers must be finite")
        let thousandths = (value * 1000).rounded()
        precondition(abs(thousandths) < 9e15, "PDF number out of range")
        var scaled = Int64(thousandths)
        let negative = scaled < 0
        scaled = abs(scaled)
        let whole = scaled / 1000
        var fraction = scaled % 1000
        var text = negative ? "-\(whole)" : "\(whole)"
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 {
                fraction /= 10
                digits -= 1
            }
            let fractionText = String(fraction)
            text += "." + String(repeating: "0", count: digits - fractionText.count) + fractionText
        }
        return text
    }

    /// A text string (§7.9.2.2): a literal string when it is printable ASCII, otherwise
    /// UTF-16BE with a byte order mark, written in hex.
    static func textString(_ value: String) -> String {
        if value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            return literalString(value)
        }
        return "<FEFF" + hexUTF16(value) + ">"
    }

    /// A literal string (§7.3.4.2) of printable ASCII, escaping the three special bytes.
    static func literalString(_ ascii: String) -> String {
        var escaped = "("
        for character in ascii.unicodeScalars {
            switch character {
            case "(", ")", "\\": escaped += "\\\(character)"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped + ")"
    }

    /// Upper-case hex of the UTF-16BE code units of `value`.
    static func hexUTF16(_ value: String) -> String {
        value.utf16.map(hex16).joined()
    }

    static func hex16(_ unit: UInt16) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([
            digits[Int(unit >> 12)], digits[Int(unit >> 8 & 0xF)],
            digits[Int(unit >> 4 & 0xF)], digits[Int(unit & 0xF)],
        ])
    }

    /// A non-negative integer left-padded with zeros, as the cross-reference table needs.
    static func zeroPadded(_ value: Int, width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
