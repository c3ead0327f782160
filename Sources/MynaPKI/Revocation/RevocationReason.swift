/// RFC 5280 §5.3.1 CRLReason, carried in the reasonCode CRL entry extension:
///
///     CRLReason ::= ENUMERATED {
///         unspecified             (0),
///         keyCompromise           (1),
///         cACompromise            (2),
///         affiliationChanged      (3),
///         superseded              (4),
///         cessationOfOperation    (5),
///         certificateHold         (6),
///              -- value 7 is not used
///         removeFromCRL           (8),
///         privilegeWithdrawn      (9),
///         aACompromise           (10) }
///
/// How Myna uses them for the My Number card's certificates:
/// - ``keyCompromise``: the card was reported lost or stolen, or its use was suspended —
///   the key may be in someone else's hands.
/// - ``affiliationChanged``: a basic fact in the certificate (name, address, date of
///   birth, sex) changed, so the certificate no longer describes its holder.
/// - ``cessationOfOperation``: the holder returned the card (voluntary return, death,
///   emigration).
/// - ``superseded``: the certificate was renewed and a new one replaces it.
///
/// ``unspecified`` is never written: §5.3.1 says the reasonCode extension "SHOULD be
/// absent instead of using the unspecified (0) reasonCode value", so
/// ``RevokedCertificate`` keeps it as `nil`. ``removeFromCRL`` belongs to delta CRLs
/// only (§5.2.4), which Myna does not issue, so a complete CRL refuses it.
public enum RevocationReason: Int, Sendable, Codable, CaseIterable {
    case unspecified = 0
    case keyCompromise = 1
    case cACompromise = 2
    case affiliationChanged = 3
    case superseded = 4
    case cessationOfOperation = 5
    case certificateHold = 6
    // 7 is not used (RFC 5280 §5.3.1).
    case removeFromCRL = 8
    case privilegeWithdrawn = 9
    case aACompromise = 10
}
