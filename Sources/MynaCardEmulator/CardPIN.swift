internal import Crypto
internal import MynaCard

/// One PIN as the card keeps it: never the PIN itself, only HMAC-SHA256(salt, PIN) under
/// the card's random salt, and the number of tries left (domain notes §2: 5 for the
/// signature password, 3 for the 4-digit PINs). A PIN at zero tries is blocked until the
/// municipal counter resets it.
struct CardPIN: Sendable, Hashable, Codable {
    let kind: PINKind
    private(set) var hash: [UInt8]
    private(set) var triesLeft: Int

    init(kind: PINKind, pin: String, salt: [UInt8]) {
        self.kind = kind
        self.hash = Self.hash(pin, salt: salt)
        self.triesLeft = kind.maximumTries
    }

    var isBlocked: Bool { triesLeft <= 0 }

    /// One attempt. A wrong PIN (including one of the wrong format, which cannot match)
    /// costs a try; the right one restores all tries. A blocked PIN is refused whatever
    /// is offered and its counter does not move.
    mutating func attempt(_ pin: String, salt: [UInt8]) -> PINVerification {
        guard !isBlocked else { return .blocked }
        let matches = kind.validate(pin) == nil && Self.constantTimeEqual(Self.hash(pin, salt: salt), hash)
        if matches {
            triesLeft = kind.maximumTries
            return .verified
        }
        triesLeft -= 1
        return isBlocked ? .blocked : .wrong(triesLeft: triesLeft)
    }

    /// Sets a new PIN value and restores all tries.
    mutating func replace(with pin: String, salt: [UInt8]) {
        hash = Self.hash(pin, salt: salt)
        triesLeft = kind.maximumTries
    }

    static func hash(_ pin: String, salt: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array(pin.utf8), using: SymmetricKey(data: salt)))
    }

    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}

/// The outcome of one PIN attempt.
public enum PINVerification: Sendable, Hashable {
    /// The PIN matched; its tries are back to the maximum.
    case verified
    /// The PIN did not match; `triesLeft` more attempts remain (status word `63 Cx`).
    case wrong(triesLeft: Int)
    /// The PIN is blocked (status word `69 83`); only the municipal counter can reset it.
    case blocked
}
