/// Lays a `CertificateOfResidence` out on one A4 page.
///
/// A pure function: the same certificate gives the same `PDFDocument`, and so the same bytes.
/// From top to bottom: the issue number, the title, the register entries in a table, 以下余白
/// ("the rest is blank", so nothing can be added below), the certification with date, mayor
/// and seal, and the verification block. The tamper-evident background is drawn first.
public struct CertificateOfResidenceLayout: Sendable, Hashable {
    public let document: PDFDocument
    /// Where the seal was drawn, for callers (and tests) that check the imprint.
    public let sealFrame: PDFRect

    /// The certification sentence (認証文).
    public static let certificationText = "この写しは、住民票の原本と相違ないことを証明する。"
    public static let verificationNotice = "この証明書は次のURLで検証できます"
    public static let title = "住民票の写し"
    public static let omitted = "（記載省略）"

    static let pageSize = PDFSize.a4
    static let margin = 48.0
    static let labelSize = 9.5
    static let valueSize = 11.0

    /// Renders `certificate`; throws `unsupportedCharacter` when a field holds a character
    /// the predefined fonts cannot print, and `invalidArgument` when the content does not
    /// fit on the page.
    public static func render(_ certificate: CertificateOfResidence) throws(PDFError) -> PDFDocument {
        try CertificateOfResidenceLayout(certificate).document
    }

    public init(_ certificate: CertificateOfResidence) throws(PDFError) {
        let resident = certificate.resident
        let left = Self.margin
        let right = Self.pageSize.width - Self.margin
        let contentWidth = right - left
        var page = PDFPage(size: Self.pageSize)
        TamperEvidentBackground.draw(on: &page)

        // Issue number, top right, and the title.
        try page.drawText(
            "発行番号　\(certificate.issueNumber)", at: PDFPoint(x: right, y: 800), font: .gothic,
            size: 9, alignment: .right)
        try page.drawText(
            Self.title, at: PDFPoint(x: Self.pageSize.width / 2, y: 752), font: .mincho, size: 24,
            alignment: .center)

        // The register entries.
        typealias Cell = PDFTable.Cell
        func label(_ text: String) -> Cell { Cell(text, alignment: .center, fontSize: Self.labelSize) }
        let labelWidth = 100.0
        let secondLabelWidth = 60.0
        let valueWidth = (contentWidth - labelWidth - secondLabelWidth) / 2
        var rows: [[Cell]] = [
            // Names in Mincho, as registers print them.
            [label("氏名"), Cell(resident.name, columnSpan: 3, font: .mincho, fontSize: 15)],
            [label("フリガナ"), Cell(resident.furigana, columnSpan: 3)],
            [
                label("生年月日"), Cell(JapaneseDate.format(resident.birthDate) + "生"),
                label("性別"), Cell(resident.sex.label, alignment: .center),
            ],
            [label("住所"), Cell(resident.address, columnSpan: 3)],
            [label("住民となった年月日"), Cell(JapaneseDate.format(resident.becameResidentOn), columnSpan: 3)],
        ]
        // 世帯主・続柄 are printed only when asked for (住民基本台帳法 第12条第5項 lets them
        // be left out); the row says so rather than disappearing, so nothing can be added.
        if let head = resident.headOfHousehold, let relationship = resident.relationshipToHead {
            rows.append([label("世帯主"), Cell(head, font: .mincho), label("続柄"), Cell(relationship, alignment: .center)])
        } else {
            rows.append([label("世帯主・続柄"), Cell(Self.omitted, columnSpan: 3)])
        }
        if let remarks = certificate.remarks {
            rows.append([label("備考"), Cell(remarks, columnSpan: 3)])
        }
        var register = PDFTable(
            columnWidths: [labelWidth, valueWidth, secondLabelWidth, valueWidth], rows: rows)
        register.fontSize = Self.valueSize
        register.minimumRowHeight = 30
        register.padding = 6
        register.borderWidth = 0.8
        var y = 722.0
        y -= try page.drawTable(register, topLeft: PDFPoint(x: left, y: y))
        try page.drawText("以下余白", at: PDFPoint(x: right, y: y - 14), size: 9, alignment: .right)

        // Certification, date, mayor and seal.
        y -= 52
        try page.drawText(Self.certificationText, at: PDFPoint(x: left + 22, y: y), font: .mincho, size: 12.5)
        y -= 32
        try page.drawText(
            "交付年月日　" + JapaneseDate.format(certificate.issuedAt.date), at: PDFPoint(x: left + 22, y: y),
            font: .mincho, size: 12)
        y -= 40
        let mayorRight = right - 50
        try page.drawText(
            "\(certificate.issuer.mayorTitle)　\(certificate.issuer.mayorName)",
            at: PDFPoint(x: mayorRight, y: y), font: .mincho, size: 15, alignment: .right)
        let sealSize = 58.0
        // The seal is pressed over the end of the mayor's name, as 職印 are.
        let sealCenter = PDFPoint(x: mayorRight + 20, y: y + 15 * 0.38)
        let seal = PDFSeal(text: certificate.issuer.sealText, shape: .square, size: sealSize)
        try page.drawSeal(seal, center: sealCenter)
        sealFrame = PDFRect(
            x: sealCenter.x - sealSize / 2, y: sealCenter.y - sealSize / 2, width: sealSize, height: sealSize)

        // Verification: issue channel, code and where to check it, at the foot of the page.
        var verification = PDFTable(
            columnWidths: [labelWidth, contentWidth - labelWidth],
            rows: [
                [label("交付方法"), Cell(certificate.channel.label)],
                [label("検証コード"), Cell(certificate.verificationCode.description, fontSize: 12)],
                [label("検証"), Cell("\(Self.verificationNotice)\n\(certificate.verificationURL)", fontSize: 9.5)],
            ])
        verification.fontSize = 10
        verification.padding = 5
        verification.minimumRowHeight = 24
        verification.borderWidth = 0.5
        let verificationTop = Self.margin + (try verification.height())
        guard verificationTop <= sealFrame.minY - 24 else {
            throw .invalidArgument("the certificate does not fit on one page")
        }
        try page.drawTable(verification, topLeft: PDFPoint(x: left, y: verificationTop))

        document = PDFDocument(
            info: PDFDocument.Info(title: Self.title, subject: "Certificate of residence", creationDate: certificate.issuedAt),
            pages: [page])
    }
}
