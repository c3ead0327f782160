public import Foundation

/// RFC 3339 §5.6 `date-time`, the format openapi.json names for every time a client sends:
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of any length, and `Z` or an offset
/// (`±HH:MM`); `T` and `Z` in either case (§5.6 NOTE). `ISO8601DateFormatter` without
/// options refuses the fraction, which the format allows.
public enum RFC3339 {
    /// The instant `text` names, or `nil` when it is not a `date-time` of RFC 3339 §5.6
    /// (a second of 60 is taken only as a leap second at 23:59 UTC, §5.7).
    public static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        func byte(_ index: Int, is expected: String) -> Bool { index < bytes.count && expected.utf8.contains(bytes[index]) }
        guard let year = number(0..<4), byte(4, is: "-"), let month = number(5..<7), byte(7, is: "-"), let day = number(8..<10),
            byte(10, is: "Tt"), let hour = number(11..<13), byte(13, is: ":"), let minute = number(14..<16), byte(16, is: ":"),
            let second = number(17..<19)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if byte(index, is: ".") {
            index += 1
            let start = index
            var scale = 0.1
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) {
                fraction += Double(bytes[index] - UInt8(ascii: "0")) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        let offsetMinutes: Int
        if byte(index, is: "Zz"), index + 1 == bytes.count {
            offsetMinutes = 0
        } else if byte(index, is: "+-"), index + 6 == bytes.count, let offsetHour = number(index + 1..<index + 3), byte(index + 3, is: ":"),
            let offsetMinute = number(index + 4..<index + 6), offsetHour <= 23, offsetMinute <= 59
        {
            offsetMinutes = (bytes[index] == UInt8(ascii: "-") ? -1 : 1) * (offsetHour * 60 + offsetMinute)
        } else {
            return nil
        }
        guard (1...12).contains(month), (1...CalendarDate.daysIn(month: month, year: year)).contains(day), hour <= 23, minute <= 59, second <= 60 else { return nil }
        // Days from 1970-01-01 on the proleptic Gregorian calendar (Howard Hinnant's
        // days_from_civil), so no Calendar is needed for years before 1582 or after 9999.
        let shifted = month <= 2 ? year - 1 : year
        let era = (shifted >= 0 ? shifted : shifted - 399) / 400
        let yearOfEra = shifted - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let utcMinutes = days * 1440 + hour * 60 + minute - offsetMinutes
        // A leap second exists only as the last second of a UTC day.
        if second == 60, (utcMinutes % 1440 + 1440) % 1440 != 1439 { return nil }
        return Date(timeIntervalSince1970: Double(utcMinutes * 60 + second) + fraction)
    }
}
