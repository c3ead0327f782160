import Crypto
import MynaOIDC
import Testing

@Suite struct ClientRegistrationTests {
    func register(_ uris: [String], sector: String? = nil) throws(ClientRegistrationError) -> ClientRegistration {
        try ClientRegistration(
            clientID: "c1", name: "Client", redirectURIs: uris, allowedScopes: [.openid],
            clientType: .public, sectorIdentifier: sector)
    }

    @Test func sectorDefaultsToTheCommonHost() throws {
        let client = try register(["https://RP.example/a", "https://rp.example/b"])
        #expect(client.sectorIdentifier == "rp.example")
    }

    @Test func severalHostsNeedASectorIdentifier() throws {
        #expect(throws: ClientRegistrationError.sectorIdentifierRequired) {
            try register(["https://a.example/cb", "https://b.example/cb"])
        }
        let client = try register(["https://a.example/cb", "https://b.example/cb"], sector: "example.org")
        #expect(client.sectorIdentifier == "example.org")
        #expect(throws: ClientRegistrationError.invalidSectorIdentifier("not a host/")) {
            try register(["https://a.example/cb"], sector: "not a host/")
        }
    }

    @Test func fragmentsAreRefused() {
        #expect(throws: ClientRegistrationError.fragmentInRedirectURI("https://rp.example/cb#x")) {
            try register(["https://rp.example/cb#x"])
        }
    }

    @Test(arguments: ["http://rp.example/cb", "myapp://cb", "http://192.168.0.1/cb", "http://localhost.evil.example/cb"])
    func plainHTTPOnlyForLoopback(_ uri: String) {
        #expect(throws: ClientRegistrationError.insecureRedirectURI(uri)) { try register([uri]) }
    }

    @Test(arguments: ["http://127.0.0.1/cb", "http://[::1]:8080/cb", "http://localhost:3000/cb"])
    func loopbackIsAccepted(_ uri: String) throws {
        #expect(try register([uri]).redirectURIs == [uri])
    }

    @Test(arguments: ["https://user:pw@rp.example/cb", "https:///cb", "rp.example/cb", "https://rp.example/a b"])
    func malformedURIsAreRefused(_ uri: String) {
        #expect(throws: ClientRegistrationError.malformedRedirectURI(uri)) { try register([uri]) }
    }

    @Test func registrationMustAllowOpenID() {
        #expect(throws: ClientRegistrationError.openidNotAllowed) {
            try ClientRegistration(clientID: "c", name: "n", redirectURIs: ["https://rp.example/cb"], allowedScopes: [.name], clientType: .public)
        }
    }

    @Test func redirectURIsMatchExactly() throws {
        let client = try Fixtures.webClient()
        #expect(client.isRegistered(redirectURI: "https://portal.city.example/callback"))
        #expect(client.isRegistered(redirectURI: "https://portal.city.example/cb?lang=ja"))
        #expect(!client.isRegistered(redirectURI: "https://portal.city.example/callback/"))
        #expect(!client.isRegistered(redirectURI: "https://portal.city.example:8443/callback"))
        #expect(!client.isRegistered(redirectURI: "https://portal.city.example:443/callback"))
        #expect(!client.isRegistered(redirectURI: "https://portal.city.example/callback?x=1"))
        #expect(!client.isRegistered(redirectURI: "https://portal.city.example/cb?lang=ja&x=1"))
        #expect(!client.isRegistered(redirectURI: "https://PORTAL.city.example/callback"))
    }

    @Test func loopbackPortMayVaryButNothingElse() throws {
        // RFC 8252 §7.3 / RFC 9700 §2.1: native apps get a port at run time.
        let client = try Fixtures.nativeClient()
        #expect(client.isRegistered(redirectURI: "http://127.0.0.1:51004/callback"))
        #expect(client.isRegistered(redirectURI: "http://127.0.0.1/callback"))
        #expect(!client.isRegistered(redirectURI: "http://127.0.0.1:51004/callback/"))
        #expect(!client.isRegistered(redirectURI: "http://127.0.0.1:51004/other"))
        #expect(!client.isRegistered(redirectURI: "http://127.0.0.1:abc/callback"))
        #expect(!client.isRegistered(redirectURI: "http://localhost:51004/callback"))
    }

    /// Issue 14: RFC 8252 §7.3's any-port rule is for native apps, which are public clients.
    @Test func confidentialLoopbackRedirectsMatchExactly() throws {
        let client = try ClientRegistration(
            clientID: "desktop-bank", name: "n", redirectURIs: ["http://127.0.0.1:8400/cb"], allowedScopes: [.openid],
            clientType: .confidential(Fixtures.clientSecret.hash))
        #expect(client.isRegistered(redirectURI: "http://127.0.0.1:8400/cb"))
        #expect(!client.isRegistered(redirectURI: "http://127.0.0.1:8401/cb"))
        #expect(!client.isRegistered(redirectURI: "http://127.0.0.1/cb"))
    }

    /// Issue 14: `127.0.0.1` is every loopback client's host; as their sector it gave them
    /// all the same `sub`.
    @Test func loopbackClientsHaveSectorsOfTheirOwn() throws {
        let one = try register(["http://127.0.0.1:8400/cb"])
        let other = try ClientRegistration(
            clientID: "other", name: "n", redirectURIs: ["http://127.0.0.1:8401/cb", "http://[::1]:8401/cb"], allowedScopes: [.openid], clientType: .public)
        let named = try ClientRegistration(
            clientID: "named", name: "n", redirectURIs: ["http://localhost/cb"], allowedScopes: [.openid], clientType: .public, sectorIdentifier: "127.0.0.1")
        #expect(one.sectorIdentifier == ClientRegistration.loopbackSector(of: one.clientID))
        #expect(other.sectorIdentifier == "loopback-client:other" && named.sectorIdentifier == "loopback-client:named")
        // As the provider stores and reloads it.
        let reloaded = try ClientRegistration(
            clientID: "other", name: "n", redirectURIs: other.redirectURIs, allowedScopes: [.openid], clientType: .public, sectorIdentifier: other.sectorIdentifier)
        #expect(reloaded.sectorIdentifier == other.sectorIdentifier)
        let subjects = try #require(PairwiseSubject(key: SymmetricKey(size: .bits256)))
        #expect(subjects.subject(localAccountID: "acct-1", client: one) != subjects.subject(localAccountID: "acct-1", client: other))
        // A web client named like a loopback sector still cannot share it: colons are not in host names.
        #expect(throws: ClientRegistrationError.self) { try register(["https://rp.example/cb"], sector: "loopback-client:other") }
    }

    @Test func secretHashMatchesOnlyTheSecret() throws {
        let secret = ClientSecret.generate()
        #expect(secret.value.count == 43)
        #expect(secret.hash.matches(secret.value))
        #expect(!secret.hash.matches(secret.value + "x"))
        #expect(ClientSecretHash(digest: secret.hash.digest) == secret.hash)
        #expect(ClientSecretHash(digest: secret.hash.digest.prefix(31)) == nil)
        #expect(ClientSecret.generate().value != secret.value)
    }
}
