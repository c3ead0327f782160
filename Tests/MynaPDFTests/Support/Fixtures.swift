import MynaPDF
import MynaCore

/// A certificate with every kind of text the tests look for: kanji, hiragana, katakana,
/// half-width katakana (the フリガナ), full-width digits (dates, 番地), ASCII (the code and URL)
/// and a kanji outside the BMP (𠮷, U+20BB7) in the name.
enum Fixtures {
    static let name = "𠮷田　太郎"
    static let furigana = "ﾖｼﾀﾞ ﾀﾛｳ"
    static let address = "東京都千代田区千代田１番１号　マイナンバー荘１０１号室"
    static let verificationCode = "MYNA-7K3P-Q9X2-M4TD"
    static let verificationURL = "https://verify.myna.example/r/MYNA-7K3P-Q9X2-M4TD"
    static let storeCode = "012345"

    static func certificate(name: String = name, remarks: String? = nil) throws -> CertificateOfResidence {
        CertificateOfResidence(
            resident: .init(
                name: name, furigana: furigana,
                birthDate: try CalendarDate(year: 1985, month: 4, day: 1), sex: .male,
                address: address,
                becameResidentOn: try CalendarDate(year: 2019, month: 5, day: 1),
                headOfHousehold: name, relationshipToHead: "本人"),
            issuer: .init(mayorTitle: "東京都千代田区長", mayorName: "千代田　花子", sealText: "千代田区長之印"),
            issuedAt: try PDFDate(
                date: CalendarDate(year: 2025, month: 1, day: 5), hour: 9, minute: 30, second: 0),
            issueNumber: "2025-000123",
            verificationCode: try VerificationCode(verificationCode),
            verificationURL: verificationURL,
            channel: .convenienceStore(storeCode: storeCode),
            remarks: remarks)
    }

    static func certificatePDF() throws -> [UInt8] {
        try CertificateOfResidenceLayout.render(certificate()).serialized()
    }
}
