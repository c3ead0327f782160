import Foundation
import Testing

@testable import MynaPortalPages

@Suite("Statistics page")
struct StatisticsPageTests {
    let renderer: PortalRenderer

    init() throws {
        renderer = try PortalRenderer()
    }

    private func render(_ page: StatisticsPage, _ language: PortalLanguage) throws -> (html: String, root: HTMLElement) {
        let layout = LayoutContext(language: language, currentPath: "/stats", signedIn: false, csrfToken: "")
        let html = try renderer.render(page, layout: layout)
        return (html, try parseHTML(html))
    }

    @Test("reads in the chosen language, with every chart as SVG in its own figure", arguments: PortalLanguage.allCases)
    func language(language: PortalLanguage) throws {
        let strings = PortalStrings.table(for: language)
        let (html, root) = try render(Fixtures.statistics, language)
        #expect(root["lang"] == language.rawValue)
        #expect(root.elements(named: "h1").first?.normalizedText == strings["stats_title"])
        let headings = root.elements(named: "h2").map(\.normalizedText)
        let keys = ["cards", "returns", "mykey", "mynapoint", "calls", "renewals", "kiosk"].map { "stats_\($0)_heading" }
        #expect(headings == keys.map { strings[$0] })
        // Ten charts and one campaign's budget gauge, each an <svg> straight inside a <figure>.
        let figures = root.elements { $0.name == "figure" && $0.hasClass("chart-figure") }
        #expect(figures.count == 11)
        #expect(figures.allSatisfy { $0.children.map(\.name) == ["svg"] })
        #expect(html.contains("<title id=\"issued-title\">issued &lt;10</title>"))
        // Counts under 10 are "<10", escaped like any text.
        #expect(root.elements(named: "td").contains { $0.textContent == "<10" })
        #expect(html.contains("<td>&lt;10</td>"))
        #expect(root.elements { $0.name == "a" && $0["href"] == "/v1/stats" }.count == 1)
        let other = language == .ja ? "en" : "ja"
        #expect(root.elements { $0.name == "a" && $0["hreflang"] == other }.first?["href"] == "/stats?lang=\(other)")
    }

    @Test("says withheld where a figure would give a small count away", arguments: PortalLanguage.allCases)
    func withheld(language: PortalLanguage) throws {
        let withheld = try #require(PortalStrings.table(for: language)["stats_withheld"])
        let (_, shown) = try render(Fixtures.statistics, language)
        #expect(!shown.normalizedText.contains(withheld))
        let (_, root) = try render(Fixtures.statisticsPage(withheld: true), language)
        // The campaign's budget, its points granted, and the kiosk fees.
        #expect(root.normalizedText.components(separatedBy: withheld).count - 1 == 3)
        #expect(root.elements { $0.hasClass("chart-figure") }.count == 10)
    }

    @Test("the chart titles and units are in both languages")
    func chartWords() {
        for chart in StatisticsPage.Chart.allCases {
            #expect(chart.title(in: .ja) != chart.title(in: .en), "\(chart)")
            #expect(chart.title(in: .ja) == PortalStrings.ja[chart.titleKey] && chart.unit(in: .en) == PortalStrings.en[chart.unitKey])
        }
    }

    /// Markup goes out unescaped in one place only, and only a ``TrustedMarkup`` gets there.
    @Test("only partials/trusted-markup turns escaping off, and it is reached only with TrustedMarkup")
    func trustedMarkupOnly() throws {
        let sources = try PortalRenderer.templateSources()
        #expect(sources.filter { $0.value.contains("{{%") }.keys.sorted() == ["partials/trusted-markup"])
        #expect(sources["partials/trusted-markup"]?.hasSuffix("{{%CONTENT_TYPE:TEXT}}{{.}}") == true)
        let includers = sources.filter { $0.value.contains("partials/trusted-markup") }.keys.sorted()
        #expect(includers == ["partials/chart"])
        // Every section around a chart is a TrustedMarkup field of its view model.
        let fields = Dictionary(uniqueKeysWithValues: Mirror(reflecting: Fixtures.statistics).children.compactMap { child in
            child.label.map { ($0, child.value) }
        })
        let campaignFields = Set(Mirror(reflecting: Fixtures.statistics.campaigns[0]).children.compactMap { child in
            (child.value is TrustedMarkup || child.value is TrustedMarkup?) ? child.label : nil
        })
        var wrapped = 0
        for (name, source) in sources where source.contains("partials/chart") {
            for match in source.matches(of: /\{\{#(\w+)\}\}\{\{> partials\/chart\}\}\{\{\/(\w+)\}\}/) {
                let field = String(match.output.1)
                #expect(field == String(match.output.2))
                let value = fields[field]
                #expect(value is TrustedMarkup || campaignFields.contains(field), "\(name): \(field) is not TrustedMarkup")
                wrapped += 1
            }
            #expect(source.components(separatedBy: "partials/chart").count - 1 == source.matches(of: /\{\{> partials\/chart\}\}/).count)
        }
        #expect(wrapped == 11)
    }

    @Test("a caller's text on the page is escaped, the charts' markup is not")
    func escaping() throws {
        let hostile = Fixtures.hostile
        let (html, root) = try render(Fixtures.statisticsPage(text: hostile, name: hostile, generatedAt: hostile), .en)
        #expect(!html.contains("<script>"))
        #expect(root.elements(named: "script").isEmpty)
        #expect(root.elements(named: "svg").count == 11)
        #expect(root.elements { $0.name == "th" && $0["scope"] == "row" }.first?.textContent == hostile)
    }
}
