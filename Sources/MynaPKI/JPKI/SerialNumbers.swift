public import X509

/// Certificate serial numbers: 20 random bytes, the top bit cleared so the INTEGER is
/// positive without a leading zero, and the first byte non-zero so it never shrinks —
/// always exactly 20 octets, the most RFC 5280 §4.1.2.2 allows. (swift-certificates'
/// own `SerialNumber()` encodes 21 octets about half the time.)
public enum SerialNumbers {
    public static func random() -> Certificate.SerialNumber {
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<20).map { _ in UInt8.random(in: 0...255, using: &generator) }
        bytes[0] = UInt8.random(in: 1...0x7F, using: &generator)
        return Certificate.SerialNumber(bytes: bytes)
    }
}
