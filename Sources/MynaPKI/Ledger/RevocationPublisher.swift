public import Foundation
public import MynaCore
import X509

/// Publishes each CA's CRL (RFC 5280 §5): built from the ledger, signed by the CA, and
/// kept until it is due for renewal or a revocation makes it stale. Relying parties
/// fetch it from the CRL distribution point in every certificate.
public actor RevocationPublisher {
    public nonisolated let authorities: CertificateAuthorities
    public nonisolated let ledger: SQLCertificateLedger
    private let clock: WallClock
    /// How long a CRL is valid (nextUpdate − thisUpdate), and when a fresh one is made
    /// even without revocations: halfway, so a relying party never holds an expired one.
    public let lifetime: TimeInterval
    private var current: [CertificateAuthority.Role: (der: [UInt8], renewAt: Date)] = [:]
    /// The OCSP responders of the two issuing CAs.
    public nonisolated let signatureResponder: OCSPResponder
    public nonisolated let authenticationResponder: OCSPResponder

    public init(authorities: CertificateAuthorities, ledger: SQLCertificateLedger, clock: WallClock = .system, lifetime: TimeInterval = 24 * 3600) {
        self.authorities = authorities
        self.ledger = ledger
        self.clock = clock
        self.lifetime = lifetime
        signatureResponder = OCSPResponder(authority: authorities.signature, ledger: ledger, clock: clock)
        authenticationResponder = OCSPResponder(authority: authorities.authentication, ledger: ledger, clock: clock)
    }

    /// The OCSP responder of an issuing CA; the root has none (it certifies only the two
    /// issuing CAs, whose status its CRL gives).
    public nonisolated func responder(_ role: CertificateAuthority.Role) -> OCSPResponder? {
        switch role {
        case .signature: signatureResponder
        case .authentication: authenticationResponder
        case .root: nil
        }
    }

    /// The current CRL of `role`'s CA, DER-encoded.
    public func crl(_ role: CertificateAuthority.Role) async throws -> [UInt8] {
        if let cached = current[role], clock.now < cached.renewAt { return cached.der }
        return try await refresh(role)
    }

    /// Revokes `serial` in the ledger and makes the CA's CRL stale, so the next list
    /// served is a new one that includes it: the list never lags the decision (the
    /// signature certificate is revoked when a basic fact changes).
    @discardableResult
    public func revoke(serial: [UInt8], role: CertificateAuthority.Role, reason: RevocationReason) async throws -> Bool {
        try await revoke(serials: [serial], role: role, reason: reason).isEmpty == false
    }

    /// Revokes many certificates of one CA with one commit. The CRL is rebuilt when next
    /// asked for (or by the schedule), not once per revocation: a wave of a hundred
    /// thousand renewals signs one list, not a hundred thousand growing ones.
    @discardableResult
    public func revoke(serials: [[UInt8]], role: CertificateAuthority.Role, reason: RevocationReason) async throws -> [[UInt8]] {
        guard !serials.isEmpty else { return [] }
        let revoked = try await ledger.revoke(serials: serials, reason: reason)
        if !revoked.isEmpty {
            for serial in revoked { await responder(role)?.invalidate(serial: serial) }
            current[role] = nil
        }
        return revoked
    }

    @discardableResult
    public func refresh(_ role: CertificateAuthority.Role) async throws -> [UInt8] {
        let ca = authorities.all.first { $0.role == role }!
        let now = clock.now
        // The root's list covers the issuing CAs, which the ledger does not track: empty.
        let revoked = role == .root ? [] : try await ledger.revoked(role: role)
        let list = try CertificateRevocationList(
            issuer: ca.name, authorityKeyIdentifier: Array(ca.keyIdentifier), number: UInt64(try await ledger.nextCRLNumber(role: role)),
            thisUpdate: now, nextUpdate: now.addingTimeInterval(lifetime), revoked: revoked)
        let der = try list.signed(by: ca.signer)
        current[role] = (der, now.addingTimeInterval(lifetime / 2))
        return der
    }
}
