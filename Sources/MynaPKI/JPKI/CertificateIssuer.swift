import Crypto
public import Foundation
import _CryptoExtras
import SwiftASN1
public import X509

/// Where the CA records what it is about to sign and what it signed. The CA can write
/// this ledger and nothing else of the registry (design.md: the signer cannot read
/// residents). Recording the intent first means a crash between signing and recording
/// leaves a serial that can be revoked, never a signed certificate no one knows of.
public protocol CertificateLedger: Sendable {
    func recordIntent(serial: [UInt8], kind: CertificateKind, tbsCertificate: [UInt8], notAfter: Date) async throws
    func recordIssued(serial: [UInt8], certificate: [UInt8]) async throws
}

/// Issues card certificates: build the profile, lint a pre-certificate signed with a
/// throwaway key of the same kind, record the intent, sign the identical to-be-signed
/// bytes with the CA key, record the result.
public struct CertificateIssuer: Sendable {
    public let authorities: CertificateAuthorities

    public init(authorities: CertificateAuthorities) { self.authorities = authorities }

    public func issue(_ request: CertificateRequest, ledger: some CertificateLedger) async throws -> Certificate {
        let issuer = authorities.issuing(request.kind)
        let subject = try EndEntityProfile.subject(for: request)
        let extensions = try EndEntityProfile.extensions(for: request, issuer: issuer, urls: authorities.urls)
        func build(signedBy key: Certificate.PrivateKey) throws -> Certificate {
            try Certificate(
                version: .v3, serialNumber: request.serialNumber, publicKey: request.subjectPublicKey,
                notValidBefore: request.notBefore, notValidAfter: request.notAfter, issuer: issuer.name, subject: subject,
                signatureAlgorithm: .sha256WithRSAEncryption, extensions: extensions, issuerPrivateKey: key)
        }
        let preCertificate = try build(signedBy: LintKey.shared.certificateKey)
        let findings = CertificateLinter.lint(preCertificate, kind: request.kind, issuer: issuer)
        guard findings.isEmpty else { throw IssuanceError.lintFailed(findings) }

        let serial = Array(request.serialNumber.bytes)
        try await ledger.recordIntent(
            serial: serial, kind: request.kind, tbsCertificate: Array(preCertificate.tbsCertificateBytes), notAfter: request.notAfter)
        let certificate = try build(signedBy: issuer.signer.certificateKey)
        // What was linted is what was signed, byte for byte.
        guard certificate.tbsCertificateBytes == preCertificate.tbsCertificateBytes else { throw IssuanceError.tbsMismatch }
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        try await ledger.recordIssued(serial: serial, certificate: serializer.serializedBytes)
        return certificate
    }
}

public enum IssuanceError: Error, Sendable, CustomStringConvertible {
    case lintFailed([LintFinding])
    case tbsMismatch

    public var description: String {
        switch self {
        case .lintFailed(let findings): "the certificate failed its lints: " + findings.map(\.description).joined(separator: "; ")
        case .tbsMismatch: "the signed certificate differs from the linted one"
        }
    }
}

/// The throwaway RSA-2048 key pre-certificates are signed with for linting (as Boulder's
/// linter does): generated once per process, never stored, never trusted by anyone.
struct LintKey: Signer {
    static let shared = LintKey()
    private let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)  // RSA-2048 generation does not fail

    var publicKey: Certificate.PublicKey { Certificate.PublicKey(key.publicKey) }
    var signatureAlgorithm: Certificate.SignatureAlgorithm { .sha256WithRSAEncryption }
    func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: bytes, padding: .insecurePKCS1v1_5).rawRepresentation)
    }
}
