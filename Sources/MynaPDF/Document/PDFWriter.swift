/// Lays out objects, the cross-reference table and the trailer (ISO 32000-1 §7.5).
///
/// Object numbers are fixed by structure, not by drawing order:
/// 1 catalog, 2 page tree, 3 info, then for each face used, in `PDFFont` order, its Type0
/// font, CIDFont, font descriptor and ToUnicode map, and a second Type0 font sharing the
/// CIDFont when text outside the BMP was drawn (see `PDFFont.supplementaryResourceName`);
/// then a page and its content stream for each page.
struct PDFWriter {
    let document: PDFDocument
    /// When set, the info dictionary ends with a `/MynaSeal` placeholder of this many `0`
    /// hex digits, for `PDFDigitalSeal` to fill in.
    var sealPlaceholderDigits: Int? = nil

    private static let catalog = 1
    private static let pageTree = 2
    private static let info = 3

    func write() -> [UInt8] {
        let fonts = Set(document.pages.flatMap(\.fontsUsed)).sorted()
        let supplementary = Set(document.pages.flatMap(\.supplementaryFonts))
        var fontObject: [PDFFont: Int] = [:]
        var next = 4
        for font in fonts {
            fontObject[font] = next
            next += supplementary.contains(font) ? 5 : 4
        }
        let firstPage = next
        let pageObjects = document.pages.indices.map { firstPage + 2 * $0 }

        var bodies: [[UInt8]] = []
        func add(_ text: String) { bodies.append(Array(text.utf8)) }
        func addStream(_ content: String, entries: String = "") {
            let data = Array(content.utf8)
            let head = "<< /Length \(data.count)\(entries) >>\nstream\n"
            bodies.append(Array(head.utf8) + data + Array("\nendstream".utf8))
        }

        add("<< /Type /Catalog /Pages \(Self.pageTree) 0 R >>")
        add(
            "<< /Type /Pages /Kids [\(pageObjects.map { "\($0) 0 R" }.joined(separator: " "))] "
                + "/Count \(pageObjects.count) >>")
        add(infoDictionary())

        for font in fonts {
            let base = fontObject[font]!
            let scalars = Set(document.pages.flatMap { $0.usedScalars[font] ?? [] })
            add(
                "<< /Type /Font /Subtype /Type0 /BaseFont /\(font.baseFontName)-\(Self.encoding) "
                    + "/Encoding /\(Self.encoding) /DescendantFonts [\(base + 1) 0 R] "
                    + "/ToUnicode \(base + 3) 0 R >>")
            add(
                "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /\(font.baseFontName) "
                    + "/CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement \(AdobeJapan1.supplement) >> "
                    + "/FontDescriptor \(base + 2) 0 R /DW 1000 /W [1 632 500] >>")
            add(
                "<< /Type /FontDescriptor /FontName /\(font.baseFontName) "
                    + "/FontFamily \(PDFSyntax.literalString(font.familyName)) /FontWeight \(font.weight) "
                    + "/Flags \(font.descriptorFlags) "
                    + "/FontBBox [-150 -150 1100 1000] /ItalicAngle 0 /Ascent 880 /Descent -120 "
                    + "/CapHeight 700 /StemV \(font.stemV) >>")
            addStream(ToUnicodeMap.cmap(for: scalars.sorted()))
            if supplementary.contains(font) {
                add(
                    "<< /Type /Font /Subtype /Type0 /BaseFont /\(font.baseFontName)-\(Self.encoding) "
                        + "/Encoding /\(Self.encoding) /DescendantFonts [\(base + 1) 0 R] >>")
            }
        }

        for (index, page) in document.pages.enumerated() {
            var fontResources = page.fontsUsed.map { "/\($0.resourceName) \(fontObject[$0]!) 0 R" }
            fontResources += page.supplementaryFonts.sorted().map {
                "/\($0.supplementaryResourceName) \(fontObject[$0]! + 4) 0 R"
            }
            let resources =
                fontResources.isEmpty ? "<< >>" : "<< /Font << \(fontResources.joined(separator: " ")) >> >>"
            add(
                "<< /Type /Page /Parent \(Self.pageTree) 0 R "
                    + "/MediaBox [0 0 \(PDFSyntax.number(page.size.width)) \(PDFSyntax.number(page.size.height))] "
                    + "/Resources \(resources) /Contents \(pageObjects[index] + 1) 0 R >>")
            addStream(page.content)
        }

        // Header: version, then a comment of four bytes above 127 so that transfer tools
        // treat the file as binary (§7.5.2).
        var output = Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3] + Array("\n".utf8)
        var offsets: [Int] = []
        for (index, body) in bodies.enumerated() {
            offsets.append(output.count)
            output += Array("\(index + 1) 0 obj\n".utf8) + body + Array("\nendobj\n".utf8)
        }
        let crossReference = output.count
        // Each entry is exactly 20 bytes: 10-digit offset, 5-digit generation, keyword, CR LF.
        var table = "xref\n0 \(bodies.count + 1)\n0000000000 65535 f\r\n"
        for offset in offsets {
            table += "\(PDFSyntax.zeroPadded(offset, width: 10)) 00000 n\r\n"
        }
        table += "trailer\n<< /Size \(bodies.count + 1) /Root \(Self.catalog) 0 R /Info \(Self.info) 0 R >>\n"
        table += "startxref\n\(crossReference)\n%%EOF\n"
        output += Array(table.utf8)
        return output
    }

    static let encoding = "UniJIS-UTF16-H"

    private func infoDictionary() -> String {
        let info = document.info
        var entries = ["/Title \(PDFSyntax.textString(info.title))"]
        if let author = info.author { entries.append("/Author \(PDFSyntax.textString(author))") }
        if let subject = info.subject { entries.append("/Subject \(PDFSyntax.textString(subject))") }
        entries.append("/Producer \(PDFSyntax.textString(PDFDocument.Info.producer))")
        entries.append("/CreationDate \(PDFSyntax.literalString(info.creationDate.pdfString))")
        // Last, so that the closing `>>` follows the placeholder: `PDFDigitalSeal` relies on it.
        if let digits = sealPlaceholderDigits {
            entries.append("/\(PDFDigitalSeal.key) <\(String(repeating: "0", count: digits))>")
        }
        return "<< " + entries.joined(separator: " ") + " >>"
    }
}
