import Crypto
public import Foundation
public import MynaCore
import _CryptoExtras
import SwiftASN1
public import X509

/// What a relying party (署名検証者 / 利用者証明検証者) learns about a card certificate
/// and, when it sends them, about a signature made with it.
public struct VerificationReport: Sendable, Hashable, Codable {
    /// The certificate chains to Myna's root through the issuing CA (RFC 5280 path
    /// validation, at `checkedAt`).
    public let chainValid: Bool
    public let kind: CertificateKind?
    public let notBefore: Date?
    public let notAfter: Date?
    /// `good`, `revoked` or `unknown`, from the ledger itself, never a cached copy.
    public let revocation: String
    public let revocationReason: Int?
    /// Whether `signature` is the card key's PKCS#1 v1.5 SHA-256 signature over the data
    /// sent; `nil` when no signature was sent.
    public let signatureValid: Bool?
    public let checkedAt: Date
    /// Why the answer is not a plain yes, as stable words.
    public let problems: [String]

    /// Everything a relying party needs to accept: a valid chain, not revoked, and the
    /// signature (if any) valid.
    public var acceptable: Bool { chainValid && revocation == "good" && signatureValid != false }
}

/// The verification service (issue 3 §6): chain, validity and revocation of a card
/// certificate, and the signature it made. The public CRLs and OCSP give the same
/// revocation answer to anyone who checks by themselves.
public struct CertificateVerifier: Sendable {
    let authorities: CertificateAuthorities
    let ledger: SQLCertificateLedger
    let clock: WallClock

    public init(authorities: CertificateAuthorities, ledger: SQLCertificateLedger, clock: WallClock = .system) {
        self.authorities = authorities
        self.ledger = ledger
        self.clock = clock
    }

    public func verify(certificateDER: [UInt8], data: [UInt8]? = nil, signature: [UInt8]? = nil) async throws -> VerificationReport {
        let now = clock.now
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: certificateDER)
        } catch {
            return VerificationReport(
                chainValid: false, kind: nil, notBefore: nil, notAfter: nil, revocation: "unknown", revocationReason: nil,
                signatureValid: nil, checkedAt: now, problems: ["malformed-certificate"])
        }
        var problems: [String] = []
        let issuer = [authorities.signature, authorities.authentication].first { $0.name == certificate.issuer }
        let kind: CertificateKind? = issuer.map { $0.role == .signature ? .signature : .authentication }

        var verifier = Verifier(rootCertificates: CertificateStore([authorities.root.certificate])) {
            RFC5280Policy(fixedValidationTime: now)
        }
        let result = await verifier.validate(
            leaf: certificate, intermediates: CertificateStore([authorities.signature.certificate, authorities.authentication.certificate]))
        var chainValid = false
        if case .validCertificate = result { chainValid = true } else { problems.append("chain-invalid") }
        if now < certificate.notValidBefore || now > certificate.notValidAfter { problems.append("outside-validity") }

        var revocation = "unknown"
        var reason: Int?
        if let issuer, chainValid {
            switch try await ledger.status(serial: Array(certificate.serialNumber.bytes), role: issuer.role) {
            case .good: revocation = "good"
            case .unknown: problems.append("not-issued-by-myna")
            case .revoked(_, let why):
                revocation = "revoked"
                reason = why.rawValue
                problems.append("revoked")
            }
        }

        var signatureValid: Bool?
        if let signature {
            let valid = data.map { Self.isValidSignature(signature, over: $0, by: certificate.publicKey) } ?? false
            signatureValid = valid
            if !valid { problems.append("signature-invalid") }
        }
        return VerificationReport(
            chainValid: chainValid, kind: kind, notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter,
            revocation: revocation, revocationReason: reason, signatureValid: signatureValid, checkedAt: now, problems: problems)
    }

    /// RSA PKCS#1 v1.5 with SHA-256, as the card's COMPUTE DIGITAL SIGNATURE makes it.
    public static func isValidSignature(_ signature: [UInt8], over data: [UInt8], by key: Certificate.PublicKey) -> Bool {
        guard let rsa = _RSA.Signing.PublicKey(key) else { return false }
        return rsa.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: data, padding: .insecurePKCS1v1_5)
    }
}
