import MynaCharts
import Testing

/// Every chart is a well-formed, accessible, CSP-safe SVG document.
@Suite struct DocumentTests {
    static let samples = Samples.all

    @Test(arguments: samples.map(\.name))
    func isWellFormedXML(name: String) throws {
        _ = try ParsedSVG(Self.svg(name))
    }

    @Test(arguments: samples.map(\.name))
    func isAnAccessibleStandaloneImage(name: String) throws {
        let parsed = try ParsedSVG(Self.svg(name))
        #expect(parsed.root.name == "svg")
        #expect(parsed.root.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        #expect(parsed.root.attributes["role"] == "img")
        #expect(parsed.root.attributes["viewBox"]?.hasPrefix("0 0 ") == true)
        let accessible = try #require(parsed.accessibleName)
        #expect(!accessible.title.isEmpty)
        #expect(!accessible.description.isEmpty)
    }

    @Test(arguments: samples.map(\.name))
    func hasNoInlineStyles(name: String) throws {
        let svg = Self.svg(name)
        #expect(!svg.contains("style="))
        #expect(!svg.contains("<style"))
        let parsed = try ParsedSVG(svg)
        #expect(parsed.all("style").isEmpty)
        #expect(parsed.elements.allSatisfy { $0.attributes["style"] == nil })
        #expect(parsed.all("script").isEmpty)
    }

    @Test(arguments: samples.map(\.name))
    func idsAreUniquePrefixedAndEveryReferenceResolves(name: String) throws {
        let parsed = try ParsedSVG(Self.svg(name))
        let prefix = try #require(parsed.root.attributes["id"])
        let ids = parsed.elements.compactMap { $0.attributes["id"] }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0.hasPrefix(prefix) })

        let references = parsed.elements.flatMap { $0.attributes.values }
            .filter { $0.hasPrefix("url(#") }
            .map { String($0.dropFirst(5).dropLast()) }
        for reference in references {
            #expect(ids.contains(reference), "url(#\(reference)) points nowhere")
        }
    }

    @Test(arguments: samples.map(\.name))
    func numbersArePlainFixedPrecisionDecimals(name: String) throws {
        let parsed = try ParsedSVG(Self.svg(name))
        for element in parsed.elements {
            for (attribute, value) in element.attributes where Inspection.numericAttributes.contains(attribute) {
                #expect(Inspection.isPlainDecimal(value), "\(element.name) \(attribute)=\"\(value)\"")
            }
        }
    }

    @Test func severalChartsOnOnePageShareNoIDs() throws {
        let pageIDs = try Samples.all.flatMap { try ParsedSVG($0.svg).elements.compactMap { $0.attributes["id"] } }
        #expect(Set(pageIDs).count == pageIDs.count)
    }

    private static func svg(_ name: String) -> String {
        samples.first { $0.name == name }!.svg
    }
}
