public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the hub may push notices. An agency names the endpoint, but the hub makes the
/// request from inside the operator's network: left unchecked, a subscription would make
/// the hub POST to its own loopback services, the cloud metadata service at
/// 169.254.169.254 or any host on the internal network (server-side request forgery,
/// OWASP API7:2023). So an endpoint must be https and every address it resolves to
/// public (``IPAddress/isPublic``), unless the operator allows its host or its
/// addresses (`--push-allow`, `MYNA_PUSH_ALLOW`) — the demo and the tests allow loopback.
/// The check runs when subscribing and again before every push, on the address then
/// connected to: a name may resolve elsewhere by then (DNS rebinding).
public struct PushEndpointPolicy: Sendable {
    /// Hosts and address blocks the operator lets notices go to over plain http and at
    /// addresses that are not public.
    public var allowed: [Allowance]
    public var resolver: HostResolver

    public enum Allowance: Sendable, Hashable, CustomStringConvertible {
        case addresses(AddressRange)
        /// A host name, as the URL writes it (case and a trailing dot aside), whatever it resolves to.
        case host(String)

        public var description: String {
            switch self {
            case .addresses(let range): range.description
            case .host(let name): name
            }
        }
    }

    public init(allowing allowed: [Allowance] = [], resolver: HostResolver = .system) {
        self.allowed = allowed
        self.resolver = resolver
    }

    /// The operator's setting: host names and CIDR blocks, separated by commas or spaces,
    /// e.g. `127.0.0.1/8, ::1, localhost`; nil when an entry is neither.
    public init?(allowing text: String, resolver: HostResolver = .system) {
        var allowed: [Allowance] = []
        for entry in text.split(whereSeparator: { $0 == "," || $0 == " " }) {
            if let range = AddressRange(entry) {
                allowed.append(.addresses(range))
            } else if entry.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }), !IPAddress.endsInNumber(entry) {
                allowed.append(.host(Self.canonicalName(entry)))
            } else {
                return nil
            }
        }
        self.init(allowing: allowed, resolver: resolver)
    }

    /// Loopback only, by address and by name: what `myna demo` and the tests allow, so
    /// an agency's listener on the same machine can take pushes.
    public static let loopback: [Allowance] = [
        .addresses(AddressRange("127.0.0.0/8")!), .addresses(AddressRange("::1/128")!), .host("localhost"),
    ]

    /// Where one push goes: the URL as the agency gave it, and the checked address the
    /// connection must be pinned to.
    public struct Target: Sendable, Hashable {
        public let url: URL
        /// The host as the URL carries it, without IPv6 brackets — what an HTTP client
        /// would look up, so the key under which to pin it.
        public let host: String
        public let address: IPAddress
    }

    /// Checks an endpoint against the rule above and returns the address to connect to.
    /// Every address the host resolves to must pass, not just the first: a client may
    /// try them in any order.
    public func check(_ url: URL) async throws -> Target {
        guard let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), let rawHost = url.host, !rawHost.isEmpty, url.user == nil,
            url.password == nil
        else { throw LinkageError(.invalidEndpoint, "the endpoint must be an http or https URL of at most 2,048 bytes, without credentials") }
        let host = rawHost.hasPrefix("[") && rawHost.hasSuffix("]") ? String(rawHost.dropFirst().dropLast()) : rawHost
        let addresses: [IPAddress]
        var named = false
        if host.contains(":") {
            guard let address = IPAddress(ipv6: host[...]) else { throw Self.notAHost }
            addresses = [address]
        } else if IPAddress.endsInNumber(host[...]) {
            guard let address = IPAddress(ipv4: host[...]) else { throw Self.notAHost }
            addresses = [address]
        } else {
            guard host.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }) else { throw Self.notAHost }
            named = true
            addresses = (try? await resolver.resolve(host)) ?? []
            guard !addresses.isEmpty else {
                throw LinkageError(.endpointUnresolvable, "the endpoint's host name has no address")
            }
        }
        let allowedByName = named && allowed.contains(.host(Self.canonicalName(host[...])))
        let allowedByAddress = addresses.allSatisfy { address in
            allowed.contains { if case .addresses(let range) = $0 { range.contains(address) } else { false } }
        }
        if !allowedByName && !allowedByAddress {
            // The order matters only for the message: an https endpoint at a private
            // address is refused for its address, and says so.
            guard addresses.allSatisfy(\.isPublic) else {
                throw LinkageError(.endpointNotPublic, "the endpoint's host is, or resolves to, an address that is not public (loopback, private, link-local or reserved)")
            }
            guard scheme == "https" else { throw LinkageError(.endpointNotHTTPS, "the endpoint must be https") }
        }
        return Target(url: url, host: host, address: addresses[0])
    }

    private static let notAHost = LinkageError(.invalidEndpoint, "the endpoint's host is neither a host name nor an IP address")

    private static func canonicalName(_ name: Substring) -> String {
        (name.hasSuffix(".") ? name.dropLast() : name).lowercased()
    }
}

/// Looks host names up. The system's resolver by default; tests give their own, to
/// answer differently at subscription and at push (DNS rebinding) without any network.
public struct HostResolver: Sendable {
    private let lookUp: @Sendable (String) async throws -> [IPAddress]

    public init(_ lookUp: @escaping @Sendable (String) async throws -> [IPAddress]) {
        self.lookUp = lookUp
    }

    public func resolve(_ name: String) async throws -> [IPAddress] {
        try await lookUp(name)
    }

    /// `getaddrinfo(3)`, the resolver an HTTP client would use, on a thread of its own:
    /// it blocks.
    public static let system = HostResolver { name in
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try HostResolver.addresses(of: name) }) }
        }
    }

    private static func addresses(of name: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
        hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &list) == 0 else { throw LinkageError(.endpointUnresolvable, "the endpoint's host name has no address") }
        defer { freeaddrinfo(list) }
        var found: [IPAddress] = []
        var next = list
        while let entry = next {
            if entry.pointee.ai_family == AF_INET {
                entry.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                    found.append(.v4(UInt32(bigEndian: $0.pointee.sin_addr.s_addr)))
                }
            } else if entry.pointee.ai_family == AF_INET6 {
                entry.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                    let bytes = withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                    found.append(.v6(bytes.reduce(UInt128(0)) { $0 << 8 | UInt128($1) }))
                }
            }
            next = entry.pointee.ai_next
        }
        var unique: [IPAddress] = []
        for address in found where !unique.contains(address) { unique.append(address) }
        return unique
    }
}
