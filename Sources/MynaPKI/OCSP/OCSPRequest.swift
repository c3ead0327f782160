import Foundation
public import SwiftASN1
public import X509

/// An OCSP request as a client sends it (RFC 6960 §4.1.1):
///
///     OCSPRequest ::= SEQUENCE {
///         tbsRequest                  TBSRequest,
///         optionalSignature   [0]     EXPLICIT Signature OPTIONAL }
///
///     TBSRequest ::= SEQUENCE {
///         version             [0]     EXPLICIT Version DEFAULT v1,
///         requestorName       [1]     EXPLICIT GeneralName OPTIONAL,
///         requestList                 SEQUENCE OF Request,
///         requestExtensions   [2]     EXPLICIT Extensions OPTIONAL }
///
/// Parsing is strict DER and total: any input either parses or throws `OCSPError`.
/// The request's signature, if any, is read but not checked (Myna's responder answers
/// unsigned requests; RFC 6960 §4.1.2 makes signing optional for the requestor).
public struct OCSPRequest: Hashable, Sendable {
    /// The largest request accepted, in DER octets. An unsigned request for one
    /// certificate is about 100 octets and a signed one with its chain a few thousand;
    /// anything bigger is refused before parsing.
    public static let maximumEncodedSize = 16 * 1024

    /// RFC 6960 §4.1.1:
    ///
    ///     Request ::= SEQUENCE {
    ///         reqCert                     CertID,
    ///         singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL }
    public struct SingleRequest: Hashable, Sendable {
        public let certID: OCSPCertID
        public let extensions: [Certificate.Extension]

        public init(certID: OCSPCertID, extensions: [Certificate.Extension] = []) {
            self.certID = certID
            self.extensions = extensions
        }
    }

    /// RFC 6960 §4.1.1:
    ///
    ///     Signature ::= SEQUENCE {
    ///         signatureAlgorithm      AlgorithmIdentifier,
    ///         signature               BIT STRING,
    ///         certs               [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL }
    public struct Signature: Hashable, Sendable {
        public let algorithm: ASN1ObjectIdentifier
        public let signature: [UInt8]
        public let certificates: [Certificate]
    }

    /// `Version ::= INTEGER { v1(0) }`: always 0, the only version there is.
    public let version: Int
    /// `requestorName [1] EXPLICIT GeneralName OPTIONAL`
    public let requestorName: GeneralName?
    /// `requestList SEQUENCE OF Request`: never empty.
    public let requests: [SingleRequest]
    /// `requestExtensions [2] EXPLICIT Extensions OPTIONAL`, in the order sent.
    public let extensions: [Certificate.Extension]
    /// `optionalSignature [0] EXPLICIT Signature OPTIONAL`
    public let signature: Signature?

    /// The CertIDs asked about, in request order.
    public var certIDs: [OCSPCertID] { requests.map(\.certID) }

    /// The nonce extension's extnValue octets (RFC 6960 §4.4.1, id-pkix-ocsp-nonce), or
    /// nil when the request carries none. These are the octets a response must echo:
    /// OpenSSL compares them byte for byte (OCSP_check_nonce). RFC 8954 clients put a
    /// DER OCTET STRING here (`04 10` + 16 random octets from `openssl ocsp`); see
    /// `nonceValue` for the random octets alone.
    public var nonce: [UInt8]? {
        extensions.first { $0.oid == OCSPDER.idPKIXOCSPNonce }.map { Array($0.value) }
    }

    /// RFC 8954 §2.1 `Nonce ::= OCTET STRING (SIZE(1..32))`: the octets inside the
    /// nonce's OCTET STRING, or nil if there is no nonce or it is not so wrapped. A
    /// responder MAY leave out the nonce when this is not 16–32 octets long (§2.1).
    public var nonceValue: [UInt8]? {
        guard let nonce, let inner = try? ASN1OctetString(derEncoded: nonce) else { return nil }
        return Array(inner.bytes)
    }

    /// Parses a DER OCSPRequest, as sent in the body of a POST (RFC 6960 Appendix A.1,
    /// Content-Type application/ocsp-request).
    public init(derEncoded bytes: [UInt8]) throws(OCSPError) {
        guard bytes.count <= Self.maximumEncodedSize else { throw .tooLarge(bytes.count) }
        self = try OCSPDER.parsing("OCSPRequest") { try OCSPRequest(root: DER.parse(bytes)) }
    }

    /// Decodes the GET form (RFC 6960 Appendix A.1): "An OCSP request using the GET
    /// method is constructed as follows: GET {url}/{url-encoding of base-64 encoding of
    /// the DER encoding of the OCSPRequest}".
    ///
    /// `pathComponent` is what follows the responder URL's path and its slash, as
    /// received or already percent-decoded: percent escapes are undone, standard and
    /// URL-safe (RFC 4648 §5) base64 are both accepted, with or without padding. A '+'
    /// is a '+' (paths have no form encoding). Some clients leave the base64 '/'
    /// unescaped, so the component may itself contain '/'.
    public static func fromGETPath(_ pathComponent: String) throws(OCSPError) -> OCSPRequest {
        let limit = (maximumEncodedSize + 2) / 3 * 4 * 3  // base64 of the DER limit, all percent-escaped
        guard pathComponent.utf8.count <= limit else { throw .tooLarge(pathComponent.utf8.count) }

        // Undo percent-encoding (RFC 3986 §2.1).
        var text: [UInt8] = []
        var input = pathComponent.utf8[...]
        while let byte = input.popFirst() {
            guard byte == UInt8(ascii: "%") else {
                text.append(byte)
                continue
            }
            guard let high = input.popFirst().flatMap(hexValue), let low = input.popFirst().flatMap(hexValue) else {
                throw .invalidGETEncoding("a '%' is not followed by two hex digits")
            }
            text.append(high << 4 | low)
        }

        // Base64, either alphabet; padding optional.
        var base64: [UInt8] = []
        for byte in text {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                base64.append(byte)
            case UInt8(ascii: "-"): base64.append(UInt8(ascii: "+"))
            case UInt8(ascii: "_"): base64.append(UInt8(ascii: "/"))
            case UInt8(ascii: "="): base64.append(byte)
            default: throw .invalidGETEncoding("the character 0x\(String(byte, radix: 16)) is not base64")
            }
        }
        let padding = base64.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2, !base64.dropLast(padding).contains(UInt8(ascii: "=")) else {
            throw .invalidGETEncoding("misplaced '=' padding")
        }
        base64.removeLast(padding)
        guard base64.count % 4 != 1 else { throw .invalidGETEncoding("the base64 text has an impossible length") }
        base64.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - base64.count % 4) % 4))
        guard let der = Data(base64Encoded: Data(base64)) else { throw .invalidGETEncoding("not base64") }
        return try OCSPRequest(derEncoded: Array(der))
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private init(root: ASN1Node) throws {
        var outer = try OCSPDER.children(of: root, .sequence, "OCSPRequest").makeIterator()
        let tbsNode = try OCSPDER.next(&outer, "OCSPRequest.tbsRequest")
        // optionalSignature [0] EXPLICIT Signature OPTIONAL
        signature = try DER.optionalExplicitlyTagged(&outer, tagNumber: 0, tagClass: .contextSpecific) {
            try Self.parseSignature($0)
        }
        guard outer.next() == nil else { throw OCSPError.malformed("OCSPRequest has extra fields") }

        var nodes = try OCSPDER.children(of: tbsNode, .sequence, "TBSRequest").makeIterator()
        // version [0] EXPLICIT Version DEFAULT v1. DER leaves a DEFAULT out, but an
        // explicit v1 is harmless and some encoders write it, so it is accepted.
        let version = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
            try Int(derEncoded: $0)
        } ?? 0
        guard version == 0 else { throw OCSPError.unsupportedVersion(version) }
        self.version = version
        // requestorName [1] EXPLICIT GeneralName OPTIONAL
        requestorName = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) {
            try GeneralName(derEncoded: $0)
        }
        // requestList SEQUENCE OF Request
        let listNode = try OCSPDER.next(&nodes, "TBSRequest.requestList")
        requests = try OCSPDER.children(of: listNode, .sequence, "TBSRequest.requestList").map {
            try Self.parseSingleRequest($0)
        }
        guard !requests.isEmpty else { throw OCSPError.emptyRequestList }
        // requestExtensions [2] EXPLICIT Extensions OPTIONAL
        extensions = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 2, tagClass: .contextSpecific) {
            try OCSPDER.extensions($0, "TBSRequest.requestExtensions")
        } ?? []
        guard nodes.next() == nil else { throw OCSPError.malformed("TBSRequest has extra fields") }

        // §4.1.2: "Unrecognized extensions MUST be ignored (unless they have the critical
        // flag set and are not understood)." Only the nonce is understood here.
        for item in extensions where item.critical && item.oid != OCSPDER.idPKIXOCSPNonce {
            throw OCSPError.unsupportedCriticalExtension(item.oid.description)
        }
        if let nonce, nonce.isEmpty { throw OCSPError.emptyNonce }
    }

    private static func parseSingleRequest(_ node: ASN1Node) throws -> SingleRequest {
        var nodes = try OCSPDER.children(of: node, .sequence, "Request").makeIterator()
        let certID = try OCSPCertID(derEncoded: OCSPDER.next(&nodes, "Request.reqCert"))
        // singleRequestExtensions [0] EXPLICIT Extensions OPTIONAL
        let extensions = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
            try OCSPDER.extensions($0, "Request.singleRequestExtensions")
        } ?? []
        guard nodes.next() == nil else { throw OCSPError.malformed("Request has extra fields") }
        // None is understood (the service locator of §4.4.6 is for forwarding responders).
        if let critical = extensions.first(where: \.critical) {
            throw OCSPError.unsupportedCriticalExtension(critical.oid.description)
        }
        return SingleRequest(certID: certID, extensions: extensions)
    }

    private static func parseSignature(_ node: ASN1Node) throws -> Signature {
        var nodes = try OCSPDER.children(of: node, .sequence, "Signature").makeIterator()
        // AlgorithmIdentifier: the parameters are read past, whatever they are.
        let algorithmNode = try OCSPDER.next(&nodes, "Signature.signatureAlgorithm")
        var algorithmNodes = try OCSPDER.children(of: algorithmNode, .sequence, "Signature.signatureAlgorithm")
            .makeIterator()
        let algorithm = try ASN1ObjectIdentifier(derEncoded: OCSPDER.next(&algorithmNodes, "signatureAlgorithm"))
        _ = algorithmNodes.next()
        guard algorithmNodes.next() == nil else { throw OCSPError.malformed("Signature.signatureAlgorithm") }
        let bits = try ASN1BitString(derEncoded: OCSPDER.next(&nodes, "Signature.signature"))
        // certs [0] EXPLICIT SEQUENCE OF Certificate OPTIONAL
        let certificates = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
            try DER.sequence(of: Certificate.self, identifier: .sequence, rootNode: $0)
        } ?? []
        guard nodes.next() == nil else { throw OCSPError.malformed("Signature has extra fields") }
        return Signature(algorithm: algorithm, signature: Array(bits.bytes), certificates: certificates)
    }
}
