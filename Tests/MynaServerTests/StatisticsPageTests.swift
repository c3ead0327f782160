import Foundation
import Hummingbird
import HummingbirdTesting
@testable import MynaServer
import MynaTestSupport
import Testing

/// `/stats` on the portal's templates: Japanese by default, English when asked (and then
/// remembered, as on the portal), with the same headers, charts and suppression either way.
@Suite("Statistics page over HTTP")
struct StatisticsPageTests {
    @Test("the page reads in English with ?lang=en, and stays English by the language cookie", arguments: DatabaseKind.available)
    func english(kind: DatabaseKind) async throws {
        try await withRouter(kind, cards: true, linkage: true, portal: true) { _, _, client in
            let japanese = try await client.execute(uri: "/stats", method: .get)
            let english = try await client.execute(uri: "/stats?lang=en", method: .get)
            let remembered = try await client.execute(uri: "/stats", method: .get, headers: [.cookie: "myna-lang=en"])
            for response in [japanese, english, remembered] {
                let html = String(buffer: response.body)
                #expect(response.status == .ok && response.headers[.contentSecurityPolicy] == PortalHTML.policy)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8" && response.headers[.cacheControl] == "no-store")
                #expect(html.contains("<svg") && html.contains("&lt;10") && !html.contains("<script"))
                #expect(html.contains(#"<link rel="stylesheet" href="/portal/static/portal.css" />"#) && html.contains(#"<a href="/v1/stats">"#))
            }
            let ja = String(buffer: japanese.body)
            #expect(ja.contains(#"<html lang="ja">"#) && ja.contains("月別交付枚数") && ja.contains("Myna 統計"))
            #expect(ja.contains(#"<a href="/stats?lang=en" hreflang="en" lang="en">English</a>"#))
            #expect(japanese.headers[.setCookie] == nil && remembered.headers[.setCookie] == nil)
            for response in [english, remembered] {
                let en = String(buffer: response.body)
                #expect(en.contains(#"<html lang="en">"#) && en.contains("Myna statistics") && !en.contains("月別交付枚数"))
                #expect(en.contains("Cards issued by month") && en.contains("Voluntary returns") && en.contains("Renewal queue (next 12 months)"))
                #expect(en.contains(#"<a href="/stats?lang=ja" hreflang="ja" lang="ja">日本語</a>"#))
            }
            // Asking for English is remembered like on the portal's pages.
            let set = try #require(english.headers[.setCookie])
            #expect(set.hasPrefix("myna-lang=en;"))
        }
    }
}
