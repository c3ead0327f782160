import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A rendered page parsed as XML: the test's proof that every element is closed and every
/// attribute quoted, and a small tree to query.
final class HTMLElement {
    let name: String
    let attributes: [String: String]
    private(set) var children: [HTMLElement] = []
    private(set) weak var parent: HTMLElement?
    /// Text and child elements in document order, for `textContent`.
    private var parts: [Part] = []

    private enum Part {
        case text(String)
        case element(HTMLElement)
    }

    init(name: String, attributes: [String: String], parent: HTMLElement?) {
        self.name = name
        self.attributes = attributes
        self.parent = parent
    }

    subscript(attribute: String) -> String? { attributes[attribute] }

    var textContent: String {
        parts.map { part in
            switch part {
            case .text(let text): text
            case .element(let element): element.textContent
            }
        }.joined()
    }

    /// Text with runs of white space collapsed, as a reader would hear it.
    var normalizedText: String {
        textContent.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// This element and all below it, in document order.
    var allElements: [HTMLElement] {
        [self] + children.flatMap(\.allElements)
    }

    func elements(named name: String) -> [HTMLElement] {
        allElements.filter { $0.name == name }
    }

    func elements(where predicate: (HTMLElement) -> Bool) -> [HTMLElement] {
        allElements.filter(predicate)
    }

    var ancestors: [HTMLElement] {
        var result: [HTMLElement] = []
        var current = parent
        while let element = current {
            result.append(element)
            current = element.parent
        }
        return result
    }

    func hasClass(_ name: String) -> Bool {
        (attributes["class"] ?? "").split(separator: " ").contains { $0 == name }
    }

    fileprivate func append(_ child: HTMLElement) {
        children.append(child)
        parts.append(.element(child))
    }

    fileprivate func append(text: String) {
        parts.append(.text(text))
    }
}

struct HTMLParseError: Error, CustomStringConvertible {
    let description: String
}

/// Parses a rendered page: it must start with `<!DOCTYPE html>`, and the rest must be
/// well-formed XML.
///
/// swift-corelibs-foundation's `XMLParser.parse()` can return `true` after an error (it
/// reports a mismatched end tag and goes on), so any reported error, any element left
/// open and a missing root all count as failures.
func parseHTML(_ html: String) throws -> HTMLElement {
    let doctype = "<!DOCTYPE html>\n"
    guard html.hasPrefix(doctype) else { throw HTMLParseError(description: "no <!DOCTYPE html> line") }
    let body = String(html.dropFirst(doctype.count))
    let builder = TreeBuilder()
    let parser = XMLParser(data: Data(body.utf8))
    parser.delegate = builder
    let finished = parser.parse()
    let error = builder.firstError ?? parser.parserError
    guard finished, error == nil, builder.isBalanced, let root = builder.root else {
        let line = builder.errorLine ?? parser.lineNumber
        let lines = body.split(separator: "\n", omittingEmptySubsequences: false)
        let context = line > 0 && line <= lines.count ? String(lines[line - 1]) : ""
        throw HTMLParseError(
            description: "not well-formed XML at line \(line): \(String(describing: error)) near: \(context)")
    }
    return root
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    var root: HTMLElement?
    var firstError: (any Error)?
    var errorLine: Int?
    private var stack: [HTMLElement] = []
    private var roots = 0

    var isBalanced: Bool { stack.isEmpty && roots == 1 }

    func parser(_ parser: XMLParser, parseErrorOccurred parseError: any Error) {
        guard firstError == nil else { return }
        firstError = parseError
        errorLine = parser.lineNumber
    }

    func parser(_ parser: XMLParser, validationErrorOccurred validationError: any Error) {
        self.parser(parser, parseErrorOccurred: validationError)
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        let element = HTMLElement(name: elementName, attributes: attributes, parent: stack.last)
        if let parent = stack.last {
            parent.append(element)
        } else {
            root = element
            roots += 1
        }
        stack.append(element)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        guard stack.last?.name == elementName else {
            if firstError == nil {
                firstError = HTMLParseError(description: "</\(elementName)> closes <\(stack.last?.name ?? "nothing")>")
                errorLine = parser.lineNumber
            }
            return
        }
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.append(text: string)
    }
}
