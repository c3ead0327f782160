public import Crypto
public import Foundation

/// Where Myna's secrets live: one file per key under `<data dir>/keys/`, created with
/// 0600 permissions on first use (``SecretFile``: exclusively, never through a link; a key
/// file others may read or write, or another user's, is refused on load), or given in the environment as
/// `MYNA_KEY_<NAME>=<64 hex digits>` (upper-case name, `-` as `_`) for deployments that
/// keep secrets out of the file system. One key per purpose, so each can be rotated and
/// so no component holds more than it needs.
public struct KeyStore: Sendable {
    public enum Purpose: String, Sendable, CaseIterable {
        /// AES-256-GCM key sealing individual numbers at rest.
        case numberEncryption = "number-encryption"
        /// HMAC-SHA256 key for the number's lookup hash.
        case numberLookup = "number-lookup"
        /// Key of the permutation that issues numbers (MynaNumbering).
        case numbering = "numbering"
        /// Key of the permutation that issues resident codes.
        case residentCodes = "resident-codes"
        /// HMAC key over resident rows, to detect tampering.
        case recordIntegrity = "record-integrity"
        /// AES-256-GCM key sealing staff TOTP secrets.
        case staffSecrets = "staff-secrets"
        /// AES-256-GCM key sealing virtual card files: the emulator's stand-in for the
        /// chip's tamper resistance.
        case cardDevice = "card-device"
        /// HMAC key deriving per-agency codes (機関別符号): held by the linkage hub only.
        case agencyCodes = "agency-codes"
        /// The transparency log's P-256 signing key (its 32-byte scalar): signs tree heads.
        case logSigning = "log-signing"
        /// The OpenID provider's P-256 signing key (its 32-byte scalar): signs ID and access tokens.
        case oidcSigning = "oidc-signing"
        /// HMAC key deriving pairwise subjects: each relying party sees its own `sub`.
        case pairwiseSubjects = "pairwise-subjects"
        /// The certificate issuing centre's P-256 key (its 32-byte scalar): seals printed certificates.
        case certificateSealing = "certificate-sealing"
        /// The card office's P-256 key (its 32-byte scalar): signs PIN-reset authorisations,
        /// which cards verify with the public half written to them at hand-over.
        case pinResetSigning = "pin-reset-signing"
        /// HMAC key over callers' network addresses kept to count failures (``SourceKeys``):
        /// a plain hash of an IPv4 address is undone by hashing all 2^32 of them.
        case sourceAddresses = "source-addresses"
    }

    public let directory: URL?
    private let environment: [String: String]

    public init(directory: URL?, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.directory = directory
        self.environment = environment
    }

    public func key(_ purpose: Purpose) throws -> SymmetricKey {
        SymmetricKey(data: try bytes(purpose))
    }

    /// The 32 key bytes for `purpose`, created if missing.
    public func bytes(_ purpose: Purpose) throws -> [UInt8] {
        let variable = "MYNA_KEY_" + purpose.rawValue.uppercased().replacingOccurrences(of: "-", with: "_")
        if let hex = environment[variable] {
            guard let bytes = [UInt8](hex: hex), bytes.count == 32 else { throw KeyStoreError.malformedKey(variable) }
            return bytes
        }
        guard let directory else { throw KeyStoreError.missingKey(purpose.rawValue) }
        let file = directory.appendingPathComponent(purpose.rawValue + ".key")
        // Read and created as `SecretFile`s: never through a planted link, never a file
        // others may read or write (issue 14).
        if let data = try SecretFile.read(file.path) { return try Self.parse(data, from: file.path) }
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        guard try SecretFile.createUnlessPresent(file.path, contents: Array((bytes.hex + "\n").utf8)) else {
            // Something is there after all: another process's key (two servers starting at
            // once), used if it passes the checks — or a planted link, refused by them.
            guard let data = try SecretFile.read(file.path) else { throw KeyStoreError.cannotWrite(file.path) }
            return try Self.parse(data, from: file.path)
        }
        return bytes
    }

    private static func parse(_ data: [UInt8], from path: String) throws -> [UInt8] {
        guard let bytes = [UInt8](hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), bytes.count == 32
        else { throw KeyStoreError.malformedKey(path) }
        return bytes
    }
}

public enum KeyStoreError: Error, Sendable, CustomStringConvertible {
    case missingKey(String)
    case malformedKey(String)
    case cannotWrite(String)

    public var description: String {
        switch self {
        case .missingKey(let name): "no key \(name): give a data directory or the environment variable"
        case .malformedKey(let source): "the key in \(source) is not 64 hex digits"
        case .cannotWrite(let path): "cannot write key file \(path)"
        }
    }
}

extension [UInt8] {
    public init?(hex: String) {
        let utf8 = Array(hex.utf8)
        guard utf8.count.isMultiple(of: 2) else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count / 2)
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 0x30...0x39: c - 0x30
            case 0x61...0x66: c - 0x61 + 10
            case 0x41...0x46: c - 0x41 + 10
            default: nil
            }
        }
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self = bytes
    }

    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(count * 2)
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
