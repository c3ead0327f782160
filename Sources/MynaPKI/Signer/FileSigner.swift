import Crypto
public import Foundation
import _CryptoExtras
import MynaDatabase
import MynaSecrets
public import X509

/// An RSA-2048 key in a PEM file readable only by its owner (0600, a ``SecretFile``). JPKI certificates
/// are RSA-2048 with SHA-256 (domain.md §3), so that is the only kind this signer makes.
public struct FileSigner: Signer {
    private let key: _RSA.Signing.PrivateKey

    public var publicKey: Certificate.PublicKey { Certificate.PublicKey(key.publicKey) }
    public var signatureAlgorithm: Certificate.SignatureAlgorithm { .sha256WithRSAEncryption }

    /// Loads the key at `file`, refusing a link, another user's file, or one that others
    /// may read or write (``SecretFile``).
    public init(file: URL) throws {
        guard let pem = try SecretFile.read(file.path) else { throw SignerError.keyMissing(file.path) }
        key = try _RSA.Signing.PrivateKey(pemRepresentation: String(decoding: pem, as: UTF8.self))
        guard key.keySizeInBits == 2048 else { throw SignerError.wrongKeySize(key.keySizeInBits) }
    }

    /// Generates a new RSA-2048 key and writes it to `file` (0600). Refuses to overwrite:
    /// replacing a CA key is a ceremony, never a side effect.
    public static func create(at file: URL) throws -> FileSigner {
        try FileManager.default.createDirectory(
            at: file.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        guard try SecretFile.createUnlessPresent(file.path, contents: Array(key.pemRepresentation.utf8)) else { throw SignerError.keyExists(file.path) }
        return try FileSigner(file: file)
    }

    public func sign(_ bytes: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: bytes, padding: .insecurePKCS1v1_5).rawRepresentation)
    }
}

public enum SignerError: Error, Sendable, CustomStringConvertible {
    case keyMissing(String)
    case wrongKeySize(Int)
    case keyExists(String)
    case cannotWrite(String)
    case unsupportedAlgorithm
    case notExportable

    public var description: String {
        switch self {
        case .keyMissing(let path): "no key file at \(path)"
        case .wrongKeySize(let bits): "JPKI keys are RSA-2048, not \(bits) bits"
        case .keyExists(let path): "a key already exists at \(path); a CA key is never overwritten"
        case .cannotWrite(let path): "cannot write the key file \(path)"
        case .unsupportedAlgorithm: "the signer makes sha256WithRSAEncryption signatures only"
        case .notExportable: "a signer's key is never exported"
        }
    }
}
