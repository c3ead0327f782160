import Foundation
import MynaOIDC
import Testing

@Suite struct ScopeTests {
    let all: Set<Scope> = Set(Scope.basic + [.selfInformation(dataItem: "pension-benefit"), .selfInformation(dataItem: "income-tax")])

    @Test func parsesInOrderWithoutRepeats() throws {
        let set = try ScopeSet.parse("openid address name openid self:income-tax", dataItems: Fixtures.dataItems, permitted: all)
        #expect(set.scopes == [.openid, .address, .name, .selfInformation(dataItem: "income-tax")])
        #expect(set.rawValue == "openid address name self:income-tax")
        #expect(set.dataItems == ["income-tax"])
        #expect(set.claims == ["sub", "address", "name", "name#ja-Kana-JP"])
    }

    @Test(arguments: [
        "openid profile",  // unknown
        "openid self:unknown-item",  // data item not offered
        "openid self:",  // empty data item
        "name address",  // no openid
        "openid  name",  // double space
        " openid",  // leading space
        "openid\"name",  // outside scope-token characters
        "",  // empty
    ])
    func rejects(_ scope: String) {
        let error = #expect(throws: OAuthError.self) {
            try ScopeSet.parse(scope, dataItems: Fixtures.dataItems, permitted: all)
        }
        #expect(error?.code == .invalidScope)
        #expect(error?.redirectable == true)
    }

    @Test func missingScopeIsInvalidScope() {
        let error = #expect(throws: OAuthError.self) {
            try ScopeSet.parse(nil, dataItems: Fixtures.dataItems, permitted: all)
        }
        #expect(error?.code == .invalidScope)
    }

    @Test func scopeBeyondRegistrationIsRefused() {
        let error = #expect(throws: OAuthError.self) {
            try ScopeSet.parse("openid gender", dataItems: Fixtures.dataItems, permitted: [.openid, .name])
        }
        #expect(error?.code == .invalidScope)
        #expect(error?.description.contains("gender") == true)
    }

    @Test func codableRoundTrip() throws {
        let set = ScopeSet([.openid, .birthdate, .selfInformation(dataItem: "pension-benefit")])
        let data = try JSONEncoder().encode(set)
        #expect(String(decoding: data, as: UTF8.self) == #""openid birthdate self:pension-benefit""#)
        #expect(try JSONDecoder().decode(ScopeSet.self, from: data) == set)
    }
}
