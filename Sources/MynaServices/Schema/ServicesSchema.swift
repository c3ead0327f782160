public import MynaDatabase

/// The services' tables: Mykey IDs and cards, Mynapoint campaigns, kiosk certificates and
/// eligibility checks.
///
/// Migrations are frozen once released: a new need gets a new version (docs/architecture.md,
/// "Schema"). A version that touched several owners' tables is split between them under
/// the same number and name, and ``MynaSchema`` joins the parts back into one transaction.
public enum ServicesSchema {
    /// This module's migrations, oldest first.
    public static let migrations: [Migration] = [mykey, services, eligibilityCounts]

    /// 10 — the Mykey platform: one Mykey ID per person — bound to the person, never to a
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

    /// 16, the services' part — visual eligibility checks are counted per clinic
    /// (OnlineEligibility).
    static let eligibilityCounts = Migration(version: 16, name: "card-key-possession", statements: [
        "CREATE INDEX eligibility_checks_by_institution ON eligibility_checks (institution_id, method, checked_at)",
    ])
}
