import MynaPDF
import Testing

@Suite struct DeterminismTests {
    @Test func sha256MatchesTheFIPSExamples() {
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func sameCertificateGivesIdenticalBytes() throws {
        let first = try Fixtures.certificatePDF()
        let second = try Fixtures.certificatePDF()
        #expect(SHA256.hex(first) == SHA256.hex(second))
        #expect(first == second)
    }

    @Test func anyChangeInTheCertificateChangesTheBytes() throws {
        let original = SHA256.hex(try Fixtures.certificatePDF())
        var changed = try Fixtures.certificate()
        changed.issueNumber = "2025-000124"
        let changedHash = SHA256.hex(try CertificateOfResidenceLayout.render(changed).serialized())
        #expect(changedHash != original)
    }

    @Test func drawingOrderOfFacesDoesNotChangeObjectNumbers() throws {
        let info = try DocumentStructureTests.info()
        var gothicFirst = PDFPage()
        try gothicFirst.drawText("ゴ", at: PDFPoint(x: 0, y: 0), size: 10)
        try gothicFirst.drawText("明", at: PDFPoint(x: 0, y: 20), font: .mincho, size: 10)
        var minchoFirst = PDFPage()
        try minchoFirst.drawText("明", at: PDFPoint(x: 0, y: 20), font: .mincho, size: 10)
        try minchoFirst.drawText("ゴ", at: PDFPoint(x: 0, y: 0), size: 10)
        let a = try PDFFile(PDFDocument(info: info, pages: [gothicFirst]).serialized())
        let b = try PDFFile(PDFDocument(info: info, pages: [minchoFirst]).serialized())
        #expect(a.object(4) == b.object(4))
        #expect(a.object(8) == b.object(8))
    }
}
