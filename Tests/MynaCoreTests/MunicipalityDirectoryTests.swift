import Foundation
import MynaCore
import Testing

@Suite struct MunicipalityDirectoryTests {
    @Test func everyCodeValidatesAndRoundTrips() throws {
        #expect(!MunicipalityDirectory.all.isEmpty)
        for municipality in MunicipalityDirectory.all {
            let digits = municipality.code.digits
            #expect(digits.count == 6, "\(municipality.name)")
            // Parsing the six digits back must succeed: the stored check digit is right.
            #expect(try MunicipalityCode(digits) == municipality.code, "\(municipality.name)")
            #expect(MunicipalityCode.checkDigit(forFiveDigits: String(digits.prefix(5))) == Int(String(digits.last!)))
        }
    }

    @Test(arguments: [
        ("131016", "東京都", "千代田区", "チヨダク"),
        ("011002", "北海道", "札幌市", "サッポロシ"),
        ("141003", "神奈川県", "横浜市", "ヨコハマシ"),
        ("271004", "大阪府", "大阪市", "オオサカシ"),
    ])
    func knownExamples(digits: String, prefecture: String, name: String, kana: String) throws {
        let municipality = try #require(MunicipalityDirectory.named(MunicipalityCode(digits)))
        #expect(municipality.code.digits == digits)
        #expect(municipality.prefecture == prefecture)
        #expect(municipality.name == name)
        #expect(municipality.nameKana == kana)
    }

    @Test func noDuplicates() {
        let codes = MunicipalityDirectory.all.map(\.code)
        #expect(Set(codes).count == codes.count)
        let names = MunicipalityDirectory.all.map { $0.prefecture + $0.name }
        #expect(Set(names).count == names.count)
    }

    @Test func seedCoverage() throws {
        // All 23 special wards, 13101…13123, in Tokyo.
        let wards = MunicipalityDirectory.all.filter { ("13101"..."13123").contains($0.code.digits.prefix(5)) }
        #expect(wards.count == 23)
        #expect(wards.allSatisfy { $0.prefecture == "東京都" && $0.name.hasSuffix("区") })
        // The 20 designated cities, at city level.
        let designated = [
            "01100 札幌市", "04100 仙台市", "11100 さいたま市", "12100 千葉市", "14100 横浜市", "14130 川崎市",
            "14150 相模原市", "15100 新潟市", "22100 静岡市", "22130 浜松市", "23100 名古屋市", "26100 京都市",
            "27100 大阪市", "27140 堺市", "28100 神戸市", "33100 岡山市", "34100 広島市", "40100 北九州市",
            "40130 福岡市", "43100 熊本市",
        ]
        for entry in designated {
            let code = try MunicipalityCode(fiveDigits: String(entry.prefix(5)))
            #expect(MunicipalityDirectory.named(code)?.name == String(entry.dropFirst(6)), "\(entry)")
        }
    }

    @Test func readingsAreKatakana() {
        for municipality in MunicipalityDirectory.all {
            #expect(!municipality.name.isEmpty && !municipality.prefecture.isEmpty)
            #expect(
                !municipality.nameKana.isEmpty
                    && municipality.nameKana.unicodeScalars.allSatisfy { (0x30A1...0x30FC).contains($0.value) },
                "\(municipality.name) \(municipality.nameKana)")
        }
    }

    @Test func namedFindsAndMisses() throws {
        for municipality in MunicipalityDirectory.all {
            #expect(MunicipalityDirectory.named(municipality.code) == municipality)
        }
        // 01101 is 札幌市中央区, a real code deliberately absent from the seed (wards of
        // designated cities are not listed), and 99999 is no municipality at all.
        #expect(MunicipalityDirectory.named(try MunicipalityCode(fiveDigits: "01101")) == nil)
        #expect(MunicipalityDirectory.named(try MunicipalityCode(fiveDigits: "99999")) == nil)
    }

    @Test func codableRoundTrip() throws {
        // Municipality is Codable through MunicipalityCode's own coding.
        let original = try #require(MunicipalityDirectory.all.first)
        let decoded = try JSONDecoder().decode(Municipality.self, from: JSONEncoder().encode(original))
        #expect(decoded == original)
    }
}
