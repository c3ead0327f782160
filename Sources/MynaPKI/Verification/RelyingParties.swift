import Crypto
public import Foundation
public import MynaCore
public import MynaDatabase

/// A party registered to verify card certificates (domain.md §3): a 署名検証者 verifies
/// signature certificates (公的個人認証法 第17条), a 利用者証明検証者 authentication
/// certificates (第36条).
public struct RelyingParty: Sendable, Hashable {
    public enum Role: String, Sendable, Codable, CaseIterable {
        case signatureVerifier = "signature-verifier"
        case authenticationVerifier = "authentication-verifier"

        /// The kind of certificate this role may verify.
        public var kind: CertificateKind { self == .signatureVerifier ? .signature : .authentication }
    }

    public let id: String
    public let name: String
    public let role: Role
}

/// The register of relying parties and their API keys (random 256-bit, shown once,
/// stored as SHA-256).
public struct RelyingParties: Sendable {
    let database: any Database
    let clock: WallClock

    public init(database: any Database, clock: WallClock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Registers a party; returns it with its API key, which is never shown again.
    public func register(name: String, role: RelyingParty.Role) async throws -> (RelyingParty, apiKey: String) {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200 else { throw RelyingPartyError.invalidName }
        let party = RelyingParty(id: UUID().uuidString.lowercased(), name: trimmed, role: role)
        let key = "rp_" + Base64URL.randomToken()
        try await database.transaction { connection in
            try await connection.query(SQL(
                "INSERT INTO relying_parties (id, name, role, key_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                [.text(party.id), .text(party.name), .text(role.rawValue), .blob(Self.hash(key)), .integer(clock.milliseconds)]))
        }
        return (party, key)
    }

    /// The party holding `apiKey`, if it is registered and not revoked.
    public func authenticate(apiKey: String) async throws -> RelyingParty? {
        guard apiKey.hasPrefix("rp_"), apiKey.utf8.count <= 100 else { return nil }
        return try await database.read { connection in
            guard let row = try await connection.first(SQL(
                "SELECT id, name, role FROM relying_parties WHERE key_hash = ? AND revoked_at IS NULL", [.blob(Self.hash(apiKey))])),
                let role = RelyingParty.Role(rawValue: try row.string("role"))
            else { return nil }
            return RelyingParty(id: try row.string("id"), name: try row.string("name"), role: role)
        }
    }

    static func hash(_ key: String) -> [UInt8] { Array(SHA256.hash(data: Array(key.utf8))) }
}

public enum RelyingPartyError: Error, Sendable, CustomStringConvertible {
    case invalidName

    public var description: String { "a relying party's name is 1–200 characters" }
}
