/// Escaping for text that goes into SVG markup.
public enum XMLText {
    /// Escapes the five XML special characters, so a label can neither open a
    /// tag nor end an attribute, and replaces characters XML 1.0 forbids
    /// (most control characters) with U+FFFD, so a stray control byte in a
    /// label cannot make the whole document unparsable.
    ///
    /// The same escaping serves text nodes and attribute values.
    public static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&apos;"
            default: result.unicodeScalars.append(isAllowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return result
    }

    /// The `Char` production of XML 1.0.
    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
