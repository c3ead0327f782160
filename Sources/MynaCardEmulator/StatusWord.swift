/// The status words the card answers with (ISO/IEC 7816-4 §5.6, as the JPKI card uses them).
public struct StatusWord: Sendable, Hashable, CustomStringConvertible {
    public let sw1: UInt8
    public let sw2: UInt8

    public init(_ sw1: UInt8, _ sw2: UInt8) {
        self.sw1 = sw1
        self.sw2 = sw2
    }

    /// Reads the status word from the end of a response; `nil` for a response under 2 bytes.
    public init?(response: [UInt8]) {
        guard response.count >= 2 else { return nil }
        self.init(response[response.count - 2], response[response.count - 1])
    }

    public var bytes: [UInt8] { [sw1, sw2] }

    /// `90 00`: success.
    public static let ok = StatusWord(0x90, 0x00)
    /// `63 Cx`: wrong PIN, x tries left (also the answer to VERIFY without data).
    public static func wrongPIN(triesLeft: Int) -> StatusWord { StatusWord(0x63, 0xC0 | UInt8(clamping: min(triesLeft, 15))) }
    /// `65 81`: memory failure — the card state could not be persisted, so no result is given.
    public static let memoryFailure = StatusWord(0x65, 0x81)
    /// `67 00`: wrong length (malformed APDU, Lc or Le).
    public static let wrongLength = StatusWord(0x67, 0x00)
    /// `69 81`: command incompatible with the file structure (reading a key or PIN EF).
    public static let incompatibleFile = StatusWord(0x69, 0x81)
    /// `69 82`: security status not satisfied (PIN not verified in this session).
    public static let securityStatusNotSatisfied = StatusWord(0x69, 0x82)
    /// `69 83`: authentication method blocked (PIN blocked).
    public static let pinBlocked = StatusWord(0x69, 0x83)
    /// `69 86`: command not allowed, no suitable current EF (e.g. VERIFY with no PIN EF selected).
    public static let noCurrentEF = StatusWord(0x69, 0x86)
    /// `6A 80`: incorrect data (e.g. a DigestInfo that cannot be signed, a badly formed new PIN).
    public static let incorrectData = StatusWord(0x6A, 0x80)
    /// `6A 82`: file or application not found.
    public static let fileNotFound = StatusWord(0x6A, 0x82)
    /// `6A 86`: incorrect P1/P2.
    public static let wrongP1P2 = StatusWord(0x6A, 0x86)
    /// `6B 00`: offset beyond the end of the file.
    public static let wrongOffset = StatusWord(0x6B, 0x00)
    /// `6D 00`: instruction not supported.
    public static let insNotSupported = StatusWord(0x6D, 0x00)
    /// `6E 00`: class not supported.
    public static let claNotSupported = StatusWord(0x6E, 0x00)

    public var description: String {
        String(sw1, radix: 16, uppercase: true).leftPadded(to: 2) + " "
            + String(sw2, radix: 16, uppercase: true).leftPadded(to: 2)
    }
}
