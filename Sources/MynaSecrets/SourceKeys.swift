public import Crypto

/// Where a request came from (its network address), as Myna keeps it to count failures
/// per caller: an HMAC under a key of its own, never the address and never a plain hash.
///
/// A plain SHA-256 of an IPv4 address is no pseudonym: there are only 2^32 addresses, and
/// hashing them all takes minutes, so a copy of the table would list who tried. Under a
/// key kept outside the database the same enumeration finds nothing. Each use names its
/// own context, so the values of one table cannot be matched against another's.
public struct SourceKeys: Sendable {
    /// The uses, one per table that counts by source.
    public enum Context: String, Sendable {
        /// `portal_sign_in_failures`: the portal's card sign-in.
        case portalSignIn = "portal-sign-in"
        /// `staff_sign_in_failures`: staff password sign-in.
        case staffSignIn = "staff-sign-in"
    }

    private let key: SymmetricKey

    public init(keys: KeyStore) throws {
        key = try keys.key(.sourceAddresses)
    }

    /// HMAC-SHA256(key, context ‖ 0 ‖ source): 32 bytes, the same for the same caller.
    public func key(for source: String, in context: Context) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("\(context.rawValue)\u{0}\(source)".utf8), using: key))
    }
}
