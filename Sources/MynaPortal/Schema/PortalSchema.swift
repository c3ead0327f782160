public import MynaDatabase

/// Mynaportal's tables: sessions, card sign-ins, the OpenID provider's clients, requests,
/// consents, codes and tokens, and the resident's account and insurance linkages.
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum PortalSchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [portal, cardChallengePurposes, cardBoundGrants]

    /// 9 — Mynaportal: residents' browser sessions (only token hashes kept) and sign-ins with
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

    /// 14 — an app's grant remembers the card the resident signed in with, and when, so
    /// that its tokens stop working the moment that card stops standing (suspended, lost,
    /// returned, its holder dead), as the portal session it came from does (issue 14).
    /// Tokens find both through their code.
    static let cardBoundGrants = Migration(version: 14, name: "card-bound-grants", statements: [
        "ALTER TABLE oidc_requests ADD COLUMN card_id TEXT REFERENCES cards(id)",
        "ALTER TABLE oidc_codes ADD COLUMN card_id TEXT REFERENCES cards(id)",
        "ALTER TABLE oidc_codes ADD COLUMN auth_time {BIGINT}",
    ])
}
