import Testing

@testable import MynaCore

@Suite("JapaneseText.foldWidth")
struct JapaneseTextFoldWidthTests {
    @Test func fullWidthASCIIBecomesASCII() {
        #expect(JapaneseText.foldWidth("ＡＢＣａｂｃ０１２３！？（）") == "ABCabc0123!?()")
    }

    @Test func ideographicAndNoBreakSpacesBecomeASCIISpace() {
        #expect(JapaneseText.foldWidth("山田\u{3000}太郎") == "山田 太郎")
        #expect(JapaneseText.foldWidth("山田\u{00A0}太郎") == "山田 太郎")
    }

    @Test(arguments: [
        ("ｶﾞ", "ガ"), ("ﾊﾟ", "パ"), ("ｳﾞ", "ヴ"), ("ﾀﾞｲｽｹ", "ダイスケ"), ("ｷｬｼｰ", "キャシー"), ("ｦ", "ヲ"),
    ])
    func halfWidthKatakanaBecomesComposedFullWidth(input: String, expected: String) {
        let folded = JapaneseText.foldWidth(input)
        #expect(folded == expected)
        // Composed, not base + combining mark: keys may be compared byte by byte.
        #expect(Array(folded.unicodeScalars) == Array(expected.unicodeScalars))
    }

    @Test func decomposedKanaIsComposed() {
        #expect(Array(JapaneseText.foldWidth("カ\u{3099}").unicodeScalars) == ["ガ"])
    }

    @Test func longVowelMarkIsKeptAndHalfWidthFormJoinsIt() {
        #expect(JapaneseText.foldWidth("ｺｰﾋｰ") == "コーヒー")
        #expect(JapaneseText.foldWidth("コーヒー") == "コーヒー")
    }

    @Test func hyphenDashAndMinusVariantsBecomeHyphenMinus() {
        #expect(JapaneseText.foldWidth("1－2‐3‑4–5—6―7−8") == "1-2-3-4-5-6-7-8")
    }

    @Test func spacingVoicedMarkIsNotTurnedIntoSpacePlusCombiningMark() {
        // NFKC would give "カ ゙"; the space would then vanish and re-attach the mark.
        #expect(JapaneseText.foldWidth("カ゛") == "カ゛")
    }

    @Test func kanjiAndFullWidthKanaAreUntouched() {
        #expect(JapaneseText.foldWidth("渡邊　ヤマダ　やまだ") == "渡邊 ヤマダ やまだ")
    }

    @Test func isIdempotent() {
        let samples = ["ﾔﾏﾀﾞ ﾀﾛｳ", "東京都千代田区１－２－３", "ＡＢＣ　ｶﾞｰ゛", "〜～"]
        for sample in samples {
            let once = JapaneseText.foldWidth(sample)
            #expect(JapaneseText.foldWidth(once) == once)
        }
    }
}

@Suite("JapaneseText.normalizedName")
struct JapaneseTextNormalizedNameTests {
    @Test func spacingDoesNotMatter() {
        let key = JapaneseText.normalizedName("山田太郎")
        #expect(JapaneseText.normalizedName("山田　太郎") == key)
        #expect(JapaneseText.normalizedName(" 山田 太郎 ") == key)
        #expect(JapaneseText.normalizedName("山田\t太郎\u{00A0}") == key)
        #expect(key == "山田太郎")
    }

    @Test(arguments: [
        ("髙橋", "高橋"), ("渡邊", "渡辺"), ("渡邉", "渡辺"), ("山\u{FA11}", "山崎"), ("山嵜", "山崎"),
        ("濱田", "浜田"), ("長濵", "長浜"), ("齋藤", "斎藤"), ("齊藤", "斉藤"), ("澤田", "沢田"),
        ("櫻井", "桜井"), ("廣瀬", "広瀬"), ("國分", "国分"), ("眞鍋", "真鍋"), ("德川", "徳川"),
        ("黑田", "黒田"), ("冨田", "富田"), ("中嶋", "中島"), ("大嶌", "大島"), ("\u{20BB7}野", "吉野"),
    ])
    func variantKanjiMatchTheirStandardForm(variant: String, standard: String) {
        #expect(JapaneseText.normalizedName(variant) == JapaneseText.normalizedName(standard))
    }

    @Test func distinctNamesStayDistinct() {
        #expect(JapaneseText.normalizedName("高橋") != JapaneseText.normalizedName("高梨"))
        // 斎 and 斉 are different characters; only their own old forms fold onto them.
        #expect(JapaneseText.normalizedName("斎藤") != JapaneseText.normalizedName("斉藤"))
        #expect(JapaneseText.normalizedName("齋藤") != JapaneseText.normalizedName("齊藤"))
        #expect(JapaneseText.normalizedName("山崎") != JapaneseText.normalizedName("山埼"))
    }

    @Test func hiraganaAndKatakanaGivenNamesAreDifferentNames() {
        #expect(JapaneseText.normalizedName("山田さくら") != JapaneseText.normalizedName("山田サクラ"))
    }

    @Test func halfWidthKatakanaInANameMatchesFullWidth() {
        #expect(JapaneseText.normalizedName("山田ｻｸﾗ") == JapaneseText.normalizedName("山田　サクラ"))
    }

    @Test func separatorsBetweenFamilyAndGivenNameAreRemoved() {
        let key = JapaneseText.normalizedName("スミスジョン")
        #expect(JapaneseText.normalizedName("スミス・ジョン") == key)
        #expect(JapaneseText.normalizedName("ｽﾐｽ･ｼﾞｮﾝ") == key)
        #expect(JapaneseText.normalizedName("スミス，ジョン") == key)
        #expect(JapaneseText.normalizedName("スミス、ジョン") == key)
    }

    @Test func latinNamesAreUpperCasedAndWidthFolded() {
        let key = JapaneseText.normalizedName("SMITH JOHN")
        #expect(JapaneseText.normalizedName("Smith, John") == key)
        #expect(JapaneseText.normalizedName("ｓｍｉｔｈ　ｊｏｈｎ") == key)
        #expect(key == "SMITHJOHN")
    }

    @Test func ideographicVariationSelectorsAreIgnored() {
        // 邉 with an IVS, as MJ-based systems store it.
        #expect(JapaneseText.normalizedName("渡邉\u{E0104}") == JapaneseText.normalizedName("渡辺"))
    }

    @Test func invisibleCharactersFromCopyAndPasteAreIgnored() {
        #expect(JapaneseText.normalizedName("\u{FEFF}山田\u{200B}太郎") == "山田太郎")
    }

    @Test func variantTableIsWellFormed() {
        #expect(JapaneseText.variantKanji.count >= 40)
        for (variant, standard) in JapaneseText.variantKanji {
            // A target that is itself a variant would make keys depend on lookup order.
            #expect(JapaneseText.variantKanji[standard] == nil, "\(standard) is both target and variant")
            // Width folding must not rewrite the variant first, or its entry is unreachable.
            #expect(JapaneseText.foldWidth(String(variant)) == String(variant))
            #expect(JapaneseText.normalizedName(String(variant)) == String(standard))
        }
    }
}

@Suite("JapaneseText.normalizedKana")
struct JapaneseTextNormalizedKanaTests {
    @Test func bankHalfWidthFormHiraganaAndKatakanaAgree() {
        let key = JapaneseText.normalizedKana("ヤマダ　タロウ")
        #expect(JapaneseText.normalizedKana("ﾔﾏﾀﾞ ﾀﾛｳ") == key)
        #expect(JapaneseText.normalizedKana("やまだ たろう") == key)
        #expect(key == "ヤマダタロウ")
    }

    @Test(arguments: [
        ("キャシー", "キヤシー"), ("きょうこ", "キヨウコ"), ("ハットリ", "ハツトリ"), ("ｼｮｳﾀ", "シヨウタ"),
        ("ヶ", "ケ"), ("ヵ", "カ"), ("ぁぃぅぇぉゎ", "アイウエオワ"),
    ])
    func smallKanaMatchLargeKana(small: String, large: String) {
        #expect(JapaneseText.normalizedKana(small) == JapaneseText.normalizedKana(large))
    }

    @Test func voicedMarksAreNeverDropped() {
        #expect(JapaneseText.normalizedKana("ヤマダ") != JapaneseText.normalizedKana("ヤマタ"))
        #expect(JapaneseText.normalizedKana("ﾔﾏﾀﾞ") != JapaneseText.normalizedKana("ﾔﾏﾀ"))
        #expect(JapaneseText.normalizedKana("ハナ") != JapaneseText.normalizedKana("パナ"))
        #expect(JapaneseText.normalizedKana("バナ") != JapaneseText.normalizedKana("パナ"))
    }

    @Test func vuSurvives() {
        #expect(JapaneseText.normalizedKana("ヴィクトル") == "ヴイクトル")
        #expect(JapaneseText.normalizedKana("ｳﾞｨｸﾄﾙ") == "ヴイクトル")
        #expect(JapaneseText.normalizedKana("ゔぃくとる") == "ヴイクトル")
        #expect(JapaneseText.normalizedKana("ヴ") != JapaneseText.normalizedKana("ブ"))
    }

    @Test func diAndDuMatchJiAndZu() {
        #expect(JapaneseText.normalizedKana("ツヅキ") == JapaneseText.normalizedKana("ツズキ"))
        #expect(JapaneseText.normalizedKana("はなぢ") == JapaneseText.normalizedKana("ハナジ"))
    }

    @Test func woIsKept() {
        #expect(JapaneseText.normalizedKana("ヲ") == "ヲ")
        #expect(JapaneseText.normalizedKana("ｦ") == "ヲ")
        #expect(JapaneseText.normalizedKana("ヲ") != JapaneseText.normalizedKana("オ"))
    }

    @Test func longVowelMarkIsKeptAndBankHyphenBecomesIt() {
        #expect(JapaneseText.normalizedKana("コーヒー") == "コーヒー")
        #expect(JapaneseText.normalizedKana("ｺ-ﾋ-") == "コーヒー")
        #expect(JapaneseText.normalizedKana("コ－ヒ－") == "コーヒー")
        #expect(JapaneseText.normalizedKana("コーヒー") != JapaneseText.normalizedKana("コヒ"))
    }

    @Test func spacingVoicedMarksComposeWithTheirKana() {
        #expect(JapaneseText.normalizedKana("カ゛ク") == "ガク")
        #expect(JapaneseText.normalizedKana("ハ゜ン") == "パン")
    }

    @Test func iterationMarksAreExpanded() {
        #expect(JapaneseText.normalizedKana("みすゞ") == JapaneseText.normalizedKana("ミスズ"))
        #expect(JapaneseText.normalizedKana("さゝき") == JapaneseText.normalizedKana("ササキ"))
    }

    @Test func middleDotBetweenNamesIsRemoved() {
        #expect(JapaneseText.normalizedKana("キャシー・スミス") == JapaneseText.normalizedKana("ｷﾔｼｰ ｽﾐｽ"))
    }
}

@Suite("JapaneseText.isKana")
struct JapaneseTextIsKanaTests {
    @Test(arguments: [
        "やまだ たろう", "ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ", "キャシー・スミス", "ヴィクトル", "みすゞ", "ｺｰﾋｰ",
        "カ\u{3099}", " あ ",
    ])
    func acceptsKana(text: String) {
        #expect(JapaneseText.isKana(text))
    }

    @Test(arguments: ["", "   ", "\u{3000}", "山田", "やまだ太郎", "YAMADA", "ヤマダ1", "ｺ-ﾋ-", "ー", "・", "やまだ、たろう"])
    func rejectsEverythingElse(text: String) {
        #expect(!JapaneseText.isKana(text))
    }
}

@Suite("JapaneseText.normalizedAddress")
struct JapaneseTextNormalizedAddressTests {
    @Test func fullWidthDigitsAndHyphens() {
        let key = JapaneseText.normalizedAddress("東京都千代田区霞が関1-2-3")
        #expect(JapaneseText.normalizedAddress("東京都千代田区霞が関１－２－３") == key)
        #expect(JapaneseText.normalizedAddress("東京都千代田区霞が関１‐２―３") == key)
        #expect(key == "東京都千代田区霞が関1-2-3")
    }

    @Test func hyphenVariantsBetweenDigitsAreUnified() {
        for hyphen in ["－", "‐", "‑", "–", "—", "―", "−", "ｰ", "ー"] {
            #expect(JapaneseText.normalizedAddress("1\(hyphen)2\(hyphen)3") == "1-2-3")
        }
    }

    @Test func longVowelMarkInWordsIsKept() {
        #expect(JapaneseText.normalizedAddress("コーポ山田101") == "コーポ山田101")
        #expect(JapaneseText.normalizedAddress("ハイツＡー１０１") == "ハイツA-101")
    }

    @Test func whitespaceIsRemovedAndLatinUpperCased() {
        #expect(JapaneseText.normalizedAddress(" 大阪市北区 梅田１丁目　ハイツ梅田 ｂ棟 ") == "大阪市北区梅田1丁目ハイツ梅田B棟")
    }

    @Test func blockWordsAndKanjiNumeralsAreNotRewritten() {
        #expect(JapaneseText.normalizedAddress("千代田区一丁目2番地3号") == "千代田区一丁目2番地3号")
        #expect(JapaneseText.normalizedAddress("1丁目2番3号") != JapaneseText.normalizedAddress("1-2-3"))
    }

    @Test func differentAddressesStayDifferent() {
        #expect(JapaneseText.normalizedAddress("1-2-3") != JapaneseText.normalizedAddress("1-2-4"))
        #expect(JapaneseText.normalizedAddress("12-3") != JapaneseText.normalizedAddress("1-23"))
    }

    /// The name keys take a fast path for plain names; it must give exactly what the
    /// general path gives, for plain names and for everything that only looks plain.
    @Test(arguments: [
        "山田 太郎", "山田　太郎", "髙橋・花子", "渡邊,一郎", "さくら", "ヤマダ タロウ", "サトウ-", "ｻﾄｳ", "yamada Taro",
        "ミスヾ", "サヽキ", "カ゛", "ＡＢＣ", "山田\t太郎", "ァィゥ ヂヅ", "ヴィ", "々木", "ー", "", " ", "・", "a-b", "Ｙａｍａｄａ",
        "斎藤\u{E0100}", "佐藤\u{200B}", "佐・藤", "ひらがな・カタカナ", "山﨑", "〜", "ｰ", "D'Arcy", "ｶﾞ", "か\u{3099}",
    ])
    func fastNameKeysAgreeWithTheGeneralPath(_ name: String) {
        #expect(JapaneseText.normalizedName(name) == JapaneseText.normalizedNameInGeneral(name))
        #expect(JapaneseText.normalizedKana(name) == JapaneseText.normalizedKanaInGeneral(name))
        #expect(JapaneseText.isKana(name) == JapaneseText.isKanaInGeneral(name))
    }
}

