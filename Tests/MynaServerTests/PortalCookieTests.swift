import Foundation
import Hummingbird
import HummingbirdTesting
import MynaCore
@testable import MynaServer
import MynaTestSupport
import Testing

/// The portal's cookies, written with Hummingbird's `Cookie` and read with
/// `request.cookies`: the same names, values and attributes as ever.
@Suite("Portal cookies")
struct PortalCookieTests {
    /// A `Set-Cookie` value as its name=value pair and its set of attributes (their order
    /// carries no meaning, RFC 6265 §5.2).
    static func parse(_ header: String) -> (pair: String, attributes: Set<String>) {
        let parts = header.components(separatedBy: "; ")
        return (parts[0], Set(parts.dropFirst()))
    }

    @Test("the session cookie is __Host-, Secure, HttpOnly, SameSite=Lax on path /; clearing it sets Max-Age=0")
    func sessionCookie() {
        let set = Self.parse(PortalCookie.set("dG9rZW4tdG9rZW4tdG9rZW4").description)
        #expect(set.pair == "__Host-myna-portal=dG9rZW4tdG9rZW4tdG9rZW4")
        #expect(set.attributes == ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"])
        let clear = Self.parse(PortalCookie.clear.description)
        #expect(clear.pair == "__Host-myna-portal=")
        #expect(clear.attributes == ["Path=/", "Secure", "HttpOnly", "SameSite=Lax", "Max-Age=0"])
    }

    @Test("a new visitor gets the session cookie; ?lang= adds the language cookie first, for a year and readable", arguments: DatabaseKind.available)
    func overHTTP(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true, portal: true) { _, _, client in
            let visitor = try await client.execute(uri: "/portal/sign-in", method: .get)
            let cookies = visitor.headers[values: .setCookie].map(Self.parse)
            #expect(cookies.count == 1 && cookies.first?.pair.hasPrefix("__Host-myna-portal=") == true)
            #expect(cookies.first?.attributes == ["Path=/", "Secure", "HttpOnly", "SameSite=Lax"])

            let english = try await client.execute(uri: "/portal/sign-in?lang=en", method: .get)
            let both = english.headers[values: .setCookie].map(Self.parse)
            #expect(both.map(\.pair.first) == ["m", "_"])
            #expect(both.first?.pair == "myna-lang=en")
            #expect(both.first?.attributes == ["Path=/", "Secure", "SameSite=Lax", "Max-Age=31536000"])

            // Read back from a Cookie header among others: the language, and the session
            // token (a visitor's: no new cookie is written for it).
            let token = Base64URL.randomToken()
            let back = try await client.execute(
                uri: "/portal/sign-in", method: .get, headers: [.cookie: "other=1; __Host-myna-portal=\(token); myna-lang=en"])
            #expect(String(buffer: back.body).contains(#"<html lang="en">"#))
            #expect(back.headers[values: .setCookie].isEmpty)
        }
    }
}
