/// A minimal reader of the files MynaPDF writes, independent of the writer's code: it finds
/// the cross-reference table through `startxref` and checks it against the bytes.
struct PDFFile {
    struct Entry: Equatable {
        let offset: Int
        let generation: Int
        let inUse: Bool
    }

    let bytes: [UInt8]
    let text: String
    let startXref: Int
    let entries: [Entry]
    /// The trailer dictionary, as text.
    let trailer: String

    enum ParseError: Error, CustomStringConvertible {
        case malformed(String)
        var description: String {
            switch self {
            case .malformed(let what): "malformed PDF: \(what)"
            }
        }
    }

    init(_ bytes: [UInt8]) throws {
        self.bytes = bytes
        // The files are ASCII apart from the header's binary comment; Latin-1 keeps byte
        // offsets equal to character offsets.
        text = String(bytes.map { Character(Unicode.Scalar($0)) })
        guard let tail = PDFFile.lastRange(of: "startxref\n", in: bytes) else {
            throw ParseError.malformed("no startxref")
        }
        let afterKeyword = Array(bytes[tail.upperBound...])
        let digits = afterKeyword.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard let offset = Int(String(decoding: digits, as: UTF8.self)) else {
            throw ParseError.malformed("startxref offset")
        }
        startXref = offset
        guard Array(bytes[offset..<min(bytes.count, offset + 5)]) == Array("xref\n".utf8) else {
            throw ParseError.malformed("startxref does not point at xref")
        }
        var cursor = offset + 5
        func readLine() -> String {
            var line: [UInt8] = []
            while cursor < bytes.count, bytes[cursor] != 0x0A {
                line.append(bytes[cursor])
                cursor += 1
            }
            cursor += 1
            return String(decoding: line, as: UTF8.self)
        }
        let header = readLine().split(separator: " ")
        guard header.count == 2, header[0] == "0", let count = Int(header[1]) else {
            throw ParseError.malformed("xref subsection header")
        }
        var entries: [Entry] = []
        for _ in 0..<count {
            // Exactly 20 bytes: "nnnnnnnnnn ggggg n" and a two-byte end of line.
            guard cursor + 20 <= bytes.count else { throw ParseError.malformed("short xref") }
            let raw = Array(bytes[cursor..<(cursor + 20)])
            let line = String(decoding: raw, as: UTF8.self)
            let parts = line.prefix(18).split(separator: " ")
            guard parts.count == 3, parts[0].count == 10, parts[1].count == 5,
                let entryOffset = Int(parts[0]), let generation = Int(parts[1]),
                parts[2] == "n" || parts[2] == "f",
                raw[18] == 0x0D && raw[19] == 0x0A || raw[18] == 0x20 && raw[19] == 0x0A
            else { throw ParseError.malformed("xref entry \(line.debugDescription)") }
            entries.append(Entry(offset: entryOffset, generation: generation, inUse: parts[2] == "n"))
            cursor += 20
        }
        self.entries = entries
        let rest = String(decoding: bytes[cursor...], as: UTF8.self)
        guard rest.hasPrefix("trailer\n"), let end = rest.range(of: "\nstartxref") else {
            throw ParseError.malformed("trailer")
        }
        trailer = String(rest[rest.index(rest.startIndex, offsetBy: 8)..<end.lowerBound])
    }

    /// The body of object `number` (between `N 0 obj\n` and `\nendobj`), found through the
    /// cross-reference table.
    func object(_ number: Int) -> String? {
        guard number > 0, number < entries.count, entries[number].inUse else { return nil }
        let start = entries[number].offset
        let prefix = "\(number) 0 obj\n"
        guard text.unicodeScalars.count > start else { return nil }
        let fromStart = String(text.unicodeScalars.dropFirst(start))
        guard fromStart.hasPrefix(prefix), let end = fromStart.range(of: "\nendobj\n") else { return nil }
        return String(fromStart[fromStart.index(fromStart.startIndex, offsetBy: prefix.count)..<end.lowerBound])
    }

    static func lastRange(of needle: String, in bytes: [UInt8]) -> Range<Int>? {
        let pattern = Array(needle.utf8)
        guard bytes.count >= pattern.count else { return nil }
        for start in stride(from: bytes.count - pattern.count, through: 0, by: -1)
        where bytes[start..<(start + pattern.count)].elementsEqual(pattern) {
            return start..<(start + pattern.count)
        }
        return nil
    }
}
