public import MynaCard
import MynaPKI
import MynaRegistry
public import MynaDatabase

extension CardOffice {
    /// An SQL condition, true while a sign-in made with the card whose id `cardColumn`
    /// holds, at the time `signedInAtColumn` holds (milliseconds), still stands: the card
    /// is active, its holder's record is open, and an authentication certificate that was
    /// on the card by then is neither ended nor revoked in the ledger.
    ///
    /// Portal sessions and the tokens apps hold check this on every use, inside the one
    /// query that reads them, instead of being ended by each step that ends a card. That
    /// is the robust order here (issue 14): the card's and the ledger's state are the
    /// only truth, so no path that ends a card — hotline, counter suspension, loss,
    /// return, death, one added later — can forget to end sessions, and a crash between
    /// the revocation and the card's step (which revokes first) cannot leave one alive,
    /// since the ledger already says revoked. The certificate must predate the sign-in,
    /// so a session from before a suspension does not come back with the certificates a
    /// resumption issues. It costs a few primary-key and indexed lookups in a query the
    /// request makes anyway.
    public static func signInStands(cardIDIn cardColumn: String, signedInAt signedInAtColumn: String) -> String {
        """
        EXISTS (SELECT 1 FROM cards standing_card
            JOIN card_certificates standing_certificate ON standing_certificate.card_id = standing_card.id
            \(SQLCertificateLedger.join(onSerialIn: "standing_certificate.serial", as: "standing_ledger", outer: false))
            WHERE standing_card.id = \(cardColumn) AND standing_card.status = '\(CardStatus.active.rawValue)'
            AND standing_certificate.kind = '\(CertificateKind.authentication.rawValue)'
            AND standing_certificate.installed_at <= \(signedInAtColumn) AND standing_certificate.ended_at IS NULL
            AND standing_ledger.revoked_at IS NULL
            AND \(ResidentRegistry.recordOpen(residentIDIn: "standing_card.resident_id")))
        """
    }
}

/// The card an authentication certificate sits on, and its holder: what a card's answer
/// is checked against (a sign-in, a service, a clinic's visual check). The card side owns
/// it, so the meaning of a card's state and of its keys is read in one place (issue 15).
public struct CardHolding: Sendable, Hashable {
    public let cardID: String
    public let residentID: String
    public let status: CardStatus
    /// Whether the holder's record is open (not closed by death).
    public let recordOpen: Bool
    /// The card-face application's key (P-256 SubjectPublicKeyInfo DER), recorded at
    /// issuance; `nil` for a card issued without the application.
    public let cardFaceKey: [UInt8]?
}

extension CardOffice {
    /// The card holding the user-authentication certificate with this serial, or `nil`
    /// when no card Myna issued holds it. Read inside the caller's transaction.
    public static func holding(authenticationSerial serial: [UInt8], on connection: any SQLConnection) async throws -> CardHolding? {
        guard let row = try await connection.first(SQL(
            """
            SELECT c.card_id, c.resident_id, k.status, k.card_face_key,
                CASE WHEN \(ResidentRegistry.recordOpen(residentIDIn: "c.resident_id")) THEN 1 ELSE 0 END AS record_open
            FROM card_certificates c JOIN cards k ON k.id = c.card_id
            WHERE c.serial = ? AND c.kind = '\(CertificateKind.authentication.rawValue)'
            """, [.blob(serial)]))
        else { return nil }
        guard let status = CardStatus(rawValue: try row.string("status")) else { return nil }
        return CardHolding(
            cardID: try row.string("card_id"), residentID: try row.string("resident_id"), status: status,
            recordOpen: try row.int("record_open") == 1, cardFaceKey: try row.optionalBytes("card_face_key"))
    }
}
