public import Crypto
public import Foundation
internal import MynaCore

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// A virtual card at rest: one file, AES-256-GCM encrypted under a 32-byte device key
/// that the caller supplies (in Myna, from the data directory's key store), and its
/// counter record in a ``CardCounterStore`` outside the file.
///
/// Layout: the 8-byte magic `MYNACRD1`, then the AES-GCM combined box (12-byte nonce,
/// ciphertext, 16-byte tag) with the magic as additional authenticated data. The plaintext
/// is the card's JSON snapshot — private keys included, which is why the file is only
/// ever written encrypted — and the file's version. A wrong key or any flipped byte fails
/// to open with `VirtualCardFileError.cannotDecrypt`.
///
/// Saving writes a temporary file (mode 0600) in the same directory, syncs it and renames
/// it over the old file, so a crash leaves either the old card or the new one.
///
/// Retry counters (domain.md §2: the card, not the host, counts wrong PINs):
/// - every load, check, change and save runs holding the chip's exclusive lock, so PIN
///   attempts made at the same time — from threads, processes, or readers on copies of
///   the file — are each counted;
/// - each save raises the file's version and then records version and digest in the
///   counter store; a file whose version is behind that record (an old copy put back) or
///   that differs from the file recorded at its version is refused with
///   `VirtualCardFileError.rolledBack`, so copying the file back never restores tries. A
///   file one version ahead is what a crash between the two writes leaves; it is taken
///   and recorded. A card written before this record existed has no version and is
///   adopted at its first load;
/// - `update(_:)` returns the change's result only after both writes, so a PIN attempt's
///   outcome is never reported before it is on disk.
public struct VirtualCardFile: Sendable {
    public let url: URL
    private let deviceKey: SymmetricKey
    public let counters: CardCounterStore

    static let magic: [UInt8] = Array("MYNACRD1".utf8)

    public init(url: URL, deviceKey: SymmetricKey, counters: CardCounterStore) throws {
        guard deviceKey.bitCount == 256 else { throw VirtualCardFileError.deviceKeySize(deviceKey.bitCount / 8) }
        self.url = url
        self.deviceKey = deviceKey
        self.counters = counters
    }

    /// Writes a new card (one just made, or issued at the counter). Refuses a chip that
    /// already has a counter record: an existing card changes only through `update(_:)`,
    /// so no caller can put an older value of it back.
    public func save(_ card: VirtualCard) throws {
        try counters.withLock(chip: card.id) {
            guard try counters.read(chip: card.id, deviceKey: deviceKey) == nil else {
                throw VirtualCardFileError.alreadyWritten(card.id)
            }
            try persist(card, version: 1)
        }
    }

    /// Reads and decrypts the card, after checking it against its counter record.
    public func load() throws -> VirtualCard {
        try update { card in card }
    }

    /// Loads the card, applies `change`, saves the changed card and only then returns the
    /// change's result — all holding the chip's lock. Use it for every PIN attempt.
    @discardableResult
    public func update<Result>(_ change: (inout VirtualCard) throws -> Result) throws -> Result {
        let chip = try read().snapshot.id
        return try counters.withLock(chip: chip) {
            let (bytes, snapshot) = try read()
            guard snapshot.id == chip else { throw VirtualCardFileError.rolledBack(url.path) }
            let version = try checkedVersion(of: snapshot, bytes: bytes)
            guard let before = try? snapshot.card() else { throw VirtualCardFileError.corrupt }
            var card = before
            let result = try change(&card)
            if card != before { try persist(card, version: version + 1) }
            return result
        }
    }

    /// The file's version if it may be used, recording it when it is the one a crash left
    /// ahead of the record (or a card from before the record, adopted at version 0).
    private func checkedVersion(of snapshot: VirtualCardSnapshot, bytes: [UInt8]) throws -> Int {
        let digest = Array(SHA256.hash(data: bytes))
        let version = snapshot.fileVersion ?? 0
        guard let record = try counters.read(chip: snapshot.id, deviceKey: deviceKey) else {
            guard snapshot.fileVersion == nil else { throw VirtualCardFileError.counterStateMissing(counters.directory.path) }
            try counters.write(.init(version: 0, digest: digest), chip: snapshot.id, deviceKey: deviceKey)
            return 0
        }
        if version == record.version, digest == record.digest { return version }
        guard version == record.version + 1 else { throw VirtualCardFileError.rolledBack(url.path) }
        try counters.write(.init(version: version, digest: digest), chip: snapshot.id, deviceKey: deviceKey)
        return version
    }

    /// The card file first, then its record: a crash in between leaves the file one
    /// version ahead, which the next load takes.
    private func persist(_ card: VirtualCard, version: Int) throws {
        var snapshot = VirtualCardSnapshot(card)
        snapshot.fileVersion = version
        let box = try AES.GCM.seal(try JSONEncoder().encode(snapshot), using: deviceKey, authenticating: Self.magic)
        guard let combined = box.combined else { throw VirtualCardFileError.cannotEncrypt }
        let bytes = Self.magic + Array(combined)
        try Self.writeAtomically(bytes, to: url)
        try counters.write(.init(version: version, digest: Array(SHA256.hash(data: bytes))), chip: card.id, deviceKey: deviceKey)
    }

    /// The decrypted snapshot and the bytes it came from; private keys are not parsed yet.
    private func read() throws -> (bytes: [UInt8], snapshot: VirtualCardSnapshot) {
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
        guard let snapshot = try? JSONDecoder().decode(VirtualCardSnapshot.self, from: plaintext) else {
            throw VirtualCardFileError.corrupt
        }
        return (bytes, snapshot)
    }

    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let directory = url.deletingLastPathComponent().path
        let temporary = url.path + ".tmp-" + randomBytes(8).map { String($0, radix: 16).leftPadded(to: 2) }.joined()
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw VirtualCardFileError.unwritable(url.path, errno) }
        let written = DescriptorWrite.privateDurable(fd, bytes)
        close(fd)
        if let failure = written ?? (rename(temporary, url.path) == 0 ? nil : errno) {
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
    case alreadyWritten(String)
    case rolledBack(String)
    case counterStateMissing(String)
    case counterStateUnreadable(String)

    public var description: String {
        switch self {
        case .deviceKeySize(let bytes): "the device key must be 32 bytes, not \(bytes)"
        case .cannotEncrypt: "the card could not be encrypted"
        case .unreadable(let path): "cannot read the card file \(path)"
        case .unwritable(let path, let code): "cannot write the card file \(path) (errno \(code))"
        case .notACardFile: "not a virtual card file"
        case .cannotDecrypt: "the card file cannot be decrypted: wrong device key or the file was altered"
        case .corrupt: "the card file decrypted but its contents are not a card"
        case .alreadyWritten(let chip): "card \(chip) was written before: an existing card changes only through update"
        case .rolledBack(let path):
            "the card file \(path) is older than the card's counter record (a copy put back?): the card refuses to work; a new card is issued at the counter"
        case .counterStateMissing(let directory):
            "the card's counter record is missing from \(directory) (set MYNA_CARD_STATE_DIR to where it is kept): the card refuses to work without it"
        case .counterStateUnreadable(let path): "the card's counter record \(path) cannot be read with this device key"
        }
    }
}
