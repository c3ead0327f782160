import Foundation
import Testing

@testable import MynaPortalPages

@Suite("Pages")
struct PageTests {
    let renderer: PortalRenderer

    init() throws {
        renderer = try PortalRenderer()
    }

    private func render(_ page: some PortalPage, path: String, language: PortalLanguage = .ja, signedIn: Bool = true) throws
        -> HTMLElement
    {
        let layout = LayoutContext(
            language: language, currentPath: path, signedIn: signedIn, residentName: Fixtures.residentName,
            csrfToken: Fixtures.csrfToken)
        return try parseHTML(try renderer.render(page, layout: layout))
    }

    @Test("the consent screen lists exactly the scopes given, with their values", arguments: PortalLanguage.allCases)
    func consentScreenScopes(language: PortalLanguage) throws {
        let screen = Fixtures.consentScreen
        let root = try render(screen, path: "/oidc/authorize", language: language)
        let rows = root.elements { $0.name == "tr" && $0["data-scope"] != nil }
        #expect(rows.compactMap { $0["data-scope"] } == screen.scopes.map(\.scope.rawValue))
        let strings = PortalStrings.table(for: language)
        #expect(rows.map { $0.children.first?.normalizedText } == screen.scopes.map { strings["scope_\($0.scope.rawValue)"] })
        let nameRow = try #require(rows.first { $0["data-scope"] == "name" })
        #expect(nameRow.elements(named: "dd").map(\.normalizedText) == ["山田 太郎", "ヤマダ タロウ"])
        #expect(nameRow.elements(named: "dt").first?.normalizedText == strings["claim_name"])
        let signRow = try #require(rows.first { $0["data-scope"] == "sign" })
        #expect(signRow.normalizedText.contains(strings["consent_no_values"]!))

        // One form with both decisions, the request id and the CSRF token.
        let forms = root.elements { $0.name == "form" && $0["action"] == "/oidc/authorize/decision" }
        #expect(forms.count == 1)
        let form = try #require(forms.first)
        #expect(form["method"] == "post")
        let buttons = form.elements(named: "button")
        #expect(buttons.map { $0["name"] } == ["decision", "decision"])
        #expect(buttons.map { $0["value"] } == ["approve", "deny"])
        #expect(form.elements { $0["name"] == "request" }.first?["value"] == "req-5d1e")
        #expect(root.normalizedText.contains("app.aozora.example"))
        #expect(root.normalizedText.contains("2026年6月1日"))
    }

    @Test("the account number shows only its last three digits")
    func maskedAccountNumber() throws {
        let html = try renderer.render(
            Fixtures.linkages,
            layout: LayoutContext(language: .ja, currentPath: "/portal/linkages", signedIn: true, csrfToken: "t"))
        let root = try parseHTML(html)
        let shown = try #require(root.elements { $0.hasClass("account-number") }.first).textContent
        #expect(shown == "****543")
        #expect(!html.contains("9876543"))
        #expect(!html.contains("9876"))
        #expect(LinkagesPage.RegisteredAccount.mask("123") == "***")
        #expect(LinkagesPage.RegisteredAccount.mask("") == "")
        #expect(LinkagesPage.RegisteredAccount.mask("0012345") == "****345")
    }

    @Test("linkage forms show errors beside the fields and in a summary")
    func linkageErrors() throws {
        let root = try render(Fixtures.linkagesWithErrors, path: "/portal/linkages")
        let summaries = root.elements { $0.hasClass("error-summary") }
        #expect(summaries.count == 2)
        #expect(summaries.allSatisfy { $0["role"] == "alert" })
        let accountSummary = try #require(summaries.first)
        #expect(accountSummary.elements(named: "a").map { $0["href"] } == ["#account-bank-code", "#account-number", "#account-confirm-yes"])
        #expect(accountSummary.elements(named: "a").first?.normalizedText == "金融機関コード: 数字4桁")

        let bankCode = try #require(root.elements { $0["id"] == "account-bank-code" }.first)
        #expect(bankCode["aria-invalid"] == "true")
        #expect(bankCode["value"] == "12a")
        #expect(bankCode["aria-describedby"] == "account-bank-code-hint account-bank-code-error")
        let fieldError = try #require(root.elements { $0["id"] == "account-bank-code-error" }.first)
        #expect(fieldError.normalizedText == "エラー: 数字4桁")
        let branch = try #require(root.elements { $0["id"] == "account-branch-code" }.first)
        #expect(branch["aria-invalid"] == nil)
        // The account type the resident chose comes back; the confirmation never does.
        #expect(root.elements { $0["id"] == "account-type-current" }.first?["checked"] == "checked")
        #expect(root.elements { $0["id"] == "account-type-ordinary" }.first?["checked"] == nil)
        #expect(root.elements { $0["name"] == "confirm" && $0["checked"] != nil }.isEmpty)
        let confirmGroup = try #require(root.elements { $0["id"] == "account-confirm-yes" }.first?.ancestors.first { $0.name == "fieldset" })
        #expect(confirmGroup["aria-describedby"] == "account-confirm-error")
        #expect(root.elements { $0["id"] == "account-confirm-error" }.first?.normalizedText == "エラー: 本人名義であることを確認してください。")
        #expect(root.elements { $0["id"] == "insurance-insurer-number" }.first?["aria-invalid"] == "true")

        // No errors, no summary.
        let clean = try render(Fixtures.linkages, path: "/portal/linkages")
        #expect(clean.elements { $0.hasClass("error-summary") }.isEmpty)
        #expect(clean.elements { $0["aria-invalid"] != nil }.isEmpty)
    }

    @Test("linkage forms ask yes or no, with nothing pre-selected", arguments: PortalLanguage.allCases)
    func explicitConfirmation(language: PortalLanguage) throws {
        let root = try render(Fixtures.linkages, path: "/portal/linkages", language: language)
        let strings = PortalStrings.table(for: language)
        for (action, legend) in [
            ("/portal/linkages/account", "account_confirm_legend"), ("/portal/linkages/insurance", "insurance_confirm_legend"),
        ] {
            let form = try #require(root.elements { $0.name == "form" && $0["action"] == action }.first)
            let radios = form.elements { $0["name"] == "confirm" }
            #expect(radios.map { $0["value"] } == ["yes", "no"])
            #expect(radios.allSatisfy { $0["checked"] == nil })
            let fieldset = try #require(radios.first?.ancestors.first { $0.name == "fieldset" })
            #expect(fieldset.children.first?.normalizedText == strings[legend])
        }
        let registered = root.normalizedText
        #expect(registered.contains(strings["confirmed_inPortal"]!))
        #expect(registered.contains(strings["confirmed_atCounter"]!))
    }

    @Test("usage shows the log check as text and links each record's evidence", arguments: PortalLanguage.allCases)
    func usage(language: PortalLanguage) throws {
        let root = try render(Fixtures.usage, path: "/portal/usage", language: language)
        let checks = root.elements { $0.hasClass("log-check") }.map(\.normalizedText)
        switch language {
        case .en:
            #expect(checks == ["Verified (leaf 12 of tree size 40)", "Not yet in the log", "Verification failed",
                               "Verified (leaf 12 of tree size 40)"])
        case .ja:
            #expect(checks == ["検証済み (葉 12 / ツリーサイズ 40)", "まだログにありません", "検証失敗", "検証済み (葉 12 / ツリーサイズ 40)"])
        }
        let evidence = root.elements { $0.name == "a" && ($0["href"] ?? "").hasSuffix("/evidence") }.compactMap { $0["href"] }
        #expect(evidence == [
            "/portal/usage/records/prv-0001/evidence", "/portal/usage/records/prv%200002%2Fx/evidence",
            "/portal/usage/records/prv-0003/evidence",
        ])
        let explained = PortalStrings.table(for: language)["usage_verified_explained"]!
        #expect(root.normalizedText.contains(explained))
        // Staff are shown by role and office.
        #expect(root.normalizedText.contains("窓口担当 / 千代田区 住民課"))
    }

    @Test("sign-in refreshes by itself only while waiting")
    func signIn() throws {
        let waiting = try render(Fixtures.signIn, path: "/portal/sign-in", signedIn: false)
        let refresh = waiting.elements { $0.name == "meta" && $0["http-equiv"] == "refresh" }
        #expect(refresh.map { $0["content"] } == ["4; url=/portal/sign-in/wait?pending=pnd-a1b2"])
        #expect(waiting.elements { $0.hasClass("signin-code") }.first?.normalizedText == "K7Q2-9XMP")
        #expect(waiting.elements(named: "pre").first?.normalizedText == "myna card login --card FILE --pin PIN --code K7Q2-9XMP")
        let form = try #require(waiting.elements(named: "form").first)
        #expect(form["method"] == "get" && form["action"] == "/portal/sign-in/wait")
        #expect(form.elements { $0["name"] == "pending" }.first?["value"] == "pnd-a1b2")
        #expect(waiting.normalizedText.contains("5 分"))
        #expect(waiting.elements { $0["role"] == "alert" }.isEmpty)

        for state in [SignInPage.State.expired, .tooManyAttempts] {
            let page = SignInPage(state: state, code: "K7Q2-9XMP", pendingID: "pnd-a1b2", validMinutes: 5, expiresAt: "14:05")
            let root = try render(page, path: "/portal/sign-in", signedIn: false)
            #expect(root.elements { $0["http-equiv"] == "refresh" }.isEmpty)
            #expect(root.elements { $0["role"] == "alert" }.count == 1)
            #expect(!root.normalizedText.contains("K7Q2-9XMP"))
            #expect(root.elements(named: "a").contains { $0["href"] == "/portal/sign-in" })
        }
    }

    @Test("certificates and cards state their status in words")
    func cardStatus() throws {
        let root = try render(Fixtures.card, path: "/portal/card", language: .ja)
        let statuses = root.elements { $0.hasClass("status") }.map(\.normalizedText)
        #expect(statuses == ["有効", "有効", "失効", "返納済み"])
        #expect(root.normalizedText.contains("署名用電子証明書"))
        #expect(root.normalizedText.contains("利用者証明用電子証明書"))
        #expect(root.normalizedText.contains("カードの紛失"))
        #expect(root.elements(named: "h2").map(\.normalizedText) == ["カード CARD-0042-AB", "カード CARD-0001-ZZ"])
    }

    @Test("each consent and refusal has its own form")
    func perItemForms() throws {
        let consents = try render(Fixtures.consents, path: "/portal/consents")
        #expect(consents.elements(named: "form").compactMap { $0["action"] }
            == ["/portal/sign-out", "/portal/consents/cns-01/revoke", "/portal/consents/cns-02/revoke"])
        #expect(consents.elements { $0.hasClass("scopes") }.first?.elements(named: "li").map(\.normalizedText)
            == ["このアプリ用の利用者識別子", "氏名", "住所"])

        let refusals = try render(Fixtures.refusals, path: "/portal/refusals", language: .en)
        let forms = refusals.elements { $0.name == "form" && $0["action"] == "/portal/refusals" }
        let fields = forms.map { form in
            form.elements { $0.name == "input" && $0["name"] != "csrf" }.map { "\($0["name"]!)=\($0["value"]!)" }
        }
        #expect(fields == [["item=tax-to-welfare", "action=refuse"], ["item=pension-to-city", "action=withdraw"]])
        #expect(refusals.elements { $0.hasClass("status") }.map(\.normalizedText) == ["Provided (not refused)", "Refused"])
    }

    @Test("home lists the basic facts and every provider item")
    func home() throws {
        let root = try render(Fixtures.home, path: "/portal", language: .en)
        let facts = try #require(root.elements(named: "table").first)
        #expect(facts.elements(named: "td").map(\.normalizedText)
            == ["山田 太郎", "ヤマダ タロウ", "東京都千代田区千代田1-1", "1980年4月1日", "Male"])
        let items = try #require(root.elements(named: "table").dropFirst().first)
        #expect(items.elements(named: "tbody").first?.children.count == 2)
        #expect(items.elements(named: "dd").map(\.normalizedText) == ["2025", "123,400円"])
        #expect(items.normalizedText.contains("(no contents)"))
    }

    @Test("the card-return statement is Myna's and says what stays", arguments: PortalLanguage.allCases)
    func cardReturn(language: PortalLanguage) throws {
        let root = try render(CardReturnPage(), path: "/portal/card-return", language: language)
        let strings = PortalStrings.table(for: language)
        #expect(root.elements { $0.hasClass("statement-source") }.first?.normalizedText == strings["card_return_source"])
        let lists = root.elements(named: "ul").filter { $0.ancestors.contains { $0.name == "main" } }
        #expect(lists.map { $0.children.count } == [4, 7])
    }

    @Test("the error page shows the status and links home")
    func errorPage() throws {
        let root = try render(ErrorPage.notFound, path: "/portal/x", language: .en, signedIn: false)
        #expect(root.elements(named: "h1").first?.normalizedText == "Page not found")
        #expect(root.elements { $0.hasClass("status-code") }.first?.normalizedText == "Status 404")
        #expect(root.elements(named: "a").contains { $0["href"] == "/portal" && $0.normalizedText == "Back to the portal home" })
    }

    @Test("the layout title overrides the page title")
    func titleOverride() throws {
        let layout = LayoutContext(
            language: .en, title: .verbatim("Custom"), currentPath: "/portal/card", signedIn: true, csrfToken: "t")
        let root = try parseHTML(try renderer.render(Fixtures.card, layout: layout))
        #expect(root.elements(named: "h1").first?.normalizedText == "Custom")
        #expect(root.elements(named: "title").first?.normalizedText == "Custom | Mynaportal (Myna)")
    }

    @Test(
        "the language switch stays on this site",
        arguments: [
            ("/portal/usage", "/portal/usage"), ("/portal/usage?lang=ja&x=1", "/portal/usage"), ("//evil.example/x", "/portal"),
            ("https://evil.example/", "/portal"), ("/\\evil.example", "/portal"), ("", "/portal"), ("/a b", "/portal"),
        ])
    func safePath(input: String, expected: String) {
        #expect(PortalRenderer.safePath(input) == expected)
    }

    @Test("navigation marks a section and the pages below it, but /portal only exactly")
    func sectionMatching() {
        let sections = Dictionary(uniqueKeysWithValues: LayoutContext.sections.map { ($0.path, $0) })
        #expect(sections["/portal"]!.contains("/portal"))
        #expect(!sections["/portal"]!.contains("/portal/usage"))
        #expect(sections["/portal/usage"]!.contains("/portal/usage/records/1/evidence"))
        #expect(!sections["/portal/card"]!.contains("/portal/card-return"))
        #expect(sections["/portal/card-return"]!.contains("/portal/card-return"))
    }

    @Test("PortalLanguage reads the lang query")
    func language() {
        #expect(PortalLanguage(queryValue: "en") == .en)
        #expect(PortalLanguage(queryValue: "ja") == .ja)
        #expect(PortalLanguage(queryValue: nil) == .ja)
        #expect(PortalLanguage(queryValue: "fr") == .ja)
    }
}
