/// Sealing: a detached signature over the whole file, kept inside the file, in the manner of
/// a PDF signature's `/ByteRange` and `/Contents` (ISO 32000-1 §12.8.1) but Myna's own and
/// simpler: no signature dictionary or form field, one revision, and a seal whose format (a
/// compact JWS, say) is the caller's business. Not to be confused with `PDFSeal`, the drawn
/// imprint.
///
/// **Placeholder.** The last entry of the document information dictionary (§14.3.3) is
/// `/MynaSeal <…>`, a hexadecimal string (§7.3.4.3) of `capacity` digits. Sealing writes the
/// digits as `0`, signs the file, then writes the seal over the zeros. The digits keep their
/// number, so the cross-reference offsets (§7.5.4) stay exact and the signed bytes stay the
/// same.
///
/// **Signed bytes.** The whole file without the placeholder's hex digits: every byte up to
/// and including the `<` after `/MynaSeal`, then every byte from the closing `>` to the end
/// of the file. The key, both delimiters, every object, the cross-reference table and the
/// trailer are signed. The number of digits is not, but it decides where the
/// cross-reference table starts, and `startxref`, which is signed, must point there exactly.
///
/// **Seal encoding.** Two upper-case hex digits per seal byte, then `0` digits to the end of
/// the placeholder. A seal is 1 to `capacity / 2` bytes and never contains a zero byte, so
/// it ends at the first `00` pair (or fills the placeholder) and only zeros may follow. UTF-8
/// of a compact JWS (RFC 7515 §7.1) qualifies as it is; a binary signature needs an encoding
/// such as base64url first. With one spelling allowed, the sealed file is a function of the
/// signed bytes and the seal: no other file carries the same seal over the same bytes.
///
/// §14.3.3 wants text strings as the values of keys it does not define; read as text, the
/// entry is the seal's characters followed by NULs, which is what a reader listing custom
/// entries shows. It is there for verifiers, not for display.
public enum PDFDigitalSeal {
    /// The most hex digits a placeholder may have: a 32 KiB seal, room for a JWS carrying
    /// its certificate chain (`x5c`) without bloating a file a kiosk prints.
    public static let maximumCapacity = 65_536

    /// The information-dictionary key of the placeholder.
    static let key = "MynaSeal"

    /// Serialises `document` with a placeholder of `capacity` hex digits (even, 2 to
    /// `maximumCapacity`), passes the signed bytes (see the type) to `sign` and writes the
    /// seal it returns into the placeholder.
    ///
    /// Deterministic when `sign` is: the document alone fixes the signed bytes. Throws what
    /// `sign` throws, unchanged; `PDFError` `invalidArgument` for a capacity out of range; and
    /// `invalidSeal` for a seal that is empty, longer than `capacity / 2` bytes or contains a
    /// zero byte, or for a document whose own strings hold `%%EOF`, `startxref` or
    /// `/MynaSeal`, which would make `extract` refuse the file.
    public static func seal(
        _ document: PDFDocument, capacity: Int, sign: ([UInt8]) throws -> [UInt8]
    ) throws -> [UInt8] {
        guard (2...maximumCapacity).contains(capacity), capacity % 2 == 0 else {
            throw PDFError.invalidArgument("a seal capacity is an even number of hex digits up to \(maximumCapacity)")
        }
        var file = PDFWriter(document: document, sealPlaceholderDigits: capacity).write()
        // The same strict reading as `extract`, so that every file returned can be verified.
        let digits = try placeholder(in: file)
        let seal = try sign(signedBytes(of: file, excluding: digits))
        guard !seal.isEmpty, seal.count <= capacity / 2, !seal.contains(0) else {
            throw PDFError.invalidSeal("a seal is 1 to \(capacity / 2) bytes, none of them zero")
        }
        file.replaceSubrange(digits.lowerBound..<(digits.lowerBound + 2 * seal.count), with: hexDigits(of: seal))
        return file
    }

    /// The bytes that were signed and the seal, from the bytes of a file `seal` wrote and
    /// nothing else, so that a verifier can work offline with the signer's public key.
    ///
    /// Strict: throws `invalidSeal` for anything but the layout `PDFWriter` produces with
    /// exactly one filled placeholder (see `placeholder(in:)`) — for a placeholder still all
    /// zeros, too, as in a file that was never sealed.
    public static func extract(from pdf: [UInt8]) throws(PDFError) -> (signedBytes: [UInt8], seal: [UInt8]) {
        let digits = try placeholder(in: pdf)
        guard !digits.isEmpty, digits.count % 2 == 0 else { throw .invalidSeal("no or an odd number of hex digits") }
        var bytes: [UInt8] = []
        for index in stride(from: digits.lowerBound, to: digits.upperBound, by: 2) {
            guard let high = hexValue(pdf[index]), let low = hexValue(pdf[index + 1]) else {
                throw .invalidSeal("not upper-case hex digits")
            }
            bytes.append(high << 4 | low)
        }
        let seal = Array(bytes.prefix { $0 != 0 })
        guard !seal.isEmpty else { throw .invalidSeal("the placeholder was never filled") }
        guard bytes[seal.count...].allSatisfy({ $0 == 0 }) else { throw .invalidSeal("bytes after the seal's end") }
        return (signedBytes(of: pdf, excluding: digits), seal)
    }

    /// Where the digits of the one `/MynaSeal` placeholder are, found through the file's
    /// structure (§7.5) as `PDFWriter` lays it out: `startxref` leads to the cross-reference
    /// table, the trailer's `/Info` to its entry there, the entry to the information
    /// dictionary, whose last entry the placeholder must be. The writer puts a dictionary on
    /// one line (its strings never hold a line feed), so the dictionary is the line between
    /// `N 0 obj` and `endobj`. The digits themselves are checked by `extract`.
    ///
    /// The file must be a single revision: one `startxref`, one `%%EOF` and nothing after it.
    /// An incremental update (§7.5.6) appends objects, a cross-reference section and a
    /// trailer with their own `startxref` and `%%EOF`, and readers show the updated document:
    /// a new `/Info` with a second `/MynaSeal`, other pages. Since the signed bytes run to the
    /// end of the file, such an update cannot keep a signature valid anyway; refusing it here
    /// makes sure that the revision a reader shows is the one sealed, and reports the file as
    /// not sealed by Myna rather than as a bad signature. `/MynaSeal` must occur once in the
    /// whole file, so that whoever searches the file for it finds the one that was signed.
    static func placeholder(in pdf: [UInt8]) throws(PDFError) -> Range<Int> {
        guard pdf.starts(with: Array("%PDF-1.7\n".utf8)) else { throw .invalidSeal("not a PDF 1.7 file") }
        let keys = positions(of: "/\(key)", in: pdf)
        guard keys.count == 1 else { throw .invalidSeal("\(keys.count) seal placeholders, not one") }
        let endMarkers = positions(of: "%%EOF", in: pdf)
        let startXrefs = positions(of: "startxref", in: pdf)
        guard endMarkers.count == 1, startXrefs.count == 1 else {
            throw .invalidSeal("\(startXrefs.count) startxref and \(endMarkers.count) %%EOF, not one revision")
        }

        var scanner = Scanner(pdf, at: startXrefs[0])
        try scanner.expect("startxref\n")
        let crossReference = try scanner.integer()
        try scanner.expect("\n%%EOF\n")
        guard scanner.position == pdf.count else { throw .invalidSeal("bytes after %%EOF") }

        scanner = Scanner(pdf, at: crossReference)
        try scanner.expect("xref\n0 ")
        let size = try scanner.integer()
        try scanner.expect("\n")
        let entries = scanner.position
        // Each entry is exactly 20 bytes (§7.5.4).
        try scanner.skip(20 * size)
        try scanner.expect("trailer\n<< /Size \(size) /Root ")
        _ = try scanner.integer()
        try scanner.expect(" 0 R /Info ")
        let info = try scanner.integer()
        try scanner.expect(" 0 R >>\n")
        guard scanner.position == startXrefs[0], (1..<size).contains(info) else {
            throw .invalidSeal("not the trailer MynaPDF writes")
        }

        scanner = Scanner(pdf, at: entries + 20 * info)
        let infoOffset = try scanner.integer(digits: 10...10)
        try scanner.expect(" 00000 n\r\n")
        scanner = Scanner(pdf, at: infoOffset)
        try scanner.expect("\(info) 0 obj\n<< ")
        let dictionaryStart = scanner.position
        guard keys[0] >= dictionaryStart,
            let lineEnd = pdf[dictionaryStart...].firstIndex(of: UInt8(ascii: "\n")), keys[0] < lineEnd
        else { throw .invalidSeal("the placeholder is not in the information dictionary") }
        scanner = Scanner(pdf, at: keys[0] - 1)
        try scanner.expect(" /\(key) <")
        let digitsStart = scanner.position
        let digitsEnd = lineEnd - "> >>".utf8.count
        guard digitsStart <= digitsEnd else { throw .invalidSeal("the placeholder is cut short") }
        scanner = Scanner(pdf, at: digitsEnd)
        // The last entry, then the end of the dictionary and of the object.
        try scanner.expect("> >>\nendobj\n")
        return digitsStart..<digitsEnd
    }

    private static func signedBytes(of pdf: [UInt8], excluding digits: Range<Int>) -> [UInt8] {
        Array(pdf[..<digits.lowerBound]) + pdf[digits.upperBound...]
    }

    private static func hexDigits(of bytes: [UInt8]) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0xF)]] }
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Every offset at which `token` starts in `bytes`.
    private static func positions(of token: String, in bytes: [UInt8]) -> [Int] {
        let token = Array(token.utf8)
        guard bytes.count >= token.count else { return [] }
        return (0...(bytes.count - token.count)).filter { start in
            bytes[start] == token[0] && bytes[start..<(start + token.count)].elementsEqual(token)
        }
    }

    /// Reads the fixed tokens and numbers `PDFWriter` emits, refusing anything else.
    private struct Scanner {
        let bytes: [UInt8]
        private(set) var position: Int

        init(_ bytes: [UInt8], at position: Int) {
            self.bytes = bytes
            self.position = position
        }

        mutating func expect(_ token: String) throws(PDFError) {
            let token = Array(token.utf8)
            guard position >= 0, position <= bytes.count - token.count,
                bytes[position..<(position + token.count)].elementsEqual(token)
            else { throw .invalidSeal("not the layout MynaPDF writes") }
            position += token.count
        }

        mutating func skip(_ count: Int) throws(PDFError) {
            guard position >= 0, count <= bytes.count - position else { throw .invalidSeal("file too short") }
            position += count
        }

        /// A decimal integer without sign; at most ten digits, as in a cross-reference entry,
        /// so that it cannot overflow.
        mutating func integer(digits: ClosedRange<Int> = 1...10) throws(PDFError) -> Int {
            var value = 0
            var count = 0
            while count < digits.upperBound, position >= 0, position < bytes.count,
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position])
            {
                value = value * 10 + Int(bytes[position] - UInt8(ascii: "0"))
                position += 1
                count += 1
            }
            guard digits.contains(count) else { throw .invalidSeal("not a number where MynaPDF writes one") }
            return value
        }
    }
}
