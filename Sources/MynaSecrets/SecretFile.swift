#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import MynaCore

/// How Myna writes and reads a file that holds a secret — a key of the key store, a CA's
/// private key, an agency's credential: one rule, in one place.
///
/// - Created with `O_CREAT | O_EXCL | O_NOFOLLOW` and mode 0600 in the same call, so the
///   file is never readable by others, not even for a moment (Foundation's `createFile`
///   writes it first and changes its mode after), and a symbolic link planted at the path
///   is never followed: the call fails instead of writing the secret where the link points.
///   An existing file is never overwritten.
/// - Read with `O_NOFOLLOW`, and refused unless it is a regular file owned by this user
///   that no one else may read or write — a key others could read is no longer secret, and
///   one others could write could be swapped for theirs.
public enum SecretFile {
    /// Creates `path` with `bytes`, mode 0600; throws ``SecretFileError/exists(_:)`` when
    /// anything (a file, a link) is already there.
    public static func create(_ path: String, contents bytes: [UInt8]) throws(SecretFileError) {
        guard try createUnlessPresent(path, contents: bytes) else { throw SecretFileError.exists(path) }
    }

    /// Creates `path` with `bytes`, mode 0600, and says `true`; says `false`, writing
    /// nothing, when anything (a file, a link) is already there.
    public static func createUnlessPresent(_ path: String, contents bytes: [UInt8]) throws(SecretFileError) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            if errno == EEXIST { return false }
            throw SecretFileError.cannotWrite(path, errno)
        }
        let failure = DescriptorWrite.privateDurable(fd, bytes)
        close(fd)
        if let failure {
            unlink(path)
            throw SecretFileError.cannotWrite(path, failure)
        }
        return true
    }

    /// The bytes of `path`, or `nil` when there is no such file.
    public static func read(_ path: String) throws(SecretFileError) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            switch errno {
            case ENOENT: return nil
            case ELOOP: throw SecretFileError.symbolicLink(path)
            default: throw SecretFileError.unreadable(path, errno)
            }
        }
        defer { close(fd) }
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw SecretFileError.unreadable(path, errno) }
        // S_IFMT and S_IFREG, spelled out: the same on every POSIX system.
        guard status.st_mode & 0o170000 == 0o100000 else { throw SecretFileError.notRegularFile(path) }
        guard status.st_uid == geteuid() else { throw SecretFileError.notOwned(path) }
        guard status.st_mode & 0o077 == 0 else { throw SecretFileError.tooOpen(path, mode: Int(status.st_mode & 0o777)) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { readFromDescriptor(fd, $0.baseAddress, $0.count) }
            if n > 0 { bytes += buffer[..<n] } else if n < 0, errno == EINTR { continue } else if n == 0 { break } else { throw SecretFileError.unreadable(path, errno) }
        }
        return bytes
    }
}

/// `read(2)`, named apart from ``SecretFile/read(_:)``.
private func readFromDescriptor(_ fd: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int { read(fd, buffer, count) }

/// Why a secret file was not written or not trusted; each says what to do.
public enum SecretFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case exists(String)
    case cannotWrite(String, Int32)
    case symbolicLink(String)
    case notRegularFile(String)
    case notOwned(String)
    case tooOpen(String, mode: Int)
    case unreadable(String, Int32)

    public var description: String {
        switch self {
        case .exists(let path): "\(path) exists already (a file or a link); a secret file is never overwritten"
        case .cannotWrite(let path, let code): "cannot write the secret file \(path) (errno \(code))"
        case .symbolicLink(let path): "\(path) is a symbolic link; a secret file must be a regular file (replace the link with the file itself)"
        case .notRegularFile(let path): "\(path) is not a regular file"
        case .notOwned(let path): "\(path) is not owned by the user running Myna (chown it to this user)"
        case .tooOpen(let path, let mode): "\(path) has mode \(String(mode, radix: 8)): others may read or write it (chmod 600 \(path))"
        case .unreadable(let path, let code): "cannot read the secret file \(path) (errno \(code))"
        }
    }
}
