public import MynaDatabase

/// The registry's tables: municipalities, residents and their numbers and history, staff,
/// their sessions and sign-in failures, procedures, and access records (閲覧記録).
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum RegistrySchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [foundation, residentsByUpdate, accessRecordSalts, leanResidentIndexes, staffSignInFailures]

    /// 1 — residents and their numbers, history, staff, sessions, procedures, access records.
    static let foundation = Migration(version: 1, name: "foundation", statements: [
        """
        CREATE TABLE municipalities (
            code TEXT PRIMARY KEY,
            prefecture TEXT NOT NULL,
            name TEXT NOT NULL,
            name_kana TEXT NOT NULL)
        """,
        // The current state of each resident. `id` is the internal identity that survives
        // a change of number; the number itself is sealed (AES-GCM) and found by its keyed
        // hash. `name_key`/`kana_key` are the normalised forms used by counter search.
        // `record_mac` is a keyed MAC over the row's facts, so a row edited behind the
        // registry's back is detected on read (domain.md §9, MOSIP's record hash).
        residentsTable("residents", numberHash: "{BLOB} NOT NULL UNIQUE"),
        "CREATE INDEX residents_by_name ON residents (name_key, birth_date)",
        "CREATE INDEX residents_by_kana ON residents (kana_key, birth_date)",
        // Every number ever issued, retired ones included: 番号法 第8条 requires a number
        // to differ from all others forever. The unique keys are the last guard.
        """
        CREATE TABLE issued_numbers (
            number_hash {BLOB} PRIMARY KEY,
            sequence {BIGINT} NOT NULL,
            resident_id TEXT NOT NULL REFERENCES residents(id),
            issued_at {BIGINT} NOT NULL,
            retired_at {BIGINT},
            retirement_reason TEXT)
        """,
        "CREATE INDEX issued_numbers_by_resident ON issued_numbers (resident_id)",
        """
        CREATE TABLE numbering_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            next_sequence {BIGINT} NOT NULL)
        """,
        "INSERT INTO numbering_state (id, next_sequence) VALUES (1, 0)",
        // Who changed what, when and why: one row per version of a resident, stored in
        // key order (resident, version) so a history is read in one range scan.
        """
        CREATE TABLE resident_history (
            resident_id TEXT NOT NULL REFERENCES residents(id),
            version INTEGER NOT NULL,
            event TEXT NOT NULL,
            facts TEXT NOT NULL,
            actor TEXT NOT NULL,
            reason TEXT,
            occurred_at {BIGINT} NOT NULL,
            PRIMARY KEY (resident_id, version)){WITHOUT_ROWID}
        """,
        """
        CREATE TABLE staff (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL UNIQUE,
            display_name TEXT NOT NULL,
            role TEXT NOT NULL,
            municipality_code TEXT NOT NULL REFERENCES municipalities(code),
            password_hash {BLOB} NOT NULL,
            password_salt {BLOB} NOT NULL,
            password_kdf TEXT NOT NULL,
            totp_secret_sealed {BLOB} NOT NULL,
            last_totp_step {BIGINT} NOT NULL,
            failed_attempts INTEGER NOT NULL,
            locked_until {BIGINT} NOT NULL,
            created_at {BIGINT} NOT NULL)
        """,
        """
        CREATE TABLE staff_sessions (
            token_hash {BLOB} PRIMARY KEY,
            staff_id TEXT NOT NULL REFERENCES staff(id),
            created_at {BIGINT} NOT NULL,
            last_seen_at {BIGINT} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            ended_at {BIGINT})
        """,
        // One open procedure per session, enforced by the database itself: a shared
        // terminal cannot hold two residents at once (domain.md §8, the 748 accounts).
        """
        CREATE TABLE procedures (
            id TEXT PRIMARY KEY,
            session_hash {BLOB} NOT NULL REFERENCES staff_sessions(token_hash),
            staff_id TEXT NOT NULL REFERENCES staff(id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            purpose TEXT NOT NULL,
            opened_at {BIGINT} NOT NULL,
            last_activity_at {BIGINT} NOT NULL,
            closed_at {BIGINT},
            close_reason TEXT)
        """,
        "CREATE UNIQUE INDEX procedures_one_open_per_session ON procedures (session_hash) WHERE closed_at IS NULL",
        // 閲覧記録 — every read or change of a resident's data by staff or by the system.
        """
        CREATE TABLE access_records (
            id {ID},
            resident_id TEXT NOT NULL REFERENCES residents(id),
            actor_kind TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            action TEXT NOT NULL,
            purpose TEXT NOT NULL,
            procedure_id TEXT,
            occurred_at {BIGINT} NOT NULL)
        """,
        "CREATE INDEX access_records_by_resident ON access_records (resident_id, id)",
    ])

    /// 4, the registry's part — services that follow the registry (the signature
    /// certificate follows the four facts) find what changed since they last looked.
    static let residentsByUpdate = Migration(version: 4, name: "cards", statements: [
        "CREATE INDEX residents_by_update ON residents (updated_at)",
    ])

    /// 6, the registry's part — staff access records get a salt, for their commitments
    /// in the transparency log.
    static let accessRecordSalts = Migration(version: 6, name: "transparency-log", statements: [
        "ALTER TABLE access_records ADD COLUMN salt {BLOB}",
    ])

    /// 12 — leaner indexes on `residents`, measured on a million-row import
    /// (BENCHMARKS.md, registry): each index whose keys arrive in random order costs the
    /// import 2–3 s per million rows.
    ///
    /// - The unique index on `residents.number_hash` goes: `issued_numbers` already keys
    ///   every number ever issued by the same hash, and its primary key stays the last
    ///   guard of uniqueness (番号法 第8条). A lookup by number now goes through it
    ///   (`retired_at IS NULL` for the number a resident holds now).
    /// - The two name indexes (kanji key, kana key; each with the birth date) become one
    ///   on (birth date, municipality): a counter search always gives a birth date and
    ///   searches one municipality, which leaves a few dozen rows to compare names on even
    ///   in a city of millions. People moving in are found by their destination in a
    ///   partial index that holds only them.
    ///
    /// SQLite cannot drop a column's UNIQUE in place, so there the table is rebuilt
    /// (https://www.sqlite.org/lang_altertable.html#otheralter), which also drops its
    /// indexes; PostgreSQL drops the constraint.
    static let leanResidentIndexes = Migration(
        version: 12, name: "lean-resident-indexes",
        sqlite: [
            residentsTable("residents_rebuilt", numberHash: "{BLOB} NOT NULL"),
            "INSERT INTO residents_rebuilt SELECT * FROM residents ORDER BY rowid",
            "DROP TABLE residents",
            "ALTER TABLE residents_rebuilt RENAME TO residents",
            "CREATE INDEX residents_by_update ON residents (updated_at)",
        ] + residentSearchIndexes,
        postgres: [
            "ALTER TABLE residents DROP CONSTRAINT residents_number_hash_key",
            "DROP INDEX residents_by_name",
            "DROP INDEX residents_by_kana",
        ] + residentSearchIndexes,
        rebuildsTables: true)

    /// 15 — failed staff sign-ins, one row each, by account and by where they came from (a
    /// keyed hash of the address, `SourceKeys`): the lock counts per account and source,
    /// so a stranger's guesses from their address do not lock the member out of theirs
    /// (issue 14). `staff.failed_attempts` and `staff.locked_until` are no longer read.
    static let staffSignInFailures = Migration(version: 15, name: "staff-sign-in-failures", statements: [
        """
        CREATE TABLE staff_sign_in_failures (
            id {ID},
            staff_id TEXT NOT NULL REFERENCES staff(id),
            source_key {BLOB} NOT NULL,
            occurred_at {BIGINT} NOT NULL)
        """,
        "CREATE INDEX staff_sign_in_failures_by_source ON staff_sign_in_failures (staff_id, source_key, occurred_at)",
        "CREATE INDEX staff_sign_in_failures_by_member ON staff_sign_in_failures (staff_id, occurred_at)",
    ])

    private static let residentSearchIndexes = [
        "CREATE INDEX residents_by_birth ON residents (birth_date, municipality_code)",
        "CREATE INDEX residents_moving_in ON residents (destination_code, birth_date) WHERE destination_code IS NOT NULL",
    ]

    /// `residents` as migration 1 created it; migration 12 recreates it with the same
    /// columns and only the number hash's constraint changed. Frozen like the migrations
    /// that use it: a new need gets a new migration, not an edit here.
    private static func residentsTable(_ name: String, numberHash: String) -> String {
        """
        CREATE TABLE \(name) (
            id TEXT PRIMARY KEY,
            resident_code TEXT NOT NULL UNIQUE,
            number_hash \(numberHash),
            number_sealed {BLOB} NOT NULL,
            name TEXT NOT NULL,
            name_kana TEXT NOT NULL,
            name_key TEXT NOT NULL,
            kana_key TEXT NOT NULL,
            municipality_code TEXT NOT NULL REFERENCES municipalities(code),
            address TEXT NOT NULL,
            birth_date TEXT NOT NULL,
            sex INTEGER NOT NULL,
            status TEXT NOT NULL,
            destination_code TEXT REFERENCES municipalities(code),
            status_date TEXT,
            version INTEGER NOT NULL,
            record_mac {BLOB} NOT NULL,
            created_at {BIGINT} NOT NULL,
            updated_at {BIGINT} NOT NULL)
        """
    }
}
