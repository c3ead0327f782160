import Crypto
public import Foundation
import MynaCore

/// How a receiver knows a pushed batch of notices came from the hub, unchanged and
/// recently: `Myna-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`,
/// with the secret the agency received, once, when it subscribed with an endpoint. The
/// time is inside the MAC, so a captured delivery cannot be replayed after the tolerance;
/// a replay within it repeats idempotency keys the receiver has already handled.
public enum NoticeSignature {
    public static let header = "Myna-Signature"
    /// How old a signed delivery may be when checked.
    public static let tolerance: TimeInterval = 300

    public static func sign(body: [UInt8], secret: [UInt8], at date: Date) -> String {
        let time = Int64(date.timeIntervalSince1970)
        return "t=\(time),v1=\(mac(body: body, secret: secret, time: time))"
    }

    /// Whether `value` is a valid signature of `body` made within the tolerance of `now`.
    public static func verify(_ value: String, body: [UInt8], secret: [UInt8], now: Date) -> Bool {
        var fields: [Substring: Substring] = [:]
        for part in value.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return false }
            fields[pair[0]] = pair[1]
        }
        guard let timeText = fields["t"], let time = Int64(timeText), let given = fields["v1"],
            abs(now.timeIntervalSince1970 - Double(time)) <= tolerance
        else { return false }
        let expected = mac(body: body, secret: secret, time: time)
        return constantTimeEqual(given.utf8, expected.utf8)
    }

    private static func mac(body: [UInt8], secret: [UInt8], time: Int64) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array("\(time).".utf8) + body, using: SymmetricKey(data: secret))
        return code.map { String(format: "%02x", $0) }.joined()
    }
}
