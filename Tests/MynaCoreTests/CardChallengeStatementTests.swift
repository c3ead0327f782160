import Foundation
import MynaCore
import Testing

/// What the card signs, and what the card's app refuses to sign (issue 14, finding 1).
@Suite("Card challenge statements")
struct CardChallengeStatementTests {
    let expires = Date(timeIntervalSince1970: 1_800_000_000)
    let nonce = Array(repeating: UInt8(7), count: 32)

    func statement(
        _ purpose: CardChallengeStatement.Purpose = .portalSignIn, audience: String = "portal", origin: String = "https://myna.example",
        details: [(key: String, value: String)] = []
    ) -> CardChallengeStatement {
        CardChallengeStatement(
            purpose: purpose, audience: audience, audienceName: "Mynaportal (マイナポータル)", origin: origin, challengeID: "ch_1", nonce: nonce,
            expiresAt: expires, details: details)
    }

    @Test("a statement reads back to itself for every purpose; its bytes name purpose, audience, origin, challenge and nonce")
    func roundTrip() throws {
        let cases: [CardChallengeStatement] = [
            statement(),
            statement(details: [("browser-since", "2027-01-15T08:00:00Z"), ("browser-network", "198.51.100.0/24"), ("browser-agent", "Firefox")]),
            statement(.mykey), statement(.mynapointClaim),
            statement(.mykeyAttachCard, details: [("card-kind", "library"), ("card-municipality", "131016"), ("card-number", "LIB-1")]),
            statement(.mynapointSignUp, details: [("campaign", "round-2"), ("provider", "ag_1"), ("provider-name", "みらいペイ"), ("provider-account", "a-1")]),
            statement(.mynapointSignUp, audience: "counter:staff-1", details: [("campaign", "c"), ("provider", "p"), ("provider-name", "n"), ("provider-account", "a")]),
            statement(.kioskCertificate, audience: "party:ag_9", details: [("certificate-kind", "residence")]),
            statement(.eligibilityCheck, audience: "party:ag_3"),
        ]
        for original in cases {
            let read = try CardChallengeStatement(parsing: original.bytes)
            #expect(read == original && read.bytes == original.bytes)
        }
        let text = String(decoding: statement().bytes, as: UTF8.self)
        #expect(text.hasPrefix("myna-card-challenge-v2\npurpose: portal-sign-in\naudience: portal\n"))
        #expect(text.contains("origin: https://myna.example\nchallenge: ch_1\nnonce: "))
    }

    @Test("statements for two purposes, two parties or two servers are different bytes")
    func domainSeparation() {
        let base = statement(.kioskCertificate, audience: "party:ag_1", details: [("certificate-kind", "residence")])
        #expect(base.bytes != statement(.eligibilityCheck, audience: "party:ag_1").bytes)
        #expect(base.bytes != statement(.kioskCertificate, audience: "party:ag_2", details: [("certificate-kind", "residence")]).bytes)
        #expect(base.bytes != statement(.kioskCertificate, audience: "party:ag_1", origin: "https://evil.example", details: [("certificate-kind", "residence")]).bytes)
    }

    @Test("the card's app refuses what it cannot read: v1 inputs, unknown purposes and keys, missing or reordered lines, hidden characters")
    func refusesUnreadable() {
        func refused(_ text: String) -> Bool { (try? CardChallengeStatement(parsing: Array(text.utf8))) == nil }
        let good = String(decoding: statement().bytes, as: UTF8.self)
        #expect(!refused(good))
        #expect(refused("myna-portal-sign-in-v1\nsi_1\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc"))
        #expect(refused(good.replacingOccurrences(of: "portal-sign-in", with: "wire-transfer")))
        #expect(refused(good + "\nextra: 1"))
        #expect(refused(good.replacingOccurrences(of: "audience: portal\n", with: "")))
        #expect(refused(good.replacingOccurrences(of: "purpose: portal-sign-in\naudience: portal", with: "audience: portal\npurpose: portal-sign-in")))
        #expect(refused(good + "\n"))
        #expect(refused(String(repeating: "x", count: 5000)))
        // A portal sign-in for a party, or a kiosk's challenge for the portal: the wrong kind of audience.
        #expect(refused(good.replacingOccurrences(of: "audience: portal", with: "audience: party:ag_1")))
        #expect(refused(String(decoding: statement(.kioskCertificate, audience: "portal", details: [("certificate-kind", "residence")]).bytes, as: UTF8.self)))
        // A terminal escape, a bidirectional override or a zero-width joiner in a value: what
        // the holder reads would not be what the card signs.
        let browser = String(decoding: statement(details: [("browser-since", "t"), ("browser-network", "n"), ("browser-agent", "ok")]).bytes, as: UTF8.self)
        for hidden in ["\u{1B}[2J", "\u{202E}", "\u{200D}", "\r"] {
            #expect(refused(browser.replacingOccurrences(of: "browser-agent: ok", with: "browser-agent: o\(hidden)k")))
        }
    }

    @Test("values the server cannot trust (a browser's own user agent) are made showable before they are signed")
    func cleansValues() throws {
        let made = statement(details: [("browser-since", "t"), ("browser-network", "n"), ("browser-agent", "Kiosk\u{1B}[2J certificate\u{202E}print\n")])
        let read = try CardChallengeStatement(parsing: made.bytes)
        #expect(read.detail("browser-agent") == "Kiosk\u{FFFD}[2J certificate\u{FFFD}print\u{FFFD}")
        #expect(read.summary.joined(separator: "\n").contains("it says it is: Kiosk"))
    }

    @Test("the card's app refuses a statement for another purpose, another server, or past its time")
    func refusesOutOfContext() {
        let kiosk = statement(.kioskCertificate, audience: "party:ag_1", details: [("certificate-kind", "residence")])
        let now = expires.addingTimeInterval(-60)
        #expect(kiosk.refusal(expecting: [.kioskCertificate], origin: "https://myna.example", now: now) == nil)
        #expect(kiosk.refusal(expecting: [.kioskCertificate], origin: "https://myna.example:443/", now: now) == nil)
        #expect(kiosk.refusal(expecting: [.portalSignIn], origin: "https://myna.example", now: now) != nil)
        #expect(kiosk.refusal(expecting: [.kioskCertificate], origin: "https://myna.example.evil.test", now: now) != nil)
        #expect(kiosk.refusal(expecting: [.kioskCertificate], origin: "http://myna.example", now: now) != nil)
        #expect(kiosk.refusal(expecting: [.kioskCertificate], origin: "https://myna.example", now: expires.addingTimeInterval(1)) != nil)
    }

    @Test("the summary shows the purpose, the party and, for a cross-device sign-in, the waiting browser, in Japanese and English")
    func summary() {
        let text = statement(details: [("browser-since", "2027-01-15T08:00:00Z"), ("browser-network", "198.51.100.0/24"), ("browser-agent", "Firefox")])
            .summary.joined(separator: "\n")
        #expect(text.contains("Sign in to Mynaportal") && text.contains("マイナポータルへのログイン") && text.contains("Mynaportal (マイナポータル)"))
        #expect(text.contains("198.51.100.0/24") && text.contains("Firefox") && text.contains("https://myna.example"))
        #expect(text.contains("stop here"))
    }
}
