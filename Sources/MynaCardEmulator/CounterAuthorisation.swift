public import Foundation

/// The municipal counter's authority to reset a blocked PIN (domain notes §2: a blocked
/// PIN is only reset at the counter, after staff check the holder's identity in person).
///
/// The card cannot verify staff itself; this token makes the step explicit in the API so
/// that no code path resets a PIN by accident. Only the server's counter procedure should
/// construct one, after it has recorded the staff member and the identity check.
public struct CounterAuthorisation: Sendable, Hashable, Codable {
    /// The staff member who checked the holder's identity.
    public let staffID: String
    /// When the identity check was done.
    public let identityCheckedAt: Date

    public init(staffID: String, identityCheckedAt: Date) {
        self.staffID = staffID
        self.identityCheckedAt = identityCheckedAt
    }
}
