import MynaCore

/// Dates as Japanese certificates print them: 和暦 (era name and year) with full-width
/// digits, e.g. 令和７年１月５日, and 元年 for an era's first year.
enum JapaneseDate {
    /// Era start dates (the first day of each era, Gregorian).
    private static let eras: [(name: String, start: (year: Int, month: Int, day: Int))] = [
        ("令和", (2019, 5, 1)),
        ("平成", (1989, 1, 8)),
        ("昭和", (1926, 12, 25)),
        ("大正", (1912, 7, 30)),
        // Meiji began in 1868, but Japan used the lunisolar calendar until 1872-12-02;
        // Gregorian dates are given Meiji years only from the switch (明治6年1月1日) on.
        // Earlier dates fall back to Western years — a design choice of ours.
        ("明治", (1868, 1, 25)),
    ]

    static func format(_ date: CalendarDate) -> String {
        let key = (date.year, date.month, date.day)
        if key >= (1873, 1, 1) {
            for era in eras where key >= (era.start.year, era.start.month, era.start.day) {
                let year = date.year - era.start.year + 1
                let yearText = year == 1 ? "元" : fullWidthDigits(year)
                return "\(era.name)\(yearText)年\(fullWidthDigits(date.month))月\(fullWidthDigits(date.day))日"
            }
        }
        return "\(fullWidthDigits(date.year))年\(fullWidthDigits(date.month))月\(fullWidthDigits(date.day))日"
    }

    /// ０–９ (U+FF10–U+FF19).
    static func fullWidthDigits(_ value: Int) -> String {
        String(String(value).unicodeScalars.map { scalar in
            Character(Unicode.Scalar(scalar.value - 0x30 + 0xFF10)!)
        })
    }
}
