import MynaPDF
import Testing

@Suite struct TextWrappingTests {
    private func lines(_ text: String, width: Double, size: Double = 10) throws -> [String] {
        try TextWrapping.lines(of: text, fontSize: size, maxWidth: width)
    }

    @Test func japaneseBreaksBetweenAnyCharacters() throws {
        #expect(try lines("あいうえおかきくけこ", width: 50) == ["あいうえお", "かきくけこ"])
        #expect(try lines("あいうえおかきくけこさ", width: 50) == ["あいうえお", "かきくけこ", "さ"])
    }

    @Test func closingPunctuationHangsInsteadOfStartingALine() throws {
        #expect(try lines("あいうえ。かき", width: 40) == ["あいうえ。", "かき"])
        #expect(try lines("あいうえー", width: 40) == ["あいうえー"])
    }

    @Test func openingBracketMovesToTheNextLine() throws {
        #expect(try lines("あいう「えお」", width: 40) == ["あいう", "「えお」"])
    }

    @Test func latinWordsBreakAtSpaces() throws {
        #expect(try lines("hello world foo", width: 60) == ["hello world", "foo"])
        #expect(try lines("住所 Tokyo Chiyoda", width: 60) == ["住所 Tokyo", "Chiyoda"])
    }

    @Test func aWordLongerThanTheLineBreaksBetweenCharacters() throws {
        let url = "https://verify.myna.example/r/ABCDEFGH"
        let wrapped = try lines(url, width: 100)  // 20 half-width characters a line
        #expect(wrapped == ["https://verify.myna.", "example/r/ABCDEFGH"])
        #expect(wrapped.joined() == url)
    }

    @Test func explicitLineBreaksAreKept() throws {
        #expect(try lines("一行目\n二行目", width: 200) == ["一行目", "二行目"])
        #expect(try lines("一行目\r\n二行目\r三", width: 200) == ["一行目", "二行目", "三"])
        #expect(try lines("上\n\n下", width: 200) == ["上", "", "下"])
        #expect(try lines("", width: 200) == [""])
    }

    @Test func everyLineFitsExceptHangingPunctuation() throws {
        let text = "東京都千代田区千代田１番１号　マイナンバー荘１０１号室、ABC Building 12F（受付）"
        for width in stride(from: 30.0, through: 300, by: 7) {
            let wrapped = try lines(text, width: width)
            for line in wrapped {
                let advance = try AdobeJapan1.advance(of: line, fontSize: 10)
                let last = String(line.unicodeScalars.last!)
                #expect(advance <= width + 1e-9 || "、。）ー".contains(last), "\(line) at \(width)")
            }
            // Only spaces at line ends are dropped.
            let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\u{3000}" }
            #expect(wrapped.joined().filter { !isSpace($0) } == text.filter { !isSpace($0) })
        }
    }

    @Test func badArgumentsAndCharactersAreRefused() {
        #expect(throws: PDFError.self) { try TextWrapping.lines(of: "あ", fontSize: 0, maxWidth: 10) }
        #expect(throws: PDFError.self) { try TextWrapping.lines(of: "あ", fontSize: 10, maxWidth: -1) }
        #expect(throws: PDFError.self) { try TextWrapping.lines(of: "あ\t", fontSize: 10, maxWidth: 100) }
    }
}
