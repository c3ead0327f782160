import Testing

@testable import MynaCharts

@Suite struct FormattingTests {
    @Test func thousandsSeparators() {
        #expect(NumberText.grouped(0) == "0")
        #expect(NumberText.grouped(999) == "999")
        #expect(NumberText.grouped(1_000) == "1,000")
        #expect(NumberText.grouped(1_234) == "1,234")
        #expect(NumberText.grouped(10_000_000) == "10,000,000")
        #expect(NumberText.grouped(-1_234_567) == "-1,234,567")
        #expect(NumberText.grouped(.min) == "-9,223,372,036,854,775,808")
    }

    @Test func coordinatesHaveAtMostTwoDecimals() {
        #expect(NumberText.coordinate(0) == "0")
        #expect(NumberText.coordinate(-0.001) == "0")
        #expect(NumberText.coordinate(12) == "12")
        #expect(NumberText.coordinate(12.5) == "12.5")
        #expect(NumberText.coordinate(12.25) == "12.25")
        #expect(NumberText.coordinate(12.05) == "12.05")
        #expect(NumberText.coordinate(1.0 / 3) == "0.33")
        #expect(NumberText.coordinate(-7.125) == "-7.13")
        #expect(NumberText.coordinate(.nan) == "0")
        #expect(NumberText.coordinate(.infinity) == "0")
    }

    @Test func percentagesHaveOneDecimal() {
        #expect(NumberText.percent(tenths: 0) == "0.0%")
        #expect(NumberText.percent(tenths: 625) == "62.5%")
        #expect(NumberText.percent(tenths: 1_000) == "100.0%")
        #expect(NumberText.percent(tenths: 12_345) == "1,234.5%")
    }

    @Test func japaneseTakesAFullEmLatinAboutHalf() {
        #expect(TextMetrics.width(of: "返納", fontSize: 10) == 20)
        #expect(TextMetrics.width(of: "ab", fontSize: 10) == 12)
        #expect(TextMetrics.width(of: "ｶﾅ", fontSize: 10) == 10)
    }

    @Test func truncationCutsBetweenCharactersAndAddsAnEllipsis() {
        #expect(TextMetrics.truncated("短い", toWidth: 100, fontSize: 10) == "短い")
        #expect(TextMetrics.truncated("とても長いラベル", toWidth: 50, fontSize: 10) == "とても長…")
        #expect(TextMetrics.truncated("👨‍👩‍👧‍👦家族", toWidth: 25, fontSize: 10).hasSuffix("…"))
    }

    @Test func escapingCoversTheFiveSpecialCharacters() {
        #expect(XMLText.escaped(#"<a href="x">&'"#) == "&lt;a href=&quot;x&quot;&gt;&amp;&apos;")
        #expect(XMLText.escaped("タブ\tと改行\n") == "タブ\tと改行\n")
    }
}
