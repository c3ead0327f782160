import Foundation
import Testing

@testable import MynaPortalPages

/// Checks every page, in both languages, must pass.
@Suite("Every page")
struct RenderedPageTests {
    let renderer: PortalRenderer

    init() throws {
        renderer = try PortalRenderer()
    }

    @Test("parses as XML, with the page's language on <html>", arguments: Fixtures.samples, PortalLanguage.allCases)
    func parsesAsXML(sample: Sample, language: PortalLanguage) throws {
        let html = try sample.render(renderer, language)
        let root = try parseHTML(html)
        #expect(root.name == "html")
        #expect(root["lang"] == language.rawValue)
        #expect(root.elements(named: "title").first?.textContent.contains(PortalStrings.table(for: language)["site_name"]!) == true)
        let stylesheets = root.elements { $0.name == "link" && $0["rel"] == "stylesheet" }.map { $0["href"] }
        #expect(stylesheets == ["/portal/static/portal.css"])
    }

    @Test("has a skip link to main#main, one <h1> and headings in order", arguments: Fixtures.samples, PortalLanguage.allCases)
    func structure(sample: Sample, language: PortalLanguage) throws {
        let root = try parseHTML(try sample.render(renderer, language))
        let skip = root.elements { $0.hasClass("skip-link") }
        #expect(skip.count == 1 && skip.first?["href"] == "#main")
        let main = root.elements(named: "main")
        #expect(main.count == 1 && main.first?["id"] == "main")

        let levels = root.allElements.compactMap { element -> Int? in
            guard element.name.count == 2, element.name.first == "h", let level = Int(element.name.dropFirst()) else { return nil }
            return level
        }
        #expect(levels.filter { $0 == 1 }.count == 1, "exactly one h1")
        #expect(levels.first == 1, "the first heading is the h1")
        for (previous, next) in zip(levels, levels.dropFirst()) {
            #expect(next <= previous + 1, "heading level jumps from h\(previous) to h\(next)")
        }
        // The <h1> is the page title also used in <title>.
        let h1 = try #require(root.elements(named: "h1").first).normalizedText
        #expect(root.elements(named: "title").first?.textContent.hasPrefix(h1) == true)
    }

    @Test("offers the other language on the same path", arguments: Fixtures.samples, PortalLanguage.allCases)
    func languageSwitch(sample: Sample, language: PortalLanguage) throws {
        let root = try parseHTML(try sample.render(renderer, language))
        let other = language == .ja ? "en" : "ja"
        let links = root.elements { $0.name == "a" && $0["hreflang"] != nil }
        #expect(links.count == 1)
        let link = try #require(links.first)
        #expect(link["href"] == "\(sample.path)?lang=\(other)")
        #expect(link["hreflang"] == other && link["lang"] == other)
        #expect(link.normalizedText == (language == .ja ? "English" : "日本語"))
    }

    @Test("carries the CSRF token in every POST form", arguments: Fixtures.samples, PortalLanguage.allCases)
    func csrfInEveryPostForm(sample: Sample, language: PortalLanguage) throws {
        let root = try parseHTML(try sample.render(renderer, language))
        let forms = root.elements(named: "form")
        for form in forms {
            let method = try #require(form["method"]).lowercased()
            #expect(method == "post" || method == "get")
            guard method == "post" else { continue }
            let tokens = form.elements {
                $0.name == "input" && $0["type"] == "hidden" && $0["name"] == "csrf"
            }
            #expect(tokens.count == 1, "form \(form["action"] ?? "?") has \(tokens.count) csrf fields")
            #expect(tokens.first?["value"] == Fixtures.csrfToken)
        }
        // Signed in: the sign-out form is there and posts to the right place.
        let signOut = forms.filter { $0["action"] == "/portal/sign-out" }
        #expect(signOut.count == (sample.signedIn ? 1 : 0))
    }

    @Test("has no inline script, style or event handler", arguments: Fixtures.samples, PortalLanguage.allCases)
    func noInlineCode(sample: Sample, language: PortalLanguage) throws {
        let html = try sample.render(renderer, language)
        #expect(!html.contains("<script"))
        #expect(!html.contains("<style"))
        #expect(!html.contains("style="))
        #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil)
        #expect(!html.contains("javascript:"))
        let root = try parseHTML(html)
        for element in root.allElements {
            #expect(!["script", "style", "iframe", "object", "embed"].contains(element.name))
            for name in element.attributes.keys {
                #expect(name != "style" && !name.lowercased().hasPrefix("on"), "\(element.name) has \(name)")
            }
        }
    }

    @Test("labels every control, groups radios in a fieldset with a legend", arguments: Fixtures.samples, PortalLanguage.allCases)
    func labels(sample: Sample, language: PortalLanguage) throws {
        let root = try parseHTML(try sample.render(renderer, language))
        let labelled = Set(root.elements(named: "label").compactMap { $0["for"] })
        let controls = root.elements {
            ($0.name == "input" && !["hidden", "submit"].contains($0["type"] ?? "text")) || $0.name == "select"
                || $0.name == "textarea"
        }
        for control in controls {
            let id = try #require(control["id"], "a \(control.name) named \(control["name"] ?? "?") has no id")
            #expect(labelled.contains(id), "no <label for=\"\(id)\">")
        }
        for radio in controls where radio["type"] == "radio" {
            let fieldset = radio.ancestors.first { $0.name == "fieldset" }
            #expect(fieldset?.children.first?.name == "legend", "radio \(radio["id"] ?? "?") is not in a fieldset with a legend")
            #expect(radio["checked"] == nil || radio["name"] != "confirm", "the confirmation must never be pre-selected")
        }
        for button in root.elements(named: "button") {
            #expect(!button.normalizedText.isEmpty)
        }
    }

    @Test("has captioned tables with scoped headers and unique ids", arguments: Fixtures.samples, PortalLanguage.allCases)
    func tablesAndIDs(sample: Sample, language: PortalLanguage) throws {
        let root = try parseHTML(try sample.render(renderer, language))
        for table in root.elements(named: "table") {
            #expect(table.children.first?.name == "caption")
            #expect(table.children.first.map { !$0.normalizedText.isEmpty } == true)
        }
        for header in root.elements(named: "th") {
            #expect(header["scope"] == "row" || header["scope"] == "col")
        }
        let ids = root.allElements.compactMap { $0["id"] }
        #expect(Set(ids).count == ids.count, "duplicate ids: \(ids)")
        // Every in-page link and every aria reference points at something that exists.
        let idSet = Set(ids)
        for link in root.elements(named: "a") {
            if let href = link["href"], href.hasPrefix("#") {
                #expect(idSet.contains(String(href.dropFirst())), "link to missing \(href)")
            }
        }
        for element in root.allElements {
            for attribute in ["aria-describedby", "aria-labelledby"] {
                for reference in (element[attribute] ?? "").split(separator: " ") {
                    #expect(idSet.contains(String(reference)), "\(attribute) points at missing \(reference)")
                }
            }
        }
    }

    @Test("shows navigation only when signed in, marking the current section", arguments: Fixtures.samples)
    func navigation(sample: Sample) throws {
        let root = try parseHTML(try sample.render(renderer, .ja))
        let navs = root.elements(named: "nav")
        guard sample.signedIn else {
            #expect(navs.isEmpty)
            return
        }
        let nav = try #require(navs.first)
        #expect(navs.count == 1 && nav["aria-label"] == "メインメニュー")
        let links = nav.elements(named: "a")
        #expect(links.map { $0["href"] } == LayoutContext.sections.map(\.path))
        let current = links.filter { $0["aria-current"] == "page" }.compactMap { $0["href"] }
        let expected = LayoutContext.sections.filter { $0.contains(sample.path) }.map(\.path)
        #expect(current == expected)
        #expect(current.count <= 1)
    }

    @Test("escapes every caller-supplied value", arguments: Fixtures.hostileSamples, PortalLanguage.allCases)
    func escaping(sample: Sample, language: PortalLanguage) throws {
        let hostile = Fixtures.hostile
        let layout = LayoutContext(
            language: language, currentPath: sample.path + "\"><script>alert(2)</script>", signedIn: sample.signedIn,
            residentName: hostile, csrfToken: hostile, flash: FlashMessage(kind: .error, text: .verbatim(hostile)))
        let html = try renderer.render(sample.page, layout: layout)
        #expect(!html.contains("<script>"))
        #expect(!html.contains("alert(1)</"))
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        let root = try parseHTML(html)
        #expect(root.elements(named: "script").isEmpty)
        // Escaped text reads back as the original.
        #expect(root.allElements.contains { $0.textContent == hostile })
        if sample.signedIn {
            #expect(root.elements { $0["name"] == "csrf" }.allSatisfy { $0["value"] == hostile })
        }
    }

    @Test("shows a flash message as text, announced by role", arguments: PortalLanguage.allCases)
    func flash(language: PortalLanguage) throws {
        let sample = Fixtures.samples[3]
        for (kind, role) in [(FlashMessage.Kind.info, "status"), (.error, "alert")] {
            let flash = FlashMessage(kind: kind, text: .key("account_submit"))
            let root = try parseHTML(try sample.render(renderer, language, flash: flash))
            let box = try #require(root.elements { $0.hasClass("flash") }.first)
            #expect(box["role"] == role)
            let strings = PortalStrings.table(for: language)
            #expect(box.normalizedText == "\(strings[kind == .info ? "flash_info" : "flash_error"]!) \(strings["account_submit"]!)")
        }
    }
}
