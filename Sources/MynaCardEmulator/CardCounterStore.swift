internal import Crypto
public import Foundation

#if canImport(Glibc)
internal import Glibc
#elseif canImport(Musl)
internal import Musl
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Where the emulator keeps what a real chip keeps in tamper-resistant memory and a file
/// copy must not bring back: for each chip, the version of its card file last written and
/// that file's digest, plus the lock that makes PIN attempts one at a time.
///
/// It lives outside the card file — by default under the user's state directory, not next
/// to the card — so that copying an old card file back over the current one does not
/// restore its PIN tries: the file's version (sealed inside it) is then behind this record
/// and the card refuses to work (docs/cards.md, "The card's counters").
///
/// Per chip id, in `directory`: `<chip>.counter` — the version and SHA-256 of the card
/// file, sealed with AES-256-GCM under the device key (the chip id is authenticated data,
/// so one chip's record cannot stand in for another's) and replaced atomically; and
/// `<chip>.lock`, held with `flock(2)` across each load-check-change-save.
public struct CardCounterStore: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `MYNA_CARD_STATE_DIR` if set; otherwise `$XDG_STATE_HOME/myna/cards`, or
    /// `~/.local/state/myna/cards` (XDG Base Directory Specification: state that should
    /// persist between runs but is not worth backing up with the user's documents).
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> CardCounterStore {
        if let explicit = environment["MYNA_CARD_STATE_DIR"], !explicit.isEmpty {
            return CardCounterStore(directory: URL(fileURLWithPath: explicit))
        }
        let base = environment["XDG_STATE_HOME"].flatMap { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : nil }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".local/state")
        return CardCounterStore(directory: base.appendingPathComponent("myna/cards"))
    }

    /// One chip's record: the card file it last wrote.
    struct Record: Codable, Hashable {
        var version: Int
        var digest: [UInt8]
    }

    static let magic: [UInt8] = Array("MYNACST1".utf8)

    func read(chip: String, deviceKey: SymmetricKey) throws -> Record? {
        let url = try path(chip, "counter")
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let bytes = FileManager.default.contents(atPath: url.path).map({ [UInt8]($0) }), bytes.count > Self.magic.count,
            Array(bytes.prefix(Self.magic.count)) == Self.magic,
            let box = try? AES.GCM.SealedBox(combined: bytes.dropFirst(Self.magic.count)),
            let plaintext = try? AES.GCM.open(box, using: deviceKey, authenticating: Self.magic + Array(chip.utf8)),
            let record = try? JSONDecoder().decode(Record.self, from: plaintext)
        else { throw VirtualCardFileError.counterStateUnreadable(url.path) }
        return record
    }

    func write(_ record: Record, chip: String, deviceKey: SymmetricKey) throws {
        let box = try AES.GCM.seal(try JSONEncoder().encode(record), using: deviceKey, authenticating: Self.magic + Array(chip.utf8))
        guard let combined = box.combined else { throw VirtualCardFileError.cannotEncrypt }
        try VirtualCardFile.writeAtomically(Self.magic + Array(combined), to: try path(chip, "counter"))
    }

    /// Runs `body` holding the chip's exclusive lock. `flock` locks belong to the open file
    /// description, so two threads of one process exclude each other as two processes do.
    func withLock<Result>(chip: String, _ body: () throws -> Result) throws -> Result {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let url = try path(chip, "lock")
        let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw VirtualCardFileError.unwritable(url.path, errno) }
        defer { close(fd) }
        while flock(fd, LOCK_EX) != 0 {
            guard errno == EINTR else { throw VirtualCardFileError.unwritable(url.path, errno) }
        }
        return try body()
    }

    /// Chip ids are the card's random hex id; anything else never names a file here.
    private func path(_ chip: String, _ suffix: String) throws -> URL {
        guard (1...64).contains(chip.count), chip.allSatisfy({ $0.isHexDigit }) else { throw VirtualCardFileError.corrupt }
        return directory.appendingPathComponent("\(chip).\(suffix)")
    }
}
