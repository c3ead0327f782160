public import Foundation
import SwiftASN1
import X509

/// RFC 6960 §4.2.1 CertStatus:
///
///     CertStatus ::= CHOICE {
///         good        [0]     IMPLICIT NULL,
///         revoked     [1]     IMPLICIT RevokedInfo,
///         unknown     [2]     IMPLICIT UnknownInfo }
///
///     RevokedInfo ::= SEQUENCE {
///         revocationTime              GeneralizedTime,
///         revocationReason    [0]     EXPLICIT CRLReason OPTIONAL }
///
///     UnknownInfo ::= NULL
///
/// `reason` is the RFC 5280 §5.3.1 CRLReason code: unspecified (0), keyCompromise (1),
/// cACompromise (2), affiliationChanged (3), superseded (4), cessationOfOperation (5),
/// certificateHold (6), removeFromCRL (8), privilegeWithdrawn (9), aACompromise (10).
public enum OCSPCertStatus: Hashable, Sendable {
    /// "The 'good' state indicates a positive response to the status inquiry." (§2.2)
    case good
    /// "The 'revoked' state indicates that the certificate has been revoked, either
    /// temporarily (the revocation reason is certificateHold) or permanently." (§2.2)
    case revoked(at: Date, reason: Int?)
    /// "The 'unknown' state indicates that the responder doesn't know about the
    /// certificate being requested, usually because the request indicates an
    /// unrecognized issuer that is not served by this responder." (§2.2)
    case unknown
}

/// RFC 6960 §4.2.1:
///
///     SingleResponse ::= SEQUENCE {
///         certID                       CertID,
///         certStatus                   CertStatus,
///         thisUpdate                   GeneralizedTime,
///         nextUpdate         [0]       EXPLICIT GeneralizedTime OPTIONAL,
///         singleExtensions   [1]       EXPLICIT Extensions OPTIONAL }
///
/// Times are encoded in whole seconds (rounded down), so a parsed response gives back
/// `thisUpdate`/`nextUpdate`/revocation times without their fractions.
public struct OCSPSingleResponse: Hashable, Sendable {
    public var certID: OCSPCertID
    public var status: OCSPCertStatus
    /// "The time at which the status being indicated is known to be correct." (§4.2.2.1)
    public var thisUpdate: Date
    /// "The time at or before which newer information will be available about the
    /// status of the certificate." (§4.2.2.1) nil: newer information is always available.
    public var nextUpdate: Date?

    public init(certID: OCSPCertID, status: OCSPCertStatus, thisUpdate: Date, nextUpdate: Date?) {
        self.certID = certID
        self.status = status
        self.thisUpdate = thisUpdate
        self.nextUpdate = nextUpdate
    }

    /// The CertStatus alternatives' tags: good [0], revoked [1], unknown [2].
    static let goodTag = ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific)
    static let revokedTag = ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific)
    static let unknownTag = ASN1Identifier(tagWithNumber: 2, tagClass: .contextSpecific)

    func serialize(into coder: inout DER.Serializer) throws {
        let thisUpdateTime = try OCSPDER.generalizedTime(thisUpdate)
        let nextUpdateTime = try nextUpdate.map { date throws(OCSPError) in try OCSPDER.generalizedTime(date) }
        if let nextUpdate,
            nextUpdate.timeIntervalSince1970.rounded(.down) < thisUpdate.timeIntervalSince1970.rounded(.down)
        {
            throw OCSPError.nextUpdateBeforeThisUpdate
        }
        try coder.appendConstructedNode(identifier: .sequence) { coder in
            try coder.serialize(certID)
            switch status {
            case .good:
                // good [0] IMPLICIT NULL
                ASN1Null().serialize(into: &coder, withIdentifier: Self.goodTag)
            case .revoked(let at, let reason):
                // revoked [1] IMPLICIT RevokedInfo
                let revocationTime = try OCSPDER.generalizedTime(at)
                if let reason, RevocationReason(rawValue: reason) == nil { throw OCSPError.invalidRevocationReason(reason) }
                try coder.appendConstructedNode(identifier: Self.revokedTag) { coder in
                    try coder.serialize(revocationTime)
                    if let reason {
                        // revocationReason [0] EXPLICIT CRLReason OPTIONAL; CRLReason ::= ENUMERATED
                        try coder.serialize(explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific) { coder in
                            try reason.serialize(into: &coder, withIdentifier: .enumerated)
                        }
                    }
                }
            case .unknown:
                // unknown [2] IMPLICIT UnknownInfo; UnknownInfo ::= NULL
                ASN1Null().serialize(into: &coder, withIdentifier: Self.unknownTag)
            }
            try coder.serialize(thisUpdateTime)
            if let nextUpdateTime {
                try coder.serialize(nextUpdateTime, explicitlyTaggedWithTagNumber: 0, tagClass: .contextSpecific)
            }
        }
    }

    init(derEncoded node: ASN1Node) throws {
        var nodes = try OCSPDER.children(of: node, .sequence, "SingleResponse").makeIterator()
        certID = try OCSPCertID(derEncoded: OCSPDER.next(&nodes, "SingleResponse.certID"))
        let statusNode = try OCSPDER.next(&nodes, "SingleResponse.certStatus")
        switch statusNode.identifier {
        case Self.goodTag:
            _ = try ASN1Null(derEncoded: statusNode, withIdentifier: statusNode.identifier)
            status = .good
        case Self.revokedTag:
            var revoked = try OCSPDER.children(of: statusNode, statusNode.identifier, "RevokedInfo").makeIterator()
            let time = try GeneralizedTime(derEncoded: OCSPDER.next(&revoked, "RevokedInfo.revocationTime"))
            let reason = try DER.optionalExplicitlyTagged(&revoked, tagNumber: 0, tagClass: .contextSpecific) {
                try Int(derEncoded: $0, withIdentifier: .enumerated)
            }
            guard revoked.next() == nil else { throw OCSPError.malformed("RevokedInfo has extra fields") }
            if let reason, RevocationReason(rawValue: reason) == nil { throw OCSPError.invalidRevocationReason(reason) }
            status = .revoked(at: try OCSPDER.date(time), reason: reason)
        case Self.unknownTag:
            _ = try ASN1Null(derEncoded: statusNode, withIdentifier: statusNode.identifier)
            status = .unknown
        default:
            throw OCSPError.malformed("CertStatus has the unknown tag \(statusNode.identifier)")
        }
        thisUpdate = try OCSPDER.date(try GeneralizedTime(derEncoded: OCSPDER.next(&nodes, "SingleResponse.thisUpdate")))
        nextUpdate = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
            try OCSPDER.date(try GeneralizedTime(derEncoded: $0))
        }
        // singleExtensions [1] EXPLICIT Extensions OPTIONAL: read for well-formedness only.
        _ = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) {
            try OCSPDER.extensions($0, "SingleResponse.singleExtensions")
        }
        guard nodes.next() == nil else { throw OCSPError.malformed("SingleResponse has extra fields") }
    }
}
