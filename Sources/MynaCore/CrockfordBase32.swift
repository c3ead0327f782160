/// Crockford's base-32 (no I, L, O, U), for codes read by people as well as machines.
public enum CrockfordBase32 {
    public static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | Int(byte)
            bits += 8
            while bits >= 5 {
                out.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { out.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// `length` random characters: a short code people type (sign-in codes, Mykey IDs).
    public static func random(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String(decoding: (0..<length).map { _ in alphabet[Int.random(in: 0..<32, using: &generator)] }, as: UTF8.self)
    }

    /// A code as a person typed it: case, hyphens and spaces ignored, `O` read as `0` and
    /// `I`, `L` as `1` (Crockford's decoding rules). Nil unless it is `length` characters of
    /// the alphabet.
    public static func normalize(_ typed: String, length: Int) -> String? {
        var characters: [UInt8] = []
        for character in typed.uppercased() where character != "-" && character != " " {
            switch character {
            case "O": characters.append(UInt8(ascii: "0"))
            case "I", "L": characters.append(UInt8(ascii: "1"))
            case _ where character.isASCII && alphabet.contains(character.asciiValue!): characters.append(character.asciiValue!)
            default: return nil
            }
        }
        return characters.count == length ? String(decoding: characters, as: UTF8.self) : nil
    }
}
