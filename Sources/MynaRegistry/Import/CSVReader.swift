/// RFC 4180 CSV: fields separated by commas, optionally quoted with `"`, quotes doubled
/// inside quoted fields, records ending in CRLF or LF; quoted fields may span lines.
/// Each record carries the line it starts on, so bad rows are reported where a person
/// would look for them.
///
/// Read as UTF-8 bytes: the four bytes that mean something here (`"` `,` CR LF) are
/// ASCII and never occur inside a multi-byte character, so each field is the bytes
/// between them, and the text was valid UTF-8 to begin with.
struct CSVReader: Sequence, IteratorProtocol {
    private let bytes: [UInt8]
    private var index: Int
    private var line = 1

    init(_ text: String) {
        bytes = Array(text.utf8)
        index = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // a BOM from spreadsheet exports
    }

    struct Record {
        let line: Int
        let fields: [String]
        /// A quoted field was never closed.
        let unterminated: Bool
    }

    private static let quote = UInt8(ascii: "\""), comma = UInt8(ascii: ","), cr = UInt8(ascii: "\r"), lf = UInt8(ascii: "\n")

    mutating func next() -> Record? {
        guard index < bytes.count else { return nil }
        let startLine = line
        var fields: [String] = []
        var field: [UInt8] = []
        var quoted = false
        var atFieldStart = true
        func endField() {
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if quoted {
                if byte == Self.quote {
                    if index < bytes.count, bytes[index] == Self.quote {
                        field.append(Self.quote)
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if byte == Self.lf { line += 1 }
                    field.append(byte)
                }
                continue
            }
            switch byte {
            case Self.quote where atFieldStart:
                quoted = true
                atFieldStart = false
            case Self.comma:
                endField()
                atFieldStart = true
            case Self.cr where index < bytes.count && bytes[index] == Self.lf:
                continue
            case Self.lf:
                line += 1
                endField()
                return Record(line: startLine, fields: fields, unterminated: false)
            default:
                field.append(byte)
                atFieldStart = false
            }
        }
        endField()
        return Record(line: startLine, fields: fields, unterminated: quoted)
    }
}
