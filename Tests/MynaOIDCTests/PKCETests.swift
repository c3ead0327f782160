import Crypto
import Foundation
import MynaOIDC
import Testing

@Suite struct PKCETests {
    @Test func rfc7636AppendixBVector() {
        // The octets of Appendix B: the verifier's 32 random bytes and their SHA-256.
        let verifierOctets: [UInt8] = [
            116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173,
            187, 186, 22, 212, 37, 77, 105, 214, 191, 240, 91, 88, 5, 88, 83,
            132, 141, 121,
        ]
        let challengeOctets: [UInt8] = [
            19, 211, 30, 150, 26, 26, 216, 236, 47, 22, 177, 12, 76, 152, 46,
            8, 118, 168, 120, 173, 109, 241, 68, 86, 110, 225, 137, 74, 203,
            112, 249, 195,
        ]
        #expect(base64URL(verifierOctets) == Fixtures.verifier)
        #expect(Array(SHA256.hash(data: Data(Fixtures.verifier.utf8))) == challengeOctets)
        #expect(base64URL(challengeOctets) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")

        #expect(PKCE.challenge(for: Fixtures.verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        #expect(PKCE.verify(verifier: Fixtures.verifier, challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))
    }

    func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test func wrongVerifierFails() {
        let other = String(Fixtures.verifier.dropLast()) + "Y"
        #expect(PKCE.isValidVerifier(other))
        #expect(!PKCE.verify(verifier: other, challenge: Fixtures.challenge))
    }

    @Test func plainChallengeDoesNotVerify() {
        // A client that sends the verifier itself as the challenge ("plain") gets nowhere.
        #expect(!PKCE.verify(verifier: Fixtures.verifier, challenge: Fixtures.verifier))
    }

    @Test func verifierLengthAndAlphabet() {
        #expect(PKCE.isValidVerifier(String(repeating: "a", count: 43)))
        #expect(PKCE.isValidVerifier(String(repeating: "~", count: 128)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 129)))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42) + "+"))
        #expect(!PKCE.isValidVerifier(String(repeating: "a", count: 42) + "あ"))
    }

    @Test func challengeShape() {
        #expect(PKCE.isValidChallenge(Fixtures.challenge))
        #expect(!PKCE.isValidChallenge(Fixtures.challenge + "A"))
        #expect(!PKCE.isValidChallenge(String(Fixtures.challenge.dropLast()) + "="))
        // 'N' has non-zero padding bits: no SHA-256 digest encodes to it.
        #expect(!PKCE.isValidChallenge(String(Fixtures.challenge.dropLast()) + "N"))
    }
}
