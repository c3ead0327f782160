import Testing

@testable import MynaPDF
import MynaCore

@Suite struct DocumentStructureTests {
    static func info() throws -> PDFDocument.Info {
        PDFDocument.Info(
            title: "住民票の写し", author: "Myna (テスト)",
            creationDate: try PDFDate(
                date: CalendarDate(year: 2025, month: 1, day: 5), hour: 9, minute: 30, second: 0))
    }

    static func threePages() throws -> PDFDocument {
        var document = PDFDocument(info: try info())
        for number in 1...3 {
            var page = PDFPage()
            try page.drawText("\(number)ページ目", at: PDFPoint(x: 72, y: 770), size: 12)
            try page.drawText("明朝", at: PDFPoint(x: 72, y: 740), font: .mincho, size: 12)
            page.drawRectangle(PDFRect(x: 72, y: 600, width: 100, height: 50), style: .fill(.gray(0.5)))
            document.append(page)
        }
        return document
    }

    @Test func headerDeclaresPDF17AndBinary() throws {
        let bytes = try Fixtures.certificatePDF()
        #expect(Array(bytes.prefix(9)) == Array("%PDF-1.7\n".utf8))
        #expect(bytes[10...13].allSatisfy { $0 > 127 })
        #expect(Array(bytes.suffix(6)) == Array("%%EOF\n".utf8))
    }

    @Test func everyCrossReferenceOffsetPointsAtItsObject() throws {
        for bytes in [try Fixtures.certificatePDF(), try Self.threePages().serialized()] {
            let file = try PDFFile(bytes)
            #expect(file.entries.first == PDFFile.Entry(offset: 0, generation: 65535, inUse: false))
            #expect(file.entries.count > 4)
            for (number, entry) in file.entries.enumerated().dropFirst() {
                #expect(entry.inUse && entry.generation == 0)
                let marker = Array("\(number) 0 obj\n".utf8)
                #expect(Array(bytes[entry.offset..<(entry.offset + marker.count)]) == marker, "object \(number)")
                // The byte before an object is the end of the previous line.
                #expect(bytes[entry.offset - 1] == 0x0A)
            }
            #expect(file.trailer.contains("/Size \(file.entries.count) "))
            #expect(file.trailer.contains("/Root 1 0 R"))
            #expect(file.trailer.contains("/Info 3 0 R"))
            // Nothing but objects between the header and the table: the last object ends
            // right before `xref`.
            #expect(file.text.unicodeScalars.count > file.startXref)
            let objectCount = file.text.components(separatedBy: " 0 obj\n").count - 1
            #expect(objectCount == file.entries.count - 1)
        }
    }

    @Test func streamLengthsAreExact() throws {
        let file = try PDFFile(try Fixtures.certificatePDF())
        var checked = 0
        for number in 1..<file.entries.count {
            let body = try #require(file.object(number))
            guard let streamStart = body.range(of: ">>\nstream\n") else { continue }
            let dictionary = body[..<streamStart.lowerBound]
            let lengthText = try #require(dictionary.range(of: "/Length ")).upperBound
            let length = Int(dictionary[lengthText...].prefix { $0.isNumber })!
            let data = body[streamStart.upperBound...]
            #expect(data.hasSuffix("\nendstream"))
            #expect(data.unicodeScalars.count - "\nendstream".count == length, "object \(number)")
            checked += 1
        }
        #expect(checked == 3)  // two ToUnicode maps (the supplementary font has none), one page
    }

    @Test func catalogPagesAndInfo() throws {
        let file = try PDFFile(try Self.threePages().serialized())
        #expect(file.object(1) == "<< /Type /Catalog /Pages 2 0 R >>")
        let pages = try #require(file.object(2))
        #expect(pages.contains("/Count 3"))
        let kids = pages.components(separatedBy: " 0 R").count - 1
        #expect(kids == 3)
        let info = try #require(file.object(3))
        #expect(info.contains("/Title \(PDFSyntax.textString("住民票の写し"))"))
        #expect(info.contains("/Author <FEFF"))
        #expect(info.contains("/Producer (Myna)"))
        #expect(info.contains("/CreationDate (D:20250105093000+09'00')"))
        for pageObject in [12, 14, 16] {
            let page = try #require(file.object(pageObject))
            #expect(page.contains("/Type /Page /Parent 2 0 R /MediaBox [0 0 595.276 841.89]"))
            #expect(page.contains("/Resources << /Font << /F1 4 0 R /F2 8 0 R >> >> /Contents \(pageObject + 1) 0 R"))
        }
    }

    @Test func fontsArePredefinedJapaneseCIDFonts() throws {
        let file = try PDFFile(try Fixtures.certificatePDF())
        let type0 = try #require(file.object(4))
        #expect(
            type0 == "<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5-UniJIS-UTF16-H "
                + "/Encoding /UniJIS-UTF16-H /DescendantFonts [5 0 R] /ToUnicode 7 0 R >>")
        let cidFont = try #require(file.object(5))
        #expect(cidFont.contains("/Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5"))
        #expect(cidFont.contains("/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 6 >>"))
        #expect(cidFont.contains("/DW 1000 /W [1 632 500]"))
        let descriptor = try #require(file.object(6))
        #expect(descriptor.contains("/FontName /HeiseiKakuGo-W5 /FontFamily (HeiseiKakuGo)"))
        #expect(!file.text.contains("/FontFile"))  // nothing embedded
        let mincho = try #require(file.object(8))
        #expect(mincho.contains("/BaseFont /HeiseiMin-W3-UniJIS-UTF16-H"))
        // The name has 𠮷, drawn in Mincho: a second Type0 font without ToUnicode shares
        // the Mincho CIDFont.
        let supplementary = try #require(file.object(12))
        #expect(
            supplementary == "<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiMin-W3-UniJIS-UTF16-H "
                + "/Encoding /UniJIS-UTF16-H /DescendantFonts [9 0 R] >>")
        let page = try #require(file.object(13))
        #expect(page.contains("/Resources << /Font << /F1 4 0 R /F2 8 0 R /F2S 12 0 R >> >>"))
    }

    @Test func toUnicodeMapsTheBMPCodesUsed() throws {
        let file = try PDFFile(try Fixtures.certificatePDF())
        let toUnicode = try #require(file.object(11))  // Mincho's
        #expect(toUnicode.contains("/CMapType 2 def"))
        #expect(toUnicode.contains("<7530> <7530>"))  // 田
        #expect(!toUnicode.contains("D842"))  // 𠮷 is left to the CID route
        let gothic = try #require(file.object(7))
        #expect(gothic.contains("<0020> <0020>"))  // a space stays a space, not U+00A0
        #expect(gothic.contains("<FF96> <FF96>"))  // ﾖ
        let blocks = gothic.components(separatedBy: "beginbfchar").dropFirst()
        #expect(blocks.allSatisfy { $0.components(separatedBy: "\n<").count - 1 <= 100 })
    }

    @Test func emptyAndShapeOnlyPagesHaveNoFonts() throws {
        var document = PDFDocument(info: try Self.info())
        var page = PDFPage()
        page.drawLine(from: PDFPoint(x: 0, y: 0), to: PDFPoint(x: 100, y: 100))
        document.append(page)
        let file = try PDFFile(document.serialized())
        #expect(file.entries.count == 6)  // free, catalog, pages, info, page, content
        #expect(try #require(file.object(4)).contains("/Resources << >>"))
        #expect(try #require(file.object(5)).contains("0 0 m\n100 100 l\nS"))
    }

    @Test func shapesUseTheirColoursAndStayIsolated() {
        var page = PDFPage()
        page.drawRectangle(PDFRect(x: 1, y: 2, width: 3, height: 4), style: .stroke(.gray(0.5), lineWidth: 0.25))
        page.drawCircle(center: PDFPoint(x: 0, y: 0), radius: 1, style: .fill(.sealRed))
        page.drawRectangle(
            PDFRect(x: 0, y: 0, width: 1, height: 1),
            style: .fillAndStroke(fill: .white, stroke: .rgb(red: 2, green: -1, blue: 0.5), lineWidth: 1))
        let content = page.content
        #expect(content.hasPrefix("q\n0.5 G\n0.25 w\n1 2 m\n4 2 l\n4 6 l\n1 6 l\nh\nS\nQ\n"))
        #expect(content.contains("q\n0.86 0.1 0.1 rg\n"))
        #expect(content.contains("q\n1 g\n1 0 0.5 RG\n1 w\n"))
        let lines = content.split(separator: "\n")
        #expect(lines.filter { $0 == "q" }.count == 3)
        #expect(lines.filter { $0 == "Q" }.count == 3)
    }

    @Test func alignmentUsesTheDeclaredWidths() throws {
        var page = PDFPage()
        // "ABあ" is 2 × 500 + 1000 = 2000/1000 em: 20 pt at 10 pt.
        try page.drawText("ABあ", at: PDFPoint(x: 100, y: 50), size: 10, alignment: .right)
        try page.drawText("ABあ", at: PDFPoint(x: 100, y: 30), size: 10, alignment: .center)
        #expect(page.content.contains("1 0 0 1 80 50 Tm"))
        #expect(page.content.contains("1 0 0 1 90 30 Tm"))
        #expect(throws: PDFError.self) { try page.drawText("A", at: PDFPoint(x: 0, y: 0), size: 0) }
    }

    @Test func tablesRefuseSpansThatDoNotAddUp() {
        var page = PDFPage()
        let table = PDFTable(columnWidths: [50, 50], rows: [[.init("a", columnSpan: 3)]])
        #expect(throws: PDFError.self) { try page.drawTable(table, topLeft: PDFPoint(x: 0, y: 100)) }
    }

    @Test func tableRowsGrowWithWrappedText() throws {
        var table = PDFTable(
            columnWidths: [60, 108],
            rows: [[.init("住所"), .init("東京都千代田区千代田一丁目一番一号")], [.init("短い"), .init("一行")]])
        table.fontSize = 10
        table.padding = 4
        table.lineHeight = 1.5
        // 100 pt of text width: 10 characters a line, so the 17-character address takes two.
        #expect(try table.rowHeights() == [38, 23])
        var page = PDFPage()
        #expect(try page.drawTable(table, topLeft: PDFPoint(x: 0, y: 800)) == 61)
    }
}
