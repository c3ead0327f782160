import Testing

@testable import MynaPDF

@Suite struct AdobeJapan1Tests {
    @Test(arguments: [
        ("A", AdobeJapan1.Width.half), (" ", .half), ("~", .half), ("ｱ", .half), ("ﾟ", .half),
        ("あ", .full), ("ア", .full), ("漢", .full), ("１", .full), ("Ａ", .full), ("　", .full),
        ("、", .full), ("〒", .full), ("髙", .full), ("𠮷", .full), ("﨑", .full),
    ])
    func widths(character: String, expected: AdobeJapan1.Width) {
        #expect(AdobeJapan1.width(of: character.unicodeScalars.first!) == expected)
    }

    @Test func advanceAddsWidths() throws {
        #expect(try AdobeJapan1.advance(of: "ABCあ", fontSize: 10) == 25)
        #expect(try AdobeJapan1.advance(of: "ﾀﾛｳ太郎", fontSize: 12) == 42)
        #expect(try AdobeJapan1.advance(of: "", fontSize: 12) == 0)
    }

    /// Each is outside what the predefined fonts can print with a width we can declare.
    @Test(arguments: [
        "Ā",  // U+0100, proportional Latin of Supplement 4
        "€",  // U+20AC, proportional in Adobe-Japan1
        "😀",  // U+1F600, not in Adobe-Japan1
        "们",  // U+4EEC, a simplified Chinese character
        "㋿",  // U+32FF, the 令和 ligature, Supplement 7
        "\n", "\t", "\u{7F}",
        "\u{301}",  // combining acute accent
        "\u{3099}",  // combining voiced sound mark
        "\u{FE00}", "\u{E0100}",  // variation selectors
        "\u{E000}",  // private use
        "\u{200B}",  // zero width space
    ])
    func refusesWhatTheFontCannotShow(text: String) {
        let scalar = text.unicodeScalars.first!
        #expect(AdobeJapan1.width(of: scalar) == nil)
        let error = #expect(throws: PDFError.self) { try AdobeJapan1.validate("山田" + text) }
        #expect(error?.code == .unsupportedCharacter)
        #expect(error?.unsupportedScalar == scalar)
        // The public description names no character: it may be part of a person's name.
        #expect(error?.description == "PDF error MYNA-PDF-001: unsupported character")
        #expect(error.map { String(reflecting: $0).contains("U+") } == true)
    }

    @Test func refusedTextLeavesThePageUnchanged() throws {
        var page = PDFPage()
        try page.drawText("氏名", at: PDFPoint(x: 10, y: 10), size: 10)
        let before = page
        #expect(throws: PDFError.self) { try page.drawText("山田😀", at: PDFPoint(x: 10, y: 30), size: 10) }
        #expect(throws: PDFError.self) {
            try page.drawParagraph("一行目\n二行目😀", topLeft: PDFPoint(x: 10, y: 100), width: 100, size: 10)
        }
        #expect(throws: PDFError.self) {
            try page.drawTable(
                PDFTable(columnWidths: [100], rows: [[.init("正常")], [.init("们")]]), topLeft: PDFPoint(x: 10, y: 500))
        }
        #expect(throws: PDFError.self) {
            try page.drawSeal(PDFSeal(text: "印😀", size: 40), center: PDFPoint(x: 100, y: 100))
        }
        #expect(page == before)
    }

    @Test func coverageTablesAreSortedAndDisjoint() {
        for ranges in [AdobeJapan1.halfWidthRanges, AdobeJapan1.fullWidthRanges] {
            for (previous, next) in zip(ranges, ranges.dropFirst()) {
                #expect(previous.upperBound < next.lowerBound)
            }
        }
        let half = AdobeJapan1.halfWidthRanges.reduce(0) { $0 + $1.count }
        let full = AdobeJapan1.fullWidthRanges.reduce(0) { $0 + $1.count }
        // The counts the generator wrote in the header of AdobeJapan1Coverage.swift.
        #expect(half == 286)
        #expect(full == 14901)
        for range in AdobeJapan1.halfWidthRanges {
            #expect(AdobeJapan1.fullWidthRanges.allSatisfy { !$0.overlaps(range) })
        }
    }

    @Test func textIsWrittenAsUTF16HexWithSupplementaryRunsInTheirOwnFont() throws {
        var page = PDFPage()
        try page.drawText("住所", at: PDFPoint(x: 0, y: 0), size: 10)
        #expect(page.content.contains("/F1 10 Tf\n<4F4F6240> Tj"))
        #expect(page.supplementaryFonts.isEmpty)
        try page.drawText("𠮷田", at: PDFPoint(x: 0, y: 20), font: .mincho, size: 10)
        #expect(page.content.contains("/F2S 10 Tf\n<D842DFB7> Tj\n/F2 10 Tf\n<7530> Tj"))
        #expect(page.supplementaryFonts == [.mincho])
        #expect(page.usedScalars[.mincho] == [0x7530])
    }
}
