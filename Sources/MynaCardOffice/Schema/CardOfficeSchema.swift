public import MynaDatabase

/// The card office's tables: cards and their events, the certificates on them, hotline
/// calls, issuance challenges, and where background sweeps got to.
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum CardOfficeSchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [cards, cardKeyPossession, cardFaceKeys]

    /// 4 — My Number cards (個人番号カード) and their life: one row per physical card, every
    /// step of its state machine with who took it and why, the certificates written to
    /// it, and the hotline's calls (recorded so that guessing is limited and visible).
    static let cards = Migration(version: 4, name: "cards", statements: [
        // `serial` is the card number printed on the card and on the issuance receipt,
        // which the holder gives the suspension hotline. `chip_id` is the chip's own id,
        // known once the card is handed over.
        """
        CREATE TABLE cards (
            id TEXT PRIMARY KEY,
            serial TEXT NOT NULL UNIQUE,
            resident_id TEXT NOT NULL REFERENCES residents(id),
            status TEXT NOT NULL,
            replaces_id TEXT REFERENCES cards(id),
            chip_id TEXT,
            issued_on TEXT,
            expires_on TEXT,
            applied_at {BIGINT} NOT NULL,
            updated_at {BIGINT} NOT NULL,
            version INTEGER NOT NULL)
        """,
        // A person holds one card at a time (番号法 第17条): the database refuses a second
        // live one, whatever the code above it does.
        "CREATE UNIQUE INDEX cards_one_live_per_resident ON cards (resident_id) WHERE status IN ('applied', 'active', 'suspended')",
        "CREATE INDEX cards_by_resident ON cards (resident_id)",
        "CREATE INDEX cards_by_expiry ON cards (expires_on) WHERE status IN ('active', 'suspended')",
        """
        CREATE TABLE card_events (
            card_id TEXT NOT NULL REFERENCES cards(id),
            sequence INTEGER NOT NULL,
            event TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            actor TEXT NOT NULL,
            procedure_id TEXT,
            reason TEXT,
            fee_yen INTEGER NOT NULL,
            identity_documents TEXT,
            certificates TEXT,
            occurred_at {BIGINT} NOT NULL,
            PRIMARY KEY (card_id, sequence))
        """,
        // Which ledger certificate sits on which card. A row is planned before the CA
        // records its intent and installed after it signs; a planned row that never gets
        // installed (a crash) is revoked by the sweep. `facts_digest` is a hash of the
        // four facts a signature certificate carries, to revoke it when they change.
        """
        CREATE TABLE card_certificates (
            serial {BLOB} PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards(id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            kind TEXT NOT NULL,
            facts_digest {BLOB},
            not_after {BIGINT} NOT NULL,
            planned_at {BIGINT} NOT NULL,
            installed_at {BIGINT},
            ended_at {BIGINT},
            end_reason TEXT)
        """,
        "CREATE INDEX card_certificates_by_card ON card_certificates (card_id)",
        "CREATE INDEX card_certificates_live ON card_certificates (resident_id) WHERE ended_at IS NULL",
        // 一時利用停止 calls. The number is kept only as its keyed lookup hash and the
        // caller's address as a keyed hash: enough to count tries, nothing to read back.
        """
        CREATE TABLE hotline_calls (
            id {ID},
            caller_key {BLOB} NOT NULL,
            source_key {BLOB} NOT NULL,
            outcome TEXT NOT NULL,
            occurred_at {BIGINT} NOT NULL)
        """,
        "CREATE INDEX hotline_calls_by_caller ON hotline_calls (caller_key, occurred_at)",
        "CREATE INDEX hotline_calls_by_source ON hotline_calls (source_key, occurred_at)",
        // Where background sweeps got to, so a restart resumes rather than rescans.
        "CREATE TABLE sweep_marks (name TEXT PRIMARY KEY, mark {BIGINT} NOT NULL)",
    ])

    /// 16 — proof of key possession at issuance (issue 14): the challenges the office
    /// hands the counter, each bound to a card application and the chip read, taken once;
    /// and a hash of each certified public key, so that a key already certified for one
    /// card is refused for any other. Rows certified before this migration have no hash.
    static let cardKeyPossession = Migration(version: 16, name: "card-key-possession", statements: [
        """
        CREATE TABLE card_issuance_challenges (
            nonce TEXT PRIMARY KEY,
            card_id TEXT NOT NULL REFERENCES cards(id),
            chip_id TEXT NOT NULL,
            created_at {BIGINT} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            used_at {BIGINT})
        """,
        "CREATE INDEX card_issuance_challenges_by_card ON card_issuance_challenges (card_id)",
        "ALTER TABLE card_certificates ADD COLUMN key_hash {BLOB}",
        "CREATE INDEX card_certificates_by_key ON card_certificates (key_hash)",
    ])

    /// 17 — the card-face application's key, recorded at issuance (CardOffice.issue), so a
    /// clinic's visual check can show the card is there (issue 14, finding 6). One key, one
    /// card: unique where present (NULLs, for cards issued before, never collide).
    static let cardFaceKeys = Migration(version: 17, name: "card-face-keys", statements: [
        "ALTER TABLE cards ADD COLUMN card_face_key {BLOB}",
        "CREATE UNIQUE INDEX cards_by_card_face_key ON cards (card_face_key)",
    ])
}
