public import Foundation
public import MynaCore

/// When a card certificate expires (domain.md §2, Validity): on the holder's 5th
/// birthday after issue, capped at the card's expiry; a renewal within the window of 3
/// months before expiry runs to the 6th birthday. A certificate expires at the end of
/// that day in Japan (23:59:59 JST).
public enum CertificateValidity {
    /// The `n`-th birthday strictly after `issued`. A 29 February birthday falls on
    /// 28 February in common years (UNCONFIRMED: our choice, as 民法 counts age at the
    /// end of the day before the birthday, the 28th).
    public static func birthday(_ n: Int, after issued: CalendarDate, bornOn birth: CalendarDate) -> CalendarDate {
        var year = issued.year
        // Birthdays in `issued.year` that fall on or before the issue day do not count.
        let thisYear = birthdayIn(year: year, bornOn: birth)
        if thisYear <= issued { year += 1 }
        return birthdayIn(year: year + n - 1, bornOn: birth)
    }

    static func birthdayIn(year: Int, bornOn birth: CalendarDate) -> CalendarDate {
        let day = min(birth.day, CalendarDate.daysIn(month: birth.month, year: year))
        return try! CalendarDate(year: year, month: birth.month, day: day)  // day clamped into the month
    }

    /// The last instant of `date` in Japan: 23:59:59 JST, which is 14:59:59 UTC.
    public static func endOfDayInJapan(_ date: CalendarDate) -> Date {
        Date(timeIntervalSince1970: Double(date.daysSinceEpoch * 86_400 + 14 * 3600 + 59 * 60 + 59))
    }

    /// notAfter for a certificate issued on `issued` (a renewal runs to the 6th birthday).
    public static func notAfter(issued: CalendarDate, bornOn birth: CalendarDate, cardExpiry: CalendarDate, renewal: Bool = false) -> Date {
        endOfDayInJapan(min(birthday(renewal ? 6 : 5, after: issued, bornOn: birth), cardExpiry))
    }
}
