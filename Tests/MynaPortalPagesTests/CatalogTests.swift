import Foundation
import Testing

@testable import MynaPortalPages

@Suite("String catalog and templates")
struct CatalogTests {
    @Test("Japanese and English have the same keys, none empty")
    func parity() {
        let ja = Set(PortalStrings.ja.keys)
        let en = Set(PortalStrings.en.keys)
        #expect(ja.subtracting(en).sorted() == [], "only in ja")
        #expect(en.subtracting(ja).sorted() == [], "only in en")
        for (key, value) in PortalStrings.ja.merging(PortalStrings.en, uniquingKeysWith: { a, b in a + b }) {
            #expect(!value.trimmingCharacters(in: .whitespaces).isEmpty, "\(key) is empty")
        }
    }

    /// Keys named in Swift rather than in templates: enum labels, navigation, error pages,
    /// form field labels.
    static let keysNamedInCode: Set<String> = {
        var keys: [String] = []
        keys += HomePage.Sex.allCases.map(\.labelKey)
        keys += CardPage.CardStatus.allCases.map(\.labelKey)
        keys += CardPage.CertificateKind.allCases.map(\.labelKey)
        keys += CardPage.CertificateStatus.allCases.map(\.labelKey)
        keys += LinkagesPage.AccountType.allCases.map(\.labelKey)
        keys += LinkageConfirmation.allCases.map(\.labelKey)
        keys += OIDCScope.allCases.map(\.labelKey)
        keys += ConsentScreen.ClaimKind.allCases.map(\.labelKey)
        keys += RefusalsPage.State.allCases.map(\.labelKey)
        keys += FlashMessage.Kind.allCases.map(\.labelKey)
        keys += LinkagesPage.AccountForm.Field.allCases.map(\.labelKey)
        keys += LinkagesPage.InsuranceForm.Field.allCases.map(\.labelKey)
        keys += LayoutContext.sections.map(\.labelKey)
        keys += StatisticsPage.Chart.allCases.flatMap { [$0.titleKey, $0.unitKey] }
        let errors: [ErrorPage] = [.badRequest, .forbidden, .notFound, .tooManyRequests, .internalError, .serviceUnavailable]
        for page in errors {
            for text in [page.title, page.message] {
                if case .key(let key) = text { keys.append(key) }
            }
        }
        let titles: [PortalText] = [
            SignInPage(state: .waiting, code: "", pendingID: "", validMinutes: 0, expiresAt: "").title,
            Fixtures.home.title, Fixtures.usage.title, Fixtures.card.title, Fixtures.linkages.title, Fixtures.notices.title, Fixtures.sessions.title,
            Fixtures.consents.title, Fixtures.refusals.title, Fixtures.points.title, CardReturnPage().title, Fixtures.consentScreen.title,
            Fixtures.statistics.title,
        ]
        for title in titles {
            if case .key(let key) = title { keys.append(key) }
        }
        return Set(keys)
    }()

    static func keysUsedInTemplates() throws -> [String: Set<String>] {
        var used: [String: Set<String>] = [:]
        for (name, source) in try PortalRenderer.templateSources() {
            used[name] = Set(source.matches(of: /\{\{[#^\/]?\s*t\.([A-Za-z0-9_]+)\s*\}\}/).map { String($0.output.1) })
        }
        return used
    }

    @Test("every key a template or the code uses is in the catalog")
    func usedKeysExist() throws {
        for (template, keys) in try Self.keysUsedInTemplates() {
            for key in keys {
                #expect(PortalStrings.ja[key] != nil, "\(template) uses missing key \(key)")
            }
        }
        for key in Self.keysNamedInCode {
            #expect(PortalStrings.ja[key] != nil, "code names missing key \(key)")
        }
    }

    @Test("every catalog key is used")
    func noUnusedKeys() throws {
        let used = try Self.keysUsedInTemplates().values.reduce(into: Self.keysNamedInCode) { $0.formUnion($1) }
        #expect(Set(PortalStrings.ja.keys).subtracting(used).sorted() == [])
    }

    @Test("templates escape every value and carry no inline code")
    func templatesAreSafe() throws {
        let sources = try PortalRenderer.templateSources()
        #expect(sources.keys.contains("layout"))
        for (name, source) in sources {
            #expect(!source.contains("{{{"), "\(name) uses an unescaped variable")
            #expect(source.firstMatch(of: /\{\{\s*&/) == nil, "\(name) uses an unescaped variable")
            #expect(!source.contains("<script") && !source.contains("<style") && !source.contains("style="), "\(name)")
            #expect(!source.contains("&nbsp;"), "\(name) uses an entity XML does not know")
        }
    }

    @Test("an unknown catalog key is an error, not an empty string")
    func unknownKey() throws {
        let renderer = try PortalRenderer()
        let layout = LayoutContext(language: .en, title: .key("no_such_key"), currentPath: "/portal", signedIn: true, csrfToken: "t")
        let error = #expect(throws: PortalPagesError.self) {
            try renderer.render(CardReturnPage(), layout: layout)
        }
        #expect(error?.code == "portal-string-missing")
    }

    @Test("the stylesheet is bundled and self-contained")
    func stylesheet() {
        let css = PortalRenderer.stylesheet
        #expect(css.contains(":focus-visible"))
        #expect(css.contains("Noto Sans JP"))
        #expect(!css.contains("@import"))
        #expect(!css.contains("url("))
    }
}
