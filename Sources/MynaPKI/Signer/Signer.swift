public import X509

/// The one thing a certificate authority's key does: sign bytes it is handed — the DER
/// of a to-be-signed certificate, CRL or OCSP response. The registry decides *what* is
/// signed; the signer holds the key and nothing else (design.md, after Boulder's CA/RA
/// split). A file key serves tests and small deployments; an HSM (PKCS#11) plugs in
/// behind the same protocol.
public protocol Signer: Sendable {
    /// The key certificates issued by this signer are verified with.
    var publicKey: Certificate.PublicKey { get }
    /// The algorithm of every signature it makes (JPKI: sha256WithRSAEncryption).
    var signatureAlgorithm: Certificate.SignatureAlgorithm { get }
    /// The signature over `bytes` (PKCS #1 v1.5 for RSA: 256 bytes for RSA-2048).
    func sign(_ bytes: [UInt8]) throws -> [UInt8]
}
