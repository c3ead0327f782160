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
    /// Many intents, durably, before any of them is signed (one commit for a batch).
    func recordIntents(_ intents: [CertificateIntent]) async throws
    /// Many results at once.
    func recordIssued(_ certificates: [(serial: [UInt8], certificate: [UInt8])]) async throws
}

/// What the CA is about to sign.
public struct CertificateIntent: Sendable {
    public let serial: [UInt8]
    public let kind: CertificateKind
    public let tbsCertificate: [UInt8]
    public let notAfter: Date
}

extension CertificateLedger {
    public func recordIntents(_ intents: [CertificateIntent]) async throws {
        for intent in intents {
            try await recordIntent(serial: intent.serial, kind: intent.kind, tbsCertificate: intent.tbsCertificate, notAfter: intent.notAfter)
        }
    }

    public func recordIssued(_ certificates: [(serial: [UInt8], certificate: [UInt8])]) async throws {
        for item in certificates { try await recordIssued(serial: item.serial, certificate: item.certificate) }
    }
}

/// Issues card certificates: build the profile, lint a pre-certificate signed with a
/// throwaway key of the same kind, record the intent, sign the identical to-be-signed
/// bytes with the CA key, record the result.
public struct CertificateIssuer: Sendable {
    public let authorities: CertificateAuthorities

    public init(authorities: CertificateAuthorities) { self.authorities = authorities }

    public func issue(_ request: CertificateRequest, ledger: some CertificateLedger) async throws -> Certificate {
        try await issueMany([request], ledger: ledger)[0]
    }

    /// Issues a batch (a renewal wave, a counter's queue) with one commit for all the
    /// intents and one for all the results. Nothing is signed unless every request passes
    /// its lints and every intent is recorded.
    public func issueMany(_ requests: [CertificateRequest], ledger: some CertificateLedger) async throws -> [Certificate] {
        let planned = try requests.map { request in
            let issuer = authorities.issuing(request.kind)
            let subject = try EndEntityProfile.subject(for: request)
            let extensions = try EndEntityProfile.extensions(for: request, issuer: issuer, urls: authorities.urls)
            let build = { (key: Certificate.PrivateKey) throws -> Certificate in
                try Certificate(
                    version: .v3, serialNumber: request.serialNumber, publicKey: request.subjectPublicKey,
                    notValidBefore: request.notBefore, notValidAfter: request.notAfter, issuer: issuer.name, subject: subject,
                    signatureAlgorithm: .sha256WithRSAEncryption, extensions: extensions, issuerPrivateKey: key)
            }
            let preCertificate = try build(LintKey.shared.certificateKey)
            let findings = CertificateLinter.lint(preCertificate, kind: request.kind, issuer: issuer)
            guard findings.isEmpty else { throw IssuanceError.lintFailed(findings) }
            return (request, issuer, build, preCertificate)
        }
        try await ledger.recordIntents(planned.map { request, _, _, preCertificate in
            CertificateIntent(
                serial: Array(request.serialNumber.bytes), kind: request.kind,
                tbsCertificate: Array(preCertificate.tbsCertificateBytes), notAfter: request.notAfter)
        })
        var issued: [Certificate] = []
        var records: [(serial: [UInt8], certificate: [UInt8])] = []
        for (request, issuer, build, preCertificate) in planned {
            let certificate = try build(issuer.signer.certificateKey)
            // What was linted is what was signed, byte for byte.
            guard certificate.tbsCertificateBytes == preCertificate.tbsCertificateBytes else { throw IssuanceError.tbsMismatch }
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            issued.append(certificate)
            records.append((Array(request.serialNumber.bytes), serializer.serializedBytes))
        }
        try await ledger.recordIssued(records)
        return issued
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

/// What pre-certificates are "signed" with for linting. The linter reads only the
/// to-be-signed part, so the signature is a placeholder of the right length rather than
/// a second RSA operation: issuance costs one CA signature, not two. The pre-certificate
/// is never published, stored or trusted.
struct LintKey: Signer {
    static let shared = LintKey()
    private let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)  // RSA-2048 generation does not fail

    var publicKey: Certificate.PublicKey { Certificate.PublicKey(key.publicKey) }
    var signatureAlgorithm: Certificate.SignatureAlgorithm { .sha256WithRSAEncryption }
    func sign(_ bytes: [UInt8]) throws -> [UInt8] { [UInt8](repeating: 0, count: 256) }
}
