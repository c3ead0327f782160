import Foundation
import Mustache

/// Renders portal pages to HTML. Templates are loaded and parsed once, from the module's
/// bundle (`Templates/`): `layout.mustache` is the page shell, each page's template under
/// `pages/` extends it (`{{<layout}}` with `{{$main}}` and, for the sign-in refresh,
/// `{{$head}}`), and small shared pieces live under `partials/`.
///
/// Templates see three values: `t` (the string catalog in the page's language), `layout`
/// (language, title, navigation, CSRF token, flash) and `page` (the view model).
public struct PortalRenderer: Sendable {
    private let library: MustacheLibrary

    public init() throws {
        var library = MustacheLibrary()
        for (name, source) in try Self.templateSources() {
            do {
                try library.register(source, named: name)
            } catch {
                throw PortalPagesError.templateInvalid(name, error)
            }
        }
        guard library.getTemplate(named: "layout") != nil else { throw PortalPagesError.templateMissing("layout") }
        self.library = library
    }

    /// The complete HTML document for `page`, starting with `<!DOCTYPE html>`.
    public func render(_ page: some PortalPage, layout: LayoutContext) throws -> String {
        let values = TemplateValues(language: layout.language)
        let root: [String: Any] = [
            "t": values.strings,
            "layout": try layoutValues(layout, pageTitle: page.title, values),
            "page": try values.value(page),
        ]
        let name = type(of: page).templateName
        guard let html = library.render(root, withTemplate: name) else { throw PortalPagesError.templateMissing(name) }
        return html
    }

    /// The portal's stylesheet, to be served at `/portal/static/portal.css` (the only
    /// stylesheet the pages link to; the CSP allows `style-src 'self'` and nothing inline).
    public static var stylesheet: String { Stylesheet.text }

    private func layoutValues(_ layout: LayoutContext, pageTitle: PortalText, _ values: TemplateValues) throws -> [String: Any] {
        let path = Self.safePath(layout.currentPath)
        let other = layout.language.other
        let nav: [Any] = try LayoutContext.sections.map { section in
            [
                "path": section.path,
                "label": try values.text(.key(section.labelKey)),
                "current": section.contains(path),
            ] as [String: Any]
        }
        var flash: Any = NSNull()
        if let message = layout.flash {
            flash = [
                "kind": try values.value(message.kind),
                "role": message.kind == .error ? "alert" : "status",
                "text": try values.text(message.text),
            ] as [String: Any]
        }
        return [
            "language": layout.language.rawValue,
            "otherLanguage": other.rawValue,
            "languageSwitchHref": Self.languageSwitch(path: path, query: layout.currentQuery, to: other),
            "title": try values.text(layout.title ?? pageTitle),
            "signedIn": layout.signedIn,
            "residentName": layout.residentName.map { $0 as Any } ?? NSNull(),
            "csrfToken": layout.csrfToken,
            "nav": nav,
            "flash": flash,
        ]
    }

    /// The same page in the other language: the query kept (its own `lang` dropped).
    static func languageSwitch(path: String, query: String?, to language: PortalLanguage) -> String {
        let kept = (query ?? "").split(separator: "&").filter { !$0.hasPrefix("lang=") && !$0.contains("#") && !$0.contains(" ") }
        return path + "?" + (kept + ["lang=\(language.rawValue)"]).joined(separator: "&")
    }

    /// The current path as links may use it: the query dropped, and anything that is not a
    /// plain absolute path (`//host`, `\\`, a scheme) replaced by `/portal`, so the language
    /// switch can never point off-site.
    static func safePath(_ path: String) -> String {
        let path = String(path.prefix { $0 != "?" && $0 != "#" })
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\"),
            path.allSatisfy({ !$0.isWhitespace && !$0.isNewline })
        else { return "/portal" }
        return path
    }

    /// Every `.mustache` file under the bundle's `Templates/`, by name relative to it
    /// without the extension (`layout`, `pages/home`, `partials/log-check`).
    static func templateSources() throws -> [String: String] {
        guard let directory = Bundle.module.url(forResource: "Templates", withExtension: nil) else {
            throw PortalPagesError.resourcesMissing("Templates")
        }
        let root = directory.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw PortalPagesError.resourcesMissing(root)
        }
        var sources: [String: String] = [:]
        for case let relative as String in enumerator where relative.hasSuffix(".mustache") {
            let source = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            sources[String(relative.dropLast(".mustache".count))] = source
        }
        return sources
    }
}

enum Stylesheet {
    static let text: String = {
        guard let url = Bundle.module.url(forResource: "portal", withExtension: "css"),
            let css = try? String(contentsOf: url, encoding: .utf8)
        else {
            // The stylesheet ships in the module's bundle; without it the build is broken.
            preconditionFailure("portal.css is missing from the MynaPortalPages bundle")
        }
        return css
    }()
}
