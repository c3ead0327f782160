public import SwiftASN1
public import X509

/// RFC 5280 §4.2.1.13 CRL distribution points, with one full-name URI per point:
///
///     CRLDistributionPoints ::= SEQUENCE SIZE (1..MAX) OF DistributionPoint
///     DistributionPoint ::= SEQUENCE { distributionPoint [0] DistributionPointName OPTIONAL, … }
///     DistributionPointName ::= CHOICE { fullName [0] GeneralNames, … }
///
/// swift-certificates has no type for it. The CHOICE makes the outer [0] explicit; the
/// inner fullName [0] is implicit (the module's default tagging).
public struct CRLDistributionPoints: Hashable, Sendable {
    public static let oid: ASN1ObjectIdentifier = [2, 5, 29, 31]
    public var uris: [String]

    public init(uris: [String]) { self.uris = uris }

    public func makeExtension() throws -> Certificate.Extension {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            for uri in uris {
                try coder.appendConstructedNode(identifier: .sequence) { coder in
                    try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                        try coder.appendConstructedNode(identifier: ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)) { coder in
                            try coder.serialize(GeneralName.uniformResourceIdentifier(uri))
                        }
                    }
                }
            }
        }
        return Certificate.Extension(oid: Self.oid, critical: false, value: coder.serializedBytes[...])
    }

    /// Reads the URIs back from an extension (for lints and tests).
    public init(_ ext: Certificate.Extension) throws {
        var uris: [String] = []
        for point in try Self.children(of: try DER.parse(ext.value)) {
            // DistributionPoint → [0] distributionPoint → [0] fullName → GeneralName…
            for name in try Self.children(of: point) where name.identifier.tagNumber == 0 {
                for fullName in try Self.children(of: name) where fullName.identifier.tagNumber == 0 {
                    for generalName in try Self.children(of: fullName) {
                        if case .uniformResourceIdentifier(let uri) = try GeneralName(derEncoded: generalName) { uris.append(uri) }
                    }
                }
            }
        }
        self.uris = uris
    }

    static func children(of node: ASN1Node) throws -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else { throw ASN1Error.unexpectedFieldType(node.identifier) }
        return Array(nodes)
    }
}

/// RFC 5280 §4.2.1.4 certificate policies, identifiers only (no qualifiers):
///
///     certificatePolicies ::= SEQUENCE SIZE (1..MAX) OF PolicyInformation
///     PolicyInformation ::= SEQUENCE { policyIdentifier CertPolicyId, policyQualifiers … OPTIONAL }
public struct CertificatePolicies: Hashable, Sendable {
    public static let oid: ASN1ObjectIdentifier = [2, 5, 29, 32]
    public var policies: [ASN1ObjectIdentifier]

    public init(_ policies: [ASN1ObjectIdentifier]) { self.policies = policies }

    public func makeExtension() throws -> Certificate.Extension {
        var coder = DER.Serializer()
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            for policy in policies {
                try coder.appendConstructedNode(identifier: .sequence) { coder in try coder.serialize(policy) }
            }
        }
        return Certificate.Extension(oid: Self.oid, critical: false, value: coder.serializedBytes[...])
    }

    public init(_ ext: Certificate.Extension) throws {
        var policies: [ASN1ObjectIdentifier] = []
        for item in try CRLDistributionPoints.children(of: try DER.parse(ext.value)) {
            try DER.sequence(item, identifier: .sequence) { nodes in
                policies.append(try ASN1ObjectIdentifier(derEncoded: &nodes))
                while nodes.next() != nil {}
            }
        }
        self.policies = policies
    }
}
