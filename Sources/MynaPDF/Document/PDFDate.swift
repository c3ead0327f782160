public import MynaCore

/// A moment as PDF writes dates (ISO 32000-1 §7.9.4): local date and time plus the offset
/// from UT. The caller supplies it so that rendering never reads the clock and stays
/// deterministic.
public struct PDFDate: Sendable, Hashable {
    public let date: CalendarDate
    public let hour: Int
    public let minute: Int
    public let second: Int
    /// Minutes east of UT: +540 for Japan Standard Time.
    public let utcOffsetMinutes: Int

    public init(
        date: CalendarDate, hour: Int, minute: Int, second: Int, utcOffsetMinutes: Int = 540
    ) throws(PDFError) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...59).contains(second),
            (-12 * 60...14 * 60).contains(utcOffsetMinutes)
        else { throw .invalidArgument("no such time of day or UT offset") }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = second
        self.utcOffsetMinutes = utcOffsetMinutes
    }

    /// `D:20250105093000+09'00'`.
    var pdfString: String {
        let offset = abs(utcOffsetMinutes)
        let sign = utcOffsetMinutes < 0 ? "-" : "+"
        return "D:" + PDFSyntax.zeroPadded(date.year, width: 4)
            + [date.month, date.day, hour, minute, second].map { PDFSyntax.zeroPadded($0, width: 2) }
            .joined()
            + "\(sign)\(PDFSyntax.zeroPadded(offset / 60, width: 2))'\(PDFSyntax.zeroPadded(offset % 60, width: 2))'"
    }
}
