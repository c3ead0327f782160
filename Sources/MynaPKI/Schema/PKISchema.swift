public import MynaDatabase

/// The PKI's tables: the certificate ledger, CRL numbers, and registered relying parties.
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum PKISchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [certificateLedger, relyingParties]

    /// 2 — the certificate ledger: every card certificate from the moment the CA decides
    /// to sign it (the intent, with its to-be-signed bytes) to its revocation; and the
    /// CRL number of each issuing CA (RFC 5280 §5.2.3: monotonically increasing).
    static let certificateLedger = Migration(version: 2, name: "certificate-ledger", statements: [
        """
        CREATE TABLE certificates (
            serial {BLOB} PRIMARY KEY,
            issuer_role TEXT NOT NULL,
            status TEXT NOT NULL,
            tbs {BLOB} NOT NULL,
            der {BLOB},
            not_after {BIGINT} NOT NULL,
            intended_at {BIGINT} NOT NULL,
            issued_at {BIGINT},
            revoked_at {BIGINT},
            revocation_reason INTEGER)
        """,
        "CREATE INDEX certificates_revoked ON certificates (issuer_role, revoked_at) WHERE revoked_at IS NOT NULL",
        """
        CREATE TABLE crl_numbers (
            issuer_role TEXT PRIMARY KEY,
            last_number {BIGINT} NOT NULL)
        """,
    ])

    /// 3 — registered relying parties (署名検証者 / 利用者証明検証者, 公的個人認証法
    /// 第17条・第36条): only they may ask Myna to verify a card certificate. Their API
    /// key is stored as a SHA-256 hash only.
    static let relyingParties = Migration(version: 3, name: "relying-parties", statements: [
        """
        CREATE TABLE relying_parties (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            key_hash {BLOB} NOT NULL UNIQUE,
            created_at {BIGINT} NOT NULL,
            revoked_at {BIGINT})
        """,
    ])
}
