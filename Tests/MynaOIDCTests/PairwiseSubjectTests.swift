import Crypto
import Foundation
import MynaOIDC
import Testing

@Suite struct PairwiseSubjectTests {
    let key = SymmetricKey(data: Data(repeating: 0x42, count: 32))

    @Test func stablePerSectorAndDifferentAcrossSectors() throws {
        let subjects = try #require(PairwiseSubject(key: key))
        let a1 = subjects.subject(localAccountID: "acct-0001", sectorIdentifier: "portal.city.example")
        let a2 = subjects.subject(localAccountID: "acct-0001", sectorIdentifier: "portal.city.example")
        let b = subjects.subject(localAccountID: "acct-0001", sectorIdentifier: "tax.example")
        let other = subjects.subject(localAccountID: "acct-0002", sectorIdentifier: "portal.city.example")
        #expect(a1 == a2)
        #expect(a1 != b)
        #expect(a1 != other)
        #expect(a1.count == 22)  // 128 bits, base64url
        #expect(!a1.contains("acct"))
    }

    @Test func matchesTheDocumentedConstruction() throws {
        let subjects = try #require(PairwiseSubject(key: key))
        let message = Data("myna-pairwise-v1".utf8) + [0] + Data("tax.example".utf8) + [0] + Data("acct-0001".utf8)
        let mac = Data(HMAC<SHA256>.authenticationCode(for: message, using: key)).prefix(16)
        let expected = mac.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        #expect(subjects.subject(localAccountID: "acct-0001", sectorIdentifier: "tax.example") == expected)
        #expect(subjects.subject(localAccountID: "acct-0001", client: try Fixtures.nativeClient()) == expected)
    }

    @Test func differentKeysGiveUnrelatedSubjects() throws {
        let first = try #require(PairwiseSubject(key: key))
        let second = try #require(PairwiseSubject(key: SymmetricKey(data: Data(repeating: 0x43, count: 32))))
        #expect(first.subject(localAccountID: "a", sectorIdentifier: "s.example") != second.subject(localAccountID: "a", sectorIdentifier: "s.example"))
    }

    @Test func shortKeysAreRefused() {
        #expect(PairwiseSubject(key: SymmetricKey(size: .bits128)) == nil)
    }
}

@Suite struct AuthorizationGrantTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    func grant() throws -> AuthorizationGrant {
        let lookup = Fixtures.lookup([try Fixtures.webClient()])
        let request = try AuthorizationRequest.validate(Fixtures.validQuery, client: lookup, dataItems: Fixtures.dataItems)
        return AuthorizationGrant(request: request, subject: "sub-1", authTime: now, issuedAt: now)
    }

    func tokenRequest(redirect: String = "https://portal.city.example/callback", verifier: String = Fixtures.verifier, client: String = "city-portal") throws -> TokenRequest {
        let body = FormURLEncoded.encode([
            ("grant_type", "authorization_code"), ("code", "c"), ("redirect_uri", redirect),
            ("code_verifier", verifier), ("client_id", client),
        ])
        return try TokenRequest.parse(body: body, authorization: nil)
    }

    @Test func redeemsWithinLifetime() throws {
        #expect(throws: Never.self) { try tokenRequest().redeem(try grant(), now: now.addingTimeInterval(59)) }
    }

    @Test func refusesMismatches() throws {
        let grant = try grant()
        let cases: [(TokenRequest, Date)] = [
            (try tokenRequest(), now.addingTimeInterval(60)),
            (try tokenRequest(redirect: "https://portal.city.example/cb?lang=ja"), now),
            (try tokenRequest(verifier: String(repeating: "a", count: 43)), now),
            (try tokenRequest(client: "tax-app"), now),
        ]
        for (request, time) in cases {
            let error = #expect(throws: OAuthError.self) { try request.redeem(grant, now: time) }
            #expect(error?.code == .invalidGrant)
        }
    }

    @Test func codesAreRandomAndStoredHashed() throws {
        let code = AuthorizationCode.generate()
        #expect(code.value.count == 43)
        #expect(code.lookupKey == Data(SHA256.hash(data: Data(code.value.utf8))))
        #expect(AuthorizationCode.lookupKey(for: code.value) == code.lookupKey)
        #expect(AuthorizationCode.generate().value != code.value)
    }

    @Test func grantSurvivesStorage() throws {
        let grant = try grant()
        let decoded = try JSONDecoder().decode(AuthorizationGrant.self, from: JSONEncoder().encode(grant))
        #expect(decoded == grant)
    }
}
