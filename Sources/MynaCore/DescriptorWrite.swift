#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writing a file that must be private and on disk before anyone relies on it — a key, a
/// card file, a counter record — through an open descriptor: one loop for every module
/// that does so (the key store's `SecretFile`, the card emulator's atomic replace).
public enum DescriptorWrite {
    /// Sets mode 0600 on `fd` (the umask can only take bits away, so set it exactly, on
    /// the descriptor, not the path), writes all of `bytes` (retrying after EINTR and
    /// short writes) and fsyncs. Returns `nil` on success, or the `errno` of the failure;
    /// the caller closes the descriptor and removes what it created.
    public static func privateDurable(_ fd: Int32, _ bytes: [UInt8]) -> Int32? {
        guard fchmod(fd, 0o600) == 0 else { return errno }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                written += n
            } else if n < 0, errno == EINTR {
                continue
            } else {
                return n < 0 ? errno : EIO
            }
        }
        return fsync(fd) == 0 ? nil : errno
    }
}
