import Foundation
import MynaOIDC

/// Registrations and requests shared by the tests.
enum Fixtures {
    static let issuer = "https://myna.example"
    static let dataItems: Set<String> = ["pension-benefit", "income-tax"]
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    static let clientSecret = ClientSecret.generate()

    static func webClient() throws -> ClientRegistration {
        try ClientRegistration(
            clientID: "city-portal",
            name: "City portal",
            redirectURIs: ["https://portal.city.example/callback", "https://portal.city.example/cb?lang=ja"],
            allowedScopes: [.openid, .name, .address, .selfInformation(dataItem: "pension-benefit")],
            clientType: .confidential(clientSecret.hash)
        )
    }

    static func nativeClient() throws -> ClientRegistration {
        try ClientRegistration(
            clientID: "tax-app",
            name: "Tax app",
            redirectURIs: ["http://127.0.0.1/callback"],
            allowedScopes: [.openid, .name],
            clientType: .public,
            sectorIdentifier: "tax.example"
        )
    }

    static func lookup(_ clients: [ClientRegistration]) -> (String) -> ClientRegistration? {
        { id in clients.first { $0.clientID == id } }
    }

    /// A complete, valid authorization request for the web client.
    static var validQuery: [(String, String)] {
        [
            ("response_type", "code"),
            ("client_id", "city-portal"),
            ("redirect_uri", "https://portal.city.example/callback"),
            ("scope", "openid name"),
            ("state", "af0ifjsldkj"),
            ("nonce", "n-0S6_WzA2Mj"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
        ]
    }

    static func replacing(_ name: String, with value: String?, in query: [(String, String)] = validQuery) -> [(String, String)] {
        var result = query.filter { $0.0 != name }
        if let value { result.append((name, value)) }
        return result
    }
}
