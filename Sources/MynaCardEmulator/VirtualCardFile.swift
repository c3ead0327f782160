public import Crypto
public import Foundation

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A virtual card at rest: one file, AES-256-GCM encrypted under a 32-byte device key
/// that the caller supplies (in Myna, from the data directory's key store).
///
/// Layout: the 8-byte magic `MYNACRD1`, then the AES-GCM combined box (12-byte nonce,
/// ciphertext, 16-byte tag) with the magic as additional authenticated data. The plaintext
/// is the card's JSON snapshot — private keys included, which is why the file is only
/// ever written encrypted. A wrong key or any flipped byte fails to open with
/// `VirtualCardFileError.cannotDecrypt`.
///
/// Saving writes a temporary file (mode 0600) in the same directory, syncs it and renames
/// it over the old file, so a crash leaves either the old card or the new one.
///
/// Retry counters: `update(_:)` loads, applies one change and saves before returning the
/// change's result, so a PIN attempt's outcome is never reported before it is on disk —
/// killing the process between attempts never restores tries.
public struct VirtualCardFile: Sendable {
    public let url: URL
    private let deviceKey: SymmetricKey

    static let magic: [UInt8] = Array("MYNACRD1".utf8)

    public init(url: URL, deviceKey: SymmetricKey) throws {
        guard deviceKey.bitCount == 256 else { throw VirtualCardFileError.deviceKeySize(deviceKey.bitCount / 8) }
        self.url = url
        self.deviceKey = deviceKey
    }

    /// Encrypts and atomically writes the card.
    public func save(_ card: VirtualCard) throws {
        let plaintext = try JSONEncoder().encode(VirtualCardSnapshot(card))
        let box = try AES.GCM.seal(plaintext, using: deviceKey, authenticating: Self.magic)
        guard let combined = box.combined else { throw VirtualCardFileError.cannotEncrypt }
        try Self.writeAtomically(Self.magic + Array(combined), to: url)
    }

    /// Reads and decrypts the card.
    public func load() throws -> VirtualCard {
        let bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: url))
        } catch {
            throw VirtualCardFileError.unreadable(url.path)
        }
        guard bytes.count > Self.magic.count, Array(bytes.prefix(Self.magic.count)) == Self.magic else {
            throw VirtualCardFileError.notACardFile
        }
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: bytes.dropFirst(Self.magic.count))
            plaintext = try AES.GCM.open(box, using: deviceKey, authenticating: Self.magic)
        } catch {
            throw VirtualCardFileError.cannotDecrypt
        }
        do {
            return try JSONDecoder().decode(VirtualCardSnapshot.self, from: plaintext).card()
        } catch {
            throw VirtualCardFileError.corrupt
        }
    }

    /// Loads the card, applies `change`, saves the changed card and only then returns the
    /// change's result. Use it for every PIN attempt.
    @discardableResult
    public func update<Result>(_ change: (inout VirtualCard) throws -> Result) throws -> Result {
        var card = try load()
        let result = try change(&card)
        try save(card)
        return result
    }

    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = url.path + ".tmp-" + randomBytes(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw VirtualCardFileError.unwritable(url.path, errno) }
        var ok = fchmod(fd, 0o600) == 0
        var written = 0
        while ok, written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 { written += n } else if n < 0, errno == EINTR { continue } else { ok = false }
        }
        ok = ok && fsync(fd) == 0
        let code = errno
        close(fd)
        guard ok, rename(temporary, url.path) == 0 else {
            let failure = ok ? errno : code
            unlink(temporary)
            throw VirtualCardFileError.unwritable(url.path, failure)
        }
        let dirFD = open(directory.isEmpty ? "." : directory, O_RDONLY)
        if dirFD >= 0 {
            _ = fsync(dirFD)
            close(dirFD)
        }
    }
}

public enum VirtualCardFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case deviceKeySize(Int)
    case cannotEncrypt
    case unreadable(String)
    case unwritable(String, Int32)
    case notACardFile
    case cannotDecrypt
    case corrupt

    public var description: String {
        switch self {
        case .deviceKeySize(let bytes): "the device key must be 32 bytes, not \(bytes)"
        case .cannotEncrypt: "the card could not be encrypted"
        case .unreadable(let path): "cannot read the card file \(path)"
        case .unwritable(let path, let code): "cannot write the card file \(path) (errno \(code))"
        case .notACardFile: "not a virtual card file"
        case .cannotDecrypt: "the card file cannot be decrypted: wrong device key or the file was altered"
        case .corrupt: "the card file decrypted but its contents are not a card"
        }
    }
}
