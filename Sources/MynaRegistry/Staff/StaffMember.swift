public import Foundation
public import MynaCore

/// Roles at the counter and beyond. What each may do is decided in one place,
/// ``StaffRole/may(_:)``, so no handler carries its own idea of permissions.
public enum StaffRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// 窓口職員 — opens procedures, registers and changes residents of their municipality.
    case clerk
    /// 監督者 — a clerk who may also change an individual number (番号法 第7条第2項).
    case supervisor
    /// 発行センター運用者 — the issuing centre (J-LIS role): runs the CA and the card
    /// office's sweeps from the command line; no counter procedures.
    case `operator`
    /// 監査 — the oversight role: reads access records and history, changes nothing.
    case auditor

    public enum Permission: Sendable {
        case search, openProcedure, register, changeResident, changeNumber, audit, createClerks
        /// Card steps at the counter: application, hand-over, suspension, loss, return,
        /// renewal, PIN reset.
        case handleCards
    }

    public func may(_ permission: Permission) -> Bool {
        switch (self, permission) {
        case (.clerk, .search), (.clerk, .openProcedure), (.clerk, .register), (.clerk, .changeResident), (.clerk, .handleCards): true
        case (.supervisor, .search), (.supervisor, .openProcedure), (.supervisor, .register),
            (.supervisor, .changeResident), (.supervisor, .changeNumber), (.supervisor, .createClerks), (.supervisor, .handleCards): true
        case (.auditor, .audit): true
        default: false
        }
    }
}

public struct StaffMember: Sendable, Hashable {
    public let id: String
    public let username: String
    public let displayName: String
    public let role: StaffRole
    /// The municipality whose counter the member works at.
    public let municipality: MunicipalityCode
}

/// A signed-in member of staff with the procedure they have open, if any.
public struct StaffSession: Sendable {
    public let member: StaffMember
    /// SHA-256 of the bearer token; the token itself is never stored.
    let tokenHash: [UInt8]
    public let expiresAt: Date
    public let procedure: Procedure?

    /// The actor for records made inside the session's procedure. An auditor reads as
    /// oversight, so the person sees oversight's reads named as such (and a clerk's
    /// reads cannot pass for oversight's, nor the other way round).
    public var actor: RegistryActor {
        member.role.may(.audit) ? .oversight(id: member.id) : .staff(id: member.id, procedureID: procedure?.id)
    }
    /// The actor for acts that belong to no procedure (search, registering a new
    /// resident), so they are never filed under another resident's procedure.
    public var actorOutsideProcedure: RegistryActor { .staff(id: member.id, procedureID: nil) }
}

/// 手続 — one counter procedure for one resident. While it is open, every read or write
/// of that resident's data is tied to it; it closes on request, on sign-out, or after
/// ``StaffDirectory/procedureIdleTimeout`` without activity.
public struct Procedure: Sendable, Hashable {
    public let id: String
    public let residentID: String
    public let purpose: String
    public let openedAt: Date
    public let lastActivityAt: Date
}

/// The bearer token handed out at sign-in, and when it expires.
public struct SignedIn: Sendable {
    public let token: String
    public let session: StaffSession
}

/// A new account's secrets, shown once to the supervisor who created it.
public struct NewStaffAccount: Sendable {
    public let member: StaffMember
    public let totpSecret: [UInt8]
    public var totpSecretBase32: String { Base32.encode(totpSecret) }
}
