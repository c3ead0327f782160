import Foundation
import MynaPDF
import Testing

/// Checks the output with an independent reader: poppler's pdfinfo, pdftotext and pdftoppm.
/// Skipped when poppler-utils is missing (scripts/install-pdf-tools.sh installs it).
@Suite(.enabled(if: Poppler.isAvailable, Comment(rawValue: Poppler.skipMessage)))
struct PopplerTests {
    /// What must not appear on poppler's stderr: syntax and font problems.
    static let forbiddenDiagnostics = [
        "Syntax Error", "Syntax Warning", "Missing language pack", "Couldn't find a font",
        "Unknown character collection", "Unknown CMap", "Font", "font", "Error", "Warning",
    ]

    static func expectCleanStderr(_ result: Poppler.Result, _ tool: String) {
        #expect(result.status == 0, "\(tool) exited \(result.status): \(result.stderr)")
        for diagnostic in forbiddenDiagnostics {
            #expect(!result.stderr.contains(diagnostic), "\(tool): \(result.stderr)")
        }
        #expect(result.stderr.isEmpty, "\(tool): \(result.stderr)")
    }

    @Test func pdfinfoAcceptsTheCertificate() throws {
        let file = try Poppler.write(try Fixtures.certificatePDF())
        let result = try Poppler.run("pdfinfo", [file.path])
        Self.expectCleanStderr(result, "pdfinfo")
        let lines = result.text.split(separator: "\n").map(String.init)
        #expect(lines.contains("Pages:           1"))
        #expect(lines.contains("Page size:       595.276 x 841.89 pts (A4)"))
        #expect(lines.contains("Title:           住民票の写し"))
        #expect(lines.contains("Producer:        Myna"))
        #expect(lines.contains("PDF version:     1.7"))
        #expect(lines.contains { $0.hasPrefix("CreationDate:") && $0.contains("2025") })
    }

    @Test func pdfinfoCountsEveryPage() throws {
        let file = try Poppler.write(try DocumentStructureTests.threePages().serialized())
        let result = try Poppler.run("pdfinfo", [file.path])
        Self.expectCleanStderr(result, "pdfinfo")
        #expect(result.text.contains("Pages:           3\n"))
        // Each page's own text comes back on its own page.
        for number in 1...3 {
            let text = try Poppler.run("pdftotext", ["-f", "\(number)", "-l", "\(number)", file.path, "-"])
            Self.expectCleanStderr(text, "pdftotext")
            #expect(text.text.contains("\(number)ページ目"))
            #expect(text.text.contains("明朝"))
        }
    }

    @Test func pdftotextExtractsTheJapaneseTextExactly() throws {
        let file = try Poppler.write(try Fixtures.certificatePDF())
        let result = try Poppler.run("pdftotext", ["-layout", "-enc", "UTF-8", file.path, "-"])
        Self.expectCleanStderr(result, "pdftotext")
        let text = result.text
        // -layout renders gaps (an ideographic space included) as runs of ASCII spaces;
        // compare lines with runs of spaces collapsed.
        let lines = text.split(separator: "\n").map { line in
            line.split(whereSeparator: { $0 == " " || $0 == "\u{3000}" }).joined(separator: " ")
        }
        func line(containing needle: String) -> String? { lines.first { $0.contains(needle) } }

        #expect(lines.contains("住民票の写し"))
        #expect(line(containing: "発行番号") == "発行番号 2025-000123")
        #expect(line(containing: "氏名") == "氏名 𠮷田 太郎")
        #expect(line(containing: "フリガナ") == "フリガナ ﾖｼﾀﾞ ﾀﾛｳ")  // half-width kana
        #expect(line(containing: "生年月日") == "生年月日 昭和６０年４月１日生 性別 男")  // full-width digits
        #expect(line(containing: "住所") == "住所 東京都千代田区千代田１番１号 マイナンバー荘１０１号室")
        #expect(line(containing: "住民となった年月日") == "住民となった年月日 令和元年５月１日")
        #expect(line(containing: "世帯主") == "世帯主 𠮷田 太郎 続柄 本人")
        #expect(lines.contains("以下余白"))
        #expect(lines.contains("この写しは、住民票の原本と相違ないことを証明する。"))
        #expect(lines.contains("交付年月日 令和７年１月５日"))
        #expect(line(containing: "区長") == "東京都千代田区長 千代田 花子")
        #expect(line(containing: "交付方法") == "交付方法 コンビニ交付（店舗コード：012345）")
        #expect(line(containing: "検証コード") == "検証コード MYNA-7K3P-Q9X2-M4TD")
        #expect(lines.contains("この証明書は次のURLで検証できます"))
        #expect(lines.contains("https://verify.myna.example/r/MYNA-7K3P-Q9X2-M4TD"))
        // The seal's characters are a picture (/ActualText ""), and the individual number
        // is never printed.
        #expect(!text.contains("之印"))
        #expect(!text.contains("個人番号"))
        // The tamper-evident pattern is vector art, not text.
        #expect(!text.contains("COPY"))
    }

    @Test func pdftotextKeepsTheExactCodePoints() throws {
        // Characters whose glyph is shared with another code point come back as written,
        // thanks to the ToUnicode map (the CID route would give U+00A0 for the space).
        var page = PDFPage()
        let samples = ["A B", "−－", "〜～", "ｶﾞｷﾞ", "１２３", "髙﨑", "𠮷野家", "¥\\"]
        for (index, sample) in samples.enumerated() {
            try page.drawText(sample, at: PDFPoint(x: 72, y: 760 - Double(index) * 24), size: 12)
        }
        let file = try Poppler.write(PDFDocument(info: try DocumentStructureTests.info(), pages: [page]).serialized())
        let result = try Poppler.run("pdftotext", ["-enc", "UTF-8", file.path, "-"])
        Self.expectCleanStderr(result, "pdftotext")
        let lines = result.text.split(separator: "\n").map(String.init)
        for sample in samples {
            #expect(lines.contains(sample), "\(sample) in \(lines)")
        }
    }

    @Test(arguments: [true, false])
    func pdftoppmRendersTextSealAndBackground(withHeiseiAliases: Bool) throws {
        let layout = try CertificateOfResidenceLayout(Fixtures.certificate())
        let file = try Poppler.write(layout.document.serialized())
        let environment = withHeiseiAliases ? ["FONTCONFIG_FILE": Poppler.fontconfigFile] : [:]
        let output = file.deletingLastPathComponent().appendingPathComponent("page")
        let result = try Poppler.run(
            "pdftoppm", ["-r", "50", "-singlefile", file.path, output.path], environment: environment)
        Self.expectCleanStderr(result, "pdftoppm")
        let image = try PPMImage(Array(try Data(contentsOf: output.appendingPathExtension("ppm"))))
        // A4 at 50 dpi.
        #expect(image.width == 413 || image.width == 414)
        #expect(image.height == 584 || image.height == 585)

        let scale = 50.0 / 72
        let seal = layout.sealFrame
        let sealXs = Int(seal.minX * scale)..<Int((seal.maxX * scale).rounded(.up))
        let sealYs =
            Int((PDFSize.a4.height - seal.maxY) * scale)..<Int(((PDFSize.a4.height - seal.minY) * scale).rounded(.up))
        let redInSeal = image.count(xs: sealXs, ys: sealYs, where: PPMImage.isRed)
        let redEverywhere = image.count(where: PPMImage.isRed)
        #expect(redInSeal > sealXs.count * sealYs.count / 5, "\(redInSeal) red pixels in the seal")
        #expect(redEverywhere == redInSeal, "red only where the seal is")

        // Text: the title block and the register table have dark pixels.
        let titleYs = Int((841.89 - 775) * scale)..<Int((841.89 - 740) * scale)
        #expect(image.count(ys: titleYs, where: PPMImage.isDark) > 100)
        #expect(image.count(where: PPMImage.isDark) > 3000)
        // Background: light grey lines in an otherwise empty band between the mayor and
        // the verification block, and no dark pixels there.
        let emptyYs = Int((841.89 - 340) * scale)..<Int((841.89 - 250) * scale)
        #expect(image.count(ys: emptyYs, where: PPMImage.isLightGray) > 1000)
        #expect(image.count(ys: emptyYs, where: PPMImage.isDark) == 0)
    }
}
