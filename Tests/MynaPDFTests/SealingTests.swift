import Foundation
import MynaPDF
import Testing

@Suite struct SealingTests {
    /// Stands in for a signer: deterministic, and a function of every signed byte.
    static func sign(_ bytes: [UInt8]) -> [UInt8] { Array("myna-test.\(SHA256.hex(bytes))".utf8) }

    static func certificate() throws -> PDFDocument {
        try CertificateOfResidenceLayout.render(Fixtures.certificate())
    }

    /// One page with a line and no fonts: small enough to tamper with every byte.
    static func smallDocument() throws -> PDFDocument {
        var page = PDFPage()
        page.drawLine(from: PDFPoint(x: 0, y: 0), to: PDFPoint(x: 100, y: 100))
        return PDFDocument(info: try DocumentStructureTests.info(), pages: [page])
    }

    static func sealedCertificate() throws -> [UInt8] {
        try PDFDigitalSeal.seal(certificate(), capacity: 512, sign: sign)
    }

    /// The placeholder's digits, found by plain text search rather than the library's code.
    static func placeholderDigits(in pdf: [UInt8]) throws -> Range<Int> {
        let text = String(decoding: pdf.map { $0 < 0x80 ? $0 : 0x3F }, as: UTF8.self)
        let key = try #require(text.range(of: "/MynaSeal <"))
        let start = text.utf8.distance(from: text.startIndex, to: key.upperBound)
        let end = try #require(pdf[start...].firstIndex(of: UInt8(ascii: ">")))
        return start..<end
    }

    /// Upper-case hex, written independently of the library.
    static func upperHex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF")
        return String(bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] })
    }

    static func expectRefused(
        _ pdf: [UInt8], _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let error = #expect(throws: PDFError.self, comment, sourceLocation: sourceLocation) {
            try PDFDigitalSeal.extract(from: pdf)
        }
        #expect(error?.code == .invalidSeal, comment, sourceLocation: sourceLocation)
    }

    /// `pdf` with `old` replaced by `new`, which must have the same length so that every
    /// offset stays exact.
    static func replacing(_ old: String, with new: String, in pdf: [UInt8]) throws -> [UInt8] {
        #expect(old.utf8.count == new.utf8.count)
        let pattern = Array(old.utf8)
        let start = try #require(
            pdf.indices.first { pdf[$0...].starts(with: pattern) }, "\(old) not found")
        var result = pdf
        result.replaceSubrange(start..<(start + pattern.count), with: Array(new.utf8))
        return result
    }

    /// `pdf` with an incremental update (ISO 32000-1 §7.5.6) appended that replaces the
    /// information dictionary, as a PDF editor would write it.
    static func appendingUpdate(to pdf: [UInt8], info: String) throws -> [UInt8] {
        let file = try PDFFile(pdf)
        let object = "3 0 obj\n\(info)\nendobj\n"
        let offset = String(pdf.count)
        let table = "xref\n3 1\n\(String(repeating: "0", count: 10 - offset.count) + offset) 00000 n\r\n"
            + "trailer\n<< /Size \(file.entries.count) /Root 1 0 R /Info 3 0 R /Prev \(file.startXref) >>\n"
            + "startxref\n\(pdf.count + object.utf8.count)\n%%EOF\n"
        return pdf + Array((object + table).utf8)
    }

    @Test func extractGivesBackWhatWasSignedAndTheSeal() throws {
        var signed: [UInt8] = []
        let sealed = try PDFDigitalSeal.seal(try Self.certificate(), capacity: 512) { bytes in
            signed = bytes
            return Self.sign(bytes)
        }
        let extracted = try PDFDigitalSeal.extract(from: sealed)
        #expect(extracted.signedBytes == signed)
        #expect(extracted.seal == Self.sign(signed))

        // The signed bytes are the file without the digits: `<` and `>` included.
        let digits = try Self.placeholderDigits(in: sealed)
        #expect(digits.count == 512)
        #expect(signed == Array(sealed[..<digits.lowerBound]) + sealed[digits.upperBound...])
        #expect(sealed[digits.lowerBound - 1] == UInt8(ascii: "<"))
        #expect(signed[digits.lowerBound - 1] == UInt8(ascii: "<"))
        #expect(signed[digits.lowerBound] == UInt8(ascii: ">"))

        // The seal in upper-case hex, then zeros, as the information dictionary's last entry.
        let info = try #require(try PDFFile(sealed).object(3))
        let hex = Self.upperHex(Self.sign(signed))
        #expect(info.hasPrefix("<< /Title "))
        let padding = String(repeating: "0", count: 512 - hex.count)
        #expect(info.hasSuffix(" /CreationDate (D:20250105093000+09'00') /MynaSeal <\(hex + padding)> >>"))
    }

    @Test func sealingKeepsEveryOffsetExactAndChangesNothingElse() throws {
        let document = try Self.certificate()
        let plain = document.serialized()
        let sealed = try Self.sealedCertificate()
        #expect(!String(decoding: plain, as: UTF8.self).contains("MynaSeal"))
        let file = try PDFFile(sealed)
        for (number, entry) in file.entries.enumerated().dropFirst() {
            #expect(sealed[entry.offset...].starts(with: Array("\(number) 0 obj\n".utf8)), "object \(number)")
        }
        // Only the information dictionary differs, by its last entry; the objects after it move.
        let plainFile = try PDFFile(plain)
        #expect(plainFile.entries.count == file.entries.count)
        for number in 1..<file.entries.count where number != 3 {
            #expect(plainFile.object(number) == file.object(number), "object \(number)")
        }
        let plainInfo = try #require(plainFile.object(3))
        let sealedInfo = try #require(file.object(3))
        #expect(sealedInfo.hasPrefix(plainInfo.dropLast(" >>".count) + " /MynaSeal <"))
        #expect(sealedInfo.hasSuffix("> >>"))
    }

    @Test func changingAnyByteOutsideThePlaceholderChangesTheSignedBytes() throws {
        let sealed = try PDFDigitalSeal.seal(try Self.smallDocument(), capacity: 160, sign: Self.sign)
        let original = try PDFDigitalSeal.extract(from: sealed)
        let digits = try Self.placeholderDigits(in: sealed)
        var stillReadable = 0
        for index in sealed.indices where !digits.contains(index) {
            var tampered = sealed
            tampered[index] ^= 0x01
            // Either the file no longer reads as sealed, or a signature check sees other bytes.
            if let result = try? PDFDigitalSeal.extract(from: tampered) {
                #expect(result.signedBytes != original.signedBytes, "byte \(index)")
                stillReadable += 1
            }
        }
        // Content, dates and offsets are still readable after a change: not a vacuous test.
        #expect(stillReadable > 100)
    }

    @Test func changingTheSealLeavesTheSignedBytesButNotTheSeal() throws {
        let sealed = try Self.sealedCertificate()
        let digits = try Self.placeholderDigits(in: sealed)
        var tampered = sealed
        tampered[digits.lowerBound] = UInt8(ascii: "7")  // "m" (6D) becomes "}" (7D)
        let original = try PDFDigitalSeal.extract(from: sealed)
        let changed = try PDFDigitalSeal.extract(from: tampered)
        #expect(changed.signedBytes == original.signedBytes)
        #expect(changed.seal != original.seal)
    }

    @Test func aSealMayFillThePlaceholderButNotExceedIt() throws {
        let document = try Self.smallDocument()
        let full = try PDFDigitalSeal.seal(document, capacity: 8) { _ in Array("JWS!".utf8) }
        #expect(try PDFDigitalSeal.extract(from: full).seal == Array("JWS!".utf8))
        #expect(String(decoding: full, as: UTF8.self).contains("/MynaSeal <4A575321> >>"))

        for seal in ["JWS!!", "", "A\u{0}B"] {
            let error = #expect(throws: PDFError.self, "\(seal.debugDescription)") {
                try PDFDigitalSeal.seal(document, capacity: 8) { _ in Array(seal.utf8) }
            }
            #expect(error?.code == .invalidSeal)
            #expect(error?.description == "PDF error MYNA-PDF-004: invalid seal")
        }
        for capacity in [0, -2, 7, PDFDigitalSeal.maximumCapacity + 2] {
            let error = #expect(throws: PDFError.self, "capacity \(capacity)") {
                try PDFDigitalSeal.seal(document, capacity: capacity, sign: Self.sign)
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test func errorsFromTheSignerPassThrough() throws {
        struct SignerOffline: Error {}
        #expect(throws: SignerOffline.self) {
            try PDFDigitalSeal.seal(try Self.smallDocument(), capacity: 512) { _ in throw SignerOffline() }
        }
    }

    @Test func extractRefusesFilesWithoutOneFilledPlaceholder() throws {
        let sealed = try Self.sealedCertificate()
        let digits = try Self.placeholderDigits(in: sealed)
        Self.expectRefused(try Self.certificate().serialized(), "no placeholder")
        Self.expectRefused(Array(sealed.prefix(5)), "not a whole file")

        var unfilled = sealed
        unfilled.replaceSubrange(digits, with: Array(repeating: UInt8(ascii: "0"), count: digits.count))
        Self.expectRefused(unfilled, "never sealed")

        // The seal starts with "m", 6D.
        let malformations: [(UInt8, Comment)] = [
            (UInt8(ascii: "d"), "lower-case hex"), (UInt8(ascii: "G"), "not hex"),
            (UInt8(ascii: " "), "white space"), (UInt8(ascii: ">"), "early end"),
        ]
        for (digit, why) in malformations {
            var malformed = sealed
            malformed[digits.lowerBound + 1] = digit
            Self.expectRefused(malformed, why)
        }
        var afterTheEnd = sealed
        afterTheEnd[digits.upperBound - 1] = UInt8(ascii: "1")
        Self.expectRefused(afterTheEnd, "nonzero after the terminating 00")

        // One more zero digit: the seal reads the same, but startxref no longer points at
        // the table.
        var longer = sealed
        longer.insert(UInt8(ascii: "0"), at: digits.upperBound)
        Self.expectRefused(longer, "placeholder length changed")
        longer.insert(UInt8(ascii: "0"), at: digits.upperBound)
        Self.expectRefused(longer, "two more: even again")
    }

    @Test func extractRefusesASecondOrMisplacedPlaceholder() throws {
        let sealed = try Self.sealedCertificate()
        // Same length, so every offset is still exact.
        let twice = try Self.replacing("/Producer (Myna)", with: "/MynaSeal <4142>", in: sealed)
        #expect(try PDFFile(twice).object(3) != nil)
        Self.expectRefused(twice)
        let inAStream = try Self.replacing("/CMapType 2 def", with: "/MynaSeal 2 def", in: sealed)
        Self.expectRefused(inAStream)
        // The only one, but outside the information dictionary.
        Self.expectRefused(try Self.replacing("/MynaSeal <", with: "/MynaXeal <", in: inAStream))
    }

    @Test func extractRefusesAnAppendedUpdate() throws {
        let sealed = try Self.sealedCertificate()
        let seal = try PDFDigitalSeal.extract(from: sealed).seal
        let hex = Self.upperHex(seal)
        let forgedSeal = try Self.appendingUpdate(
            to: sealed, info: "<< /Title (Forged) /Producer (Myna) /MynaSeal <\(hex)> >>")
        Self.expectRefused(forgedSeal, "second placeholder in an update")
        let forgedTitle = try Self.appendingUpdate(to: sealed, info: "<< /Title (Forged) /Producer (Myna) >>")
        Self.expectRefused(forgedTitle, "update without a placeholder")
        Self.expectRefused(sealed + Array("\n".utf8), "bytes after %%EOF")
    }

    @Test(arguments: ["%%EOF", "startxref", "/MynaSeal"])
    func sealRefusesADocumentWhoseTextWouldBeAmbiguous(title: String) throws {
        var document = try Self.smallDocument()
        document.info.title = title
        var signed = false
        let error = #expect(throws: PDFError.self) {
            try PDFDigitalSeal.seal(document, capacity: 512) { bytes in
                signed = true
                return Self.sign(bytes)
            }
        }
        #expect(error?.code == .invalidSeal)
        #expect(!signed)
    }

    @Test func sameDocumentAndSignerGiveIdenticalBytes() throws {
        let first = try Self.sealedCertificate()
        let second = try Self.sealedCertificate()
        #expect(SHA256.hex(first) == SHA256.hex(second))
        #expect(first == second)
        var changed = try Fixtures.certificate()
        changed.issueNumber = "2025-000124"
        let other = try PDFDigitalSeal.seal(
            CertificateOfResidenceLayout.render(changed), capacity: 512, sign: Self.sign)
        #expect(try PDFDigitalSeal.extract(from: other).seal != PDFDigitalSeal.extract(from: first).seal)
    }
}

/// What poppler makes of a sealed file: the same document as without the seal.
@Suite(.enabled(if: Poppler.isAvailable, Comment(rawValue: Poppler.skipMessage)))
struct SealingPopplerTests {
    @Test func pdfinfoAndPdftotextSeeTheSameDocument() throws {
        let plain = try Poppler.write(try SealingTests.certificate().serialized())
        let sealed = try Poppler.write(try SealingTests.sealedCertificate())
        let infoBefore = try Poppler.run("pdfinfo", [plain.path])
        let infoAfter = try Poppler.run("pdfinfo", [sealed.path])
        PopplerTests.expectCleanStderr(infoAfter, "pdfinfo")
        // All but the file size, which the placeholder changes, and whether there is custom
        // metadata, which /MynaSeal is.
        let lines = { (result: Poppler.Result) in
            result.text.split(separator: "\n").filter {
                !$0.hasPrefix("File size:") && !$0.hasPrefix("Custom Metadata:")
            }
        }
        #expect(lines(infoAfter) == lines(infoBefore))
        #expect(infoAfter.text.contains("Custom Metadata: yes\n"))
        #expect(lines(infoAfter).contains("Title:           住民票の写し"))

        let textBefore = try Poppler.run("pdftotext", ["-layout", "-enc", "UTF-8", plain.path, "-"])
        let textAfter = try Poppler.run("pdftotext", ["-layout", "-enc", "UTF-8", sealed.path, "-"])
        PopplerTests.expectCleanStderr(textAfter, "pdftotext")
        #expect(textAfter.text == textBefore.text)
        #expect(textAfter.text.contains("住民票の写し"))

        // Custom entries are shown as text: the seal's characters (NUL padding aside).
        let custom = try Poppler.run("pdfinfo", ["-custom", sealed.path])
        PopplerTests.expectCleanStderr(custom, "pdfinfo")
        #expect(custom.text.contains("MynaSeal:        myna-test."))
    }

    @Test func anAppendedUpdateIsWhatReadersShow() throws {
        // Why `extract` refuses updates: poppler shows the update, not the sealed revision.
        let forged = try SealingTests.appendingUpdate(
            to: try SealingTests.sealedCertificate(), info: "<< /Title (Forged) /Producer (Myna) >>")
        let result = try Poppler.run("pdfinfo", [try Poppler.write(forged).path])
        PopplerTests.expectCleanStderr(result, "pdfinfo")
        #expect(result.text.contains("Title:           Forged\n"))
    }
}
