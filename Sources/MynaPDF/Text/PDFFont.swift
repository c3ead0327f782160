/// The two Japanese typefaces MynaPDF prints with, as non-embedded predefined CIDFonts.
///
/// Readers substitute a local font for these names: Acrobat its Kozuka or Heisei fonts,
/// poppler whatever fontconfig offers for Japanese (IPA Gothic/Mincho on Debian).
public enum PDFFont: String, Sendable, Hashable, CaseIterable, Comparable {
    /// ゴシック体 — sans serif, for labels and data.
    case gothic
    /// 明朝体 — serif, for the title and the certification.
    case mincho

    /// The CIDFont name (Adobe's predefined Japanese fonts).
    public var baseFontName: String {
        switch self {
        case .gothic: "HeiseiKakuGo-W5"
        case .mincho: "HeiseiMin-W3"
        }
    }

    /// The family, for `/FontFamily`: poppler asks fontconfig for this name when present,
    /// and otherwise for the Type0 name with the CMap appended ("HeiseiMin W3 UniJIS UTF16 H").
    var familyName: String {
        switch self {
        case .gothic: "HeiseiKakuGo"
        case .mincho: "HeiseiMin"
        }
    }

    /// The weight, for `/FontWeight`: W5 is medium, W3 light-to-book.
    var weight: Int {
        switch self {
        case .gothic: 500
        case .mincho: 300
        }
    }

    /// The name in a page's `/Font` resources; fixed per face so that output does not depend
    /// on drawing order.
    var resourceName: String {
        switch self {
        case .gothic: "F1"
        case .mincho: "F2"
        }
    }

    /// The same face for characters outside the BMP, without a `/ToUnicode` map.
    ///
    /// poppler (22.x) reads ToUnicode codes of a CID font as 16-bit and drops the 4-byte
    /// codes of surrogate pairs, losing 𠮷 in text extraction; without a ToUnicode map it
    /// maps the CID back through Adobe-Japan1's CID-to-Unicode table, which returns every
    /// supported supplementary-plane kanji exactly. BMP text keeps its ToUnicode map
    /// because that table is lossy there (U+0020 comes back as U+00A0, radicals as kanji).
    var supplementaryResourceName: String { resourceName + "S" }

    /// Font descriptor flags (ISO 32000-1 Table 123): Symbolic (4), plus Serif (2) for Mincho.
    var descriptorFlags: Int {
        switch self {
        case .gothic: 4
        case .mincho: 6
        }
    }

    /// Dominant vertical stem, a matching hint only.
    var stemV: Int {
        switch self {
        case .gothic: 114
        case .mincho: 69
        }
    }

    public static func < (lhs: PDFFont, rhs: PDFFont) -> Bool {
        lhs.resourceName < rhs.resourceName
    }

    /// Where the top of the ideographic em box sits above the baseline, as a fraction of the
    /// font size. Adobe-Japan1 fonts put the em box at -120…880.
    static let emBoxTop = 0.88
    static let emBoxBottom = -0.12
}
