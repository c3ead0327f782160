import Crypto
import _CryptoExtras

/// Staff passwords are stored only as scrypt hashes (RFC 7914) with a per-account salt.
/// The parameters are written beside each hash (`scrypt$N$r$p`), so they can be raised
/// later without breaking existing accounts.
struct PasswordHasher: Sendable {
    /// N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per guess (RFC 7914 §2
    /// suggests N = 2^14 as a floor for interactive logins in 2016; we go one step up).
    var rounds = 1 << 15
    var blockSize = 8
    var parallelism = 1

    var parameters: String { "scrypt$\(rounds)$\(blockSize)$\(parallelism)" }

    func hash(_ password: String, salt: [UInt8]) throws -> [UInt8] {
        try Self.derive(password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
    }

    /// Checks `password` against a stored hash made with the stored parameters.
    static func verify(_ password: String, salt: [UInt8], hash: [UInt8], parameters: String) throws -> Bool {
        let parts = parameters.split(separator: "$")
        guard parts.count == 4, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]) else {
            return false
        }
        let candidate = try derive(password, salt: salt, rounds: n, blockSize: r, parallelism: p)
        guard candidate.count == hash.count else { return false }
        var difference: UInt8 = 0
        for index in candidate.indices { difference |= candidate[index] ^ hash[index] }
        return difference == 0
    }

    private static func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws -> [UInt8] {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Array($0) }
    }
}
