import Crypto
import MynaCore

/// The operator's secret for `GET /metrics` (`MYNA_METRICS_TOKEN`, `--metrics-token`).
///
/// The metrics are not for the public: request counts by route and sign-in outcomes show
/// an attacker when a surge of their own is noticed and how much the service is used. A
/// scraper sends `Authorization: Bearer <token>` (Prometheus's `authorization` setting).
/// Without a configured token the endpoint is not served at all — a 404 like any unknown
/// path — so a deployment that forgets the setting exposes nothing.
public struct MetricsToken: Sendable {
    /// Shorter secrets are refused: 32 characters of a random token are 190 bits and more.
    public static let minimumLength = 32

    private let digest: [UInt8]

    /// `nil` when the token is shorter than ``minimumLength`` or holds anything but visible ASCII.
    public init?(_ token: String) {
        guard token.utf8.count >= Self.minimumLength, token.utf8.count <= 512, token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        digest = Array(SHA256.hash(data: Array(token.utf8)))
    }

    /// Whether an `Authorization` header carries the token. Compared as SHA-256 digests in
    /// constant time, so neither the time nor the length of a guess tells how close it was.
    func admits(_ authorization: String?) -> Bool {
        guard let authorization, authorization.hasPrefix("Bearer ") else { return false }
        return constantTimeEqual(SHA256.hash(data: Array(authorization.utf8.dropFirst("Bearer ".utf8.count))), digest)
    }
}
