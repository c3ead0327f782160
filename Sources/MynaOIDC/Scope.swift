/// A scope this provider understands (RFC 6749 §3.3, OpenID Connect Core §5.4).
///
/// `name`, `address`, `birthdate` and `gender` release the four basic facts of the resident
/// register one by one instead of OIDC's broad `profile`, so a relying party asks only for
/// what its procedure needs. `self:<item>` lets the resident fetch one kind of their own
/// information held by an agency (e.g. `self:pension-benefit`); which items exist is the
/// host's configuration, passed in as `dataItems`.
public enum Scope: Hashable, Sendable, CustomStringConvertible {
    case openid
    case name
    case address
    case birthdate
    case gender
    case selfInformation(dataItem: String)

    static let selfPrefix = "self:"

    /// Reads one scope token; `nil` when it is unknown, including a `self:` item that is not
    /// in `dataItems`.
    public init?(rawValue: String, dataItems: Set<String>) {
        switch rawValue {
        case "openid": self = .openid
        case "name": self = .name
        case "address": self = .address
        case "birthdate": self = .birthdate
        case "gender": self = .gender
        default:
            guard rawValue.hasPrefix(Self.selfPrefix) else { return nil }
            let item = String(rawValue.dropFirst(Self.selfPrefix.count))
            guard dataItems.contains(item) else { return nil }
            self = .selfInformation(dataItem: item)
        }
    }

    public var rawValue: String {
        switch self {
        case .openid: "openid"
        case .name: "name"
        case .address: "address"
        case .birthdate: "birthdate"
        case .gender: "gender"
        case .selfInformation(let item): Self.selfPrefix + item
        }
    }

    public var description: String { rawValue }

    /// The UserInfo claims this scope releases (OIDC Core §5.4). `openid` releases only
    /// `sub`. Self-information scopes release no claims: they authorize calls to the
    /// self-information API, where the data lives, rather than copying it into tokens.
    public var claims: [String] {
        switch self {
        case .openid: [UserInfoClaim.subject]
        case .name: [UserInfoClaim.name, UserInfoClaim.nameKana]
        case .address: [UserInfoClaim.address]
        case .birthdate: [UserInfoClaim.birthdate]
        case .gender: [UserInfoClaim.gender]
        case .selfInformation: []
        }
    }

    /// The scopes every deployment has, whatever its data items.
    public static let basic: [Scope] = [.openid, .name, .address, .birthdate, .gender]
}

/// An ordered set of scopes as a client asked for them, without repeats.
public struct ScopeSet: Hashable, Sendable, Sequence, CustomStringConvertible {
    public let scopes: [Scope]

    public init(_ scopes: some Sequence<Scope>) {
        var seen = Set<Scope>()
        self.scopes = scopes.filter { seen.insert($0).inserted }
    }

    /// Parses the `scope` parameter (RFC 6749 §3.3): scope-tokens of %x21 / %x23-5B /
    /// %x5D-7E separated by single spaces. Repeats collapse to the first occurrence.
    ///
    /// Fails with `invalid_scope` when the string is missing or malformed, a token is
    /// unknown, `openid` is absent (without it this is plain OAuth, which this provider does
    /// not offer; OIDC Core §3.1.2.1), or a scope lies outside what the client was registered
    /// for. The error is redirectable: it is raised only after the client and redirect URI
    /// were checked.
    public static func parse(
        _ scope: String?,
        dataItems: Set<String>,
        permitted: Set<Scope>
    ) throws(OAuthError) -> ScopeSet {
        guard let scope, !scope.isEmpty else {
            throw OAuthError(.invalidScope, "scope is required and must include openid", redirectable: true)
        }
        let tokens = scope.split(separator: " ", omittingEmptySubsequences: false)
        var parsed: [Scope] = []
        for token in tokens {
            guard !token.isEmpty, token.unicodeScalars.allSatisfy(isScopeCharacter) else {
                throw OAuthError(.invalidScope, "scope must be scope-tokens separated by single spaces", redirectable: true)
            }
            guard let known = Scope(rawValue: String(token), dataItems: dataItems) else {
                throw OAuthError(.invalidScope, "unknown scope: \(token)", redirectable: true)
            }
            guard permitted.contains(known) else {
                throw OAuthError(.invalidScope, "scope not registered for this client: \(token)", redirectable: true)
            }
            parsed.append(known)
        }
        let set = ScopeSet(parsed)
        guard set.contains(.openid) else {
            throw OAuthError(.invalidScope, "scope must include openid", redirectable: true)
        }
        return set
    }

    /// The space-delimited form for token responses and the access token's `scope` claim.
    public var rawValue: String { scopes.map(\.rawValue).joined(separator: " ") }

    public var description: String { rawValue }

    public func contains(_ scope: Scope) -> Bool { scopes.contains(scope) }

    public func makeIterator() -> IndexingIterator<[Scope]> { scopes.makeIterator() }

    /// The claims the granted scopes release, in scope order.
    public var claims: [String] { scopes.flatMap(\.claims) }

    /// The data items the self-information scopes name.
    public var dataItems: [String] {
        scopes.compactMap { scope in
            if case .selfInformation(let item) = scope { item } else { nil }
        }
    }

    private static func isScopeCharacter(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return value == 0x21 || (0x23...0x5B).contains(value) || (0x5D...0x7E).contains(value)
    }
}

/// Stored grants keep scopes as the space-delimited string. Decoding does not re-check
/// `self:` items against the current data-item list: the item was valid when the resident
/// consented, and a grant lives only seconds.
extension Scope: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let scope = Scope(storedValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown scope")
        }
        self = scope
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    init?(storedValue: String) {
        if storedValue.hasPrefix(Self.selfPrefix), storedValue.count > Self.selfPrefix.count {
            self = .selfInformation(dataItem: String(storedValue.dropFirst(Self.selfPrefix.count)))
        } else if let basic = Scope(rawValue: storedValue, dataItems: []) {
            self = basic
        } else {
            return nil
        }
    }
}

extension ScopeSet: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        var scopes: [Scope] = []
        for token in try container.decode(String.self).split(separator: " ") {
            guard let scope = Scope(storedValue: String(token)) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown scope")
            }
            scopes.append(scope)
        }
        self.init(scopes)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
