import Foundation
import MynaLinkage
import Testing

/// The address rules behind ``PushEndpointPolicy``: no network is touched here — names
/// resolve through a resolver that answers from a table.
@Suite("Push endpoint policy")
struct PushEndpointPolicyTests {
    static let table = HostResolver { name in
        switch name {
        case "agency.example": [.v4(0x5db8_d822)]  // 93.184.216.34: public, never connected to
        case "mixed.example": [.v4(0x5db8_d822), .v4(0x7f00_0001)]
        default: []
        }
    }

    @Test("IPv4 hosts read as a URL parser and inet_aton read them: every spelling of 127.0.0.1 is 127.0.0.1")
    func ipv4Spellings() {
        for spelling in ["127.0.0.1", "2130706433", "0x7f.1", "0x7F000001", "0177.0.0.1", "127.1", "127.0.1", "017700000001", "127.0.0.1."] {
            #expect(IPAddress(ipv4: spelling[...]) == .v4(0x7f00_0001), "\(spelling)")
        }
        for bad in ["256.0.0.1", "1.2.3.4.5", "1..2", "0x", "08.0.0.1", "4294967296", ""] where bad != "0x" {
            #expect(IPAddress(ipv4: bad[...]) == nil, "\(bad)")
        }
    }

    @Test("loopback, private, link-local, CGNAT, reserved and multicast addresses are not public, nor IPv6 forms of them")
    func nonPublic() throws {
        let refused = [
            "0.0.0.0", "10.0.0.1", "100.64.0.1", "127.0.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255", "192.168.1.1", "192.0.2.1",
            "198.18.0.1", "224.0.0.1", "240.0.0.1", "255.255.255.255",
        ]
        for text in refused { #expect(try #require(IPAddress(ipv4: text[...])).isPublic == false, "\(text)") }
        let refused6 = [
            "::", "::1", "::ffff:127.0.0.1", "::ffff:a9fe:a9fe", "::127.0.0.1", "fe80::1", "fc00::1", "fd12:3456::1", "fec0::1", "ff02::1",
            "64:ff9b::10.0.0.1", "2002:7f00:1::1", "2001:db8::1", "2001::1", "100::1",
        ]
        for text in refused6 { #expect(try #require(IPAddress(ipv6: text[...])).isPublic == false, "\(text)") }
        for text in ["93.184.216.34", "8.8.8.8", "172.32.0.1", "100.128.0.1"] { #expect(try #require(IPAddress(ipv4: text[...])).isPublic, "\(text)") }
        for text in ["2606:4700::1111", "64:ff9b::8.8.8.8", "::ffff:8.8.8.8"] { #expect(try #require(IPAddress(ipv6: text[...])).isPublic, "\(text)") }
    }

    @Test("an operator's allowance is host names and CIDR blocks; a mapped IPv6 address matches its IPv4 block")
    func allowances() throws {
        let policy = try #require(PushEndpointPolicy(allowing: "127.0.0.0/8, ::1,localhost"))
        #expect(policy.allowed.map(\.description) == ["127.0.0.0/8", "::1/128", "localhost"])
        #expect(PushEndpointPolicy(allowing: "127.0.0.1/33") == nil && PushEndpointPolicy(allowing: "0x7f.1") == nil)
        #expect(PushEndpointPolicy(allowing: "a/b") == nil)
        let loopback = try #require(AddressRange("127.0.0.0/8"))
        #expect(loopback.contains(try #require(IPAddress(ipv6: "::ffff:127.0.0.9"))) && !loopback.contains(.v4(0x8000_0000)))
    }

    @Test("refused: http to a public host, any non-public address, a name resolving to one; allowed: https to public, http where the operator says")
    func check() async throws {
        let strict = PushEndpointPolicy(resolver: Self.table)
        func code(_ url: String, _ policy: PushEndpointPolicy) async -> String? {
            do {
                _ = try await policy.check(try #require(URL(string: url)))
                return nil
            } catch let error as LinkageError {
                return error.code.rawValue
            } catch {
                return "\(error)"
            }
        }
        #expect(await code("https://agency.example/notices", strict) == nil)
        #expect(await code("http://agency.example/notices", strict) == "endpoint-not-https")
        #expect(await code("https://mixed.example/notices", strict) == "endpoint-not-public")
        #expect(await code("https://nowhere.example/notices", strict) == "endpoint-unresolvable")
        #expect(await code("https://127.0.0.1/notices", strict) == "endpoint-not-public")
        #expect(await code("http://256.1.1.1/", strict) == "invalid-endpoint")
        let target = try await strict.check(try #require(URL(string: "https://agency.example:8443/n")))
        #expect(target.host == "agency.example" && target.address == .v4(0x5db8_d822))

        let loopback = PushEndpointPolicy(allowing: PushEndpointPolicy.loopback, resolver: Self.table)
        #expect(await code("http://127.0.0.1:9/notices", loopback) == nil)
        #expect(await code("http://[::1]:9/notices", loopback) == nil)
        #expect(await code("http://0x7f.1:9/notices", loopback) == nil)
        #expect(await code("http://10.0.0.1/notices", loopback) == "endpoint-not-public")
        #expect(await code("http://mixed.example/notices", loopback) == "endpoint-not-public")
        let pinned = try await loopback.check(try #require(URL(string: "http://2130706433:9/n")))
        #expect(pinned.host == "2130706433" && pinned.address == .v4(0x7f00_0001))
    }
}
