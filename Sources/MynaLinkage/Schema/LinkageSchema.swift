public import MynaDatabase

/// The linkage network's tables: agencies, their keys and codes, the allow-list, the
/// intermediate store, refusals, provision records, subscriptions and notices.
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum LinkageSchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [linkage, linkageNotices, allowListAmendments]

    /// 5 — the information linkage network (情報提供ネットワークシステム): agencies and
    /// their request keys, per-agency codes, the legal allow-list, the intermediate
    /// store of providers' copies, refusals, and the provision records of every exchange.
    static let linkage = Migration(version: 5, name: "linkage", statements: [
        """
        CREATE TABLE agencies (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            agency_type TEXT NOT NULL,
            municipality_code TEXT REFERENCES municipalities(code),
            created_at {BIGINT} NOT NULL,
            revoked_at {BIGINT})
        """,
        // The public halves of the keys agencies sign their requests with; the private
        // halves never reach Myna.
        """
        CREATE TABLE agency_keys (
            key_id TEXT PRIMARY KEY,
            agency_id TEXT NOT NULL REFERENCES agencies(id),
            public_key {BLOB} NOT NULL,
            created_at {BIGINT} NOT NULL,
            revoked_at {BIGINT})
        """,
        // Each request assertion's id, kept until it expires: a replayed request is refused.
        """
        CREATE TABLE agency_request_ids (
            agency_id TEXT NOT NULL,
            jti TEXT NOT NULL,
            expires_at {BIGINT} NOT NULL,
            PRIMARY KEY (agency_id, jti))
        """,
        "CREATE INDEX agency_request_ids_by_expiry ON agency_request_ids (expires_at)",
        // 機関別符号: one code per agency and person, stable once issued; the hub
        // translates between them, so agencies cannot join their data on a shared key.
        """
        CREATE TABLE agency_codes (
            agency_id TEXT NOT NULL REFERENCES agencies(id),
            code TEXT NOT NULL,
            resident_id TEXT NOT NULL REFERENCES residents(id),
            key_version INTEGER NOT NULL,
            issued_at {BIGINT} NOT NULL,
            PRIMARY KEY (agency_id, code))
        """,
        "CREATE UNIQUE INDEX agency_codes_one_per_person ON agency_codes (agency_id, resident_id)",
        // The lawful exchanges (番号法 別表), loaded from the versioned file in the
        // repository; a version once loaded is never edited, a new one supersedes it.
        """
        CREATE TABLE allow_list (
            version INTEGER NOT NULL,
            row_id TEXT NOT NULL,
            requester_type TEXT NOT NULL,
            provider_type TEXT NOT NULL,
            item TEXT NOT NULL,
            task TEXT NOT NULL,
            legal_basis TEXT NOT NULL,
            optional INTEGER NOT NULL,
            PRIMARY KEY (version, row_id))
        """,
        """
        CREATE TABLE allow_list_versions (
            version INTEGER PRIMARY KEY,
            effective_on TEXT NOT NULL,
            digest {BLOB} NOT NULL,
            loaded_at {BIGINT} NOT NULL,
            loaded_by TEXT NOT NULL)
        """,
        // 中間サーバー: each provider's copy (副本) of its data items, answered from here
        // so a query never waits on a provider being up.
        """
        CREATE TABLE intermediate_items (
            provider_id TEXT NOT NULL REFERENCES agencies(id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            item TEXT NOT NULL,
            value TEXT NOT NULL,
            version INTEGER NOT NULL,
            updated_at {BIGINT} NOT NULL,
            PRIMARY KEY (resident_id, item, provider_id))
        """,
        """
        CREATE TABLE linkage_refusals (
            resident_id TEXT NOT NULL REFERENCES residents(id),
            item TEXT NOT NULL,
            refused_at {BIGINT} NOT NULL,
            recorded_by TEXT NOT NULL,
            PRIMARY KEY (resident_id, item))
        """,
        // 情報提供等記録 (番号法 第23条): every exchange, answered or refused, with what the
        // law asks both sides to keep. `salt` makes the record's commitment in the public
        // log reveal nothing.
        """
        CREATE TABLE provision_records (
            id {ID},
            resident_id TEXT REFERENCES residents(id),
            requester_id TEXT NOT NULL REFERENCES agencies(id),
            provider_id TEXT REFERENCES agencies(id),
            item TEXT NOT NULL,
            task TEXT NOT NULL,
            legal_basis TEXT,
            requested_at {BIGINT} NOT NULL,
            provided_at {BIGINT},
            outcome TEXT NOT NULL,
            undisclosed_until {BIGINT},
            salt {BLOB} NOT NULL)
        """,
        "CREATE INDEX provision_records_by_resident ON provision_records (resident_id, id)",
        "CREATE INDEX provision_records_by_requester ON provision_records (requester_id, id)",
        "CREATE INDEX provision_records_by_provider ON provision_records (provider_id, id)",
    ])

    /// 7 — push notices (通知): agencies subscribe to data items; a provider's new copy
    /// queues a notice for each subscriber holding a code for the person, in the same
    /// transaction (an outbox), so none is lost; each carries an idempotency key that
    /// stays the same on every redelivery, so a handler sees it once.
    static let linkageNotices = Migration(version: 7, name: "linkage-notices", statements: [
        """
        CREATE TABLE linkage_subscriptions (
            agency_id TEXT NOT NULL REFERENCES agencies(id),
            item TEXT NOT NULL,
            created_at {BIGINT} NOT NULL,
            PRIMARY KEY (agency_id, item))
        """,
        "CREATE INDEX linkage_subscriptions_by_item ON linkage_subscriptions (item)",
        """
        CREATE TABLE linkage_notices (
            id {ID},
            agency_id TEXT NOT NULL REFERENCES agencies(id),
            idempotency_key TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL,
            item TEXT NOT NULL,
            provider_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at {BIGINT} NOT NULL,
            attempts INTEGER NOT NULL,
            delivered_at {BIGINT})
        """,
        "CREATE INDEX linkage_notices_pending ON linkage_notices (agency_id, id) WHERE delivered_at IS NULL",
        // Requests refused before any agency was proven: replays, expired or forged
        // assertions, unknown keys. Kept for oversight; no person is named in them.
        """
        CREATE TABLE agency_rejections (
            id {ID},
            key_id TEXT,
            claimed_agency TEXT,
            reason TEXT NOT NULL,
            path TEXT NOT NULL,
            occurred_at {BIGINT} NOT NULL)
        """,
    ])

    /// 8 — the allow-list learns which exchanges may be withheld from the person, and for how
    /// long (番号法 第23条); each loaded version records why, and its place in the log.
    /// Subscribers may name an endpoint that notices are pushed to.
    static let allowListAmendments = Migration(version: 8, name: "allow-list-amendments", statements: [
        "ALTER TABLE allow_list ADD COLUMN non_disclosure_days INTEGER",
        "ALTER TABLE allow_list_versions ADD COLUMN reason TEXT",
        "ALTER TABLE allow_list_versions ADD COLUMN salt {BLOB}",
        // Notices pushed to a subscriber's endpoint, signed with its secret, retried with back-off.
        "ALTER TABLE linkage_subscriptions ADD COLUMN endpoint TEXT",
        "ALTER TABLE linkage_subscriptions ADD COLUMN secret {BLOB}",
        "ALTER TABLE linkage_notices ADD COLUMN next_attempt_at {BIGINT}",
    ])
}
