/// Writes SVG markup, one element per line, indented by nesting depth.
///
/// Every attribute value and text node is escaped here, in one place, so no
/// drawing code can forget it. There is deliberately no way to write inline
/// CSS: the statistics page's Content-Security-Policy (`style-src 'self'`)
/// would drop a `style` attribute or `<style>` element, so looks come from
/// presentation attributes (`fill`, `stroke`, `font-size`) and from classes
/// the page's stylesheet can target.
struct SVGWriter {
    /// Attributes in the order they are written. An empty value leaves the
    /// attribute out, which keeps optional attributes readable at call sites.
    typealias Attributes = KeyValuePairs<String, String>

    private(set) var markup = ""
    private var depth = 0

    mutating func open(_ name: String, _ attributes: Attributes = [:]) {
        line("<\(name)\(Self.render(attributes))>")
        depth += 1
    }

    mutating func close(_ name: String) {
        depth -= 1
        line("</\(name)>")
    }

    /// An element without content, such as `<rect …/>`.
    mutating func element(_ name: String, _ attributes: Attributes = [:]) {
        Self.checkName(name)
        line("<\(name)\(Self.render(attributes))/>")
    }

    /// An element whose only content is text, such as `<text …>label</text>`.
    mutating func element(_ name: String, _ attributes: Attributes = [:], text: String) {
        Self.checkName(name)
        line("<\(name)\(Self.render(attributes))>\(XMLText.escaped(text))</\(name)>")
    }

    /// An element around whatever `body` writes.
    mutating func group(_ name: String = "g", _ attributes: Attributes = [:], _ body: (inout SVGWriter) -> Void) {
        Self.checkName(name)
        open(name, attributes)
        body(&self)
        close(name)
    }

    private mutating func line(_ text: String) {
        markup += String(repeating: "  ", count: depth) + text + "\n"
    }

    private static func render(_ attributes: Attributes) -> String {
        var result = ""
        for (name, value) in attributes where !value.isEmpty {
            assert(name != "style", "The page's CSP forbids inline styles; use presentation attributes or classes.")
            result += " \(name)=\"\(XMLText.escaped(value))\""
        }
        return result
    }

    private static func checkName(_ name: String) {
        assert(name != "style", "The page's CSP forbids <style> elements; use the page's stylesheet.")
    }
}
