public import MynaCore

/// The text-input assist application's contents (券面事項入力補助AP, domain notes §3):
/// the holder's My Number and basic four facts as printed on the card. Both EFs are read
/// only after the 4-digit text-input PIN (EF `0011`).
public struct TextInputData: Sendable, Hashable, Codable {
    public var myNumber: IndividualNumber
    public var basicInfo: BasicInfo

    public init(myNumber: IndividualNumber, basicInfo: BasicInfo) {
        self.myNumber = myNumber
        self.basicInfo = basicInfo
    }

    /// EF `0001`: tag `10`, the 12 digits in ASCII. (The emulator's encoding; the tag
    /// number is this emulator's choice, the value is the number as printed.)
    var myNumberFile: [UInt8] {
        TLV.encode(tag: 0x10, value: Array(myNumber.unmaskedDigits.utf8))
    }

    /// EF `0002`: tags `33` header (a single version byte, `01`), `34` name (UTF-8),
    /// `35` address (UTF-8), `36` birth date (`YYYYMMDD` ASCII), `37` sex (ISO 5218 digit),
    /// wrapped in a constructed `FF 20` TLV.
    var basicFourFile: [UInt8] {
        let date = basicInfo.birthDate
        let birth = String(date.year).leftPadded(to: 4) + String(date.month).leftPadded(to: 2)
            + String(date.day).leftPadded(to: 2)
        let fields: [UInt8] = TLV.encode(tag: 0x33, value: [0x01])
            + TLV.encode(tag: 0x34, value: Array(basicInfo.name.utf8))
            + TLV.encode(tag: 0x35, value: Array(basicInfo.address.text.utf8))
            + TLV.encode(tag: 0x36, value: Array(birth.utf8))
            + TLV.encode(tag: 0x37, value: Array(String(basicInfo.sex.rawValue).utf8))
        return [0xFF] + TLV.encode(tag: 0x20, value: fields)
    }
}

/// BER-TLV with one-byte tags and definite lengths (short form, or `81`/`82` long form).
enum TLV {
    static func encode(tag: UInt8, value: [UInt8]) -> [UInt8] {
        [tag] + length(value.count) + value
    }

    static func length(_ count: Int) -> [UInt8] {
        switch count {
        case ..<0x80: [UInt8(count)]
        case ..<0x100: [0x81, UInt8(count)]
        default: [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
        }
    }
}
