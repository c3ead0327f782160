import Foundation
import Mustache

/// Turns a view model into the dictionaries and arrays the templates read, in one language.
///
/// Rendering the view models through these plain values, rather than letting the template
/// engine reflect on them directly, does three things:
/// - `PortalText` becomes text in the page's language, and an unknown key is an error;
/// - an enum becomes `{"case": name, name: true or its payload, "label": text}`, so a
///   template writes `{{status.label}}`, `{{#logCheck.verified}}…{{/logCheck.verified}}`
///   or `class="status-{{status.case}}"`;
/// - `nil` becomes `NSNull`, which mustache treats as found-but-false. A missing key would
///   instead make mustache look it up in the enclosing objects and maybe find another.
/// - ``TrustedMarkup`` stays markup: escaped by `{{…}}` like any text, written as it is
///   only by `partials/trusted-markup`.
struct TemplateValues {
    let language: PortalLanguage
    let strings: [String: String]

    init(language: PortalLanguage) {
        self.language = language
        self.strings = PortalStrings.table(for: language)
    }

    func text(_ text: PortalText) throws -> String {
        switch text {
        case .verbatim(let string):
            return string
        case .key(let key):
            guard let string = strings[key] else { throw PortalPagesError.stringMissing(key, language) }
            return string
        }
    }

    func value(_ any: Any) throws -> Any {
        switch any {
        case let string as String: return string
        case let bool as Bool: return bool
        case let int as Int: return int
        case let text as PortalText: return try self.text(text)
        case let markup as TrustedMarkup: return RawMarkup(text: markup.markup)
        case let dictionary as [String: Any]: return try dictionary.mapValues(value)
        default: break
        }
        let mirror = Mirror(reflecting: any)
        switch mirror.displayStyle {
        case .optional:
            guard let wrapped = mirror.children.first?.value else { return NSNull() }
            return try value(wrapped)
        case .collection, .set:
            return try mirror.children.map { try value($0.value) }
        case .dictionary:
            // Children are (key, value) pairs; keys are shown by name.
            var dictionary: [String: Any] = [:]
            for child in mirror.children {
                let pair = Array(Mirror(reflecting: child.value).children)
                guard pair.count == 2 else { continue }
                dictionary[String(describing: pair[0].value)] = try value(pair[1].value)
            }
            return dictionary
        case .enum:
            return try enumValue(any, mirror)
        case .struct, .class, .tuple:
            var dictionary: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label else { continue }
                dictionary[label] = try value(child.value)
            }
            if let extras = any as? any TemplateExtras {
                for (key, extra) in extras.templateExtras {
                    dictionary[key] = try value(extra)
                }
            }
            return dictionary
        default:
            return String(describing: any)
        }
    }

    private func enumValue(_ any: Any, _ mirror: Mirror) throws -> Any {
        var dictionary: [String: Any] = [:]
        let name: String
        if let payload = mirror.children.first, let label = payload.label {
            name = label
            dictionary[label] = try value(payload.value)
        } else {
            name = String(describing: any)
            dictionary[name] = true
        }
        dictionary["case"] = name
        if let labelled = any as? any CatalogLabelled {
            dictionary["label"] = try text(.key(labelled.labelKey))
        }
        return dictionary
    }
}

/// A ``TrustedMarkup`` as the template engine sees it: its text is what `{{.}}` writes,
/// which escapes it unless the template's content type is TEXT (`partials/trusted-markup`).
private struct RawMarkup: MustacheCustomRenderable {
    let text: String
    var renderText: String { text }
    var isNull: Bool { false }
}
