/// Why an OCSP request or response was refused or could not be built. Parsing never
/// traps: every malformed input ends here, so the responder can answer
/// `malformedRequest` (RFC 6960 §2.3) instead of crashing.
public enum OCSPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The input is larger than the parser accepts (`OCSPRequest.maximumEncodedSize`).
    case tooLarge(Int)
    /// Not DER, or DER that is not the RFC 6960 structure; the text says where.
    case malformed(String)
    /// A version other than v1 (RFC 6960 §4.1.1 and §4.2.1 know only v1).
    case unsupportedVersion(Int)
    /// A CertID hash algorithm other than SHA-1 or SHA-256 (the dotted OID).
    case unsupportedHashAlgorithm(String)
    /// A critical extension this implementation does not understand (RFC 6960 §4.1.2:
    /// unrecognised extensions are ignored unless they are critical).
    case unsupportedCriticalExtension(String)
    /// A request whose requestList is empty: there is nothing to answer.
    case emptyRequestList
    /// The GET form (RFC 6960 Appendix A.1) was not percent-encoded base64.
    case invalidGETEncoding(String)
    /// The signer's algorithm has no encoding here (only RSA PKCS #1 v1.5 with SHA-2).
    case unsupportedSignatureAlgorithm(String)
    /// A CRLReason code outside RFC 5280 §5.3.1 (0–10, 7 unused).
    case invalidRevocationReason(Int)
    /// A time GeneralizedTime cannot carry (before year 1 or after 9999, or not finite).
    case invalidTime(String)
    /// nextUpdate earlier than thisUpdate.
    case nextUpdateBeforeThisUpdate
    /// A response with no SingleResponse in it.
    case emptyResponseList
    /// An empty nonce (RFC 8954 §2.1: SIZE(1..32)).
    case emptyNonce

    public var description: String {
        switch self {
        case .tooLarge(let count): "the OCSP message is \(count) bytes, more than this responder accepts"
        case .malformed(let reason): "malformed OCSP message: \(reason)"
        case .unsupportedVersion(let version): "OCSP version \(version + 1) is not supported (only v1)"
        case .unsupportedHashAlgorithm(let oid): "CertID hash algorithm \(oid) is not supported (SHA-1 or SHA-256)"
        case .unsupportedCriticalExtension(let oid): "critical OCSP extension \(oid) is not understood"
        case .emptyRequestList: "the OCSP request asks about no certificate"
        case .invalidGETEncoding(let reason): "the OCSP GET path is not URL-encoded base64: \(reason)"
        case .unsupportedSignatureAlgorithm(let name): "cannot sign OCSP responses with \(name)"
        case .invalidRevocationReason(let code): "\(code) is not an RFC 5280 CRLReason"
        case .invalidTime(let reason): "time not representable as GeneralizedTime: \(reason)"
        case .nextUpdateBeforeThisUpdate: "nextUpdate is earlier than thisUpdate"
        case .emptyResponseList: "an OCSP response must answer at least one CertID"
        case .emptyNonce: "an OCSP nonce cannot be empty"
        }
    }
}
