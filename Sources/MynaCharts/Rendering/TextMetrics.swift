/// Rough text widths for layout, without any font at hand.
///
/// The server cannot measure text the browser will render, so widths are
/// estimated per character: CJK and full-width forms take a full em, Latin
/// letters and digits about 0.6 em. That is enough to size label columns,
/// decide whether labels fit, and shorten the ones that do not.
enum TextMetrics {
    static func width(of text: String, fontSize: Double) -> Double {
        text.unicodeScalars.reduce(0) { $0 + advance(of: $1) } * fontSize
    }

    /// `text` unchanged if it fits in `maxWidth`, otherwise its longest
    /// prefix that fits together with a trailing "…". Cuts between
    /// characters (grapheme clusters), never inside one.
    static func truncated(_ text: String, toWidth maxWidth: Double, fontSize: Double) -> String {
        guard width(of: text, fontSize: fontSize) > maxWidth else { return text }
        let room = maxWidth - width(of: ellipsis, fontSize: fontSize)
        var kept = ""
        var used = 0.0
        for character in text {
            let next = width(of: String(character), fontSize: fontSize)
            if used + next > room { break }
            kept.append(character)
            used += next
        }
        return kept + ellipsis
    }

    static let ellipsis = "…"

    /// Advance width in ems.
    private static func advance(of scalar: Unicode.Scalar) -> Double {
        switch scalar.value {
        case 0x0300...0x036F, 0x3099...0x309A, 0xFE00...0xFE0F, 0x200B...0x200D:
            0  // combining marks, voicing marks, variation selectors, zero-width
        case 0x20:
            0.3
        case 0x21...0x7E:
            0.6
        case 0xFF61...0xFF9F:
            0.5  // half-width katakana
        case 0x2026, 0x1100...0x115F, 0x2E80...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
            0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1FAFF, 0x20000...0x3FFFD:
            1.0  // CJK, kana, hangul, full-width forms, emoji
        default:
            0.6
        }
    }
}
