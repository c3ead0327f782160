import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// An SVG document as Foundation's XMLParser sees it.
///
/// Parsing every chart with a real XML parser is the test that matters for
/// escaping: a label that broke out of its text node or attribute would
/// either fail to parse or show up as an element of its own.
struct ParsedSVG {
    struct Element {
        var name: String
        var attributes: [String: String]
        /// Text directly inside the element.
        var text: String
    }

    /// Every element in document order, the root first.
    let elements: [Element]

    init(_ markup: String) throws {
        let reader = Reader()
        let parser = XMLParser(data: Data(markup.utf8))
        parser.delegate = reader
        parser.shouldProcessNamespaces = false
        guard parser.parse() else {
            throw ParseError(reason: parser.parserError.map { "\($0)" } ?? "unknown", line: parser.lineNumber)
        }
        elements = reader.finished
    }

    struct ParseError: Error, CustomStringConvertible {
        var reason: String
        var line: Int
        var description: String { "not well-formed at line \(line): \(reason)" }
    }

    var root: Element { elements[0] }

    func all(_ name: String) -> [Element] {
        elements.filter { $0.name == name }
    }

    /// Elements whose class list contains `className`.
    func all(withClass className: String) -> [Element] {
        elements.filter { ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(className)) }
    }

    func element(withID id: String) -> Element? {
        elements.first { $0.attributes["id"] == id }
    }

    /// The text of every element, as a reader or screen reader would get it.
    var texts: [String] {
        elements.map(\.text).filter { !$0.isEmpty }
    }

    /// The root's `<title>` and `<desc>`, found through `aria-labelledby`.
    var accessibleName: (title: String, description: String)? {
        let ids = (root.attributes["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
        guard ids.count == 2,
            let title = element(withID: ids[0]), title.name == "title",
            let description = element(withID: ids[1]), description.name == "desc"
        else { return nil }
        return (title.text, description.text)
    }

    private final class Reader: NSObject, XMLParserDelegate {
        var finished: [Element] = []
        private var open: [Int] = []

        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
            qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            open.append(finished.count)
            finished.append(Element(name: elementName, attributes: attributes, text: ""))
        }

        func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            guard let current = open.last else { return }
            finished[current].text += string
        }
    }
}
