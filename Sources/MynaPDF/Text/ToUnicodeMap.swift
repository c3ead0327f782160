/// The `/ToUnicode` CMap of a font (ISO 32000-1 §9.10.3).
///
/// With `UniJIS-UTF16-H` a character code *is* the UTF-16 encoding of the character, so the
/// map is the identity on the codes actually used. Without it a reader maps codes to CIDs
/// and CIDs back to Unicode, which merges characters sharing a glyph (U+2212 MINUS SIGN and
/// U+FF0D FULLWIDTH HYPHEN-MINUS, for instance) and loses the one that was written.
enum ToUnicodeMap {
    static func cmap(for scalars: [UInt32]) -> String {
        var lines = [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Myna-UTF16-UCS def",
            "/CMapType 2 def",
            "3 begincodespacerange",
            "<0000> <D7FF>",
            "<D800DC00> <DBFFDFFF>",
            "<E000> <FFFF>",
            "endcodespacerange",
        ]
        let codes = scalars.compactMap(Unicode.Scalar.init).map { PDFSyntax.hexUTF16(String($0)) }
        // At most 100 entries per bfchar block (§9.10.3 via Adobe TN 5014).
        var start = 0
        while start < codes.count {
            let block = codes[start..<min(start + 100, codes.count)]
            lines.append("\(block.count) beginbfchar")
            lines += block.map { "<\($0)> <\($0)>" }
            lines.append("endbfchar")
            start += 100
        }
        lines += [
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
        return lines.joined(separator: "\n") + "\n"
    }
}
