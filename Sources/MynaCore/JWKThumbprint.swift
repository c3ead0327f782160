public import Crypto
import Foundation

/// JWK thumbprints (RFC 7638) for P-256 keys, used as `kid` so a key's id follows from the
/// key itself: no registry of ids, and a rotated key gets a new id by construction.
public enum JWKThumbprint {
    /// RFC 7638 §3.2: the required members of an EC key (§3.2 lists crv, kty, x, y), in
    /// lexicographic order, without whitespace. x and y are base64url, which needs no JSON
    /// escaping, so the canonical form can be written out directly.
    public static func canonicalJSON(x: String, y: String) -> String {
        #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
    }

    /// RFC 7638 §3.1: base64url(SHA-256(canonical JSON)).
    public static func thumbprint(of key: P256.Signing.PublicKey) -> String {
        let (x, y) = coordinates(of: key)
        return Base64URL.encode(SHA256.hash(data: Array(canonicalJSON(x: x, y: y).utf8)))
    }

    /// The base64url x and y coordinates (RFC 7518 §6.2.1.2, §6.2.1.3): the 32-byte halves
    /// of the uncompressed point after its 0x04 prefix (SEC 1 §2.3.3).
    public static func coordinates(of key: P256.Signing.PublicKey) -> (x: String, y: String) {
        let point = Array(key.x963Representation)
        return (Base64URL.encode(point[1..<33]), Base64URL.encode(point[33..<65]))
    }
}
