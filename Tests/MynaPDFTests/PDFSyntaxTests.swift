import Testing

@testable import MynaPDF
import MynaCore

@Suite struct PDFSyntaxTests {
    @Test(arguments: [
        (0.0, "0"), (1, "1"), (-1, "-1"), (0.5, "0.5"), (-0.5, "-0.5"), (595.276, "595.276"),
        (841.89, "841.89"), (0.0004, "0"), (-0.0004, "0"), (12.3456, "12.346"), (0.05, "0.05"),
        (1_000_000.25, "1000000.25"), (10.5, "10.5"), (0.001, "0.001"),
    ])
    func numbersHaveAtMostThreeDecimalsAndNoExponent(value: Double, expected: String) {
        #expect(PDFSyntax.number(value) == expected)
    }

    @Test func asciiTextStringsAreLiteralWithEscapes() {
        #expect(PDFSyntax.textString("Myna") == "(Myna)")
        #expect(PDFSyntax.textString(#"a(b)c\d"#) == #"(a\(b\)c\\d)"#)
    }

    @Test func otherTextStringsAreUTF16WithByteOrderMark() {
        #expect(PDFSyntax.textString("住民票") == "<FEFF4F4F6C117968>")
        #expect(PDFSyntax.textString("𠮷") == "<FEFFD842DFB7>")
        #expect(PDFSyntax.textString("a\n") == "<FEFF0061000A>")
    }

    @Test func pdfDateCarriesTheOffset() throws {
        let date = try CalendarDate(year: 2025, month: 1, day: 5)
        #expect(try PDFDate(date: date, hour: 9, minute: 30, second: 0).pdfString == "D:20250105093000+09'00'")
        #expect(
            try PDFDate(date: date, hour: 23, minute: 5, second: 7, utcOffsetMinutes: -330).pdfString
                == "D:20250105230507-05'30'")
        #expect(try PDFDate(date: date, hour: 0, minute: 0, second: 0, utcOffsetMinutes: 0).pdfString == "D:20250105000000+00'00'")
    }

    @Test func impossibleTimesAreRefused() throws {
        let date = try CalendarDate(year: 2025, month: 1, day: 5)
        #expect(throws: PDFError.self) { try PDFDate(date: date, hour: 24, minute: 0, second: 0) }
        #expect(throws: PDFError.self) { try PDFDate(date: date, hour: 0, minute: 60, second: 0) }
        #expect(throws: PDFError.self) { try PDFDate(date: date, hour: 0, minute: 0, second: 0, utcOffsetMinutes: 15 * 60) }
    }

    @Test func calendarDatesOrderAndPrintAsISO8601() throws {
        let earlier = try CalendarDate(year: 1985, month: 4, day: 1)
        let later = try CalendarDate(year: 1985, month: 12, day: 1)
        #expect(earlier < later)
        #expect(earlier.description == "1985-04-01")
    }

    @Test func rotationsByRightAnglesAreExact() {
        let quarter = PDFAffineTransform.rotation(degrees: 90)
        #expect(quarter.apply(PDFPoint(x: 1, y: 0)) == PDFPoint(x: 0, y: 1))
        let moved = PDFAffineTransform.rotation(degrees: 180).concatenating(.translation(x: 10, y: 20))
        #expect(moved.apply(PDFPoint(x: 1, y: 2)) == PDFPoint(x: 9, y: 18))
    }

    @Test func circlePathStaysOnTheCircle() {
        var path = PDFPath()
        path.addCircle(center: PDFPoint(x: 100, y: 100), radius: 50)
        // Four 90° Béziers: move, four curves, close.
        #expect(path.operations.count == 6)
        #expect(path.operations.first == "150 100 m")
        #expect(path.operations[1].hasSuffix(" 100 150 c"))
        #expect(path.operations.last == "h")
    }
}
