import Testing

@testable import MynaPDF
import MynaCore

@Suite struct CertificateTests {
    @Test(arguments: [
        ((2019, 5, 1), "令和元年５月１日"), ((2019, 4, 30), "平成３１年４月３０日"),
        ((1989, 1, 8), "平成元年１月８日"), ((1989, 1, 7), "昭和６４年１月７日"),
        ((1926, 12, 25), "昭和元年１２月２５日"), ((1926, 12, 24), "大正１５年１２月２４日"),
        ((1912, 7, 30), "大正元年７月３０日"), ((1912, 7, 29), "明治４５年７月２９日"),
        ((1873, 1, 1), "明治６年１月１日"), ((1872, 12, 31), "１８７２年１２月３１日"),
        ((2025, 1, 5), "令和７年１月５日"),
    ])
    func datesPrintInTheJapaneseEraWithFullWidthDigits(date: (Int, Int, Int), expected: String) throws {
        let calendarDate = try CalendarDate(year: date.0, month: date.1, day: date.2)
        #expect(JapaneseDate.format(calendarDate) == expected)
    }

    @Test func verificationCodesHaveOneForm() throws {
        #expect(try VerificationCode("MYNA-7K3P-Q9X2-M4TD").description == "MYNA-7K3P-Q9X2-M4TD")
        for bad in ["myna-7K3P-Q9X2-M4TD", "MYNA-7K3P-Q9X2", "MYNA-7K3P-Q9X2-M4T", "MYNA-7k3p-Q9X2-M4TD",
                    "XYNA-7K3P-Q9X2-M4TD", "MYNA-7K3P-Q9X2-M4TD-", "MYNA-７K3P-Q9X2-M4TD", ""] {
            let error = #expect(throws: PDFError.self) { try VerificationCode(bad) }
            #expect(error?.code == .invalidField)
        }
    }

    @Test func renderingIsAPureFunction() throws {
        let first = try CertificateOfResidenceLayout.render(Fixtures.certificate())
        let second = try CertificateOfResidenceLayout.render(Fixtures.certificate())
        #expect(first == second)
        #expect(first.pages.count == 1)
        #expect(first.info.title == "住民票の写し")
        #expect(first.info.creationDate == (try Fixtures.certificate()).issuedAt)
    }

    @Test func aNameTheFontsCannotPrintIsRefused() throws {
        let error = #expect(throws: PDFError.self) {
            try CertificateOfResidenceLayout.render(Fixtures.certificate(name: "王　们"))
        }
        #expect(error?.code == .unsupportedCharacter)
        #expect(error?.unsupportedScalar == "们")
    }

    @Test func contentThatDoesNotFitIsRefused() throws {
        let long = String(repeating: "備考の記載が長すぎる場合。", count: 120)
        let error = #expect(throws: PDFError.self) {
            try CertificateOfResidenceLayout.render(Fixtures.certificate(remarks: long))
        }
        #expect(error?.code == .invalidArgument)
        // A short remark fits and is printed.
        let document = try CertificateOfResidenceLayout.render(Fixtures.certificate(remarks: "転入前住所　大阪府大阪市"))
        #expect(document.pages[0].content.contains(PDFSyntax.hexUTF16("転入前住所")))
    }

    @Test func sealSitsOnThePageBesideTheMayor() throws {
        let layout = try CertificateOfResidenceLayout(Fixtures.certificate())
        let page = PDFSize.a4
        #expect(layout.sealFrame.minX > page.width / 2 && layout.sealFrame.maxX < page.width - 40)
        #expect(layout.sealFrame.minY > 100 && layout.sealFrame.maxY < page.height - 100)
        #expect(layout.sealFrame.width == 58)
    }

    @Test func sealTextRunsInColumnsRightToLeft() {
        #expect(PDFSeal(text: "千代田区長之印", size: 50).columns == ["千代田", "区長", "之印"])
        #expect(PDFSeal(text: "印", size: 50).columns == ["印"])
        #expect(PDFSeal(text: "山田", size: 50).columns == ["山", "田"])
        #expect(PDFSeal(text: "千代田区長之印", size: 50, columnCount: 2).columns == ["千代田区", "長之印"])
    }

    @Test func sealIsRedAndHiddenFromTextExtraction() throws {
        var page = PDFPage()
        try page.drawSeal(PDFSeal(text: "区長之印", shape: .circle, size: 40), center: PDFPoint(x: 100, y: 100))
        let content = page.content
        #expect(content.contains("0.86 0.1 0.1 RG"))
        #expect(content.contains("0.86 0.1 0.1 rg"))
        #expect(content.contains("/Span << /ActualText () >> BDC"))
        #expect(content.hasSuffix("EMC\n"))
        #expect(throws: PDFError.self) { try page.drawSeal(PDFSeal(text: "", size: 40), center: PDFPoint(x: 0, y: 0)) }
    }
}
