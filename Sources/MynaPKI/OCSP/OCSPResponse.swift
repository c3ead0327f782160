import Crypto
public import Foundation
import SwiftASN1
public import X509

/// RFC 6960 §4.2.1:
///
///     OCSPResponseStatus ::= ENUMERATED {
///         successful            (0),  -- Response has valid confirmations
///         malformedRequest      (1),  -- Illegal confirmation request
///         internalError         (2),  -- Internal error in issuer
///         tryLater              (3),  -- Try again later
///                                     -- (4) is not used
///         sigRequired           (5),  -- Must sign the request
///         unauthorized          (6)   -- Request unauthorized
///     }
public enum OCSPResponseStatus: Int, Hashable, Sendable, CaseIterable {
    case successful = 0
    case malformedRequest = 1
    case internalError = 2
    case tryLater = 3
    case sigRequired = 5
    case unauthorized = 6
}

/// RFC 6960 §4.2.1:
///
///     ResponderID ::= CHOICE {
///         byName   [1] Name,
///         byKey    [2] KeyHash }
///
///     KeyHash ::= OCTET STRING -- SHA-1 hash of responder's public key
///         -- (i.e., the SHA-1 hash of the value of the BIT STRING
///         -- subjectPublicKey [excluding the tag, length, and number
///         -- of unused bits] in the responder's certificate)
public enum OCSPResponderID: Hashable, Sendable {
    case byName(DistinguishedName)
    case byKey([UInt8])

    /// `byKey` for `publicKey` (the form Myna's responder uses).
    public static func byKey(of publicKey: Certificate.PublicKey) -> OCSPResponderID {
        .byKey(keyHash(of: publicKey))
    }

    /// KeyHash: SHA-1 over the subjectPublicKey BIT STRING's value, which is what
    /// swift-certificates calls `subjectPublicKeyInfoBytes`.
    static func keyHash(of publicKey: Certificate.PublicKey) -> [UInt8] {
        Array(Insecure.SHA1.hash(data: Array(publicKey.subjectPublicKeyInfoBytes)))
    }
}

/// RFC 6960 §4.2.1 BasicOCSPResponse, as read back by `OCSPResponse(derEncoded:)`:
///
///     BasicOCSPResponse ::= SEQUENCE {
///         tbsResponseData      ResponseData,
///         signatureAlgorithm   AlgorithmIdentifier,
///         signature            BIT STRING,
///         certs            [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
///
///     ResponseData ::= SEQUENCE {
///         version              [0] EXPLICIT Version DEFAULT v1,
///         responderID              ResponderID,
///         producedAt               GeneralizedTime,
///         responses                SEQUENCE OF SingleResponse,
///         responseExtensions   [1] EXPLICIT Extensions OPTIONAL }
///
/// Nothing here is trusted until `isSignatureValid(for:)` says so.
public struct OCSPBasicResponse: Hashable, Sendable {
    /// The DER of ResponseData, exactly the octets the signature covers (§4.2.1: "The
    /// value for signature SHALL be computed on the hash of the DER encoding of
    /// ResponseData").
    public let tbsResponseData: [UInt8]
    public let responderID: OCSPResponderID
    public let producedAt: Date
    public let responses: [OCSPSingleResponse]
    public let responseExtensions: [Certificate.Extension]
    public let signatureAlgorithm: SignatureAlgorithmIdentifier
    public let signature: [UInt8]
    /// `certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL`
    public let certificates: [Certificate]

    /// The nonce extension's extnValue octets, as echoed from the request (see
    /// `OCSPRequest.nonce`).
    public var nonce: [UInt8]? {
        responseExtensions.first { $0.oid == OCSPDER.idPKIXOCSPNonce }.map { Array($0.value) }
    }

    /// The answer about `certID`, if the response holds one.
    public func response(for certID: OCSPCertID) -> OCSPSingleResponse? {
        responses.first { $0.certID == certID }
    }

    /// True when `signature` over `tbsResponseData` verifies under `publicKey` with
    /// `signatureAlgorithm` (RSA PKCS #1 v1.5 with SHA-1/256/384/512, ECDSA, Ed25519).
    public func isSignatureValid(for publicKey: Certificate.PublicKey) -> Bool {
        guard let algorithm = Self.certificateSignatureAlgorithm(signatureAlgorithm.algorithm) else { return false }
        return publicKey.isValidSignature(signature, for: tbsResponseData, signatureAlgorithm: algorithm)
    }

    static func certificateSignatureAlgorithm(_ oid: ASN1ObjectIdentifier) -> Certificate.SignatureAlgorithm? {
        switch oid {
        case [1, 2, 840, 113_549, 1, 1, 5]: .sha1WithRSAEncryption
        case [1, 2, 840, 113_549, 1, 1, 11]: .sha256WithRSAEncryption
        case [1, 2, 840, 113_549, 1, 1, 12]: .sha384WithRSAEncryption
        case [1, 2, 840, 113_549, 1, 1, 13]: .sha512WithRSAEncryption
        case [1, 2, 840, 10045, 4, 3, 2]: .ecdsaWithSHA256
        case [1, 2, 840, 10045, 4, 3, 3]: .ecdsaWithSHA384
        case [1, 2, 840, 10045, 4, 3, 4]: .ecdsaWithSHA512
        case [1, 3, 101, 112]: .ed25519
        default: nil
        }
    }

    init(derEncoded bytes: ArraySlice<UInt8>) throws {
        var nodes = try OCSPDER.children(of: DER.parse(bytes), .sequence, "BasicOCSPResponse").makeIterator()
        let tbsNode = try OCSPDER.next(&nodes, "BasicOCSPResponse.tbsResponseData")
        signatureAlgorithm = try SignatureAlgorithmIdentifier(
            derEncoded: OCSPDER.next(&nodes, "BasicOCSPResponse.signatureAlgorithm"))
        let bits = try ASN1BitString(derEncoded: OCSPDER.next(&nodes, "BasicOCSPResponse.signature"))
        guard bits.paddingBits == 0 else { throw OCSPError.malformed("the signature is not a whole number of octets") }
        signature = Array(bits.bytes)
        certificates = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
            try DER.sequence(of: Certificate.self, identifier: .sequence, rootNode: $0)
        } ?? []
        guard nodes.next() == nil else { throw OCSPError.malformed("BasicOCSPResponse has extra fields") }

        tbsResponseData = Array(tbsNode.encodedBytes)
        var data = try OCSPDER.children(of: tbsNode, .sequence, "ResponseData").makeIterator()
        let version = try DER.optionalExplicitlyTagged(&data, tagNumber: 0, tagClass: .contextSpecific) {
            try Int(derEncoded: $0)
        } ?? 0
        guard version == 0 else { throw OCSPError.unsupportedVersion(version) }
        let responderNode = try OCSPDER.next(&data, "ResponseData.responderID")
        switch responderNode.identifier {
        case ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific):
            responderID = .byName(
                try DER.explicitlyTagged(responderNode, tagNumber: 1, tagClass: .contextSpecific) {
                    try DistinguishedName(derEncoded: $0)
                })
        case ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific):
            responderID = .byKey(
                try DER.explicitlyTagged(responderNode, tagNumber: 2, tagClass: .contextSpecific) {
                    Array(try ASN1OctetString(derEncoded: $0).bytes)
                })
        default:
            throw OCSPError.malformed("ResponderID has the unknown tag \(responderNode.identifier)")
        }
        producedAt = try OCSPDER.date(try GeneralizedTime(derEncoded: OCSPDER.next(&data, "ResponseData.producedAt")))
        let list = try OCSPDER.next(&data, "ResponseData.responses")
        responses = try OCSPDER.children(of: list, .sequence, "ResponseData.responses").map {
            try OCSPSingleResponse(derEncoded: $0)
        }
        responseExtensions = try DER.optionalExplicitlyTagged(&data, tagNumber: 1, tagClass: .contextSpecific) {
            try OCSPDER.extensions($0, "ResponseData.responseExtensions")
        } ?? []
        guard data.next() == nil else { throw OCSPError.malformed("ResponseData has extra fields") }
    }
}

/// RFC 6960 §4.2.1:
///
///     OCSPResponse ::= SEQUENCE {
///         responseStatus         OCSPResponseStatus,
///         responseBytes          [0] EXPLICIT ResponseBytes OPTIONAL }
///
///     ResponseBytes ::= SEQUENCE {
///         responseType   OBJECT IDENTIFIER,
///         response       OCTET STRING }
///
/// "For a basic OCSP responder, responseType will be id-pkix-ocsp-basic." — the only
/// type built or read here.
public struct OCSPResponse: Hashable, Sendable {
    /// The statuses an OCSP response can carry without responseBytes: "If the value of
    /// responseStatus is one of the error conditions, the responseBytes field is not
    /// set." (§4.2.1)
    public enum ErrorStatus: Int, Hashable, Sendable, CaseIterable {
        case malformedRequest = 1
        case internalError = 2
        case tryLater = 3
        case sigRequired = 5
        case unauthorized = 6

        public var responseStatus: OCSPResponseStatus { OCSPResponseStatus(rawValue: rawValue)! }
    }

    public let status: OCSPResponseStatus
    /// The BasicOCSPResponse when `status` is successful; nil for the error statuses.
    public let basicResponse: OCSPBasicResponse?

    /// Reads a DER OCSPResponse (Content-Type application/ocsp-response).
    public init(derEncoded bytes: [UInt8]) throws(OCSPError) {
        (status, basicResponse) = try OCSPDER.parsing("OCSPResponse") {
            var nodes = try OCSPDER.children(of: DER.parse(bytes), .sequence, "OCSPResponse").makeIterator()
            let code = try Int(
                derEncoded: OCSPDER.next(&nodes, "OCSPResponse.responseStatus"), withIdentifier: .enumerated)
            guard let status = OCSPResponseStatus(rawValue: code) else {
                throw OCSPError.malformed("OCSPResponseStatus \(code) is not defined")
            }
            let basic = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) { node in
                var fields = try OCSPDER.children(of: node, .sequence, "ResponseBytes").makeIterator()
                let type = try ASN1ObjectIdentifier(derEncoded: OCSPDER.next(&fields, "ResponseBytes.responseType"))
                guard type == OCSPDER.idPKIXOCSPBasic else {
                    throw OCSPError.malformed("responseType \(type) is not id-pkix-ocsp-basic")
                }
                let octets = try ASN1OctetString(derEncoded: OCSPDER.next(&fields, "ResponseBytes.response"))
                guard fields.next() == nil else { throw OCSPError.malformed("ResponseBytes has extra fields") }
                return try OCSPBasicResponse(derEncoded: octets.bytes)
            }
            guard nodes.next() == nil else { throw OCSPError.malformed("OCSPResponse has extra fields") }
            guard (status == .successful) == (basic != nil) else {
                throw OCSPError.malformed("status \(status) with\(basic == nil ? "out" : "") responseBytes")
            }
            return (status, basic)
        }
    }

    /// An unsuccessful OCSPResponse: the status alone, no responseBytes (§4.2.1). It is
    /// not signed (§2.3: "These messages are not signed.").
    public static func errorResponse(_ status: ErrorStatus) -> [UInt8] {
        // SEQUENCE { ENUMERATED status }: 30 03 0A 01 xx
        [0x30, 0x03, 0x0A, 0x01, UInt8(status.rawValue)]
    }

    /// A successful OCSPResponse carrying a BasicOCSPResponse signed by `signer`, as DER.
    ///
    /// - The responder is identified `byKey` (§4.2.2.3: "The ResponderID information
    ///   MUST correspond to the certificate that was used to sign the response"): the
    ///   SHA-1 of `signer.publicKey`'s subjectPublicKey value.
    /// - Myna's responder is the issuing CA itself, so no delegated responder certificate
    ///   is needed (§4.2.2.2: "a certificate's issuer MUST do one of the following: sign
    ///   the OCSP responses itself, or explicitly designate this authority to another
    ///   entity").
    /// - `nonce`, if given, is echoed as the nonce extension's extnValue octets: pass
    ///   `OCSPRequest.nonce` unchanged (§4.4.1).
    /// - `responderCertificates` go in `certs` to help clients build the signer's path.
    /// - Version is v1 and so left out (DER omits DEFAULT values).
    ///
    /// Everything but the signature is a function of the arguments (times in whole
    /// seconds, no random field), so a response can be built once, signed and cached;
    /// with RSA PKCS #1 v1.5 the signature is deterministic too.
    public static func signedResponse(
        responses: [OCSPSingleResponse], producedAt: Date, nonce: [UInt8]?, signer: some Signer,
        responderCertificates: [Certificate] = []
    ) throws -> [UInt8] {
        guard !responses.isEmpty else { throw OCSPError.emptyResponseList }
        if let nonce, nonce.isEmpty { throw OCSPError.emptyNonce }
        let algorithm = try signatureAlgorithmIdentifier(for: signer.signatureAlgorithm)
        let producedAtTime = try OCSPDER.generalizedTime(producedAt)
        let keyHash = OCSPResponderID.keyHash(of: signer.publicKey)

        var tbs = DER.Serializer()
        try tbs.appendConstructedNode(identifier: .sequence) { coder in
            // version [0] EXPLICIT Version DEFAULT v1: absent.
            // responderID: byKey [2] KeyHash
            try coder.serialize(explicitlyTaggedWithTagNumber: 2, tagClass: .contextSpecific) { coder in
                try coder.serialize(ASN1OctetString(contentBytes: keyHash[...]))
            }
            try coder.serialize(producedAtTime)
            try coder.appendConstructedNode(identifier: .sequence) { coder in
                for response in responses { try response.serialize(into: &coder) }
            }
            if let nonce {
                // responseExtensions [1] EXPLICIT Extensions OPTIONAL
                try coder.serialize(explicitlyTaggedWithTagNumber: 1, tagClass: .contextSpecific) { coder in
                    try coder.serializeSequenceOf([
                        Certificate.Extension(oid: OCSPDER.idPKIXOCSPNonce, critical: false, value: nonce[...])
                    ])
                }
            }
        }
        let tbsResponseData = tbs.serializedBytes
        let signature = try signer.sign(tbsResponseData)

        var basic = DER.Serializer()
        try basic.appendConstructedNode(identifier: .sequence) { coder in
            coder.serializeRawBytes(tbsResponseData)
            try coder.serialize(algorithm)
            try coder.serialize(ASN1BitString(bytes: signature[...]))
            if !responderCertificates.isEmpty {
                try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                    try coder.serializeSequenceOf(responderCertificates)
                }
            }
        }

        var response = DER.Serializer()
        try response.appendConstructedNode(identifier: .sequence) { coder in
            try OCSPResponseStatus.successful.rawValue.serialize(into: &coder, withIdentifier: .enumerated)
            try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.serialize(OCSPDER.idPKIXOCSPBasic)
                    try coder.serialize(ASN1OctetString(contentBytes: basic.serializedBytes[...]))
                }
            }
        }
        return response.serializedBytes
    }

    /// The AlgorithmIdentifier for a signer's algorithm. SignatureAlgorithmIdentifier
    /// always writes NULL parameters, which is right for RSA PKCS #1 v1.5 (RFC 4055 §5)
    /// and wrong for ECDSA (RFC 5758 §3.2: absent), so only the RSA algorithms are offered.
    static func signatureAlgorithmIdentifier(
        for algorithm: Certificate.SignatureAlgorithm
    ) throws(OCSPError) -> SignatureAlgorithmIdentifier {
        switch algorithm {
        case .sha256WithRSAEncryption: .sha256WithRSAEncryption
        case .sha384WithRSAEncryption: SignatureAlgorithmIdentifier(algorithm: [1, 2, 840, 113_549, 1, 1, 12])
        case .sha512WithRSAEncryption: SignatureAlgorithmIdentifier(algorithm: [1, 2, 840, 113_549, 1, 1, 13])
        default: throw .unsupportedSignatureAlgorithm("\(algorithm)")
        }
    }
}
