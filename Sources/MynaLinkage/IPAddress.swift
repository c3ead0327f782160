#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An IP address, as a push endpoint's host names one or resolves to. Parsing follows
/// what the connecting code does with the same text, so the address checked is the
/// address connected to.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6(UInt128)

    /// An IPv4 host as the WHATWG URL standard (§3.5 "IPv4 parser") and `inet_aton`
    /// read it: one to four parts, each decimal, octal (leading 0) or hex (0x), the last
    /// filling the remaining bytes — so `2130706433`, `0x7f.1` and `0177.0.0.1` are all
    /// 127.0.0.1. Nil when the text is not such an address.
    public init?(ipv4 text: Substring) {
        var parts = text.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count > 1, parts.last?.isEmpty == true { parts.removeLast() }  // a trailing dot
        guard (1...4).contains(parts.count) else { return nil }
        var numbers: [UInt64] = []
        for part in parts {
            guard let number = Self.number(part) else { return nil }
            numbers.append(number)
        }
        guard numbers.dropLast().allSatisfy({ $0 <= 255 }), let last = numbers.last, last < (1 << (8 * (5 - UInt64(numbers.count)))) else {
            return nil
        }
        var value = last
        for (index, number) in numbers.dropLast().enumerated() { value += number << (8 * (3 - UInt64(index))) }
        self = .v4(UInt32(value))
    }

    /// An IPv6 address in the text form `inet_pton` takes (RFC 4291 §2.2), the form an
    /// HTTP client connects to directly; no zone identifiers.
    public init?(ipv6 text: Substring) {
        var bytes = [UInt8](repeating: 0, count: 16)
        guard text.utf8.count <= 45, inet_pton(AF_INET6, String(text), &bytes) == 1 else { return nil }
        self = .v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) })
    }

    /// Whether a URL host "ends in a number" (WHATWG URL §3.5): then it is an IPv4
    /// address or no host at all, never a name to look up.
    static func endsInNumber(_ host: Substring) -> Bool {
        var labels = host.split(separator: ".", omittingEmptySubsequences: false)
        if labels.count > 1, labels.last?.isEmpty == true { labels.removeLast() }
        guard let last = labels.last, !last.isEmpty else { return false }
        if last.allSatisfy(\.isASCIIDigit) { return true }
        return number(last) != nil
    }

    private static func number(_ part: Substring) -> UInt64? {
        guard !part.isEmpty else { return nil }
        var digits = part
        var radix = 10
        if digits.lowercased().hasPrefix("0x") {
            digits = digits.dropFirst(2)
            radix = 16
            if digits.isEmpty { return 0 }
        } else if digits.count > 1, digits.hasPrefix("0") {
            digits = digits.dropFirst()
            radix = 8
        }
        guard digits.count <= 32, digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return UInt64(digits, radix: radix)
    }

    /// The IPv4 address an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, RFC 4291 §2.5.5.2)
    /// stands for: a connection to it reaches that IPv4 host, so it is judged as one.
    public var unmapped: IPAddress {
        if case .v6(let bits) = self, bits >> 32 == 0xffff { return .v4(UInt32(truncatingIfNeeded: bits)) }
        return self
    }

    /// Whether the address is global unicast: reachable on the public internet and
    /// nothing else. Everything in IANA's special-purpose registries (RFC 6890 and its
    /// updates) is not: this network, private (RFC 1918), shared CGNAT space (RFC 6598),
    /// loopback, link-local (RFC 3927 — with cloud metadata at 169.254.169.254),
    /// protocol assignments, documentation and benchmarking ranges, multicast, reserved,
    /// and on IPv6 the unspecified and loopback addresses, unique local (RFC 4193),
    /// link- and site-local, multicast and everything outside 2000::/3. Addresses that
    /// embed an IPv4 address (mapped, NAT64 RFC 6052, 6to4 RFC 3056) are judged by it.
    public var isPublic: Bool {
        switch unmapped {
        case .v4(let bits):
            let nonPublic: [(UInt32, Int)] = [
                (0x0000_0000, 8), (0x0a00_0000, 8), (0x6440_0000, 10), (0x7f00_0000, 8), (0xa9fe_0000, 16), (0xac10_0000, 12),
                (0xc000_0000, 24), (0xc000_0200, 24), (0xc058_6300, 24), (0xc0a8_0000, 16), (0xc612_0000, 15), (0xc633_6400, 24),
                (0xcb00_7100, 24), (0xe000_0000, 4), (0xf000_0000, 4),
            ]
            return !nonPublic.contains { bits >> (32 - $0.1) == $0.0 >> (32 - $0.1) }
        case .v6(let bits):
            if bits >> 32 == 0x0064_ff9b_0000_0000_0000_0000 { return IPAddress.v4(UInt32(truncatingIfNeeded: bits)).isPublic }  // NAT64
            if bits >> 112 == 0x2002 { return IPAddress.v4(UInt32(truncatingIfNeeded: bits >> 80)).isPublic }  // 6to4
            guard bits >> 125 == 0b001 else { return false }  // global unicast is 2000::/3 only
            let nonPublic: [(UInt128, Int)] = [
                (0x2001 << 112, 23),  // IETF protocol assignments, Teredo among them
                (0x2001_0db8 << 96, 32), (0x3fff << 112, 20),  // documentation (RFC 3849, 9637)
            ]
            return !nonPublic.contains { bits >> (128 - $0.1) == $0.0 >> (128 - $0.1) }
        }
    }

    public var description: String {
        switch self {
        case .v4(let bits): return (0..<4).map { String((bits >> (24 - 8 * $0)) & 0xff) }.joined(separator: ".")
        case .v6(let bits):
            var bytes = (0..<16).map { UInt8(truncatingIfNeeded: bits >> (120 - 8 * $0)) }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            inet_ntop(AF_INET6, &bytes, &text, socklen_t(text.count))
            return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// A block of addresses in CIDR notation (RFC 4632 §3.1), `10.0.0.0/8` or `::1/128`; a
/// bare address is a block of one.
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefixLength: Int

    public init?(_ text: Substring) {
        let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        let address = pieces[0].contains(":") ? IPAddress(ipv6: pieces[0]) : Self.dottedQuad(pieces[0])
        guard let address else { return nil }
        let width = if case .v4 = address { 32 } else { 128 }
        guard let length = pieces.count == 2 ? Int(pieces[1]) : width, (0...width).contains(length) else { return nil }
        network = address
        prefixLength = length
    }

    /// Operators write ranges as plain dotted quads; the odd spellings a URL accepts are
    /// refused here so a configured range means what it looks like.
    private static func dottedQuad(_ text: Substring) -> IPAddress? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts.allSatisfy({ (1...3).contains($0.count) && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        return IPAddress(ipv4: text)
    }

    public func contains(_ address: IPAddress) -> Bool {
        switch (network, address.unmapped) {
        case (.v4(let base), .v4(let bits)): prefixLength == 0 || base >> (32 - prefixLength) == bits >> (32 - prefixLength)
        case (.v6(let base), .v6(let bits)): prefixLength == 0 || base >> (128 - prefixLength) == bits >> (128 - prefixLength)
        case (.v6, .v4(let bits)): AddressRange(network: .v6(0xffff << 32 | UInt128(bits)), prefixLength: 128).within(self)
        default: false
        }
    }

    private init(network: IPAddress, prefixLength: Int) {
        self.network = network
        self.prefixLength = prefixLength
    }

    /// A mapped address written as IPv6 in a range still matches the IPv4 it maps to.
    private func within(_ range: AddressRange) -> Bool {
        guard case .v6(let base) = range.network, case .v6(let bits) = network else { return false }
        return range.prefixLength == 0 || base >> (128 - range.prefixLength) == bits >> (128 - range.prefixLength)
    }

    public var description: String { "\(network)/\(prefixLength)" }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
