public import Foundation
public import MynaCore

/// Claim names the UserInfo endpoint can return (OIDC Core §5.1, §5.2).
public enum UserInfoClaim: Sendable {
    public static let subject = "sub"
    public static let name = "name"
    /// The name in katakana, as written on the resident register. OIDC Core §5.2 defines
    /// language and script tags on claim names for exactly this (its own example is
    /// `family_name#ja-Kana-JP`), so no private claim name is needed and standard clients
    /// can read it.
    public static let nameKana = "name#ja-Kana-JP"
    public static let address = "address"
    public static let birthdate = "birthdate"
    public static let gender = "gender"
}

extension Sex {
    /// The OIDC `gender` value (OIDC Core §5.1). Codes 0 and 9 give `nil` and the claim is
    /// left out: OIDC §5.3.2 says a claim without a value is omitted, and writing "unknown"
    /// would state something the register does not say.
    public var oidcGender: String? {
        switch self {
        case .male: "male"
        case .female: "female"
        case .notKnown, .notApplicable: nil
        }
    }
}

/// The four basic facts of a resident that this provider can release, handed over by the
/// host from its register for one UserInfo response.
public struct ResidentAttributes: Sendable, Equatable {
    public var name: String
    public var nameKana: String?
    /// The address in one line, as printed on the card.
    public var formattedAddress: String
    public var birthdate: CalendarDate
    public var sex: Sex

    public init(name: String, nameKana: String?, formattedAddress: String, birthdate: CalendarDate, sex: Sex) {
        self.name = name
        self.nameKana = nameKana
        self.formattedAddress = formattedAddress
        self.birthdate = birthdate
        self.sex = sex
    }

    /// The UserInfo response (OIDC Core §5.3.2) for `subject`, holding only what `scopes`
    /// release: data minimisation is the point of the fine-grained scopes. `address` is the
    /// structured claim of OIDC Core §5.1.1 with `formatted` and `country` "JP".
    public func userInfo(subject: String, scopes: ScopeSet) -> Data {
        var claims: [String: UserInfoValue] = [UserInfoClaim.subject: .text(subject)]
        if scopes.contains(.name) {
            claims[UserInfoClaim.name] = .text(name)
            if let nameKana { claims[UserInfoClaim.nameKana] = .text(nameKana) }
        }
        if scopes.contains(.address) {
            claims[UserInfoClaim.address] = .object(["formatted": formattedAddress, "country": "JP"])
        }
        if scopes.contains(.birthdate) {
            claims[UserInfoClaim.birthdate] = .text(birthdate.description)
        }
        if scopes.contains(.gender), let gender = sex.oidcGender {
            claims[UserInfoClaim.gender] = .text(gender)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Strings and string maps always encode.
        return (try? encoder.encode(claims)) ?? Data("{}".utf8)
    }
}

private enum UserInfoValue: Encodable {
    case text(String)
    case object([String: String])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
