import Foundation
import MynaCore
import Testing

@Suite("RFC 3339 date-time")
struct RFC3339Tests {
    @Test("every form §5.6 allows is read, with its fraction and offset", arguments: [
        ("2026-04-01T09:00:00Z", 1_775_034_000.0),
        ("2026-04-01T18:00:00+09:00", 1_775_034_000.0),
        ("2026-04-01t09:00:00z", 1_775_034_000.0),  // §5.6 NOTE: either case
        ("2026-04-01T09:00:00.5Z", 1_775_034_000.5),
        ("2026-04-01T08:30:00.25-00:30", 1_775_034_000.25),
        ("1970-01-01T00:00:00Z", 0),
        ("0676-12-02T02:40:19.56144Z", -40_805_673_580.43856),  // what the contract check sent
        ("2016-12-31T23:59:60Z", 1_483_228_800),  // a leap second, at 23:59 UTC
    ])
    func reads(text: String, seconds: Double) throws {
        let date = try #require(RFC3339.date(text))
        #expect(abs(date.timeIntervalSince1970 - seconds) < 0.000_5)
    }

    @Test("anything else is refused", arguments: [
        "", "2026-04-01", "2026-04-01T09:00:00", "2026-04-01 09:00:00Z", "2026-04-01T09:00Z", "2026-04-01T09:00:00.Z",
        "2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-04-01T24:00:00Z", "2026-04-01T09:60:00Z", "2026-04-01T09:00:00+24:00",
        "2026-04-01T09:00:00+0900", "2026-04-01T09:00:60Z", "2026-04-01T09:00:00Z ", "２０２６-04-01T09:00:00Z",
    ])
    func refuses(text: String) {
        #expect(RFC3339.date(text) == nil)
    }
}
