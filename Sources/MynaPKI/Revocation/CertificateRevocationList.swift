import Crypto
public import Foundation
import SwiftASN1
public import X509
import _CryptoExtras

/// An X.509 v2 Certificate Revocation List (RFC 5280 §5), as Myna's CAs issue it:
///
///     CertificateList  ::=  SEQUENCE  {
///         tbsCertList          TBSCertList,
///         signatureAlgorithm   AlgorithmIdentifier,
///         signatureValue       BIT STRING  }
///
///     TBSCertList  ::=  SEQUENCE  {
///         version                 Version OPTIONAL,
///                                      -- if present, MUST be v2
///         signature               AlgorithmIdentifier,
///         issuer                  Name,
///         thisUpdate              Time,
///         nextUpdate              Time OPTIONAL,
///         revokedCertificates     SEQUENCE OF SEQUENCE  {
///              userCertificate         CertificateSerialNumber,
///              revocationDate          Time,
///              crlEntryExtensions      Extensions OPTIONAL
///                                       -- if present, version MUST be v2
///                                   }  OPTIONAL,
///         crlExtensions           [0]  EXPLICIT Extensions OPTIONAL
///                                       -- if present, version MUST be v2
///                                   }
///
/// A list built in memory is signed with ``signed(by:)``, which returns the DER of the
/// whole CertificateList. ``init(derEncoded:)`` reads one back — what Myna serves — with
/// the exact bytes that were signed (``tbsBytes``) and the ``signature``.
///
/// Dates are kept to the whole second (earlier, never later): the DER times carry no
/// fractions (§5.1.2.4, §4.1.2.5.2), so what is read back equals what was built.
///
/// Myna writes, and reads back, only the profile it issues: v2, sha256WithRSAEncryption,
/// nextUpdate present, and both extensions §5.2 makes mandatory (authorityKeyIdentifier by
/// key identifier, cRLNumber). Reading refuses anything else rather than guessing, and
/// refuses a critical extension it does not understand (§5.2, §5.3).
public struct CertificateRevocationList: Sendable, Hashable {
    /// RFC 5280 §5.1.2.3: issuer — the name of the CA that signed the list.
    public let issuer: DistinguishedName
    /// RFC 5280 §5.2.1: the keyIdentifier of the authorityKeyIdentifier extension — the
    /// subject key identifier of the CA certificate whose key signs the list (see
    /// ``keyIdentifier(of:)``).
    public let authorityKeyIdentifier: [UInt8]
    /// RFC 5280 §5.2.3: cRLNumber — "a monotonically increasing sequence number for a
    /// given CRL scope and CRL issuer". RFC 5280 allows up to 20 octets; Myna's numbers are
    /// 64-bit, and reading a larger one fails.
    public let number: UInt64
    /// RFC 5280 §5.1.2.4: thisUpdate — the issue date of this CRL.
    public let thisUpdate: Date
    /// RFC 5280 §5.1.2.5: nextUpdate — "the date by which the next CRL will be issued".
    public let nextUpdate: Date
    /// RFC 5280 §5.1.2.6: revokedCertificates, in the order given.
    public let revoked: [RevokedCertificate]
    /// RFC 5280 §5.1.1.2 / §5.1.2.2: the algorithm of the signature — the same in
    /// tbsCertList and in the outer CertificateList.
    public let signatureAlgorithm: SignatureAlgorithmIdentifier
    /// RFC 5280 §5.1.1.1: the DER of tbsCertList, exactly the bytes that are signed. For a
    /// list read by ``init(derEncoded:)``, the bytes as read.
    public let tbsBytes: [UInt8]
    /// RFC 5280 §5.1.1.3: signatureValue (for RSA, the PKCS #1 v1.5 signature). `nil` for
    /// a list built in memory: its signed form is what ``signed(by:)`` returns.
    public let signature: [UInt8]?
    /// The whole CertificateList as read; `nil` for a list built in memory.
    private let derBytes: [UInt8]?

    /// A v2 CRL signed with sha256WithRSAEncryption.
    ///
    /// - Parameters:
    ///   - issuer: the CA's subject name, as in its certificate.
    ///   - authorityKeyIdentifier: the CA certificate's subject key identifier; for a CA
    ///     key identified by method 1 of RFC 5280 §4.2.1.2, ``keyIdentifier(of:)``.
    ///   - number: the cRLNumber, larger than every number this CA issued before.
    ///   - thisUpdate, nextUpdate: truncated to the whole second; nextUpdate must be later.
    ///   - revoked: one entry per certificate; a serial number appears at most once.
    /// - Throws: ``CertificateRevocationListError`` for a list RFC 5280 forbids, or an
    ///   encoding error for a date outside years 0–9999.
    public init(
        issuer: DistinguishedName,
        authorityKeyIdentifier: [UInt8],
        number: UInt64,
        thisUpdate: Date,
        nextUpdate: Date,
        revoked: [RevokedCertificate]
    ) throws {
        let thisUpdate = thisUpdate.truncatedToSecond
        let nextUpdate = nextUpdate.truncatedToSecond
        try Self.validate(
            issuer: issuer, authorityKeyIdentifier: authorityKeyIdentifier, thisUpdate: thisUpdate,
            nextUpdate: nextUpdate, revoked: revoked)
        let tbs = TBSCertList(
            signature: .sha256WithRSAEncryption, issuer: issuer, thisUpdate: thisUpdate, nextUpdate: nextUpdate,
            revoked: revoked, authorityKeyIdentifier: authorityKeyIdentifier, number: number)
        var coder = DER.Serializer()
        try coder.serialize(tbs)
        self.init(tbs: tbs, tbsBytes: coder.serializedBytes, signature: nil, derBytes: nil)
    }

    private init(tbs: TBSCertList, tbsBytes: [UInt8], signature: [UInt8]?, derBytes: [UInt8]?) {
        issuer = tbs.issuer
        authorityKeyIdentifier = tbs.authorityKeyIdentifier
        number = tbs.number
        thisUpdate = tbs.thisUpdate
        nextUpdate = tbs.nextUpdate
        revoked = tbs.revoked
        signatureAlgorithm = tbs.signature
        self.tbsBytes = tbsBytes
        self.signature = signature
        self.derBytes = derBytes
    }

    /// RFC 5280 §4.2.1.2, method 1: "the keyIdentifier is composed of the 160-bit SHA-1
    /// hash of the value of the BIT STRING subjectPublicKey (excluding the tag, length,
    /// and number of unused bits)" — the same bytes swift-certificates'
    /// `SubjectKeyIdentifier(hash:)` puts in a CA certificate.
    public static func keyIdentifier(of publicKey: Certificate.PublicKey) -> [UInt8] {
        Array(Insecure.SHA1.hash(data: publicKey.subjectPublicKeyInfoBytes))
    }

    /// Signs the DER of tbsCertList with `signer` and returns the DER of the whole
    /// CertificateList (RFC 5280 §5.1.1). The signature is checked against the signer's
    /// public key before it is returned, so a faulty key store cannot publish a list no
    /// one can verify.
    public func signed(by signer: some Signer) throws -> [UInt8] {
        // RFC 5280 §5.1.1.2: signatureAlgorithm "MUST contain the same algorithm identifier
        // as the signature field in the sequence tbsCertList".
        guard signer.signatureAlgorithm == .sha256WithRSAEncryption else {
            throw CertificateRevocationListError.unsupportedSignatureAlgorithm(String(describing: signer.signatureAlgorithm))
        }
        // RFC 5280 §5.1.1.3: signatureValue is "a digital signature computed upon the ASN.1
        // DER encoded tbsCertList", "encoded as a BIT STRING".
        let signature = try signer.sign(tbsBytes)
        guard Self.isValid(signature: signature, over: tbsBytes, publicKey: signer.publicKey) else {
            throw CertificateRevocationListError.signatureDidNotVerify
        }
        // RFC 5280 §5.1.1: CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsBytes)
            try coder.serialize(signatureAlgorithm)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
        }
        return coder.serializedBytes
    }

    /// Reads a DER CertificateList (RFC 5280 §5.1) of the profile Myna issues.
    public init(derEncoded bytes: [UInt8]) throws {
        let root = try DER.parse(bytes)
        let (tbsNode, outerAlgorithm, signatureValue) = try DER.sequence(root, identifier: .sequence) { nodes in
            guard let tbsNode = nodes.next() else { throw CertificateRevocationListError.malformed("no tbsCertList") }
            // RFC 5280 §5.1.1.2: signatureAlgorithm
            let algorithm = try SignatureAlgorithmIdentifier(derEncoded: &nodes)
            // RFC 5280 §5.1.1.3: signatureValue
            let signature = try ASN1BitString(derEncoded: &nodes)
            return (tbsNode, algorithm, signature)
        }
        let tbs = try TBSCertList(derEncoded: tbsNode)
        // RFC 5280 §5.1.1.2: the outer algorithm "MUST contain the same algorithm identifier
        // as the signature field in the sequence tbsCertList (Section 5.1.2.2)".
        guard outerAlgorithm == tbs.signature else {
            throw CertificateRevocationListError.malformed("signatureAlgorithm differs from tbsCertList.signature")
        }
        guard signatureValue.paddingBits == 0 else {
            throw CertificateRevocationListError.malformed("signatureValue is not a whole number of octets")
        }
        try Self.validate(
            issuer: tbs.issuer, authorityKeyIdentifier: tbs.authorityKeyIdentifier, thisUpdate: tbs.thisUpdate,
            nextUpdate: tbs.nextUpdate, revoked: tbs.revoked)
        self.init(
            tbs: tbs, tbsBytes: Array(tbsNode.encodedBytes), signature: Array(signatureValue.bytes), derBytes: bytes)
    }

    /// Whether ``signature`` is a sha256WithRSAEncryption (PKCS #1 v1.5, SHA-256) signature
    /// over ``tbsBytes`` by the private key of `publicKey`. `false` for a list built in
    /// memory, another algorithm or a key that is not RSA.
    public func isSignatureValid(for publicKey: Certificate.PublicKey) -> Bool {
        guard let signature, signatureAlgorithm == .sha256WithRSAEncryption else { return false }
        return Self.isValid(signature: signature, over: tbsBytes, publicKey: publicKey)
    }

    /// The list read by ``init(derEncoded:)`` as PEM (RFC 7468 §5: label "X509 CRL").
    /// Throws ``CertificateRevocationListError/notSigned`` for a list built in memory: sign it
    /// and read the result back.
    public var pemRepresentation: String {
        get throws {
            guard let derBytes else { throw CertificateRevocationListError.notSigned }
            return PEMDocument(type: "X509 CRL", derBytes: derBytes).pemString
        }
    }

    private static func isValid(signature: [UInt8], over bytes: [UInt8], publicKey: Certificate.PublicKey) -> Bool {
        guard let key = _RSA.Signing.PublicKey(publicKey) else { return false }
        return key.isValidSignature(
            _RSA.Signing.RSASignature(rawRepresentation: signature), for: bytes, padding: .insecurePKCS1v1_5)
    }

    /// The rules a list must keep whether built here or read.
    private static func validate(
        issuer: DistinguishedName, authorityKeyIdentifier: [UInt8], thisUpdate: Date, nextUpdate: Date,
        revoked: [RevokedCertificate]
    ) throws {
        // RFC 5280 §5.1.2.3: "The issuer field MUST contain a non-empty X.500 distinguished name".
        guard !issuer.isEmpty else { throw CertificateRevocationListError.emptyIssuer }
        // RFC 5280 §5.2.1: "Conforming CRL issuers MUST use the key identifier method".
        guard !authorityKeyIdentifier.isEmpty else { throw CertificateRevocationListError.emptyAuthorityKeyIdentifier }
        // RFC 5280 §5.1.2.5: nextUpdate is when the next CRL comes, after this one.
        guard nextUpdate > thisUpdate else { throw CertificateRevocationListError.nextUpdateNotAfterThisUpdate }
        var seen = Set<Certificate.SerialNumber>()
        for entry in revoked {
            // RFC 5280 §5.1.2.6: "Revoked certificates are listed by their serial numbers";
            // one entry per certificate.
            guard seen.insert(entry.serialNumber).inserted else {
                throw CertificateRevocationListError.duplicateSerialNumber(entry.serialNumber)
            }
            // RFC 5280 §5.2.4: removeFromCRL tells a delta CRL's reader to drop an entry;
            // a complete CRL has no use for it.
            guard entry.reason != .removeFromCRL else {
                throw CertificateRevocationListError.removeFromCRLInFullCRL(entry.serialNumber)
            }
        }
    }
}

/// RFC 5280 §5.1.2.6: one entry of revokedCertificates.
///
///     SEQUENCE  {
///         userCertificate         CertificateSerialNumber,
///         revocationDate          Time,
///         crlEntryExtensions      Extensions OPTIONAL }
public struct RevokedCertificate: Sendable, Hashable {
    /// userCertificate: the revoked certificate's serial number. swift-certificates'
    /// type, so `certificate.serialNumber` compares directly; its `bytes` are the
    /// big-endian INTEGER contents (a leading zero octet when the top bit is set).
    public let serialNumber: Certificate.SerialNumber
    /// revocationDate: when the revocation occurred, to the whole second.
    public let revocationDate: Date
    /// The reasonCode entry extension (RFC 5280 §5.3.1). `nil` when there is none;
    /// ``RevocationReason/unspecified`` is stored as `nil` because "the reason code CRL
    /// entry extension SHOULD be absent instead of using the unspecified (0) reasonCode
    /// value".
    public let reason: RevocationReason?

    public init(serialNumber: Certificate.SerialNumber, revocationDate: Date, reason: RevocationReason?) {
        self.serialNumber = serialNumber
        self.revocationDate = revocationDate.truncatedToSecond
        self.reason = reason == .unspecified ? nil : reason
    }
}

public enum CertificateRevocationListError: Error, Sendable, Hashable, CustomStringConvertible {
    case unsupportedSignatureAlgorithm(String)
    case emptyIssuer
    case emptyAuthorityKeyIdentifier
    case nextUpdateNotAfterThisUpdate
    case duplicateSerialNumber(Certificate.SerialNumber)
    case removeFromCRLInFullCRL(Certificate.SerialNumber)
    case signatureDidNotVerify
    case notSigned
    /// DER that is not a CRL of the profile Myna issues; the text says what is wrong.
    case malformed(String)

    public var description: String {
        switch self {
        case .unsupportedSignatureAlgorithm(let algorithm): "CRLs are signed with sha256WithRSAEncryption, not \(algorithm)"
        case .emptyIssuer: "the issuer name is empty (RFC 5280 §5.1.2.3)"
        case .emptyAuthorityKeyIdentifier: "the authority key identifier is empty (RFC 5280 §5.2.1)"
        case .nextUpdateNotAfterThisUpdate: "nextUpdate must be later than thisUpdate (RFC 5280 §5.1.2.5)"
        case .duplicateSerialNumber(let serial): "serial number \(serial) is listed twice"
        case .removeFromCRLInFullCRL(let serial):
            "serial number \(serial): removeFromCRL belongs to delta CRLs only (RFC 5280 §5.2.4)"
        case .signatureDidNotVerify: "the signer's signature does not verify with its own public key"
        case .notSigned: "the CRL has not been signed"
        case .malformed(let reason): "not a CRL Myna can read: \(reason)"
        }
    }
}

// MARK: - DER

/// RFC 5280 §5.1.2: the to-be-signed part, as Myna writes it.
private struct TBSCertList: DERImplicitlyTaggable {
    static var defaultIdentifier: ASN1Identifier { .sequence }

    var signature: SignatureAlgorithmIdentifier
    var issuer: DistinguishedName
    var thisUpdate: Date
    var nextUpdate: Date
    var revoked: [RevokedCertificate]
    var authorityKeyIdentifier: [UInt8]
    var number: UInt64

    init(
        signature: SignatureAlgorithmIdentifier, issuer: DistinguishedName, thisUpdate: Date, nextUpdate: Date,
        revoked: [RevokedCertificate], authorityKeyIdentifier: [UInt8], number: UInt64
    ) {
        self.signature = signature
        self.issuer = issuer
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
        self.revoked = revoked
        self.authorityKeyIdentifier = authorityKeyIdentifier
        self.number = number
    }

    /// RFC 5280 §5.1.2.1: "Version ::= INTEGER { v1(0), v2(1) }" — Myna's lists carry
    /// extensions, so "this field MUST be present and MUST specify version 2 (the integer
    /// value is 1)".
    static let v2 = 1

    func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            // RFC 5280 §5.1.2.1: version
            try coder.serialize(Self.v2)
            // RFC 5280 §5.1.2.2: signature
            try coder.serialize(signature)
            // RFC 5280 §5.1.2.3: issuer
            try coder.serialize(issuer)
            // RFC 5280 §5.1.2.4: thisUpdate
            try CRLTime.serialize(thisUpdate, into: &coder)
            // RFC 5280 §5.1.2.5: nextUpdate — "Conforming CRL issuers MUST include the
            // nextUpdate time in all CRLs."
            try CRLTime.serialize(nextUpdate, into: &coder)
            // RFC 5280 §5.1.2.6: "When there are no revoked certificates, the revoked
            // certificates list MUST be absent."
            if !revoked.isEmpty {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    for entry in revoked { try RevokedCertificateEntry.serialize(entry, into: &coder) }
                }
            }
            // RFC 5280 §5.1.2.7: crlExtensions [0] EXPLICIT Extensions
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                try coder.serializeSequenceOf([
                    // RFC 5280 §5.2.1: authorityKeyIdentifier, keyIdentifier method, non-critical.
                    try Certificate.Extension(
                        AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier[...]), critical: false),
                    // RFC 5280 §5.2.3: cRLNumber — "MUST mark this extension as non-critical".
                    try CRLExtensionID.cRLNumberExtension(number),
                ])
            }
        }
    }

    init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            // RFC 5280 §5.1.2.1: version — OPTIONAL, but Myna's lists are v2.
            guard let version = try? Int(derEncoded: &nodes), version == Self.v2 else {
                throw CertificateRevocationListError.malformed("version is not v2")
            }
            // RFC 5280 §5.1.2.2: signature
            let signature = try SignatureAlgorithmIdentifier(derEncoded: &nodes)
            // RFC 5280 §5.1.2.3: issuer
            // (Through DERParseable: swift-certificates deprecates the implicitly tagged form.)
            let parseName: (inout ASN1NodeCollection.Iterator) throws -> DistinguishedName = DistinguishedName.init(derEncoded:)
            let issuer = try parseName(&nodes)
            // RFC 5280 §5.1.2.4: thisUpdate
            guard let thisUpdateNode = nodes.next() else { throw CertificateRevocationListError.malformed("no thisUpdate") }
            let thisUpdate = try CRLTime.parse(thisUpdateNode)
            // RFC 5280 §5.1.2.5: nextUpdate — OPTIONAL in ASN.1, required by the profile.
            var peek = nodes
            guard let nextUpdateNode = peek.next(), CRLTime.isTime(nextUpdateNode) else {
                throw CertificateRevocationListError.malformed("no nextUpdate")
            }
            nodes = peek
            let nextUpdate = try CRLTime.parse(nextUpdateNode)
            // RFC 5280 §5.1.2.6: revokedCertificates — absent when empty.
            var revoked: [RevokedCertificate] = []
            peek = nodes
            if let node = peek.next(), node.identifier == .sequence {
                nodes = peek
                revoked = try DER.sequence(node, identifier: .sequence) { entries in
                    var revoked: [RevokedCertificate] = []
                    while let entry = entries.next() { revoked.append(try RevokedCertificateEntry.parse(entry)) }
                    return revoked
                }
                guard !revoked.isEmpty else {
                    throw CertificateRevocationListError.malformed("revokedCertificates is present but empty")
                }
            }
            // RFC 5280 §5.1.2.7: crlExtensions [0] EXPLICIT Extensions
            let extensions = try DER.explicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                try CRLExtensionID.extensions(node)
            }
            var authorityKeyIdentifier: [UInt8]?
            var number: UInt64?
            for ext in extensions {
                switch ext.oid {
                case ASN1ObjectIdentifier.X509ExtensionID.authorityKeyIdentifier:
                    // RFC 5280 §5.2.1: "Conforming CRL issuers MUST use the key identifier method".
                    guard let keyIdentifier = try AuthorityKeyIdentifier(ext).keyIdentifier else {
                        throw CertificateRevocationListError.malformed("authorityKeyIdentifier has no keyIdentifier")
                    }
                    authorityKeyIdentifier = Array(keyIdentifier)
                case CRLExtensionID.cRLNumber:
                    // RFC 5280 §5.2.3: CRLNumber ::= INTEGER (0..MAX)
                    number = try UInt64(derEncoded: ext.value)
                case let oid where ext.critical:
                    // RFC 5280 §5.2: "If a CRL contains a critical extension that the
                    // application cannot process, then the application MUST NOT use that CRL".
                    throw CertificateRevocationListError.malformed("unknown critical CRL extension \(oid)")
                default:
                    break
                }
            }
            // RFC 5280 §5.2.1 and §5.2.3: both extensions MUST be in every CRL.
            guard let authorityKeyIdentifier else {
                throw CertificateRevocationListError.malformed("no authorityKeyIdentifier extension")
            }
            guard let number else { throw CertificateRevocationListError.malformed("no cRLNumber extension") }
            return TBSCertList(
                signature: signature, issuer: issuer, thisUpdate: thisUpdate, nextUpdate: nextUpdate, revoked: revoked,
                authorityKeyIdentifier: authorityKeyIdentifier, number: number)
        }
    }
}

/// RFC 5280 §5.1.2.6: one revokedCertificates entry on the wire.
private enum RevokedCertificateEntry {
    static func serialize(_ entry: RevokedCertificate, into coder: inout DER.Serializer) throws {
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            // userCertificate CertificateSerialNumber (RFC 5280 §4.1.2.2: INTEGER)
            try coder.serialize(entry.serialNumber.bytes)
            // revocationDate Time
            try CRLTime.serialize(entry.revocationDate, into: &coder)
            // crlEntryExtensions Extensions OPTIONAL — SIZE (1..MAX), so absent without a reason.
            if let reason = entry.reason {
                try coder.serializeSequenceOf([try CRLExtensionID.reasonCodeExtension(reason)])
            }
        }
    }

    static func parse(_ node: ASN1Node) throws -> RevokedCertificate {
        try DER.sequence(node, identifier: .sequence) { nodes in
            let serial = try ArraySlice<UInt8>(derEncoded: &nodes)
            guard let dateNode = nodes.next() else { throw CertificateRevocationListError.malformed("no revocationDate") }
            let revocationDate = try CRLTime.parse(dateNode)
            var reason: RevocationReason?
            if let extensionsNode = nodes.next() {
                for ext in try CRLExtensionID.extensions(extensionsNode) {
                    switch ext.oid {
                    case CRLExtensionID.reasonCode:
                        // RFC 5280 §5.3.1: CRLReason ::= ENUMERATED
                        let node = try DER.parse(ext.value)
                        let code = try Int(derEncoded: node, withIdentifier: .enumerated)
                        guard let value = RevocationReason(rawValue: code) else {
                            throw CertificateRevocationListError.malformed("reasonCode \(code) is not a CRLReason")
                        }
                        reason = value
                    case let oid where ext.critical:
                        // RFC 5280 §5.3: a critical entry extension the application cannot
                        // process makes the CRL unusable.
                        throw CertificateRevocationListError.malformed("unknown critical CRL entry extension \(oid)")
                    default:
                        break
                    }
                }
            }
            return RevokedCertificate(
                serialNumber: Certificate.SerialNumber(bytes: serial), revocationDate: revocationDate, reason: reason)
        }
    }
}

/// The CRL extensions of RFC 5280 §5.2 and §5.3 that Myna writes.
private enum CRLExtensionID {
    /// RFC 5280 §5.2.3: id-ce-cRLNumber OBJECT IDENTIFIER ::= { id-ce 20 }
    static let cRLNumber: ASN1ObjectIdentifier = [2, 5, 29, 20]
    /// RFC 5280 §5.3.1: id-ce-cRLReasons OBJECT IDENTIFIER ::= { id-ce 21 }
    static let reasonCode: ASN1ObjectIdentifier = [2, 5, 29, 21]

    static func cRLNumberExtension(_ number: UInt64) throws -> Certificate.Extension {
        var coder = DER.Serializer()
        try coder.serialize(number)
        return Certificate.Extension(oid: cRLNumber, critical: false, value: coder.serializedBytes[...])
    }

    /// RFC 5280 §5.3.1: "The reasonCode is a non-critical CRL entry extension".
    static func reasonCodeExtension(_ reason: RevocationReason) throws -> Certificate.Extension {
        var coder = DER.Serializer()
        try reason.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
        return Certificate.Extension(oid: reasonCode, critical: false, value: coder.serializedBytes[...])
    }

    /// RFC 5280 §4.1: Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension — each
    /// extension at most once (§4.2).
    static func extensions(_ node: ASN1Node) throws -> [Certificate.Extension] {
        let extensions = try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
        guard !extensions.isEmpty else { throw CertificateRevocationListError.malformed("an empty Extensions") }
        guard Set(extensions.map(\.oid)).count == extensions.count else {
            throw CertificateRevocationListError.malformed("an extension appears twice")
        }
        return extensions
    }
}

/// RFC 5280 §5.1.2.4 (and §4.1.2.5):
///
///     Time ::= CHOICE {
///         utcTime        UTCTime,
///         generalTime    GeneralizedTime }
///
/// "CRL issuers conforming to this profile MUST encode thisUpdate as UTCTime for dates
/// through the year 2049. CRL issuers conforming to this profile MUST encode thisUpdate
/// as GeneralizedTime for dates in the year 2050 or later." — the same for nextUpdate
/// (§5.1.2.5) and revocationDate (§5.1.2.6). Both forms are Zulu and carry whole seconds
/// (§4.1.2.5.1, §4.1.2.5.2).
private enum CRLTime {
    static func serialize(_ date: Date, into coder: inout DER.Serializer) throws {
        let c = UTCInstant(date)
        if (1950...2049).contains(c.year) {
            try coder.serialize(
                UTCTime(year: c.year, month: c.month, day: c.dayOfMonth, hours: c.hours, minutes: c.minutes, seconds: c.seconds))
        } else {
            try coder.serialize(
                GeneralizedTime(
                    year: c.year, month: c.month, day: c.dayOfMonth, hours: c.hours, minutes: c.minutes, seconds: c.seconds,
                    fractionalSeconds: 0))
        }
    }

    static func isTime(_ node: ASN1Node) -> Bool {
        node.identifier == .utcTime || node.identifier == .generalizedTime
    }

    static func parse(_ node: ASN1Node) throws -> Date {
        switch node.identifier {
        case .utcTime:
            let t = try UTCTime(derEncoded: node)
            return try UTCInstant(
                year: t.year, month: t.month, day: t.day, hours: t.hours, minutes: t.minutes, seconds: t.seconds
            ).instant
        case .generalizedTime:
            let t = try GeneralizedTime(derEncoded: node)
            // RFC 5280 §4.1.2.5.2: "GeneralizedTime values MUST NOT include fractional seconds."
            guard t.rawFractionalSeconds.isEmpty else {
                throw CertificateRevocationListError.malformed("a GeneralizedTime has fractional seconds")
            }
            return try UTCInstant(
                year: t.year, month: t.month, day: t.day, hours: t.hours, minutes: t.minutes, seconds: t.seconds
            ).instant
        default:
            throw CertificateRevocationListError.malformed("\(node.identifier) is not a Time")
        }
    }
}
