import Crypto
public import SwiftASN1
public import X509

/// RFC 6960 §4.1.1 CertID, the name under which a client asks about a certificate and
/// under which the responder answers:
///
///     CertID ::= SEQUENCE {
///         hashAlgorithm       AlgorithmIdentifier,
///         issuerNameHash      OCTET STRING, -- Hash of issuer's DN
///         issuerKeyHash       OCTET STRING, -- Hash of issuer's public key
///         serialNumber        CertificateSerialNumber }
///
/// "issuerNameHash is the hash of the issuer's distinguished name (DN). The hash shall
/// be calculated over the DER encoding of the issuer's name field in the certificate
/// being checked. issuerKeyHash is the hash of the issuer's public key. The hash shall
/// be calculated over the value (excluding tag and length) of the subject public key
/// field in the issuer's certificate." (§4.1.1)
///
/// Two CertIDs are equal when algorithm, both hashes and serial are: that is how a
/// responder recognises a request for one of its issuers (compute `forCertificate` once
/// per issuer and hash algorithm, then compare `issuerNameHash`/`issuerKeyHash`).
public struct OCSPCertID: Hashable, Sendable, DERImplicitlyTaggable {
    /// The hash algorithms a CertID may use here: SHA-1 (what `openssl ocsp` and most
    /// clients send by default) and SHA-256.
    public enum HashAlgorithm: Hashable, Sendable, CaseIterable {
        /// id-sha1, 1.3.14.3.2.26
        case sha1
        /// id-sha256, 2.16.840.1.101.3.4.2.1
        case sha256

        public var oid: ASN1ObjectIdentifier {
            switch self {
            case .sha1: [1, 3, 14, 3, 2, 26]
            case .sha256: [2, 16, 840, 1, 101, 3, 4, 2, 1]
            }
        }

        /// Digest length in octets (20 or 32).
        public var digestLength: Int {
            switch self {
            case .sha1: 20
            case .sha256: 32
            }
        }

        public func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
            let data = Array(bytes)
            return switch self {
            case .sha1: Array(Insecure.SHA1.hash(data: data))
            case .sha256: Array(SHA256.hash(data: data))
            }
        }

        init(oid: ASN1ObjectIdentifier) throws(OCSPError) {
            switch oid {
            case HashAlgorithm.sha1.oid: self = .sha1
            case HashAlgorithm.sha256.oid: self = .sha256
            default: throw .unsupportedHashAlgorithm(oid.description)
            }
        }
    }

    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public let hashAlgorithm: HashAlgorithm
    public let issuerNameHash: [UInt8]
    public let issuerKeyHash: [UInt8]
    /// The serialNumber INTEGER's content octets exactly as encoded: big-endian two's
    /// complement, so a positive serial whose top bit is set carries a leading 0x00
    /// (`certificateSerialNumber` gives the swift-certificates form).
    public let serialNumber: [UInt8]

    /// A CertID from its parts. `serialNumber` is INTEGER content octets (two's
    /// complement); redundant leading octets are dropped so the value encodes as DER.
    public init(hashAlgorithm: HashAlgorithm, issuerNameHash: [UInt8], issuerKeyHash: [UInt8], serialNumber: [UInt8]) {
        self.hashAlgorithm = hashAlgorithm
        self.issuerNameHash = issuerNameHash
        self.issuerKeyHash = issuerKeyHash
        self.serialNumber = OCSPDER.minimalInteger(serialNumber)
    }

    /// The CertID a client computes for the certificate with `serial` issued under
    /// `issuerNameDER` (the DER of the issuer Name, i.e. the issuer certificate's subject)
    /// and `issuerPublicKey`.
    ///
    /// `serial` is the serial's unsigned big-endian magnitude, as in
    /// `Certificate.SerialNumber.bytes`; leading zero octets make no difference.
    public static func forCertificate(
        serial: [UInt8], issuerNameDER: [UInt8], issuerPublicKey: Certificate.PublicKey, hash: HashAlgorithm
    ) -> OCSPCertID {
        // RFC 5280 §4.1.2.2: serial numbers are positive, so the magnitude gets a 0x00 in
        // front when its top bit is set, as its INTEGER encoding does.
        var magnitude = Array(serial.drop { $0 == 0 })
        if magnitude.first.map({ $0 & 0x80 != 0 }) ?? true { magnitude.insert(0, at: 0) }
        return OCSPCertID(
            hashAlgorithm: hash,
            issuerNameHash: hash.hash(issuerNameDER),
            // subjectPublicKeyInfoBytes is the subjectPublicKey BIT STRING's value without
            // tag, length or the unused-bits octet: what §4.1.1 and every client hash.
            issuerKeyHash: hash.hash(issuerPublicKey.subjectPublicKeyInfoBytes),
            serialNumber: magnitude)
    }

    /// The serial as swift-certificates holds it, or nil for a negative serial (which no
    /// RFC 5280 certificate has, so no issuer of ours can have issued it).
    public var certificateSerialNumber: Certificate.SerialNumber? {
        guard let first = serialNumber.first, first & 0x80 == 0 else { return nil }
        let magnitude = serialNumber.drop { $0 == 0 }
        return Certificate.SerialNumber(bytes: magnitude.isEmpty ? [0] : Array(magnitude))
    }

    /// True when `other` names the same issuer (algorithm, name hash and key hash),
    /// whatever the serial.
    public func hasSameIssuer(as other: OCSPCertID) -> Bool {
        hashAlgorithm == other.hashAlgorithm && issuerNameHash == other.issuerNameHash
            && issuerKeyHash == other.issuerKeyHash
    }

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        var nodes = try OCSPDER.children(of: rootNode, identifier, "CertID").makeIterator()
        // AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL };
        // for SHA-1/SHA-256 the parameters are NULL or absent (RFC 5754 §2).
        let algorithmNode = try OCSPDER.next(&nodes, "CertID.hashAlgorithm")
        var algorithmNodes = try OCSPDER.children(of: algorithmNode, .sequence, "CertID.hashAlgorithm")
            .makeIterator()
        let oid = try ASN1ObjectIdentifier(derEncoded: OCSPDER.next(&algorithmNodes, "hashAlgorithm.algorithm"))
        if let parameters = algorithmNodes.next() { _ = try ASN1Null(derEncoded: parameters) }
        guard algorithmNodes.next() == nil else { throw OCSPError.malformed("CertID.hashAlgorithm has extra fields") }
        let algorithm = try HashAlgorithm(oid: oid)

        let nameHash = try ASN1OctetString(derEncoded: OCSPDER.next(&nodes, "CertID.issuerNameHash"))
        let keyHash = try ASN1OctetString(derEncoded: OCSPDER.next(&nodes, "CertID.issuerKeyHash"))
        guard nameHash.bytes.count == algorithm.digestLength, keyHash.bytes.count == algorithm.digestLength else {
            throw OCSPError.malformed("CertID hashes are not \(algorithm.digestLength) octets long")
        }
        let serial = try OCSPDER.integerContent(OCSPDER.next(&nodes, "CertID.serialNumber"), "CertID.serialNumber")
        guard nodes.next() == nil else { throw OCSPError.malformed("CertID has extra fields") }

        self.hashAlgorithm = algorithm
        self.issuerNameHash = Array(nameHash.bytes)
        self.issuerKeyHash = Array(keyHash.bytes)
        self.serialNumber = serial
    }

    /// Encodes the hash AlgorithmIdentifier with NULL parameters, as OpenSSL does; a
    /// parsed CertID is echoed with the same algorithm, hashes and serial octets
    /// (OpenSSL's OCSP_id_cmp compares exactly those).
    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                try coder.serialize(hashAlgorithm.oid)
                try coder.serialize(ASN1Null())
            }
            try coder.serialize(ASN1OctetString(contentBytes: issuerNameHash[...]))
            try coder.serialize(ASN1OctetString(contentBytes: issuerKeyHash[...]))
            OCSPDER.appendInteger(content: serialNumber, to: &coder)
        }
    }
}
