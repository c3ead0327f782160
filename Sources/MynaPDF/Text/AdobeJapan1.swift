/// What the predefined Japanese fonts can print, and how wide each character is.
///
/// MynaPDF never embeds a font. It names one of the fonts every conforming Japanese reader
/// provides (ISO 32000-1 §9.7.5.2, "predefined CMaps"; Adobe's Heisei fonts) and writes text
/// in the predefined CMap `UniJIS-UTF16-H`, so a string is stored as its UTF-16BE code units
/// and the reader maps them to Adobe-Japan1 CIDs.
///
/// The repertoire is the CMap's, narrowed to glyphs whose advance we can state in the font
/// dictionary (see `scripts/generate-aj1-coverage.py`):
/// - half width (500/1000 em): CIDs 1–632, declared `/W [1 632 500]` — ASCII, half-width
///   katakana (ｱｲｳ), and some Latin-1 signs. Proportional Latin is printed monospaced.
/// - full width (1000/1000 em, the `/DW`): JIS X 0208 and vendor sets (CIDs 633–8717), and
///   kanji, kana and full-width forms of Supplements 3–6, including JIS X 0213 kanji
///   outside the BMP (𠮷), written as surrogate pairs.
/// Anything else — an accented letter of Supplement 4, a combining mark, a control
/// character, a variation selector, a kanji Adobe-Japan1-6 lacks — is refused with
/// `PDFError.Code.unsupportedCharacter` rather than printed as an empty box.
///
/// Text is not normalised: NFC would replace CJK compatibility ideographs (U+F900…) with
/// their unified forms, and a name's glyph is part of the name.
public enum AdobeJapan1 {
    /// The advance of a glyph in thousandths of an em.
    public enum Width: Int, Sendable, Hashable {
        case half = 500
        case full = 1000
    }

    /// The supplement named in `/CIDSystemInfo`. The CMap in poppler-data is Adobe-Japan1-7,
    /// but the coverage table stops at CID 23057, the last of Supplement 6, whose fonts
    /// (and the Heisei names' substitutes) are what readers have.
    public static let supplement = 6

    /// The width of `scalar`, or nil when it cannot be printed.
    public static func width(of scalar: Unicode.Scalar) -> Width? {
        if contains(scalar.value, in: halfWidthRanges) { return .half }
        if contains(scalar.value, in: fullWidthRanges) { return .full }
        return nil
    }

    /// Throws `unsupportedCharacter` for the first character of `text` that cannot be printed.
    public static func validate(_ text: String) throws(PDFError) {
        for scalar in text.unicodeScalars where width(of: scalar) == nil {
            throw .unsupported(scalar)
        }
    }

    /// The advance of `text` set at `fontSize` points, in points.
    public static func advance(of text: String, fontSize: Double) throws(PDFError) -> Double {
        var thousandths = 0
        for scalar in text.unicodeScalars {
            guard let width = width(of: scalar) else { throw .unsupported(scalar) }
            thousandths += width.rawValue
        }
        return Double(thousandths) * fontSize / 1000
    }

    static let halfWidthRanges = parse(halfWidthRangesSource)
    static let fullWidthRanges = parse(fullWidthRangesSource)

    /// Reads the generated `first+n` hex tokens into sorted closed ranges.
    static func parse(_ source: String) -> [ClosedRange<UInt32>] {
        source.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { token in
            let parts = token.split(separator: "+")
            guard let first = UInt32(parts[0], radix: 16),
                let extra = parts.count > 1 ? UInt32(parts[1], radix: 16) : 0
            else { preconditionFailure("malformed coverage token \(token)") }
            return first...(first + extra)
        }
    }

    private static func contains(_ value: UInt32, in ranges: [ClosedRange<UInt32>]) -> Bool {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound < value {
                low = middle + 1
            } else {
                high = middle
            }
        }
        return low < ranges.count && ranges[low].contains(value)
    }
}
