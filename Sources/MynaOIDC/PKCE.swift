import Crypto
import MynaCore

/// Proof Key for Code Exchange (RFC 7636), S256 only. `plain` is refused: it protects
/// nothing once the authorization request can be observed, and RFC 9700 §2.1.1 points
/// clients to the methods that do not expose the verifier, of which S256 is the only one.
/// Every client must send a challenge, confidential ones included (RFC 9700 §2.1.1),
/// because PKCE also stops authorization code injection.
public enum PKCE: Sendable {
    /// RFC 7636 §4.1: 43 to 128 characters of ALPHA / DIGIT / "-" / "." / "_" / "~".
    public static func isValidVerifier(_ verifier: String) -> Bool {
        (43...128).contains(verifier.utf8.count) && verifier.utf8.allSatisfy(FormURLEncoded.isUnreserved)
    }

    /// An S256 challenge is BASE64URL(SHA256(verifier)) (RFC 7636 §4.2): a 32-byte digest is
    /// exactly 43 base64url characters, and the last one carries two unused bits that must
    /// be zero, which leaves only the characters in `finalCharacters`.
    public static func isValidChallenge(_ challenge: String) -> Bool {
        let bytes = Array(challenge.utf8)
        guard bytes.count == 43, bytes.allSatisfy(Base64URL.isAlphabet), let last = bytes.last else { return false }
        return finalCharacters.utf8.contains(last)
    }

    /// BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), RFC 7636 §4.2.
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(SHA256.hash(data: Array(verifier.utf8)))
    }

    /// RFC 7636 §4.6: recompute the challenge and compare. The comparison runs over the
    /// fixed-length encodings in constant time; a malformed verifier never matches.
    public static func verify(verifier: String, challenge: String) -> Bool {
        guard isValidVerifier(verifier), isValidChallenge(challenge) else { return false }
        return constantTimeEqual(self.challenge(for: verifier).utf8, challenge.utf8)
    }

    /// Base64url characters whose 6-bit value ends in two zero bits.
    private static let finalCharacters = "AEIMQUYcgkosw048"
}
