public import Crypto
import MynaCore

/// Pairwise subject identifiers (OIDC Core §8.1, §17.3): each sector sees a different,
/// stable `sub` for the same resident, so relying parties cannot join their records on it,
/// and the value says nothing about the resident or their My Number.
///
/// sub = BASE64URL(first 16 bytes of HMAC-SHA256(key,
///         "myna-pairwise-v1" ‖ 0x00 ‖ sector ‖ 0x00 ‖ localAccountID))
///
/// A keyed MAC rather than a plain hash, so that someone who knows a resident's account ID
/// cannot compute their `sub` in any sector. The version label lets a future scheme coexist.
/// The 0x00 separators keep fields apart: sector identifiers are host names, or
/// `loopback-client:<client id>` for a loopback client (visible ASCII), and contain no NUL. 128 bits is far beyond any collision risk for a national population.
public struct PairwiseSubject: Sendable {
    private let key: SymmetricKey

    static let label = Array("myna-pairwise-v1".utf8)

    /// - Parameter key: at least 256 bits, kept in the host's key store. Changing it changes
    ///   every subject, which relying parties will see as new people.
    public init?(key: SymmetricKey) {
        guard key.bitCount >= 256 else { return nil }
        self.key = key
    }

    /// The subject for `localAccountID` (the host's internal, never-published account
    /// identifier) as seen by clients of `sectorIdentifier`.
    public func subject(localAccountID: String, sectorIdentifier: String) -> String {
        var message = Self.label
        message.append(0x00)
        message.append(contentsOf: sectorIdentifier.utf8)
        message.append(0x00)
        message.append(contentsOf: localAccountID.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: key)
        return Base64URL.encode(Array(mac).prefix(16))
    }

    /// The subject for a registered client, using its sector.
    public func subject(localAccountID: String, client: ClientRegistration) -> String {
        subject(localAccountID: localAccountID, sectorIdentifier: client.sectorIdentifier)
    }
}
