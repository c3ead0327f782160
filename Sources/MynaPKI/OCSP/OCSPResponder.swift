public import Foundation
public import MynaCore
import SwiftASN1
import X509

/// The OCSP responder of one issuing CA (RFC 6960), signing with the CA's own key (§4.2.2.2
/// allows the CA as responder, so no delegated certificate is needed).
///
/// Responses to single-certificate requests are pre-signed and kept until they are due
/// (a quarter of their validity) or the certificate is revoked, so answering costs a
/// lookup, not an RSA signature. Pre-signed responses cannot echo a nonce: like the large
/// public CAs, Myna answers without one (RFC 8954 §2.1 lets a responder ignore the nonce),
/// and relying parties rely on producedAt and thisUpdate instead.
public actor OCSPResponder {
    public nonisolated let authority: CertificateAuthority
    private let ledger: SQLCertificateLedger
    private let clock: WallClock
    /// thisUpdate to nextUpdate of every answer.
    public nonisolated let validity: TimeInterval
    private var cache: [OCSPCertID: (der: [UInt8], renewAt: Date)] = [:]
    /// Certificates one request may ask about: every answer is signed, so a request of many
    /// ids is many lookups for one caller (issue 14, finding 5). RFC 6960 sets no limit;
    /// relying parties ask about one certificate at a time.
    public static let maximumCertIDs = 10
    /// Pre-signed answers kept at most; past it, the due ones go, then the oldest half.
    public static let maximumCached = 100_000
    private let issuerIDs: [OCSPCertID.HashAlgorithm: OCSPCertID]

    public init(authority: CertificateAuthority, ledger: SQLCertificateLedger, clock: WallClock = .system, validity: TimeInterval = 4 * 3600) {
        self.authority = authority
        self.ledger = ledger
        self.clock = clock
        self.validity = validity
        var nameDER = DER.Serializer()
        try! nameDER.serialize(authority.name)  // a loaded certificate's name always serialises
        issuerIDs = Dictionary(uniqueKeysWithValues: OCSPCertID.HashAlgorithm.allCases.map {
            ($0, OCSPCertID.forCertificate(serial: [1], issuerNameDER: nameDER.serializedBytes, issuerPublicKey: authority.signer.publicKey, hash: $0))
        })
    }

    /// The DER OCSPResponse for a DER OCSPRequest. Never throws: malformed input gets the
    /// protocol's own `malformedRequest`, a request for another CA `unauthorized`
    /// (RFC 6960 §2.3), a failure `internalError`.
    public func respond(to requestDER: [UInt8]) async -> [UInt8] {
        let request: OCSPRequest
        do {
            request = try OCSPRequest(derEncoded: requestDER)
        } catch {
            return OCSPResponse.errorResponse(.malformedRequest)
        }
        return await respond(to: request)
    }

    public func respond(to request: OCSPRequest) async -> [UInt8] {
        let ids = request.certIDs
        guard ids.count <= Self.maximumCertIDs else { return OCSPResponse.errorResponse(.malformedRequest) }
        guard !ids.isEmpty, ids.allSatisfy({ id in issuerIDs[id.hashAlgorithm].map { id.hasSameIssuer(as: $0) } ?? false }) else {
            return OCSPResponse.errorResponse(.unauthorized)
        }
        let now = clock.now
        if ids.count == 1, let cached = cache[ids[0]], now < cached.renewAt { return cached.der }
        do {
            var answers: [OCSPSingleResponse] = []
            for id in ids {
                answers.append(OCSPSingleResponse(
                    certID: id, status: try await status(of: id), thisUpdate: now, nextUpdate: now.addingTimeInterval(validity)))
            }
            let der = try OCSPResponse.signedResponse(responses: answers, producedAt: now, nonce: nil, signer: authority.signer)
            // Only certificates the ledger knows are kept: random serials would fill the cache.
            if ids.count == 1, answers[0].status != .unknown { keep(der, for: ids[0], now: now) }
            return der
        } catch {
            return OCSPResponse.errorResponse(.internalError)
        }
    }

    private func keep(_ der: [UInt8], for id: OCSPCertID, now: Date) {
        cache[id] = (der, now.addingTimeInterval(validity / 4))
        guard cache.count > Self.maximumCached else { return }
        cache = cache.filter { _, entry in now < entry.renewAt }
        if cache.count > Self.maximumCached / 2 {
            cache = Dictionary(uniqueKeysWithValues: cache.sorted { $0.value.renewAt > $1.value.renewAt }.prefix(Self.maximumCached / 2).map { ($0.key, $0.value) })
        }
    }

    /// How many pre-signed answers are kept (for tests of the bound).
    public var cachedCount: Int { cache.count }

    /// Drops pre-signed answers for `serial` (after a revocation).
    public func invalidate(serial: [UInt8]) {
        cache = cache.filter { id, _ in id.certificateSerialNumber.map { Array($0.bytes) } != serial }
    }

    private func status(of id: OCSPCertID) async throws -> OCSPCertStatus {
        guard let serial = id.certificateSerialNumber else { return .unknown }
        switch try await ledger.status(serial: Array(serial.bytes), role: authority.role) {
        case .good: return .good
        case .unknown: return .unknown
        case .revoked(let at, let reason): return .revoked(at: at, reason: reason == .unspecified ? nil : reason.rawValue)
        }
    }
}
