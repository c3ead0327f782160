import Foundation

/// Versioned schema changes, applied in order, each in its own transaction, recorded in
/// `schema_migrations`. A migration is never edited once released: new needs get a new
/// version. DDL tokens (`{ID}`, `{BLOB}`, `{BIGINT}`) are expanded per dialect.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    private let sqlite: [String]
    private let postgres: [String]
    /// Whether the migration rebuilds a table that other tables refer to, which SQLite
    /// allows only with foreign keys off (see ``Database/schemaTransaction(_:)``).
    public let rebuildsTables: Bool

    /// A migration whose statements are the same on both databases.
    init(version: Int, name: String, statements: [String]) {
        self.init(version: version, name: name, sqlite: statements, postgres: statements)
    }

    init(version: Int, name: String, sqlite: [String], postgres: [String], rebuildsTables: Bool = false) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
        self.rebuildsTables = rebuildsTables
    }

    /// The statements for `dialect`, DDL tokens expanded.
    public func statements(for dialect: SQLDialect) -> [String] {
        (dialect == .sqlite ? sqlite : postgres).map(dialect.ddl)
    }
}

public enum Migrations {
    public static let all: [Migration] = [foundation, certificateLedger, relyingParties, cards, linkage, transparencyLog, linkageNotices, allowListAmendments, portal, mykey, services, leanResidentIndexes, cardChallengePurposes, cardBoundGrants, staffSignInFailures, cardKeyPossession, cardFaceKeys]

    /// Brings `database` to the latest schema, or to `version` (tests of an upgrade
    /// start from an older one); returns the versions it applied.
    @discardableResult
    public static func migrate(_ database: any Database, through version: Int? = nil) async throws -> [Int] {
        try await database.transaction { connection in
            try await connection.query(SQL(connection.dialect.ddl("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at {BIGINT} NOT NULL)
                """)))
        }
        var applied: [Int] = []
        for migration in all where migration.version <= version ?? .max {
            let apply = { @Sendable (connection: any SQLConnection) async throws -> Bool in
                // Two servers starting at once on PostgreSQL: the second waits here.
                if connection.dialect == .postgres {
                    try await connection.query("SELECT pg_advisory_xact_lock(4242424242)")
                }
                let done = try await connection.first(
                    SQL("SELECT version FROM schema_migrations WHERE version = ?", [.init(migration.version)]))
                guard done == nil else { return false }
                for statement in migration.statements(for: connection.dialect) {
                    try await connection.query(SQL(statement))
                }
                try await connection.query(SQL(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    [.init(migration.version), .text(migration.name), .integer(Int64(Date().timeIntervalSince1970 * 1000))]))
                return true
            }
            let didApply = try await migration.rebuildsTables ? database.schemaTransaction(apply) : database.transaction(apply)
            if didApply { applied.append(migration.version) }
        }
        let newest = try await database.read { connection in
            try await connection.first("SELECT MAX(version) AS version FROM schema_migrations")?.optionalInt("version")
        }
        if let newest, newest > (all.last?.version ?? 0) { throw StoreError.databaseNewerThanCode(version: newest) }
        return applied
    }

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
        // Services that follow the registry (the signature certificate follows the four
        // facts) find what changed since they last looked.
        "CREATE INDEX residents_by_update ON residents (updated_at)",
        // Where background sweeps got to, so a restart resumes rather than rescans.
        "CREATE TABLE sweep_marks (name TEXT PRIMARY KEY, mark {BIGINT} NOT NULL)",
    ])

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
        // Staff access records get a salt too, for their commitments.
        "ALTER TABLE access_records ADD COLUMN salt {BLOB}",
    ])

    /// 7 — push notices (通知): agencies subscribe to data items; a provider's new copy
    /// queues a notice for each subscriber holding a code for the person, in the same
    /// transaction (an outbox), so none is lost; each carries an idempotency key that
    /// stays the same on every redelivery, so a handler sees it once.
    /// The Mykey platform: one Mykey ID per person — bound to the person, never to a
    /// certificate serial — and the municipal cards attached to it.
    static let mykey = Migration(version: 10, name: "mykey", statements: [
        """
        CREATE TABLE mykey_ids (
            resident_id TEXT PRIMARY KEY REFERENCES residents(id),
            mykey_id TEXT NOT NULL UNIQUE,
            created_at {BIGINT} NOT NULL)
        """,
        """
        CREATE TABLE mykey_cards (
            mykey_id TEXT NOT NULL REFERENCES mykey_ids(mykey_id),
            kind TEXT NOT NULL,
            municipality_code TEXT NOT NULL REFERENCES municipalities(code),
            number TEXT NOT NULL,
            attached_at {BIGINT} NOT NULL,
            PRIMARY KEY (mykey_id, kind, municipality_code))
        """,
    ])

    /// 11 — the services on the card: Mynapoint campaigns (definitions as data, seats in
    /// stripes so a rush of sign-ups does not queue on one row, sign-ups, providers'
    /// reports and the grants they earn), certificates printed at kiosks (コンビニ交付)
    /// and eligibility checks at medical institutions (オンライン資格確認).
    static let services = Migration(version: 11, name: "services", statements: [
        """
        CREATE TABLE campaigns (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            definition TEXT NOT NULL,
            digest {BLOB} NOT NULL,
            seats {BIGINT} NOT NULL,
            loaded_by TEXT NOT NULL,
            loaded_at {BIGINT} NOT NULL)
        """,
        // The budget as seats of the largest grant one person can earn: a sign-up takes a
        // seat or is refused, so grants can never pass the budget.
        """
        CREATE TABLE campaign_seats (
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            stripe INTEGER NOT NULL,
            capacity {BIGINT} NOT NULL,
            taken {BIGINT} NOT NULL,
            PRIMARY KEY (campaign_id, stripe),
            CHECK (taken <= capacity))
        """,
        """
        CREATE TABLE campaign_signups (
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            mykey_id TEXT NOT NULL REFERENCES mykey_ids(mykey_id),
            provider_id TEXT NOT NULL REFERENCES agencies(id),
            provider_account TEXT NOT NULL,
            confirmation TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL,
            procedure_id TEXT,
            spending_points {BIGINT} NOT NULL,
            signed_up_at {BIGINT} NOT NULL,
            PRIMARY KEY (campaign_id, mykey_id),
            UNIQUE (campaign_id, provider_id, provider_account))
        """,
        """
        CREATE TABLE campaign_reports (
            provider_id TEXT NOT NULL REFERENCES agencies(id),
            report_id TEXT NOT NULL,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            mykey_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            amount_yen {BIGINT} NOT NULL,
            occurred_at {BIGINT} NOT NULL,
            cancels TEXT,
            body_digest {BLOB} NOT NULL,
            points {BIGINT} NOT NULL,
            received_at {BIGINT} NOT NULL,
            PRIMARY KEY (provider_id, report_id))
        """,
        """
        CREATE TABLE campaign_grants (
            id {ID},
            grant_key TEXT NOT NULL UNIQUE,
            campaign_id TEXT NOT NULL REFERENCES campaigns(id),
            mykey_id TEXT NOT NULL,
            provider_id TEXT NOT NULL REFERENCES agencies(id),
            reward TEXT NOT NULL,
            points {BIGINT} NOT NULL,
            report_id TEXT,
            granted_at {BIGINT} NOT NULL)
        """,
        "CREATE INDEX campaign_grants_by_provider ON campaign_grants (provider_id, id)",
        "CREATE INDEX campaign_grants_by_person ON campaign_grants (campaign_id, mykey_id)",
        // One row per certificate printed; the request key makes a kiosk's retry find the
        // same certificate instead of printing a second.
        """
        CREATE TABLE kiosk_certificates (
            id TEXT PRIMARY KEY,
            kiosk_id TEXT NOT NULL REFERENCES agencies(id),
            request_id TEXT NOT NULL,
            request_digest {BLOB} NOT NULL,
            resident_id TEXT NOT NULL REFERENCES residents(id),
            municipality_code TEXT NOT NULL,
            kind TEXT NOT NULL,
            store_code TEXT NOT NULL,
            issue_number TEXT NOT NULL,
            verification_code TEXT NOT NULL UNIQUE,
            fee_yen INTEGER NOT NULL,
            pdf {BLOB} NOT NULL,
            pdf_sha256 {BLOB} NOT NULL,
            issued_at {BIGINT} NOT NULL,
            UNIQUE (kiosk_id, request_id))
        """,
        """
        CREATE TABLE eligibility_checks (
            id {ID},
            institution_id TEXT NOT NULL REFERENCES agencies(id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            method TEXT NOT NULL,
            staff TEXT,
            provision_record_id {BIGINT},
            outcome TEXT NOT NULL,
            checked_at {BIGINT} NOT NULL)
        """,
    ])

    /// Failed staff sign-ins, one row each, by account and by where they came from (a
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

    /// 16 — proof of key possession at issuance (issue 14): the challenges the office
    /// hands the counter, each bound to a card application and the chip read, taken once;
    /// and a hash of each certified public key, so that a key already certified for one
    /// card is refused for any other. Rows certified before this migration have no hash.
    /// And an index to count a clinic's visual eligibility checks.
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
        // Visual eligibility checks are counted per clinic (OnlineEligibility).
        "CREATE INDEX eligibility_checks_by_institution ON eligibility_checks (institution_id, method, checked_at)",
    ])

    /// 17 — the card-face application's key, recorded at issuance (CardOffice.issue), so a
    /// clinic's visual check can show the card is there (issue 14, finding 6). One key, one
    /// card: unique where present (NULLs, for cards issued before, never collide).
    static let cardFaceKeys = Migration(version: 17, name: "card-face-keys", statements: [
        "ALTER TABLE cards ADD COLUMN card_face_key {BLOB}",
        "CREATE UNIQUE INDEX cards_by_card_face_key ON cards (card_face_key)",
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

    /// 13 — every card challenge names its purpose and its audience, and keeps the exact
    /// statement the card signs (CardChallengeStatement); a cross-device sign-in keeps
    /// what the waiting browser looked like, and each portal session how it was signed
    /// in, for the resident's sign-in notices and session list (issue 14, finding 1).
    static let cardChallengePurposes = Migration(version: 13, name: "card-challenge-purposes", statements: [
        "ALTER TABLE portal_sign_ins ADD COLUMN purpose TEXT",
        "ALTER TABLE portal_sign_ins ADD COLUMN audience TEXT",
        "ALTER TABLE portal_sign_ins ADD COLUMN statement {BLOB}",
        "ALTER TABLE portal_sign_ins ADD COLUMN browser_network TEXT",
        "ALTER TABLE portal_sign_ins ADD COLUMN browser_agent TEXT",
        "ALTER TABLE portal_sessions ADD COLUMN signed_in_via TEXT",
        "ALTER TABLE portal_sessions ADD COLUMN network TEXT",
        "ALTER TABLE portal_sessions ADD COLUMN user_agent TEXT",
        "CREATE INDEX portal_sessions_by_resident_time ON portal_sessions (resident_id, created_at)",
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

    /// Mynaportal: residents' browser sessions (only token hashes kept) and sign-ins with
    /// the card — a direct challenge, or a code the browser shows for the card to approve.
    static let portal = Migration(version: 9, name: "portal", statements: [
        """
        CREATE TABLE portal_sessions (
            token_hash {BLOB} PRIMARY KEY,
            resident_id TEXT REFERENCES residents(id),
            card_id TEXT REFERENCES cards(id),
            csrf_token TEXT NOT NULL,
            created_at {BIGINT} NOT NULL,
            last_seen_at {BIGINT} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            ended_at {BIGINT},
            end_reason TEXT)
        """,
        "CREATE INDEX portal_sessions_by_resident ON portal_sessions (resident_id)",
        """
        CREATE TABLE portal_sign_ins (
            id TEXT PRIMARY KEY,
            code_hash {BLOB} UNIQUE,
            session_hash {BLOB},
            nonce {BLOB} NOT NULL,
            return_to TEXT,
            created_at {BIGINT} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            challenged_at {BIGINT},
            approved_at {BIGINT},
            resident_id TEXT REFERENCES residents(id),
            card_id TEXT REFERENCES cards(id),
            consumed_at {BIGINT},
            failures INTEGER NOT NULL)
        """,
        """
        CREATE TABLE portal_sign_in_failures (
            id {ID},
            source_key {BLOB} NOT NULL,
            reason TEXT NOT NULL,
            occurred_at {BIGINT} NOT NULL)
        """,
        "CREATE INDEX portal_sign_in_failures_by_source ON portal_sign_in_failures (source_key, occurred_at)",
        // OpenID Connect: registered relying parties (secrets as hashes), requests waiting
        // for the resident's decision, single-use codes (as hashes), consents and the
        // access tokens issued under them (revocable one by one or with their consent).
        """
        CREATE TABLE oidc_clients (
            client_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            redirect_uris TEXT NOT NULL,
            scopes TEXT NOT NULL,
            secret_hash {BLOB},
            sector TEXT NOT NULL,
            created_at {BIGINT} NOT NULL,
            revoked_at {BIGINT})
        """,
        """
        CREATE TABLE oidc_requests (
            id TEXT PRIMARY KEY,
            resident_id TEXT NOT NULL REFERENCES residents(id),
            query TEXT NOT NULL,
            auth_time {BIGINT} NOT NULL,
            created_at {BIGINT} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            decided_at {BIGINT})
        """,
        """
        CREATE TABLE oidc_consents (
            id TEXT PRIMARY KEY,
            client_id TEXT NOT NULL REFERENCES oidc_clients(client_id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            scopes TEXT NOT NULL,
            granted_at {BIGINT} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            revoked_at {BIGINT})
        """,
        "CREATE INDEX oidc_consents_by_resident ON oidc_consents (resident_id, granted_at)",
        """
        CREATE TABLE oidc_codes (
            code_hash {BLOB} PRIMARY KEY,
            consent_id TEXT NOT NULL REFERENCES oidc_consents(id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            grant_json TEXT NOT NULL,
            expires_at {BIGINT} NOT NULL,
            used_at {BIGINT})
        """,
        """
        CREATE TABLE oidc_tokens (
            jti TEXT PRIMARY KEY,
            consent_id TEXT NOT NULL REFERENCES oidc_consents(id),
            client_id TEXT NOT NULL REFERENCES oidc_clients(client_id),
            resident_id TEXT NOT NULL REFERENCES residents(id),
            code_hash {BLOB} NOT NULL,
            expires_at {BIGINT} NOT NULL,
            revoked_at {BIGINT})
        """,
        "CREATE INDEX oidc_tokens_by_consent ON oidc_tokens (consent_id)",
        "CREATE INDEX oidc_tokens_by_code ON oidc_tokens (code_hash)",
        // Every request the provider refused: which endpoint, which client it claimed, the
        // protocol's error — for oversight; never a token, code or secret.
        """
        CREATE TABLE oidc_refusals (
            id {ID},
            endpoint TEXT NOT NULL,
            client_id TEXT,
            error TEXT NOT NULL,
            occurred_at {BIGINT} NOT NULL)
        """,
        // 公金受取口座 and the health-insurance linkage, with every confirmation answer (確認書).
        """
        CREATE TABLE public_fund_accounts (
            resident_id TEXT PRIMARY KEY REFERENCES residents(id),
            bank_code TEXT NOT NULL,
            branch_code TEXT NOT NULL,
            account_type TEXT NOT NULL,
            account_number TEXT NOT NULL,
            holder_kana TEXT NOT NULL,
            registered_at {BIGINT} NOT NULL,
            confirmed_by TEXT NOT NULL,
            procedure_id TEXT)
        """,
        """
        CREATE TABLE insurance_links (
            resident_id TEXT PRIMARY KEY REFERENCES residents(id),
            provider_id TEXT REFERENCES agencies(id),
            insurer_number TEXT NOT NULL,
            symbol TEXT NOT NULL,
            number TEXT NOT NULL,
            branch_number TEXT,
            linked_at {BIGINT} NOT NULL,
            confirmed_by TEXT NOT NULL,
            procedure_id TEXT)
        """,
        """
        CREATE TABLE linkage_confirmations (
            id {ID},
            resident_id TEXT NOT NULL REFERENCES residents(id),
            kind TEXT NOT NULL,
            answer TEXT NOT NULL,
            confirmed_by TEXT NOT NULL,
            procedure_id TEXT,
            answered_at {BIGINT} NOT NULL)
        """,
    ])

    /// 14 — an app's grant remembers the card the resident signed in with, and when, so
    /// that its tokens stop working the moment that card stops standing (suspended, lost,
    /// returned, its holder dead), as the portal session it came from does (issue 14).
    /// Tokens find both through their code.
    static let cardBoundGrants = Migration(version: 14, name: "card-bound-grants", statements: [
        "ALTER TABLE oidc_requests ADD COLUMN card_id TEXT REFERENCES cards(id)",
        "ALTER TABLE oidc_codes ADD COLUMN card_id TEXT REFERENCES cards(id)",
        "ALTER TABLE oidc_codes ADD COLUMN auth_time {BIGINT}",
    ])

    /// The allow-list learns which exchanges may be withheld from the person, and for how
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
}
