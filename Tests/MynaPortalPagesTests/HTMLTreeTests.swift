import Testing

/// The XML check itself must catch what it is there for.
@Suite("XML check")
struct HTMLTreeTests {
    @Test(
        "rejects malformed markup",
        arguments: [
            "<html><body><input name=\"a\"></body></html>",
            "<html><p>a<br>b</p></html>",
            "<html><p class=x>a</p></html>",
            "<html><p>a &nbsp; b</p></html>",
            "<html><p>a & b</p></html>",
            "<html><p>a</p></html><html></html>",
            "<html><p>a</p>",
        ])
    func rejects(body: String) {
        #expect(throws: HTMLParseError.self) { try parseHTML("<!DOCTYPE html>\n" + body) }
    }

    @Test("accepts well-formed markup and reads it back")
    func accepts() throws {
        let root = try parseHTML("<!DOCTYPE html>\n<html lang=\"ja\"><p class=\"a b\">x &amp; &#39;y&#39;<br />z</p></html>\n")
        #expect(root["lang"] == "ja")
        let p = try #require(root.elements(named: "p").first)
        #expect(p.hasClass("b"))
        #expect(p.textContent == "x & 'y'z")
    }

    @Test("requires the doctype line")
    func doctype() {
        #expect(throws: HTMLParseError.self) { try parseHTML("<html></html>") }
    }
}
