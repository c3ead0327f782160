import Foundation

/// Normalisation of Japanese names and addresses for matching.
///
/// Myna links a person to another record only when all four basic facts agree after
/// normalisation. The 2023 mis-linkings came from text that was the same to a person but
/// different to a computer: full- and half-width forms, stray spaces, kana typed
/// differently, and variant (異体字) kanji. These functions remove exactly those
/// differences and nothing that distinguishes two people: hiragana and katakana are
/// never merged in written names, voiced marks are never dropped, and two different
/// kanji are merged only when the table below lists them as variants of one character.
///
/// The results are comparison keys, not text to show a person.
public enum JapaneseText {
    // MARK: Width

    /// Folds width variants: full-width ASCII to ASCII (`Ａ１！` → `A1!`), half-width
    /// katakana to full-width with voiced marks composed (`ｶﾞ` → `ガ`, `ﾊﾟ` → `パ`,
    /// `ｳﾞ` → `ヴ`, `ｰ` → `ー`, `･` → `・`), and the ideographic space to an ASCII space.
    ///
    /// The base is Unicode NFKC, applied one character at a time. Deviations:
    /// - A character whose compatibility form is a space followed by a combining mark
    ///   (`゛` `゜` `￣` `´` `¨` …) is kept as it is. NFKC would turn `カ゛` into
    ///   `カ ゙`, and once spaces are removed the mark would glue onto the wrong letter.
    /// - Hyphen, dash and minus variants (`‐` `‑` `‒` `–` `—` `―` `−` `﹣` `－`) all become
    ///   `-`. A Japanese input method offers all of them for the same key, and `－` and
    ///   `−` are the same JIS character decoded two ways (CP932 and JIS tables), so
    ///   which one was stored says nothing about what was meant. The long vowel mark
    ///   `ー` is a letter and is kept.
    /// - The wave dash `〜` becomes `~`, as NFKC already does for its CP932 twin `～`.
    ///
    /// Everything else NFKC does is accepted for keys: `①` → `1`, `㈱` → `(株)`, Kangxi
    /// radicals to ordinary kanji (`⾼` → `高`), CJK compatibility ideographs to their
    /// unified forms. The result is NFC.
    public static func foldWidth(_ s: String) -> String {
        var folded = String.UnicodeScalarView()
        var composed = true
        for character in s {
            if character.isASCII {
                folded.append(contentsOf: character.unicodeScalars)
                continue
            }
            // Fast path: most names and addresses are unified kanji and full-width kana,
            // which NFKC leaves unchanged; asking Foundation costs a microsecond each.
            if character.unicodeScalars.count == 1, let scalar = character.unicodeScalars.first, isNFKCStable(scalar) {
                folded.append(scalar)
                continue
            }
            composed = false
            let compatible = String(character).precomposedStringWithCompatibilityMapping.unicodeScalars
            if compatible.first == " ", compatible.count > 1 {
                folded.append(contentsOf: character.unicodeScalars)
                continue
            }
            for scalar in compatible {
                folded.append(dashFold[scalar] ?? scalar)
            }
        }
        // Foundation's NFKC on Linux (Swift 6.3) leaves `ｶﾞ` as カ + U+3099 instead of
        // composing it; NFC afterwards is a no-op where NFKC is complete and fixes this.
        return composed ? String(folded) : String(folded).precomposedStringWithCanonicalMapping
    }

    /// Scalars that NFKC maps to themselves and that compose with nothing before them:
    /// CJK unified ideographs (basic block and extension A), hiragana, full-width
    /// katakana, the middle dot and the long vowel mark.
    private static func isNFKCStable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x3041...0x3096, 0x30A1...0x30FA, 0x30FB, 0x30FC, 0x3005: true
        default: false
        }
    }

    private static let dashFold: [Unicode.Scalar: Unicode.Scalar] = [
        "\u{2010}": "-", "\u{2011}": "-", "\u{2012}": "-", "\u{2013}": "-", "\u{2014}": "-",
        "\u{2015}": "-", "\u{2212}": "-", "\u{301C}": "~",
        // U+FE58 (small em dash), U+FE63 (small hyphen-minus) and U+FF0D (full-width
        // hyphen-minus) reach this table already rewritten by NFKC.
    ]

    // MARK: Names

    /// The key for comparing names written in kanji (or any script): width-folded, all
    /// whitespace and the separators `・` `·` `,` `、` removed, ideographic variation
    /// selectors dropped, variant kanji mapped to one form, Latin letters upper-cased.
    ///
    /// Kana are only width-folded: a given name in hiragana and the same name in
    /// katakana are different registered names. Compare readings with `normalizedKana`.
    public static func normalizedName(_ s: String) -> String {
        if let scalars = plainNameScalars(s) {
            return upperCased(String.UnicodeScalarView(scalars.map { variantKanji[$0] ?? $0 }))
        }
        return normalizedNameInGeneral(s)
    }

    /// ``normalizedName(_:)`` for any text; the fast path must agree with it (tested).
    static func normalizedNameInGeneral(_ s: String) -> String {
        var key = String.UnicodeScalarView()
        for character in foldWidth(s) where !isIgnorable(character) && !nameSeparators.contains(character) {
            for scalar in character.unicodeScalars where !isVariationSelector(scalar) {
                key.append(variantKanji[scalar] ?? scalar)
            }
        }
        return upperCased(key)
    }

    /// Separators written between family and given name. `･` and `，` are not listed:
    /// width folding has already turned them into `・` and `,`.
    private static let nameSeparators: Set<Character> = ["・", "\u{00B7}", ",", "、"]

    /// Variant kanji (異体字) to one form, for characters that appear in surnames and
    /// place names and that one system can store while another had to substitute.
    ///
    /// UNCONFIRMED design choice: this table is ours, compiled by hand from well-known
    /// 旧字体/俗字 pairs; it is not an official JIS, MJ (文字情報基盤) or 戸籍統一文字
    /// mapping, and a reviewer who knows those should check it. Only pairs that are
    /// variants of one character are listed. Similar but distinct characters are kept
    /// apart on purpose: 斎 and 斉 (斎藤 and 斉藤 are different surnames; 齋 folds to
    /// 斎 and 齊 to 斉), 崎 and 埼, 島 and 嶼, 岩 and 巌, 一ノ瀬 and 一之瀬.
    /// The target is the 常用漢字 form where the pair has one, otherwise a fixed
    /// member; which member is chosen does not change what matches.
    ///
    /// Internal rather than private so tests can check every entry.
    static let variantKanji: [Unicode.Scalar: Unicode.Scalar] = [
        "髙": "高", "\u{FA11}": "崎", "嵜": "崎", "邊": "辺", "邉": "辺", "濱": "浜", "濵": "浜",
        "齋": "斎", "齊": "斉", "澤": "沢", "櫻": "桜", "廣": "広", "國": "国", "眞": "真",
        "惠": "恵", "德": "徳", "黑": "黒", "冨": "富", "嶋": "島", "嶌": "島", "篭": "籠",
        "藏": "蔵", "實": "実", "榮": "栄", "壽": "寿", "龍": "竜", "淺": "浅", "關": "関",
        "瀨": "瀬", "澁": "渋", "萬": "万", "豐": "豊", "彌": "弥", "會": "会", "圓": "円",
        "靜": "静", "渕": "淵", "槇": "槙", "曾": "曽", "遙": "遥", "條": "条", "來": "来",
        "與": "与", "傳": "伝", "嶽": "岳", "峯": "峰", "螢": "蛍", "舘": "館", "桧": "檜",
        "薮": "藪", "蘆": "芦", "\u{20BB7}": "吉", "劍": "剣", "劔": "剣", "剱": "剣", "桒": "桑",
        "邨": "村", "巖": "巌", "黃": "黄", "穗": "穂", "祿": "禄", "稻": "稲", "瀧": "滝",
        "戶": "戸", "淸": "清", "靑": "青", "增": "増", "莊": "荘", "寬": "寛", "晉": "晋",
        "將": "将", "學": "学", "禮": "礼",
    ]

    // MARK: Kana readings

    /// The key for comparing name readings written in kana, so that a resident record
    /// (`やまだ たろう`), a form (`ヤマダ　タロウ`) and a bank's half-width record
    /// (`ﾔﾏﾀﾞ ﾀﾛｳ`) agree. Steps, after width folding and removing whitespace and the
    /// name separators:
    /// - hiragana become katakana;
    /// - small kana become large (`キャ` → `キヤ`), because bank transfers (the 全銀協
    ///   character set) and other half-width katakana systems cannot store small kana;
    /// - `ヂ` → `ジ` and `ヅ` → `ズ`: each pair sounds the same, so a reading taken down
    ///   at a counter may be written either way (ツヅキ/ツズキ);
    /// - `-` after a kana becomes `ー`, because bank names cannot store `ー` and use `-`;
    /// - spacing marks `゛` `゜` are composed with the kana before them, and iteration
    ///   marks are expanded (`ミスヾ` → `ミスズ`, `サヽキ` → `ササキ`; `ヽ` repeats the kana
    ///   before it as written, `ヾ` repeats it voiced).
    ///
    /// Voiced marks are never dropped (`ヤマダ` ≠ `ヤマタ`), `ヴ` stays `ヴ` (not `ブ`), and
    /// `ヲ` stays `ヲ`: unlike ヂ/ヅ it does not occur in name readings written both ways,
    /// so folding it would only lose information. Latin letters are upper-cased, as bank
    /// names use them.
    public static func normalizedKana(_ s: String) -> String {
        if let scalars = plainNameScalars(s) {
            return kanaKey(scalars.lazy.map(katakanaForm))  // nothing to compose: no combining marks
        }
        return normalizedKanaInGeneral(s)
    }

    /// ``normalizedKana(_:)`` for any text; the fast path must agree with it (tested).
    static func normalizedKanaInGeneral(_ s: String) -> String {
        var katakana = String.UnicodeScalarView()
        var hasCombiningMark = false
        for character in foldWidth(s) where !isIgnorable(character) && !nameSeparators.contains(character) {
            for scalar in character.unicodeScalars {
                hasCombiningMark = hasCombiningMark || scalar.properties.canonicalCombiningClass != .notReordered
                katakana.append(katakanaForm(scalar))
            }
        }
        // Composition is needed only where a combining mark is left to attach.
        let composed = hasCombiningMark ? String(katakana).precomposedStringWithCanonicalMapping : String(katakana)
        return kanaKey(composed.unicodeScalars)
    }

    /// The last steps of ``normalizedKana(_:)``, on katakana already composed.
    private static func kanaKey(_ composed: some Sequence<Unicode.Scalar>) -> String {
        var key = String.UnicodeScalarView()
        for scalar in composed {
            if scalar == "ヽ", let previous = key.last, isKanaLetter(previous) {
                key.append(previous)
            } else if scalar == "ヾ", let previous = key.last, let voicedForm = voiced[previous] {
                key.append(kanaFold(voicedForm))
            } else if scalar == "-", let previous = key.last, isKanaLetter(previous) || previous == "ー" {
                key.append("ー")
            } else {
                key.append(kanaFold(scalar))
            }
        }
        return upperCased(key)
    }

    /// The fast path of the name keys, for the usual name: printable ASCII, spaces, and
    /// scalars NFKC leaves alone (``isNFKCStable(_:)``). Each such scalar is a character
    /// of its own, width folding changes none but the ideographic space, and so the
    /// scalars left once spaces and the separators `,` `・` are dropped are exactly what
    /// the general path would see — without its per-character Unicode work, which was
    /// the largest cost of preparing an import. `nil` for anything else.
    private static func plainNameScalars(_ s: String) -> [Unicode.Scalar]? {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar.value {
            case 0x09...0x0D, 0x20, 0x3000, 0x2C, 0x30FB: continue  // white space; the separators , and ・
            case 0x21...0x7E: scalars.append(scalar)
            default:
                guard isNFKCStable(scalar) else { return nil }
                scalars.append(scalar)
            }
        }
        return scalars
    }

    /// Upper-cases only when some scalar has case: kana and kanji have none, and
    /// `uppercased()` is costly on strings that cannot change.
    private static func upperCased(_ scalars: String.UnicodeScalarView) -> String {
        let text = String(scalars)
        let hasCase = scalars.contains { $0.value < 0x2E80 && $0.properties.changesWhenUppercased }
        return hasCase ? text.uppercased() : text
    }

    /// Hiragana to katakana (the blocks are 0x60 apart, iteration marks included), and
    /// the spacing voiced marks to their combining forms so NFC composes them.
    private static func katakanaForm(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x3041...0x3096, 0x309D...0x309E: Unicode.Scalar(scalar.value + 0x60)!
        case 0x309B: "\u{3099}"
        case 0x309C: "\u{309A}"
        default: scalar
        }
    }

    private static func kanaFold(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        largeKana[scalar] ?? scalar
    }

    /// Small kana (including the Ainu small katakana U+31F0–31FF) to large, and ヂ/ヅ to
    /// ジ/ズ.
    private static let largeKana: [Unicode.Scalar: Unicode.Scalar] = pairs(
        "ァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿヂヅ",
        "アイウエオツヤユヨワカケクシストヌハヒフヘホムラリルレロジズ"
    )

    /// Kana to their voiced form, for expanding `ヾ`.
    private static let voiced: [Unicode.Scalar: Unicode.Scalar] = pairs(
        "カキクケコサシスセソタチツテトハヒフヘホウ",
        "ガギグゲゴザジズゼゾダヂヅデドバビブベボヴ"
    )

    private static func pairs(_ from: String, _ to: String) -> [Unicode.Scalar: Unicode.Scalar] {
        Dictionary(uniqueKeysWithValues: zip(from.unicodeScalars, to.unicodeScalars))
    }

    /// True when, after removing whitespace, `s` is made only of hiragana, katakana (full
    /// or half width), voiced and iteration marks, the long vowel mark and the middle
    /// dot, with at least one kana letter: `ー` or `・` alone is not a reading. The ASCII
    /// hyphen is not accepted in place of `ー`.
    public static func isKana(_ s: String) -> Bool {
        // Fast path: kana letters, ・, ー and plain spaces only, each scalar a character of
        // its own, so the general path would see the same scalars.
        let plain = s.unicodeScalars.allSatisfy {
            switch $0.value {
            case 0x20, 0x3000, 0x30FB, 0x30FC: true
            default: isKanaLetter($0)
            }
        }
        if plain { return s.unicodeScalars.contains(where: isKanaLetter) }
        return isKanaInGeneral(s)
    }

    /// ``isKana(_:)`` for any text; the fast path must agree with it (tested).
    static func isKanaInGeneral(_ s: String) -> Bool {
        var hasLetter = false
        for character in s where !isIgnorable(character) {
            for scalar in character.unicodeScalars {
                guard isKanaLetter(scalar) || isKanaMark(scalar) else { return false }
                hasLetter = hasLetter || isKanaLetter(scalar)
            }
        }
        return hasLetter
    }

    private static func isKanaLetter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3041...0x3096, 0x309F,  // ぁ–ゖ, ゟ
            0x30A1...0x30FA, 0x30FF,  // ァ–ヺ, ヿ
            0x31F0...0x31FF,  // ㇰ–ㇿ
            0xFF66...0xFF6F, 0xFF71...0xFF9D:  // ｦ–ｯ, ｱ–ﾝ
            true
        default: false
        }
    }

    private static func isKanaMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3099...0x309E,  // voiced marks, combining and spacing; ゝゞ
            0x30FB...0x30FE,  // ・ ー ヽ ヾ
            0xFF65, 0xFF70, 0xFF9E, 0xFF9F:  // ･ ｰ ﾞ ﾟ
            true
        default: false
        }
    }

    // MARK: Addresses

    /// The key for comparing addresses: width-folded, whitespace and ideographic
    /// variation selectors removed, hyphen-like characters unified to `-`, Latin
    /// letters upper-cased (`101a` and `101Ａ` are the same room).
    ///
    /// Width folding already turns every hyphen, dash and minus into `-`. The long vowel
    /// mark `ー` (also what `ｰ` becomes) is often typed for a hyphen (`1ー2ー3`); it is
    /// rewritten only between two ASCII letters or digits, where it cannot be a long
    /// vowel, so `ハイツ` and `コーポ` are untouched.
    ///
    /// Out of scope: 丁目/番地/番/号 and `の` are not rewritten to hyphens, kanji numerals
    /// are left alone, and `ヶ`/`ケ`/`が` in place names are not unified. Reducing an
    /// address to its 住居表示 or 地番 needs address data, not text rules.
    public static func normalizedAddress(_ s: String) -> String {
        var scalars: [Unicode.Scalar] = []
        for character in foldWidth(s) where !isIgnorable(character) {
            scalars.append(contentsOf: character.unicodeScalars.filter { !isVariationSelector($0) })
        }
        var key = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            let between =
                index > 0 && index + 1 < scalars.count
                && isASCIIAlphanumeric(scalars[index - 1]) && isASCIIAlphanumeric(scalars[index + 1])
            key.append(scalar == "ー" && between ? "-" : scalar)
        }
        return String(key).uppercased()
    }

    private static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }

    // MARK: Shared

    /// Whitespace (ASCII, U+3000, tabs, NBSP and the rest of Unicode's White_Space) and
    /// the invisible characters copy-and-paste brings along (zero-width space, word
    /// joiner, byte order mark). Removal works on whole characters, so a combining
    /// mark is never detached from its base or glued onto another.
    private static func isIgnorable(_ character: Character) -> Bool {
        character.isWhitespace || character == "\u{200B}" || character == "\u{2060}" || character == "\u{FEFF}"
    }

    /// Variation selectors pick a glyph (e.g. an MJ form of 邉 via U+E0100…) of the same
    /// character, so they never distinguish two names.
    private static func isVariationSelector(_ scalar: Unicode.Scalar) -> Bool {
        (0xFE00...0xFE0F).contains(scalar.value) || (0xE0100...0xE01EF).contains(scalar.value)
    }
}
