public import Foundation
public import MynaCore
public import MynaDatabase
import X509

/// The certificate ledger in Myna's database. The CA reaches the database only through
/// this type, which touches only the `certificates` and `crl_numbers` tables: the signer
/// side can record what it signs and what was revoked, and reads nothing about residents.
public struct SQLCertificateLedger: CertificateLedger {
    let database: any Database
    let clock: WallClock

    public init(database: any Database, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    public func recordIntent(serial: [UInt8], kind: CertificateKind, tbsCertificate: [UInt8], notAfter: Date) async throws {
        try await recordIntents([CertificateIntent(serial: serial, kind: kind, tbsCertificate: tbsCertificate, notAfter: notAfter)])
    }

    public func recordIntents(_ intents: [CertificateIntent]) async throws {
        let now = clock.milliseconds
        try await database.transaction { connection in
            try await connection.insertMany(
                into: "certificates", columns: ["serial", "issuer_role", "status", "tbs", "not_after", "intended_at"],
                rows: intents.map {
                    [.blob($0.serial), .text(CertificateAuthority.Role($0.kind).rawValue), .text("intended"), .blob($0.tbsCertificate),
                     .integer(Int64($0.notAfter.timeIntervalSince1970 * 1000)), .integer(now)]
                })
        }
    }

    public func recordIssued(serial: [UInt8], certificate: [UInt8]) async throws {
        try await recordIssued([(serial, certificate)])
    }

    public func recordIssued(_ certificates: [(serial: [UInt8], certificate: [UInt8])]) async throws {
        let now = clock.milliseconds
        try await database.transaction { connection in
            for item in certificates {
                let updated = try await connection.query(SQL(
                    "UPDATE certificates SET status = 'issued', der = ?, issued_at = ? WHERE serial = ? AND status = 'intended' RETURNING serial",
                    [.blob(item.certificate), .integer(now), .blob(item.serial)]))
                guard !updated.isEmpty else { throw LedgerError.noIntent }
            }
        }
    }

    /// Revokes a certificate — issued, or only intended (a crash between signing and
    /// recording) — once; a second revocation keeps the first date and reason.
    /// Returns whether this call revoked it.
    @discardableResult
    public func revoke(serial: [UInt8], reason: RevocationReason) async throws -> Bool {
        try await revoke(serials: [serial], reason: reason).isEmpty == false
    }

    /// Revokes many certificates in one transaction (a renewal wave); returns the serials
    /// this call revoked, leaving the earlier date and reason of any already revoked.
    public func revoke(serials: [[UInt8]], reason: RevocationReason) async throws -> [[UInt8]] {
        let now = clock.milliseconds
        return try await database.transaction { connection in
            var revoked: [[UInt8]] = []
            for serial in serials {
                let rows = try await connection.query(SQL(
                    """
                    UPDATE certificates SET status = 'revoked', revoked_at = ?, revocation_reason = ?
                    WHERE serial = ? AND revoked_at IS NULL RETURNING serial
                    """, [.integer(now), .init(reason.rawValue), .blob(serial)]))
                if !rows.isEmpty { revoked.append(serial) }
            }
            return revoked
        }
    }

    /// What the OCSP responder answers for a serial of `role`'s CA.
    public enum Status: Sendable, Equatable {
        case good
        case revoked(at: Date, reason: RevocationReason)
        case unknown
    }

    public func status(serial: [UInt8], role: CertificateAuthority.Role) async throws -> Status {
        try await database.read { connection in
            guard let row = try await connection.first(SQL(
                "SELECT status, revoked_at, revocation_reason FROM certificates WHERE serial = ? AND issuer_role = ?",
                [.blob(serial), .text(role.rawValue)]))
            else { return .unknown }
            if let revokedAt = try row.optionalInt("revoked_at") {
                return .revoked(
                    at: Date(timeIntervalSince1970: Double(revokedAt) / 1000),
                    reason: RevocationReason(rawValue: try row.optionalInt("revocation_reason") ?? 0) ?? .unspecified)
            }
            // An intent never completed was never handed to anyone: unknown until revoked.
            return try row.string("status") == "issued" ? .good : .unknown
        }
    }

    /// Every revoked certificate of `role` that has not yet expired (RFC 5280 §5: an
    /// expired certificate may leave the CRL), in revocation order.
    public func revoked(role: CertificateAuthority.Role) async throws -> [RevokedCertificate] {
        try await database.read { connection in
            try await connection.query(SQL(
                """
                SELECT serial, revoked_at, revocation_reason FROM certificates
                WHERE issuer_role = ? AND revoked_at IS NOT NULL AND not_after > ? ORDER BY revoked_at, serial
                """, [.text(role.rawValue), .integer(clock.milliseconds)])).map { row in
                RevokedCertificate(
                    serialNumber: Certificate.SerialNumber(bytes: try row.bytes("serial")),
                    revocationDate: Date(timeIntervalSince1970: Double(try row.int("revoked_at")) / 1000),
                    reason: RevocationReason(rawValue: try row.optionalInt("revocation_reason") ?? 0))
            }
        }
    }

    /// The next CRL number for `role` (RFC 5280 §5.2.3), never repeated.
    public func nextCRLNumber(role: CertificateAuthority.Role) async throws -> Int {
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO crl_numbers (issuer_role, last_number) VALUES (?, 0) ON CONFLICT (issuer_role) DO NOTHING",
                [.text(role.rawValue)]))
            return try await connection.first(SQL(
                "UPDATE crl_numbers SET last_number = last_number + 1 WHERE issuer_role = ? RETURNING last_number",
                [.text(role.rawValue)]))!.int("last_number")
        }
    }
}

public enum LedgerError: Error, Sendable, CustomStringConvertible {
    case noIntent

    public var description: String { "no recorded intent for that serial: the CA signs only what it recorded first" }
}

extension SQLCertificateLedger {
    /// A join of the ledger's row for the certificate whose serial `serialColumn` holds,
    /// named `alias`, for the card office's queries that read a certificate's revocation
    /// (`revoked_at`, `revocation_reason`) or its `der` beside their own rows, in the same
    /// statement: the ledger's table stays named here (issue 15). `outer` keeps rows the
    /// ledger has not recorded yet (a certificate planned, not yet signed).
    public static func join(onSerialIn serialColumn: String, as alias: String, outer: Bool) -> String {
        "\(outer ? "LEFT JOIN" : "JOIN") certificates \(alias) ON \(alias).serial = \(serialColumn)"
    }
}
