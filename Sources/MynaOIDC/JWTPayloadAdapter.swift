import JWTKit

/// Carries this module's claim types through jwt-kit without making them depend on it, so
/// the public API does not re-export JWTKit. It encodes and decodes exactly as the wrapped
/// claims do.
struct JWTPayloadAdapter<Claims: Codable & Sendable>: JWTPayload {
    let claims: Claims

    init(_ claims: Claims) {
        self.claims = claims
    }

    init(from decoder: any Decoder) throws {
        claims = try Claims(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        try claims.encode(to: encoder)
    }

    /// jwt-kit calls this after checking the signature, passing only the algorithm. Tokens
    /// here are ES256 only (RFC 7518 §3.4), so anything else is refused even if a key set
    /// handed in later held other key types. The claim checks need the expected issuer,
    /// audience and the caller's clock, which this hook cannot receive, so ``TokenVerifier``
    /// makes them right after jwt-kit returns.
    func verify(using algorithm: some JWTAlgorithm) async throws {
        guard algorithm.name == TokenVerifier.algorithm else {
            throw JWTError.signatureVerificationFailed
        }
    }
}
