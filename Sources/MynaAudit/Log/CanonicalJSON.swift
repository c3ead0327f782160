/// The canonical bytes a record's log commitment is computed over: a flat JSON object,
/// keys in ascending order, no whitespace, strings escaped only where JSON requires
/// (`"`, `\`, control characters; `/` and non-ASCII as they are).
///
/// The first records were encoded with Foundation's `JSONSerialization` (`.sortedKeys`,
/// `.withoutEscapingSlashes`); this writer produces the same bytes for the same record
/// (tested), so every commitment already in a log still verifies. It exists because that
/// encoder sorts keys with ICU collation and boxes every value — the largest cost of a
/// brokered query in the Swift process (BENCHMARKS.md).
public enum CanonicalJSON {
    public enum Value: Sendable, Hashable {
        case string(String)
        case integer(Int64)
        case null

        public init(_ string: String?) { self = string.map(Value.string) ?? .null }
        public init(_ integer: Int64?) { self = integer.map(Value.integer) ?? .null }
        public init(_ integer: Int) { self = .integer(Int64(integer)) }
    }

    /// The object's bytes. Keys must be distinct.
    public static func object(_ fields: [(key: String, value: Value)]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(256)
        for (index, field) in fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }).enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(string: field.key, to: &out)
            out.append(UInt8(ascii: ":"))
            switch field.value {
            case .string(let string): append(string: string, to: &out)
            case .integer(let integer): out += String(integer).utf8
            case .null: out += "null".utf8
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func append(string: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += #"\""#.utf8
            case UInt8(ascii: "\\"): out += #"\\"#.utf8
            case 0x0A: out += #"\n"#.utf8
            case 0x0D: out += #"\r"#.utf8
            case 0x09: out += #"\t"#.utf8
            case 0x08: out += #"\b"#.utf8
            case 0x0C: out += #"\f"#.utf8
            case 0x00..<0x20: out += "\\u00".utf8 + [hex(byte >> 4), hex(byte & 0xF)]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hex(_ nibble: UInt8) -> UInt8 { nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10 }
}
