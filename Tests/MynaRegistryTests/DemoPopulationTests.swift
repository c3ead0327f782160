@testable import MynaCore
import MynaRegistry
import Testing

@Suite struct DemoPopulationTests {
    /// 10,000 residents from one fixed seed, shared by the bulk checks below.
    static let sample: [DemoResident] = {
        var population = DemoPopulation(seed: 20_250_101)
        return (0..<10_000).map { _ in population.next() }
    }()

    /// The name keys' fast path (JapaneseText) agrees with the general path on the
    /// names an import meets.
    @Test func fastNameKeysAgreeOnDemoNames() {
        for resident in Self.sample {
            #expect(JapaneseText.normalizedName(resident.name) == JapaneseText.normalizedNameInGeneral(resident.name))
            #expect(JapaneseText.normalizedKana(resident.nameKana) == JapaneseText.normalizedKanaInGeneral(resident.nameKana))
            #expect(JapaneseText.isKana(resident.nameKana) == JapaneseText.isKanaInGeneral(resident.nameKana))
        }
    }

    @Test func sameSeedSamePeople() {
        var a = DemoPopulation(seed: 42), b = DemoPopulation(seed: 42), c = DemoPopulation(seed: 43)
        let first = (0..<500).map { _ in a.next() }
        #expect(first == (0..<500).map { _ in b.next() })
        #expect(first != (0..<500).map { _ in c.next() })
        // A copy continues the same stream from where it was taken.
        var copy = a
        #expect(a.next() == copy.next())
    }

    @Test func datesAreRealAndAgesSpanACentury() {
        for resident in Self.sample {
            #expect((1...12).contains(resident.birthMonth))
            #expect((1...Self.daysIn(resident.birthMonth, resident.birthYear)).contains(resident.birthDay),
                    "\(resident.birthDate)")
        }
        let years = Self.sample.map(\.birthYear)
        #expect(years.min()! >= 1924 && years.max()! <= 2024)
        #expect(years.min()! < 1935 && years.max()! > 2018)
        // Leap days occur, and only in leap years (checked above); 10,000 people make one likely.
        #expect(Self.sample.contains { $0.birthMonth == 2 && $0.birthDay == 29 })
    }

    @Test func namesAndReadingsAreWellFormed() {
        for resident in Self.sample {
            #expect(!resident.familyName.isEmpty && !resident.givenName.isEmpty)
            #expect(Self.isKatakana(resident.familyNameKana), "\(resident.familyNameKana)")
            #expect(Self.isKatakana(resident.givenNameKana), "\(resident.givenNameKana)")
            #expect(resident.sex == 1 || resident.sex == 2)
            #expect(resident.name == resident.familyName + "\u{3000}" + resident.givenName)
            #expect(resident.nameKana == resident.familyNameKana + "\u{3000}" + resident.givenNameKana)
        }
        #expect(Set(Self.sample.map(\.sex)) == [1, 2])
    }

    @Test func variety() {
        let surnames = Set(Self.sample.map(\.familyName))
        #expect(surnames.count >= 60)
        #expect(Set(Self.sample.filter { $0.sex == 1 }.map(\.givenName)).count >= 40)
        #expect(Set(Self.sample.filter { $0.sex == 2 }.map(\.givenName)).count >= 40)
        #expect(Set(Self.sample.map(\.municipality)).count == MunicipalityDirectory.all.count)
        // Variant kanji turn up, but rarely.
        let variants: Set = ["髙橋", "渡邊", "渡邉", "齋藤", "山﨑"]
        let withVariant = Self.sample.filter { variants.contains($0.familyName) }.count
        #expect(withVariant > 0 && withVariant < 200)
        // Frequency weighting: 佐藤 is commoner than a name far down the list.
        let count = { (name: String) in Self.sample.filter { $0.familyName == name }.count }
        #expect(count("佐藤") > count("菊地"))
    }

    @Test func addressesStartWithTheMunicipality() {
        for resident in Self.sample {
            let prefix = resident.municipality.prefecture + resident.municipality.name
            #expect(resident.address.hasPrefix(prefix), "\(resident.address)")
            #expect(resident.address.count > prefix.count + 3)
            #expect(resident.address.last!.isASCII && resident.address.last!.isNumber)
        }
    }

    @Test func nextInMunicipality() throws {
        let chiyoda = try #require(MunicipalityDirectory.named(try MunicipalityCode("131016")))
        var population = DemoPopulation(seed: 7)
        for _ in 0..<200 {
            let resident = population.next(in: chiyoda)
            #expect(resident.municipality == chiyoda)
            #expect(resident.address.hasPrefix("東京都千代田区"))
        }
        // A municipality outside the directory gets generic town names, still a full address.
        let elsewhere = Municipality(
            code: try MunicipalityCode(fiveDigits: "01101"), prefecture: "北海道", name: "札幌市中央区",
            nameKana: "サッポロシチュウオウク")
        #expect(population.next(in: elsewhere).address.hasPrefix("北海道札幌市中央区"))
    }

    @Test func csv() throws {
        #expect(DemoResident.csvHeader() == "name,name_kana,birth_date,sex,municipality_code,address")
        #expect(DemoPopulation.csvHeader() == DemoResident.csvHeader())
        for resident in Self.sample.prefix(1_000) {
            let fields = try #require(Self.parseCSV(resident.csvRow()))
            #expect(fields.count == 6)
            #expect(fields == [resident.name, resident.nameKana, resident.birthDate, String(resident.sex),
                               resident.municipality.code.digits, resident.address])
            #expect(fields[4].count == 6)
        }
        var resident = Self.sample[0]
        resident.birthYear = 1990; resident.birthMonth = 3; resident.birthDay = 7
        #expect(resident.birthDate == "1990-03-07")
        // Quoting: commas, quotes and line breaks survive a round trip.
        resident.address = "東京都千代田区丸の内1-1-1, \"メゾン\"\n101"
        let row = resident.csvRow()
        #expect(row.hasSuffix(",\"東京都千代田区丸の内1-1-1, \"\"メゾン\"\"\n101\""))
        #expect(Self.parseCSV(row)?.last == resident.address)
        #expect(Self.parseCSV(row)?.count == 6)
    }

    // MARK: helpers

    static func daysIn(_ month: Int, _ year: Int) -> Int {
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    }

    /// Full-width katakana (ァ…ヺ) and the long-vowel mark ー only.
    static func isKatakana(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { (0x30A1...0x30FA).contains($0.value) || $0 == "ー" }
    }

    /// A minimal RFC 4180 parser for one record; nil if quoting is malformed.
    static func parseCSV(_ line: String) -> [String]? {
        var fields: [String] = [], field = "", inQuotes = false, atFieldStart = true
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { chars.removeFirst(); field.append("\"") } else { inQuotes = false }
                } else { field.append(c) }
            } else if c == "," {
                fields.append(field); field = ""; atFieldStart = true; continue
            } else if c == "\"" {
                guard atFieldStart else { return nil }
                inQuotes = true
            } else { field.append(c) }
            atFieldStart = false
        }
        guard !inQuotes else { return nil }
        return fields + [field]
    }
}
