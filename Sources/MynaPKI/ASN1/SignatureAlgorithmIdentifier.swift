public import SwiftASN1

/// RFC 5280 §4.1.1.2 AlgorithmIdentifier, for the signatures Myna's CAs make:
///
///     AlgorithmIdentifier ::= SEQUENCE {
///         algorithm   OBJECT IDENTIFIER,
///         parameters  ANY DEFINED BY algorithm OPTIONAL }
///
/// sha256WithRSAEncryption carries explicit NULL parameters (RFC 4055 §5). The CRL
/// (RFC 5280 §5) and OCSP (RFC 6960 §4.2) structures need this type of their own because
/// swift-certificates keeps its equivalent internal.
public struct SignatureAlgorithmIdentifier: DERImplicitlyTaggable, Hashable, Sendable {
    public static var defaultIdentifier: ASN1Identifier { .sequence }

    public let algorithm: ASN1ObjectIdentifier

    public init(algorithm: ASN1ObjectIdentifier) {
        self.algorithm = algorithm
    }

    /// 1.2.840.113549.1.1.11
    public static let sha256WithRSAEncryption = SignatureAlgorithmIdentifier(algorithm: [1, 2, 840, 113_549, 1, 1, 11])

    public init(derEncoded rootNode: ASN1Node, withIdentifier identifier: ASN1Identifier) throws {
        self = try DER.sequence(rootNode, identifier: identifier) { nodes in
            let algorithm = try ASN1ObjectIdentifier(derEncoded: &nodes)
            // Parameters are NULL or absent for the RSA algorithms; anything else is refused.
            if let parameters = nodes.next() { _ = try ASN1Null(derEncoded: parameters) }
            return SignatureAlgorithmIdentifier(algorithm: algorithm)
        }
    }

    public func serialize(into coder: inout DER.Serializer, withIdentifier identifier: ASN1Identifier) throws {
        try coder.appendConstructedNode(identifier: identifier) { coder in
            try coder.serialize(algorithm)
            try coder.serialize(ASN1Null())
        }
    }
}
