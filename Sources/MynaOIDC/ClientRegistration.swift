import Foundation

/// A relying party as the host registered it.
///
/// The checks here run once, at registration, so the authorization endpoint can later rely
/// on plain string comparison of redirect URIs (RFC 9700 §2.1, §4.1.3).
public struct ClientRegistration: Hashable, Sendable {
    public enum ClientType: Hashable, Sendable {
        /// Authenticates at the token endpoint with its secret (RFC 6749 §2.1, §2.3.1).
        case confidential(ClientSecretHash)
        /// A native or browser app that cannot keep a secret; PKCE is its only proof.
        case `public`
    }

    public let clientID: String
    public let name: String
    public let redirectURIs: [String]
    /// The scopes the client may ask for; anything else is `invalid_scope`.
    public let allowedScopes: Set<Scope>
    /// The host that pairwise subjects are computed for (OIDC Core §8.1): clients of one
    /// sector see the same `sub` for a person, clients of different sectors cannot link theirs.
    /// A client whose redirects are all on a loopback host gets a sector of its own,
    /// `loopback-client:<client id>` (``loopbackSector(of:)``): `127.0.0.1` is every native
    /// app's host, and as a shared sector it would give every such app the same `sub`.
    public let sectorIdentifier: String
    public let clientType: ClientType

    /// - Parameter sectorIdentifier: required when the redirect URIs live on more than one
    ///   host (OIDC Core §8.1); otherwise it defaults to their common host. When the host
    ///   accepts one, it must have checked that the client controls it (OIDC Core §8.1's
    ///   sector_identifier_uri listing the redirect URIs).
    public init(
        clientID: String,
        name: String,
        redirectURIs: [String],
        allowedScopes: Set<Scope>,
        clientType: ClientType,
        sectorIdentifier: String? = nil
    ) throws(ClientRegistrationError) {
        guard !clientID.isEmpty, clientID.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
            throw .invalidClientID
        }
        guard !redirectURIs.isEmpty else { throw .noRedirectURI }
        var hosts = Set<String>()
        for uri in redirectURIs {
            hosts.insert(try Self.checkedHost(ofRedirectURI: uri))
        }
        guard allowedScopes.contains(.openid) else { throw .openidNotAllowed }
        if let sectorIdentifier, sectorIdentifier == Self.loopbackSector(of: clientID) || Self.isLoopbackHost(sectorIdentifier.lowercased()) {
            // As stored for a loopback client, or a loopback host named as the sector: the
            // client's own sector either way, never the host all loopback clients share.
            self.sectorIdentifier = Self.loopbackSector(of: clientID)
        } else if let sectorIdentifier {
            guard Self.isHostName(sectorIdentifier) else { throw .invalidSectorIdentifier(sectorIdentifier) }
            self.sectorIdentifier = sectorIdentifier.lowercased()
        } else if hosts.allSatisfy(Self.isLoopbackHost) {
            self.sectorIdentifier = Self.loopbackSector(of: clientID)
        } else {
            guard hosts.count == 1, let host = hosts.first else { throw .sectorIdentifierRequired }
            self.sectorIdentifier = host
        }
        self.clientID = clientID
        self.name = name
        self.redirectURIs = redirectURIs
        self.allowedScopes = allowedScopes
        self.clientType = clientType
    }

    /// Whether `redirectURI` is one of the registered ones, compared as strings (RFC 9700
    /// §2.1): no normalisation, so a trailing slash, another port, an extra query or a
    /// different case is a different URI.
    ///
    /// The one exception RFC 9700 §2.1 and RFC 8252 §7.3 require: for an `http` loopback
    /// URI of a native app the port is ignored, because the app gets a free port from the
    /// operating system at run time. Everything else about it must still match exactly.
    /// The exception is for native apps, which are public clients (RFC 8252 §8.4): a
    /// confidential client's loopback redirect matches exactly, port included, or any
    /// program listening on another port of the same machine could receive its codes.
    public func isRegistered(redirectURI: String) -> Bool {
        if redirectURIs.contains(redirectURI) { return true }
        guard case .public = clientType, let requested = Self.loopbackWithoutPort(redirectURI) else { return false }
        return redirectURIs.contains { Self.loopbackWithoutPort($0) == requested }
    }

    /// The pairwise sector of a client whose redirects are on a loopback host. The colon
    /// cannot occur in a host name, so it never equals a web client's sector.
    public static func loopbackSector(of clientID: String) -> String { "loopback-client:" + clientID }

    /// The hosts a native app may use for loopback redirects. RFC 8252 §8.3 prefers the IP
    /// literals; `localhost` is accepted because development tools still use it.
    static let loopbackHosts = ["127.0.0.1", "[::1]", "localhost"]

    /// Foundation reports an IPv6 literal with or without its brackets depending on the
    /// platform; both spellings name the same loopback host.
    static func isLoopbackHost(_ host: String) -> Bool { loopbackHosts.contains(host) || host == "::1" }

    /// Checks one redirect URI and returns its lowercased host.
    ///
    /// - Fragments are refused (RFC 6749 §3.1.2).
    /// - Only `https` is accepted, except `http` on a loopback host (RFC 8252 §7.3,
    ///   RFC 9700 §2.6), since anything else would send codes over plain HTTP.
    /// - User information in the authority is refused: it only serves to disguise a host.
    static func checkedHost(ofRedirectURI uri: String) throws(ClientRegistrationError) -> String {
        guard !uri.contains("#") else { throw .fragmentInRedirectURI(uri) }
        guard uri.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }),
            let components = URLComponents(string: uri),
            let scheme = components.scheme?.lowercased(),
            let host = components.host?.lowercased(), !host.isEmpty
        else { throw .malformedRedirectURI(uri) }
        guard components.user == nil, components.password == nil else { throw .malformedRedirectURI(uri) }
        let isLoopback = isLoopbackHost(host)
        switch scheme {
        case "https":
            return host
        case "http" where isLoopback:
            return host
        default:
            throw .insecureRedirectURI(uri)
        }
    }

    /// For `http://<loopback>:<port>/…`, the URI with the port removed; otherwise `nil`.
    static func loopbackWithoutPort(_ uri: String) -> String? {
        for host in loopbackHosts {
            let prefix = "http://\(host)"
            guard uri.hasPrefix(prefix) else { continue }
            let rest = uri.dropFirst(prefix.count)
            guard rest.first == ":" else {
                // No port: the next character must end the authority.
                return rest.isEmpty || rest.first == "/" || rest.first == "?" ? uri : nil
            }
            let afterColon = rest.dropFirst()
            let port = afterColon.prefix { $0.isASCII && $0.isNumber }
            guard !port.isEmpty else { return nil }
            let tail = afterColon.dropFirst(port.count)
            guard tail.isEmpty || tail.first == "/" || tail.first == "?" else { return nil }
            return prefix + tail
        }
        return nil
    }

    /// A DNS host name (RFC 1123 labels), which is what OIDC Core §8.1 uses as the sector.
    static func isHostName(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard !labels.isEmpty, text.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count)
                && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { scalar in
                    scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-")
                }
        }
    }
}

/// Why a client could not be registered. These are the host's own messages to its
/// operators; RFC 7591 dynamic registration is not offered.
public enum ClientRegistrationError: Error, Sendable, Equatable {
    case invalidClientID
    case noRedirectURI
    case malformedRedirectURI(String)
    case fragmentInRedirectURI(String)
    case insecureRedirectURI(String)
    case sectorIdentifierRequired
    case invalidSectorIdentifier(String)
    case openidNotAllowed
}
