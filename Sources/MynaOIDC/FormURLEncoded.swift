/// `application/x-www-form-urlencoded`, the format of token request bodies (RFC 6749 §3.2,
/// Appendix B) and of authorization request queries (§4.1.1). Parsing is strict: a broken
/// percent-escape or bytes that are not UTF-8 are refused instead of guessed at, because two
/// parsers that guess differently are how parameter-smuggling bugs start.
public enum FormURLEncoded: Sendable {
    public enum DecodingError: Error, Sendable, Equatable {
        case malformedPercentEncoding
        case notUTF8
        case emptyName
        /// RFC 6749 §3.1 and §3.2: parameters MUST NOT be included more than once.
        case duplicate(name: String)
        /// U+0000: no OAuth parameter or form field means it, and PostgreSQL cannot hold it.
        case nul
    }

    /// Every `name=value` pair in order, duplicates included, for callers that must decide
    /// what a duplicate means (the authorization endpoint must not redirect one about
    /// client_id). Empty segments (`a=1&&b=2`) carry nothing and are skipped.
    public static func pairs(_ encoded: String) throws(DecodingError) -> [(String, String)] {
        var result: [(String, String)] = []
        for segment in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = segment.firstIndex(of: "=") {
                name = segment[..<equals]
                value = segment[segment.index(after: equals)...]
            } else {
                name = segment
                value = ""
            }
            guard !name.isEmpty else { throw .emptyName }
            result.append((try decodeComponent(name), try decodeComponent(value)))
        }
        return result
    }

    /// The parameters as a dictionary, refusing any name given twice.
    public static func parameters(_ encoded: String) throws(DecodingError) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in try pairs(encoded) {
            guard result.updateValue(value, forKey: name) == nil else { throw .duplicate(name: name) }
        }
        return result
    }

    /// Decodes one component: `+` is a space, `%XX` a byte, and the bytes must be UTF-8.
    public static func decodeComponent(_ component: some StringProtocol) throws(DecodingError) -> String {
        let input = Array(component.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            switch input[index] {
            case UInt8(ascii: "+"):
                bytes.append(0x20)
                index += 1
            case UInt8(ascii: "%"):
                guard index + 2 < input.count,
                    let high = hexValue(input[index + 1]),
                    let low = hexValue(input[index + 2])
                else { throw .malformedPercentEncoding }
                bytes.append(high << 4 | low)
                index += 3
            default:
                bytes.append(input[index])
                index += 1
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .notUTF8 }
        guard !bytes.contains(0) else { throw .nul }
        return text
    }

    /// Percent-encodes everything but the unreserved characters of RFC 3986 §2.3, so the
    /// result is safe in a query string and in a form body alike.
    public static func encodeComponent(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            if isUnreserved(byte) {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                output += "%" + String(byte >> 4, radix: 16, uppercase: true)
                    + String(byte & 0x0F, radix: 16, uppercase: true)
            }
        }
        return output
    }

    public static func encode(_ parameters: [(String, String)]) -> String {
        parameters.map { encodeComponent($0.0) + "=" + encodeComponent($0.1) }.joined(separator: "&")
    }

    /// Adds parameters to a redirect URI while keeping its own query, which RFC 6749 §3.1.2
    /// requires. Registered redirect URIs never carry a fragment (see ``ClientRegistration``).
    static func appendingQuery(_ parameters: [(String, String)], to uri: String) -> String {
        let separator: String
        if !uri.contains("?") {
            separator = "?"
        } else if uri.hasSuffix("?") || uri.hasSuffix("&") {
            separator = ""
        } else {
            separator = "&"
        }
        return uri + separator + encode(parameters)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }
}
