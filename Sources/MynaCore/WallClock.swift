public import Foundation

/// The source of "now". Services take one instead of calling `Date()` so that tests can
/// move time (TOTP steps, session and procedure time-outs) without sleeping.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    public init(_ read: @escaping @Sendable () -> Date) { self.read = read }

    public static let system = WallClock { Date() }

    public var now: Date { read() }
    public var milliseconds: Int64 { now.milliseconds }
    public var today: CalendarDate { CalendarDate(inJapanAt: now) }
}

extension Date {
    /// A time stored as milliseconds since 1970, as every timestamp in Myna's database is.
    public init(milliseconds: some BinaryInteger) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// The time as stored: milliseconds since 1970, rounded down.
    public var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }
}
