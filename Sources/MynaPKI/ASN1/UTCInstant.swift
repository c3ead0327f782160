import Foundation
import MynaCore

/// A moment in UTC to the whole second, as DER's UTCTime and GeneralizedTime carry it
/// (RFC 5280 §4.1.2.5: Zulu, no fractions). The calendar arithmetic is MynaCore's
/// `CalendarDate` (days-from-civil): no `Calendar`, no time zone. Shared by the CRL and
/// OCSP encoders.
struct UTCInstant {
    let day: CalendarDate
    let hours: Int
    let minutes: Int
    let seconds: Int

    var year: Int { day.year }
    var month: Int { day.month }
    var dayOfMonth: Int { day.day }

    /// `date` rounded down to the second.
    init(_ date: Date) {
        let total = Int(date.timeIntervalSince1970.rounded(.down))
        let secondOfDay = ((total % 86_400) + 86_400) % 86_400
        day = CalendarDate(daysSinceEpoch: (total - secondOfDay) / 86_400)
        hours = secondOfDay / 3600
        minutes = secondOfDay / 60 % 60
        seconds = secondOfDay % 60
    }

    init(year: Int, month: Int, day: Int, hours: Int, minutes: Int, seconds: Int) throws {
        self.day = try CalendarDate(year: year, month: month, day: day)
        self.hours = hours
        self.minutes = minutes
        self.seconds = seconds
    }

    var instant: Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + hours * 3600 + minutes * 60 + seconds))
    }
}

extension Date {
    /// The date to the whole second, earlier never later: DER times carry no fractions.
    var truncatedToSecond: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
