import Foundation
import SwiftASN1
public import X509

/// Presents any ``Signer`` to swift-certificates as a private key, so certificates are
/// built by that library and signed by Myna's signer (file key or HSM) without the key
/// ever leaving it. The key cannot be serialised: exporting it is refused.
struct SignerKey: CustomPrivateKey {
    let signer: any Signer

    static var defaultPEMDiscriminator: String { "PRIVATE KEY" }
    var publicKey: Certificate.PublicKey { signer.publicKey }
    var defaultSignatureAlgorithm: Certificate.SignatureAlgorithm { signer.signatureAlgorithm }
    var supportedSignatureAlgorithms: [Certificate.SignatureAlgorithm] { [signer.signatureAlgorithm] }

    func signSynchronously(bytes: some DataProtocol, signatureAlgorithm: Certificate.SignatureAlgorithm) throws -> Certificate.Signature {
        guard signatureAlgorithm == signer.signatureAlgorithm else { throw SignerError.unsupportedAlgorithm }
        return try Certificate.Signature(
            signatureAlgorithm: signatureAlgorithm, signatureBytes: ASN1BitString(bytes: try signer.sign(Array(bytes))[...]))
    }

    func serialize(into coder: inout DER.Serializer) throws { throw SignerError.notExportable }

    static func == (lhs: SignerKey, rhs: SignerKey) -> Bool { lhs.publicKey == rhs.publicKey }
    func hash(into hasher: inout Hasher) { hasher.combine(publicKey) }
}

extension Signer {
    /// This signer as swift-certificates' issuer key.
    public var certificateKey: Certificate.PrivateKey { Certificate.PrivateKey(SignerKey(signer: self)) }
}
