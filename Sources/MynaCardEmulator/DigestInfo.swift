import Crypto
public import Foundation

/// The DigestInfo a card reader sends for a SHA-256 signature (RFC 8017 §9.2 note 1):
/// the card signs this block, PKCS#1 v1.5, so the result verifies as RSA-SHA256 over
/// the data.
public enum DigestInfo {
    static let sha256Prefix: [UInt8] = [0x30, 0x31, 0x30, 0x0D, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]

    public static func sha256(_ data: some DataProtocol) -> [UInt8] { sha256Prefix + Array(SHA256.hash(data: data)) }
}
