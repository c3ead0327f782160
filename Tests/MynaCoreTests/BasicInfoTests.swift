import Foundation
import MynaCore
import Synchronization
import Testing

// Tests for the 基本4情報 (name, address, date of birth, sex), the calendar date they use
// and the clock that says what "today" is in Japan.

// MARK: - Helpers

private func date(_ iso: String) throws -> CalendarDate { try CalendarDate(iso: iso) }

private func isLeapYear(_ year: Int) -> Bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

private func daysInMonth(_ month: Int, _ year: Int) -> Int {
    [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
}

private let chiyoda = try! MunicipalityCode("131016")
private let sapporo = try! MunicipalityCode("011002")

private func sampleAddress(_ text: String = "東京都千代田区千代田1-1", in municipality: MunicipalityCode = chiyoda)
    throws -> Address
{
    try Address(municipality: municipality, text: text)
}

private func sampleInfo(
    name: String = "山田 太郎", nameKana: String = "ヤマダ タロウ", address: Address? = nil,
    birthDate: String = "1990-06-15", sex: Sex = .male
) throws -> BasicInfo {
    try BasicInfo(
        name: name, nameKana: nameKana, address: address ?? sampleAddress(), birthDate: date(birthDate), sex: sex)
}

/// A clock whose time the test sets.
private final class ManualTime: Sendable {
    private let current: Mutex<Date>
    init(_ start: Date) { current = Mutex(start) }
    func set(_ date: Date) { current.withLock { $0 = date } }
    var now: Date { current.withLock { $0 } }
}

// MARK: - CalendarDate

@Suite("CalendarDate")
struct CalendarDateTests {
    @Test("parses ISO dates, including 29 February in a leap year")
    func parsesValidDates() throws {
        let leapDay = try CalendarDate(iso: "2024-02-29")
        #expect((leapDay.year, leapDay.month, leapDay.day) == (2024, 2, 29))
        #expect(try CalendarDate(iso: "2000-02-29").day == 29)  // divisible by 400: leap
        #expect(try CalendarDate(iso: "0001-01-01").year == 1)
        #expect(try CalendarDate(iso: "9999-12-31").year == 9999)
    }

    @Test("rejects dates that do not exist", arguments: [
        "2023-02-29",  // not a leap year
        "1900-02-29",  // divisible by 100 but not 400: not a leap year
        "2024-13-01",  // month 13
        "2024-00-10",
        "2024-04-31",
        "2024-01-00",
        "2024-01-32",
        "0000-01-01",  // year 0 is outside 1…9999
    ])
    func impossibleDates(text: String) {
        #expect(throws: FactError(.impossibleDate)) { try CalendarDate(iso: text) }
    }

    @Test("rejects text that is not YYYY-MM-DD", arguments: [
        "2024-1-01", "2024-01-1", "24-01-01", "20240101", "2024/01/01", "abcd-ef-gh", "",
        "2024-01-01T00:00", " 2024-01-01", "2024-01-01 ", "+024-01-01", "2024--1-01", "2024-01-01-",
        "２０２４-０１-０１",  // full-width digits
        "٢٠٢٤-٠١-٠١",  // Arabic-Indic digits
    ])
    func malformedDates(text: String) {
        #expect(throws: FactError(.malformedDate)) { try CalendarDate(iso: text) }
    }

    @Test("init(year:month:day:) checks the calendar")
    func memberwiseValidation() throws {
        #expect(try CalendarDate(year: 2024, month: 2, day: 29).description == "2024-02-29")
        #expect(throws: FactError(.impossibleDate)) { try CalendarDate(year: 2023, month: 2, day: 29) }
        #expect(throws: FactError(.impossibleDate)) { try CalendarDate(year: 10_000, month: 1, day: 1) }
        #expect(throws: FactError(.impossibleDate)) { try CalendarDate(year: -1, month: 1, day: 1) }
    }

    @Test("days since 1970-01-01 for known dates", arguments: [
        ("1970-01-01", 0), ("1969-12-31", -1), ("1970-01-02", 1),
        ("1900-03-01", -25_508), ("2000-02-29", 11_016), ("2100-03-01", 47_541),
        ("0001-01-01", -719_162), ("9999-12-31", 2_932_896), ("2024-02-29", 19_782),
    ])
    func knownDayNumbers(iso: String, days: Int) throws {
        let parsed = try CalendarDate(iso: iso)
        #expect(parsed.daysSinceEpoch == days)
        #expect(CalendarDate(daysSinceEpoch: days) == parsed)
    }

    @Test("every day from 0001-01-01 to 9999-12-31 round-trips and follows the previous one")
    func everyDayRoundTrips() throws {
        // Walk the calendar with a counter written here, independent of the library.
        var (year, month, day) = (1, 1, 1)
        var failures: [String] = []
        for days in -719_162...2_932_896 {
            let converted = CalendarDate(daysSinceEpoch: days)
            if (converted.year, converted.month, converted.day) != (year, month, day)
                || converted.daysSinceEpoch != days
            {
                failures.append("\(days): \(converted)")
                if failures.count > 10 { break }
            }
            day += 1
            if day > daysInMonth(month, year) {
                (day, month) = (1, month + 1)
                if month > 12 { (month, year) = (1, year + 1) }
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        #expect((year, month, day) == (10_000, 1, 1))
    }

    @Test("the date in Japan is UTC + 9 hours", arguments: [
        (1_795_359_599.0, "2026-11-22"),  // 2026-11-22T14:59:59Z = 23:59:59 JST
        (1_795_359_599.999, "2026-11-22"),
        (1_795_359_600.0, "2026-11-23"),  // 2026-11-22T15:00:00Z = 00:00:00 JST on the 23rd
        (0.0, "1970-01-01"),
        (-0.5, "1970-01-01"),  // 08:59:59.5 JST
        (-32_400.0, "1970-01-01"),  // 1969-12-31T15:00:00Z = midnight JST
        (-32_400.5, "1969-12-31"),  // half a second before midnight JST
        (-32_401.0, "1969-12-31"),
        (1_709_164_800.0, "2024-02-29"),  // 2024-02-29T00:00:00Z = 09:00 JST
    ])
    func dateInJapan(secondsSince1970: Double, expected: String) throws {
        let instant = Date(timeIntervalSince1970: secondsSince1970)
        #expect(CalendarDate(inJapanAt: instant) == (try CalendarDate(iso: expected)))
    }

    @Test("age goes up on the birthday, not the day before")
    func ageAroundBirthday() throws {
        let born = try date("1990-06-15")
        #expect(born.age(on: born) == 0)
        #expect(born.age(on: try date("1991-06-14")) == 0)
        #expect(born.age(on: try date("1991-06-15")) == 1)
        #expect(born.age(on: try date("2024-06-14")) == 33)
        #expect(born.age(on: try date("2024-06-15")) == 34)
        #expect(born.age(on: try date("2024-06-16")) == 34)
        #expect(born.age(on: try date("2024-12-31")) == 34)
        #expect(born.age(on: try date("2025-01-01")) == 34)
    }

    @Test("someone born on 29 February ages on 1 March in common years")
    func ageForLeapDayBirth() throws {
        let born = try date("2004-02-29")
        #expect(born.age(on: try date("2025-02-28")) == 20)
        #expect(born.age(on: try date("2025-03-01")) == 21)
        #expect(born.age(on: try date("2028-02-28")) == 23)
        #expect(born.age(on: try date("2028-02-29")) == 24)
    }

    @Test("dates order by year, then month, then day")
    func comparable() throws {
        let texts = ["2024-01-31", "2023-12-31", "2024-02-01", "1999-12-31", "2024-01-01", "2024-10-01"]
        let sorted = try texts.map(date).sorted()
        #expect(sorted.map(\.description) == texts.sorted())  // ISO text sorts like dates
        #expect(try date("2024-01-31") < (try date("2024-02-01")))
        #expect(try date("2023-12-31") < (try date("2024-01-01")))
        #expect(!(try date("2024-01-01") < (try date("2024-01-01"))))
        #expect(try date("2024-01-01") == (try CalendarDate(year: 2024, month: 1, day: 1)))
    }

    @Test("the description is zero-padded ISO 8601")
    func description() throws {
        #expect(try CalendarDate(year: 5, month: 1, day: 2).description == "0005-01-02")
        #expect(try CalendarDate(year: 2024, month: 2, day: 9).description == "2024-02-09")
        #expect(try CalendarDate(year: 999, month: 12, day: 31).description == "0999-12-31")
        #expect("\(try date("1990-06-15"))" == "1990-06-15")
    }

    @Test("Codable uses the ISO text and validates on decoding")
    func codable() throws {
        let value = try date("2024-02-29")
        let data = try JSONEncoder().encode([value])
        #expect(String(decoding: data, as: UTF8.self) == #"["2024-02-29"]"#)
        #expect(try JSONDecoder().decode([CalendarDate].self, from: data) == [value])
        for bad in [#"["2023-02-29"]"#, #"["2024-2-29"]"#, #"[20240229]"#] {
            #expect(throws: DecodingError.self, "\(bad)") {
                try JSONDecoder().decode([CalendarDate].self, from: Data(bad.utf8))
            }
        }
    }
}

// MARK: - Sex

@Suite("Sex")
struct SexTests {
    @Test("raw values are the ISO/IEC 5218 codes", arguments: [
        (Sex.notKnown, 0), (.male, 1), (.female, 2), (.notApplicable, 9),
    ])
    func rawValues(sex: Sex, code: Int) {
        #expect(sex.rawValue == code)
        #expect(Sex(rawValue: code) == sex)
    }

    @Test("no other codes exist")
    func otherCodes() {
        #expect(Sex.allCases.count == 4)
        for code in [-1, 3, 4, 5, 8, 10] { #expect(Sex(rawValue: code) == nil) }
    }

    @Test("Japanese labels as printed on the resident record")
    func japanese() {
        #expect(Sex.male.japanese == "男")
        #expect(Sex.female.japanese == "女")
        #expect(Sex.notKnown.japanese == "-")
        #expect(Sex.notApplicable.japanese == "-")
    }

    @Test("encodes as the numeric code")
    func codable() throws {
        let data = try JSONEncoder().encode(Sex.allCases)
        #expect(String(decoding: data, as: UTF8.self) == "[0,1,2,9]")
        #expect(try JSONDecoder().decode([Sex].self, from: data) == Sex.allCases)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Sex].self, from: Data("[3]".utf8)) }
    }
}

// MARK: - BasicInfo

@Suite("BasicInfo")
struct BasicInfoTests {
    @Test("valid facts are kept as given")
    func validConstruction() throws {
        let address = try sampleAddress()
        let info = try BasicInfo(
            name: "山田 太郎", nameKana: "やまだ たろう", address: address, birthDate: date("1990-06-15"), sex: .male)
        #expect(info.name == "山田 太郎")
        #expect(info.nameKana == "やまだ たろう")
        #expect(info.address == address)
        #expect(info.birthDate == (try date("1990-06-15")))
        #expect(info.sex == .male)
    }

    @Test("bad names are rejected with the reason and the name field", arguments: [
        ("", FactError.Reason.empty),
        ("   ", .empty),
        ("\u{3000}\t\n", .empty),  // ideographic space, tab, newline
        (String(repeating: "山", count: 101), .tooLong),
        ("山田\n太郎", .controlCharacters),
        ("山田\u{0000}太郎", .controlCharacters),
        ("山田\u{1B}[31m太郎", .controlCharacters),  // an ANSI escape sequence
        ("山田\u{7F}", .controlCharacters),
    ])
    func badNames(name: String, reason: FactError.Reason) {
        let error = #expect(throws: FactError.self) { try sampleInfo(name: name) }
        #expect(error?.reason == reason)
        #expect(error?.field == .name)
    }

    @Test("names up to 100 code points are accepted, counted as JSON Schema's maxLength counts")
    func nameLengthLimit() throws {
        #expect(BasicInfo.maximumNameLength == 100)
        #expect(try sampleInfo(name: String(repeating: "山", count: 100)).name.count == 100)
        // 50 characters of か + combining voiced mark: 100 code points, 300 UTF-8 bytes.
        let decomposed = String(repeating: "か\u{3099}", count: 50)
        #expect(try sampleInfo(name: decomposed).name == decomposed)
        // 51 of them are 102 code points, though only 51 characters: the document's limit.
        #expect(throws: FactError(.tooLong, field: .name)) { try sampleInfo(name: decomposed + "か\u{3099}") }
    }

    @Test("the kana reading must be kana")
    func kanaReadingInKanji() {
        #expect(throws: FactError(.notKana, field: .nameKana)) { try sampleInfo(nameKana: "山田 太郎") }
        #expect(throws: FactError(.notKana, field: .nameKana)) { try sampleInfo(nameKana: "Yamada Taro") }
        #expect(throws: FactError(.notKana, field: .nameKana)) { try sampleInfo(nameKana: "ー") }
    }

    @Test("the kana reading gets the same checks as the name, reported on its own field")
    func kanaReadingChecks() {
        #expect(throws: FactError(.empty, field: .nameKana)) { try sampleInfo(nameKana: " ") }
        #expect(throws: FactError(.tooLong, field: .nameKana)) {
            try sampleInfo(nameKana: String(repeating: "ア", count: 101))
        }
        #expect(throws: FactError(.controlCharacters, field: .nameKana)) { try sampleInfo(nameKana: "ヤマダ\rタロウ") }
    }

    @Test("kana readings in hiragana, katakana and half-width katakana are accepted")
    func kanaForms() throws {
        for reading in ["ヤマダ タロウ", "やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ", "スミス・ジョン"] {
            #expect(try sampleInfo(nameKana: reading).nameKana == reading)
        }
    }

    @Test("FactError descriptions name the field and never the input")
    func errorDescriptions() {
        let error = #expect(throws: FactError.self) { try sampleInfo(name: "山田\n太郎") }
        #expect(error?.description == "name contains control characters")
        #expect(error?.description.contains("山田") == false)
    }

    @Test("identical facts match on all four")
    func identicalMatchAll() throws {
        let info = try sampleInfo()
        #expect(info.matchingFacts(with: info) == Set(BasicInfo.Fact.allCases))
        #expect(info.matchingFacts(with: try sampleInfo()) == Set(BasicInfo.Fact.allCases))
    }

    @Test("variant kanji and spacing do not make names differ")
    func normalisedNamesMatch() throws {
        let a = try sampleInfo(name: "髙橋　一郎", nameKana: "タカハシ イチロウ")
        let b = try sampleInfo(name: "高橋 一郎", nameKana: "タカハシ イチロウ")
        #expect(a.matchingFacts(with: b) == Set(BasicInfo.Fact.allCases))
        #expect(b.matchingFacts(with: a) == Set(BasicInfo.Fact.allCases))
    }

    @Test("a different fact is left out of the match")
    func differencesAreReported() throws {
        let base = try sampleInfo()
        #expect(base.matchingFacts(with: try sampleInfo(birthDate: "1990-06-16")) == [.name, .address, .sex])
        #expect(base.matchingFacts(with: try sampleInfo(sex: .female)) == [.name, .address, .birthDate])
        #expect(base.matchingFacts(with: try sampleInfo(name: "山田 次郎")) == [.address, .birthDate, .sex])
        #expect(
            base.matchingFacts(with: try sampleInfo(address: sampleAddress("東京都千代田区千代田1-2")))
                == [.name, .birthDate, .sex])
        let stranger = try sampleInfo(
            name: "佐藤 花子", nameKana: "サトウ ハナコ", address: sampleAddress("北海道札幌市中央区北1条西2丁目", in: sapporo),
            birthDate: "1985-01-01", sex: .female)
        #expect(base.matchingFacts(with: stranger).isEmpty)
    }

    @Test("facts are listed in the order name, address, birth date, sex")
    func factOrder() {
        #expect(BasicInfo.Fact.allCases == [.name, .address, .birthDate, .sex])
        #expect(Set(BasicInfo.Fact.allCases).sorted() == [.name, .address, .birthDate, .sex])
        #expect(BasicInfo.Fact.name < .sex)
    }

    @Test("Codable round trip")
    func codableRoundTrip() throws {
        let info = try sampleInfo(name: "髙橋　一郎", nameKana: "タカハシ イチロウ", sex: .notApplicable)
        let data = try JSONEncoder().encode(info)
        #expect(try JSONDecoder().decode(BasicInfo.self, from: data) == info)
    }

    @Test("decoding enforces the same rules as the initialisers")
    func decodingValidates() throws {
        let badAddress = #"{"municipality":"131016","text":""}"#
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(Address.self, from: Data(badAddress.utf8))
        }
        let badInfo = #"""
            {"name":"","nameKana":"山田","birthDate":"1990-06-15","sex":1,
             "address":{"municipality":"131016","text":"東京都千代田区千代田1-1"}}
            """#
        #expect(throws: (any Error).self) {
            try JSONDecoder().decode(BasicInfo.self, from: Data(badInfo.utf8))
        }
    }
}

// MARK: - Address

@Suite("Address")
struct AddressTests {
    @Test("a valid address keeps its municipality and text")
    func validConstruction() throws {
        let address = try sampleAddress()
        #expect(address.municipality == chiyoda)
        #expect(address.text == "東京都千代田区千代田1-1")
    }

    @Test("empty, too long or control-character text is rejected with the address field", arguments: [
        ("", FactError.Reason.empty),
        ("\u{3000}", .empty),
        (String(repeating: "町", count: 201), .tooLong),
        ("東京都千代田区\t千代田1-1", .controlCharacters),
    ])
    func badText(text: String, reason: FactError.Reason) {
        #expect(throws: FactError(reason, field: .address)) { try sampleAddress(text) }
    }

    @Test("200 characters is the limit")
    func lengthLimit() throws {
        #expect(BasicInfo.maximumAddressLength == 200)
        #expect(try sampleAddress(String(repeating: "町", count: 200)).text.count == 200)
    }

    @Test("the normalised form starts with the municipality code")
    func normalizedIncludesMunicipality() throws {
        let address = try sampleAddress("東京都千代田区千代田１－１")
        #expect(address.normalized.hasPrefix("131016:"))
        #expect(address.normalized == (try sampleAddress("東京都千代田区千代田1-1")).normalized)
    }

    @Test("the same text in two municipalities is two addresses")
    func sameTextDifferentMunicipality() throws {
        let here = try sampleAddress("中央1-1", in: chiyoda)
        let there = try sampleAddress("中央1-1", in: sapporo)
        #expect(here.normalized != there.normalized)
        let a = try sampleInfo(address: here)
        let b = try sampleInfo(address: there)
        #expect(a.matchingFacts(with: b) == [.name, .birthDate, .sex])
    }
}

// MARK: - WallClock

@Suite("WallClock")
struct WallClockTests {
    @Test("a clock built from a fixed date returns it")
    func fixedClock() {
        let fixed = Date(timeIntervalSince1970: 1_795_359_600.25)
        let clock = WallClock { fixed }
        #expect(clock.now == fixed)
        #expect(clock.now == clock.now)
    }

    @Test("milliseconds since 1970, rounded down", arguments: [
        (1_795_359_600.25, Int64(1_795_359_600_250)),
        (0.0, 0),
        (0.0009, 0),
        (-0.5, -500),
        (-0.0015, -2),
    ])
    func milliseconds(seconds: Double, expected: Int64) {
        let clock = WallClock { Date(timeIntervalSince1970: seconds) }
        #expect(clock.milliseconds == expected)
    }

    @Test("today is the date in Japan")
    func todayInJapan() throws {
        let time = ManualTime(Date(timeIntervalSince1970: 1_795_359_599))  // 2026-11-22T14:59:59Z
        let clock = WallClock { time.now }
        #expect(clock.today == (try date("2026-11-22")))
        time.set(Date(timeIntervalSince1970: 1_795_359_600))  // 15:00:00Z, midnight in Tokyo
        #expect(clock.today == (try date("2026-11-23")))
        #expect(clock.milliseconds == 1_795_359_600_000)
    }

    @Test("the system clock reads the current time")
    func systemClock() {
        let before = Date()
        let now = WallClock.system.now
        let after = Date()
        #expect(before <= now && now <= after)
        // Read today between two readings of Date(), in case midnight in Tokyo falls between them.
        let start = CalendarDate(inJapanAt: Date())
        let today = WallClock.system.today
        let end = CalendarDate(inJapanAt: Date())
        #expect(today == start || today == end)
    }
}
