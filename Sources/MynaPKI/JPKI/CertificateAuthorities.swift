public import Foundation
public import X509
import SwiftASN1

/// Where relying parties fetch revocation data: the OCSP responder (AuthorityInfoAccess)
/// and the CRLs (CRL distribution points), one of each per issuing CA.
public struct RevocationURLs: Sendable, Hashable {
    public let base: String

    public init(base: String) { self.base = base.hasSuffix("/") ? String(base.dropLast()) : base }

    public func ocsp(_ ca: CertificateAuthority.Role) -> String { "\(base)/ocsp/\(ca.rawValue)" }
    public func crl(_ ca: CertificateAuthority.Role) -> String { "\(base)/crl/\(ca.rawValue).crl" }
}

/// One certificate authority: its role, certificate and signer.
public struct CertificateAuthority: Sendable {
    public enum Role: String, Sendable, CaseIterable, Codable {
        case root
        case signature
        case authentication

        /// The issuing CA's role for a kind of card certificate.
        public init(_ kind: CertificateKind) {
            self = kind == .signature ? .signature : .authentication
        }
    }

    public let role: Role
    public let certificate: Certificate
    public let signer: any Signer

    public var name: DistinguishedName { certificate.subject }
    /// RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits.
    public var keyIdentifier: ArraySlice<UInt8> { SubjectKeyIdentifier(hash: signer.publicKey).keyIdentifier }

    public var pemRepresentation: String {
        get throws { try certificate.serializeAsPEM().pemString }
    }
}

/// The JPKI hierarchy: a root and two issuing CAs, 署名用 (signature) and 利用者証明用
/// (user authentication), RSA-2048 with SHA-256. Keys and certificates live in one
/// directory (`<data dir>/ca/`): `<role>.key` (0600) and `<role>.pem`.
public struct CertificateAuthorities: Sendable {
    public let root: CertificateAuthority
    public let signature: CertificateAuthority
    public let authentication: CertificateAuthority
    public let urls: RevocationURLs

    public func issuing(_ kind: CertificateKind) -> CertificateAuthority {
        kind == .signature ? signature : authentication
    }

    public var all: [CertificateAuthority] { [root, signature, authentication] }

    /// The root's validity, and the issuing CAs' (which must end no later).
    public static let rootLifetime: TimeInterval = 20 * 365.25 * 86_400
    public static let issuingLifetime: TimeInterval = 12 * 365.25 * 86_400

    /// 鍵生成式 — creates the three keys and certificates. Refuses to run when any of the
    /// files exists: replacing a CA is a deliberate act, never a side effect of a start.
    public static func initialize(in directory: URL, urls: RevocationURLs, now: Date = Date()) throws -> CertificateAuthorities {
        for role in CertificateAuthority.Role.allCases {
            for suffix in ["key", "pem"] where FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(role.rawValue).\(suffix)").path) {
                throw CAError.alreadyInitialised(directory.path)
            }
        }
        let notBefore = now.addingTimeInterval(-60)  // tolerate clocks slightly behind
        let rootSigner = try FileSigner.create(at: directory.appendingPathComponent("root.key"))
        let rootName = try DistinguishedName {
            CountryName("JP")
            OrganizationName("JPKI")
            OrganizationalUnitName("Myna JPKI Root")
            OrganizationalUnitName(JPKI.agency)
        }
        let rootCertificate = try Certificate(
            version: .v3, serialNumber: SerialNumbers.random(), publicKey: rootSigner.publicKey,
            notValidBefore: notBefore, notValidAfter: now.addingTimeInterval(rootLifetime),
            issuer: rootName, subject: rootName, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: rootSigner.publicKey)
            },
            issuerPrivateKey: rootSigner.certificateKey)
        let root = CertificateAuthority(role: .root, certificate: rootCertificate, signer: rootSigner)
        try write(rootCertificate, to: directory.appendingPathComponent("root.pem"))

        func issuingCA(_ kind: CertificateKind) throws -> CertificateAuthority {
            let role = CertificateAuthority.Role(kind)
            let signer = try FileSigner.create(at: directory.appendingPathComponent("\(role.rawValue).key"))
            let certificate = try Certificate(
                version: .v3, serialNumber: SerialNumbers.random(), publicKey: signer.publicKey,
                notValidBefore: notBefore, notValidAfter: now.addingTimeInterval(issuingLifetime),
                issuer: rootName, subject: try kind.issuingCAName, signatureAlgorithm: .sha256WithRSAEncryption,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                    Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                    SubjectKeyIdentifier(hash: signer.publicKey)
                    AuthorityKeyIdentifier(keyIdentifier: root.keyIdentifier)
                    try CertificatePolicies([kind.policy]).makeExtension()
                    try CRLDistributionPoints(uris: [urls.crl(.root)]).makeExtension()
                },
                issuerPrivateKey: rootSigner.certificateKey)
            try write(certificate, to: directory.appendingPathComponent("\(role.rawValue).pem"))
            return CertificateAuthority(role: role, certificate: certificate, signer: signer)
        }
        return CertificateAuthorities(
            root: root, signature: try issuingCA(.signature), authentication: try issuingCA(.authentication), urls: urls)
    }

    /// Loads an initialised hierarchy, checking that each certificate matches its key.
    public static func load(from directory: URL, urls: RevocationURLs) throws -> CertificateAuthorities {
        func ca(_ role: CertificateAuthority.Role) throws -> CertificateAuthority {
            let pemFile = directory.appendingPathComponent("\(role.rawValue).pem")
            guard FileManager.default.fileExists(atPath: pemFile.path) else { throw CAError.notInitialised(directory.path) }
            let certificate = try Certificate(pemEncoded: try String(contentsOf: pemFile, encoding: .utf8))
            let signer = try FileSigner(file: directory.appendingPathComponent("\(role.rawValue).key"))
            guard signer.publicKey == certificate.publicKey else { throw CAError.keyMismatch(role.rawValue) }
            return CertificateAuthority(role: role, certificate: certificate, signer: signer)
        }
        return CertificateAuthorities(root: try ca(.root), signature: try ca(.signature), authentication: try ca(.authentication), urls: urls)
    }

    public static func isInitialised(in directory: URL) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("root.pem").path)
    }

    private static func write(_ certificate: Certificate, to file: URL) throws {
        guard FileManager.default.createFile(
            atPath: file.path, contents: Data(try certificate.serializeAsPEM().pemString.utf8), attributes: [.posixPermissions: 0o644])
        else { throw SignerError.cannotWrite(file.path) }
    }
}

public enum CAError: Error, Sendable, CustomStringConvertible {
    case alreadyInitialised(String)
    case notInitialised(String)
    case keyMismatch(String)

    public var description: String {
        switch self {
        case .alreadyInitialised(let path): "a certificate authority already exists in \(path); it is never overwritten"
        case .notInitialised(let path): "no certificate authority in \(path): run `myna ca init`"
        case .keyMismatch(let role): "the \(role) certificate does not match its key"
        }
    }
}
