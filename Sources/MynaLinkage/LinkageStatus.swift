public import MynaDatabase

/// Whether a person has linked their health insurance to the card and registered a
/// public-fund account: what a campaign's linkage rewards ask. Mynaportal's
/// `ResidentLinkages` keeps both and answers this, inside the caller's transaction; the
/// services ask through this protocol, handed to them by the wiring point (issue 15).
public protocol LinkageStatus: Sendable {
    func linked(_ residentID: String, on connection: any SQLConnection) async throws -> (insurance: Bool, account: Bool)
}
