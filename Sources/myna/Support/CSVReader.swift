/// RFC 4180 CSV: fields separated by commas, optionally quoted with `"`, quotes doubled
/// inside quoted fields, records ending in CRLF or LF; quoted fields may span lines.
/// Each record carries the line it starts on, so bad rows are reported where a person
/// would look for them.
struct CSVReader: Sequence, IteratorProtocol {
    private var scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1

    init(_ text: String) {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }  // a BOM from spreadsheet exports
        self.scalars = scalars
    }

    struct Record {
        let line: Int
        let fields: [String]
        /// A quoted field was never closed.
        let unterminated: Bool
    }

    mutating func next() -> Record? {
        guard index < scalars.count else { return nil }
        let startLine = line
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var quoted = false
        var atFieldStart = true
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            if quoted {
                if scalar == "\"" {
                    if index < scalars.count, scalars[index] == "\"" {
                        field.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where atFieldStart:
                quoted = true
                atFieldStart = false
            case ",":
                fields.append(String(field))
                field = .init()
                atFieldStart = true
            case "\r" where index < scalars.count && scalars[index] == "\n":
                continue
            case "\n":
                line += 1
                fields.append(String(field))
                return Record(line: startLine, fields: fields, unterminated: false)
            default:
                field.append(scalar)
                atFieldStart = false
            }
        }
        fields.append(String(field))
        return Record(line: startLine, fields: fields, unterminated: quoted)
    }
}
