import MynaCard
import MynaPKI
import MynaRegistry

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
            JOIN certificates standing_ledger ON standing_ledger.serial = standing_certificate.serial
            WHERE standing_card.id = \(cardColumn) AND standing_card.status = '\(CardStatus.active.rawValue)'
            AND standing_certificate.kind = '\(CertificateKind.authentication.rawValue)'
            AND standing_certificate.installed_at <= \(signedInAtColumn) AND standing_certificate.ended_at IS NULL
            AND standing_ledger.revoked_at IS NULL
            AND \(ResidentRegistry.recordOpen(residentIDIn: "standing_card.resident_id")))
        """
    }
}
