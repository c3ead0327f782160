public import Crypto
public import Foundation

/// RFC 6238 time-based one-time passwords (HMAC-SHA-1, 30-second steps, 6 digits): the
/// second factor every authenticator app speaks.
public struct TOTP: Sendable {
    public let secret: [UInt8]
    public var digits = 6
    public var step: TimeInterval = 30

    public init(secret: [UInt8]) { self.secret = secret }

    /// A fresh 160-bit secret, the size RFC 4226 §4 recommends.
    public static func newSecret() -> [UInt8] {
        SymmetricKey(size: .init(bitCount: 160)).withUnsafeBytes { Array($0) }
    }

    public func timeStep(at date: Date) -> Int64 { Int64((date.timeIntervalSince1970 / step).rounded(.down)) }

    /// RFC 4226 §5.3 HOTP with dynamic truncation, for time step `counter`.
    public func code(forStep counter: Int64) -> String {
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(
            for: withUnsafeBytes(of: UInt64(counter).bigEndian, Array.init), using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0f)
        let binary = (UInt32(mac[offset] & 0x7f) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    public func code(at date: Date) -> String { code(forStep: timeStep(at: date)) }

    /// The step that `candidate` matches at `date`, allowing one step of clock drift each
    /// way (RFC 6238 §5.2), compared in constant time.
    public func matchingStep(_ candidate: String, at date: Date) -> Int64? {
        let now = timeStep(at: date)
        for counter in [now, now - 1, now + 1] where constantTimeEqual(code(forStep: counter), candidate) {
            return counter
        }
        return nil
    }

    /// The `otpauth://` URI that authenticator apps import (as a QR code).
    public func provisioningURI(account: String, issuer: String = "Myna") -> String {
        var components = URLComponents()
        components.scheme = "otpauth"
        components.host = "totp"
        components.path = "/\(issuer):\(account)"
        components.queryItems = [
            URLQueryItem(name: "secret", value: Base32.encode(secret)), URLQueryItem(name: "issuer", value: issuer),
            URLQueryItem(name: "digits", value: String(digits)), URLQueryItem(name: "period", value: String(Int(step))),
        ]
        return components.string ?? ""
    }
}

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for index in x.indices { difference |= x[index] ^ y[index] }
    return difference == 0
}

/// RFC 4648 §6 base32, as authenticator apps expect TOTP secrets.
public enum Base32 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)]) }
        return String(decoding: output, as: UTF8.self)
    }

    public static func decode(_ text: String) -> [UInt8]? {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        for character in text.uppercased().utf8 where character != UInt8(ascii: "=") {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            buffer = (buffer << 5) | UInt32(value)
            bits += 5
            if bits >= 8 {
                output.append(UInt8((buffer >> UInt32(bits - 8)) & 0xff))
                bits -= 8
            }
        }
        return output
    }
}
