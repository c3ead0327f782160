internal import MynaCard
internal import MynaCore

/// The card's file layout, as the real My Number card presents it to readers
/// (domain notes §3: the JPKI application and the text-input assist application).
///
/// Identifiers are the bytes a reader sends in SELECT; they never change and are shared
/// by every card, so they are plain constants.
public enum JPKIApplication {
    /// AID of the JPKI application (公的個人認証AP): `D3 92 F0 00 26 01 00 00 00 01`.
    public static let aid: [UInt8] = [0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01]

    /// EF `0006`: the application token, ASCII `JPKIAPICCTOKEN2`, padded with spaces to 32 bytes.
    public static let tokenEF: UInt16 = 0x0006
    /// EF `0008`: which certificates are present; `8F 8F 00` when both are.
    public static let certificatePresenceEF: UInt16 = 0x0008

    /// EF `0001`: the signature certificate (署名用電子証明書); reading it needs the signature PIN.
    public static let signatureCertificateEF: UInt16 = 0x0001
    /// EF `0002`: the CA certificate that issued the signature certificate.
    public static let signatureCACertificateEF: UInt16 = 0x0002
    /// EF `001A`: the signature private key; COMPUTE DIGITAL SIGNATURE target, never readable.
    public static let signatureKeyEF: UInt16 = 0x001A
    /// EF `001B`: the signature PIN; VERIFY target.
    public static let signaturePINEF: UInt16 = 0x001B

    /// EF `000A`: the authentication certificate (利用者証明用電子証明書); readable without a PIN.
    public static let authenticationCertificateEF: UInt16 = 0x000A
    /// EF `000B`: the CA certificate that issued the authentication certificate.
    public static let authenticationCACertificateEF: UInt16 = 0x000B
    /// EF `0017`: the authentication private key; COMPUTE DIGITAL SIGNATURE target, never readable.
    public static let authenticationKeyEF: UInt16 = 0x0017
    /// EF `0018`: the authentication PIN; VERIFY target.
    public static let authenticationPINEF: UInt16 = 0x0018

    /// The token's text, as OpenSC's JPKI driver expects to find it.
    public static let tokenText = "JPKIAPICCTOKEN2"
    /// The contents of EF `0006`: the token text padded with spaces to 32 bytes.
    public static let tokenContents: [UInt8] = Array(tokenText.utf8) + Array(repeating: 0x20, count: 32 - tokenText.utf8.count)

    /// The EF `0008` byte for a certificate slot: `8F` when a certificate is installed, `00` otherwise.
    static let certificatePresent: UInt8 = 0x8F

    static func certificateEF(for kind: KeyKind) -> UInt16 {
        kind == .signature ? signatureCertificateEF : authenticationCertificateEF
    }

    static func caCertificateEF(for kind: KeyKind) -> UInt16 {
        kind == .signature ? signatureCACertificateEF : authenticationCACertificateEF
    }

    static func keyEF(for kind: KeyKind) -> UInt16 {
        kind == .signature ? signatureKeyEF : authenticationKeyEF
    }

    static func pinEF(for kind: KeyKind) -> UInt16 {
        kind == .signature ? signaturePINEF : authenticationPINEF
    }
}

/// The text-input assist application (券面事項入力補助AP): the My Number and the four
/// basic facts as printed on the card, so that forms can be filled without retyping.
public enum TextInputApplication {
    /// AID `D3 92 10 00 31 00 01 01 04 08`.
    public static let aid: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08]
    /// EF `0011`: the text-input PIN (4 digits, 3 tries).
    public static let pinEF: UInt16 = 0x0011
    /// EF `0001`: the My Number (12 ASCII digits in a TLV); reading it needs the text-input PIN.
    public static let myNumberEF: UInt16 = 0x0001
    /// EF `0002`: the basic four facts, tags `33` header, `34` name (UTF-8), `35` address,
    /// `36` birth date, `37` sex (ISO 5218). Readable after the text-input PIN.
    public static let basicFourEF: UInt16 = 0x0002
}

/// The card-face application (券面AP, domain.md §2): what is printed on the card, opened
/// by 照合番号B — birth date, expiry year and security code as printed (``CardFace/numberB``)
/// — so that reading it needs the card in hand, not a PIN.
public enum CardFaceApplication {
    /// AID `D3 92 10 00 31 00 01 01 04 02`.
    public static let aid: [UInt8] = [0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02]
    /// EF `0012`: 照合番号B (PIN-B), 14 ASCII digits, 10 tries; VERIFY target.
    public static let numberBEF: UInt16 = 0x0012
    /// EF `0002`: the face data, readable after 照合番号B (the emulator's encoding: text, not
    /// the real card's images; ``CardFace/faceFile``).
    public static let faceEF: UInt16 = 0x0002
    /// INTERNAL AUTHENTICATE `00 88 00 00 Lc <data> 00`: after 照合番号B, the card-face key
    /// signs the data (ECDSA P-256 over SHA-256, DER) — the emulator's way to show the
    /// card is present now, which a static face signature cannot (docs/cards.md).
    public static let internalAuthenticate: UInt8 = 0x88
}

extension CardFace {
    /// EF `0002` of the card-face application: a constructed `FF 21` TLV holding tags
    /// `40` name, `41` address (UTF-8), `42` birth date and `44` expiry (`YYYYMMDD`),
    /// `43` sex (ISO 5218 digit) and `45` the security code. The tags are this emulator's.
    var faceFile: [UInt8] {
        func date(_ date: CalendarDate) -> [UInt8] { Array(date.description.replacingOccurrences(of: "-", with: "").utf8) }
        let fields: [UInt8] = TLV.encode(tag: 0x40, value: Array(name.utf8)) + TLV.encode(tag: 0x41, value: Array(address.utf8))
            + TLV.encode(tag: 0x42, value: date(birthDate)) + TLV.encode(tag: 0x43, value: Array(String(sex.rawValue).utf8))
            + TLV.encode(tag: 0x44, value: date(expiresOn)) + TLV.encode(tag: 0x45, value: Array(securityCode.utf8))
        return [0xFF] + TLV.encode(tag: 0x21, value: fields)
    }
}
