public import MynaDatabase

/// The transparency log's tables: the queue, the leaves, cached subtrees and signed heads.
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum AuditSchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [transparencyLog]

    /// 6 — the transparency log (MynaAudit): a Merkle tree (RFC 9162 hashing) over
    /// salted commitments to provision records and staff access records. Records are
    /// queued in the transaction that makes them and sequenced into leaves by one
    /// sequencer, so the tree has no gaps however transactions interleave.
    static let transparencyLog = Migration(version: 6, name: "transparency-log", statements: [
        """
        CREATE TABLE log_queue (
            id {ID},
            commitment {BLOB} NOT NULL,
            kind TEXT NOT NULL,
            record_id {BIGINT} NOT NULL,
            queued_at {BIGINT} NOT NULL)
        """,
        """
        CREATE TABLE log_leaves (
            leaf_index {BIGINT} PRIMARY KEY,
            leaf_hash {BLOB} NOT NULL,
            commitment {BLOB} NOT NULL,
            kind TEXT NOT NULL,
            record_id {BIGINT} NOT NULL,
            sequenced_at {BIGINT} NOT NULL)
        """,
        "CREATE UNIQUE INDEX log_leaves_by_hash ON log_leaves (leaf_hash)",
        "CREATE UNIQUE INDEX log_leaves_by_record ON log_leaves (kind, record_id)",
        """
        CREATE TABLE log_subtrees (
            level INTEGER NOT NULL,
            idx {BIGINT} NOT NULL,
            hash {BLOB} NOT NULL,
            PRIMARY KEY (level, idx))
        """,
        """
        CREATE TABLE log_heads (
            tree_size {BIGINT} PRIMARY KEY,
            signed_at {BIGINT} NOT NULL,
            root_hash {BLOB} NOT NULL,
            signature {BLOB} NOT NULL)
        """,
    ])
}
