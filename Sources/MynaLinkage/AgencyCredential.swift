public import Foundation
import MynaSecrets

/// An agency's credential file, as `myna agency add` and the demo write it: its id, the
/// id and private key it signs requests with, and the server it talks to.
public struct AgencyCredential: Codable, Sendable {
    public let agencyId: String
    public let keyId: String
    /// The request-signing key, PEM.
    public let privateKey: String
    /// The server the agency talks to.
    public let server: String

    public init(agencyId: String, keyId: String, privateKey: String, server: String) {
        (self.agencyId, self.keyId, self.privateKey, self.server) = (agencyId, keyId, privateKey, server)
    }

    /// Writes the file, readable by its owner only.
    public func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // The private key inside: a `SecretFile` (0600 from the start, never through a link).
        try SecretFile.create(path, contents: Array(try encoder.encode(self)))
    }
}
