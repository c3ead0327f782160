public import Foundation
import Crypto
import MynaCore

/// A confidential client's secret, shown once at registration and then kept only as its
/// hash. A plain SHA-256 is enough here, unlike for passwords: the secret is 256 random bits,
/// so there is nothing for a slow hash to protect against guessing.
public struct ClientSecret: Sendable {
    /// The secret to hand to the client's operator; the host must not store it.
    public let value: String
    public var hash: ClientSecretHash { ClientSecretHash(hashing: value) }

    /// 32 random bytes, base64url: 43 characters of the form-urlencoding-safe alphabet, so
    /// RFC 6749 §2.3.1's encoding step leaves it unchanged.
    public static func generate() -> ClientSecret {
        ClientSecret(value: Base64URL.randomToken())
    }
}

/// The SHA-256 of a client secret, which is what the host stores.
public struct ClientSecretHash: Hashable, Sendable {
    public let digest: Data

    public init(hashing secret: String) {
        digest = Data(SHA256.hash(data: Array(secret.utf8)))
    }

    /// Restores a stored hash; `nil` unless it is 32 bytes.
    public init?(digest: Data) {
        guard digest.count == SHA256.byteCount else { return nil }
        self.digest = digest
    }

    /// Hashes the presented secret and compares digests in constant time (RFC 6749 §10.10
    /// wants secrets unguessable; an early-exit compare would leak them byte by byte).
    public func matches(_ presented: String) -> Bool {
        constantTimeEqual(SHA256.hash(data: Array(presented.utf8)), digest)
    }
}
