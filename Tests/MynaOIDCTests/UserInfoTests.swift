import Foundation
import MynaCore
import MynaOIDC
import Testing

@Suite struct UserInfoTests {
    let resident = ResidentAttributes(
        name: "山田 太郎", nameKana: "ヤマダ タロウ", formattedAddress: "東京都千代田区千代田1-1",
        birthdate: try! CalendarDate(iso: "1985-04-01"), sex: .male)

    func object(_ data: Data) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func releasesOnlyWhatTheScopesAllow() throws {
        let onlyName = try object(resident.userInfo(subject: "s1", scopes: ScopeSet([.openid, .name])))
        #expect(Set(onlyName.keys) == ["sub", "name", "name#ja-Kana-JP"])
        #expect(onlyName["name#ja-Kana-JP"] as? String == "ヤマダ タロウ")

        let all = try object(resident.userInfo(subject: "s1", scopes: ScopeSet(Scope.basic)))
        #expect(all["birthdate"] as? String == "1985-04-01")
        #expect(all["gender"] as? String == "male")
        let address = try #require(all["address"] as? [String: String])
        #expect(address == ["formatted": "東京都千代田区千代田1-1", "country": "JP"])

        let none = try object(resident.userInfo(subject: "s1", scopes: ScopeSet([.openid, .selfInformation(dataItem: "income-tax")])))
        #expect(Set(none.keys) == ["sub"])
    }

    @Test func genderMapping() throws {
        #expect(Sex.male.oidcGender == "male")
        #expect(Sex.female.oidcGender == "female")
        #expect(Sex.notKnown.oidcGender == nil)
        #expect(Sex.notApplicable.oidcGender == nil)
        var unknown = resident
        unknown.sex = .notKnown
        let json = try object(unknown.userInfo(subject: "s1", scopes: ScopeSet([.openid, .gender])))
        #expect(json["gender"] == nil)
    }
}
