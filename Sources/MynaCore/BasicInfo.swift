/// 基本4情報 — the four basic facts that identify a resident: name, address, date of
/// birth and sex. The kana reading of the name is kept beside them because matching
/// kanji against kana was one root cause of the 2023 mis-linkings (domain.md §8).
public struct BasicInfo: Sendable, Hashable, Codable {
    /// 氏名 in the script of the resident record (usually kanji), family name first.
    public var name: String
    /// フリガナ, katakana or hiragana.
    public var nameKana: String
    public var address: Address
    public var birthDate: CalendarDate
    public var sex: Sex

    public init(name: String, nameKana: String, address: Address, birthDate: CalendarDate, sex: Sex)
        throws(FactError)
    {
        try Self.checkText(name, field: .name, limit: Self.maximumNameLength)
        try Self.checkText(nameKana, field: .nameKana, limit: Self.maximumNameLength)
        guard JapaneseText.isKana(nameKana) else { throw FactError(.notKana) }
        self.name = name
        self.nameKana = nameKana
        self.address = address
        self.birthDate = birthDate
        self.sex = sex
    }

    public static let maximumNameLength = 100
    public static let maximumAddressLength = 200

    /// Rejects empty, oversized or control-character text. Limits are in Unicode code
    /// points: the unit JSON Schema's `maxLength` counts, so the API document states the
    /// limit the server applies (openapi.json, `ResidentName`); a character written with
    /// combining marks or a variation selector (異体字) counts each of its code points.
    static func checkText(_ text: String, field: FactError.Field, limit: Int) throws(FactError) {
        // Not all whitespace: a character is whitespace when its first scalar is, so a
        // text whose first scalar is not (nearly every text) needs no further look.
        guard let first = text.unicodeScalars.first, !first.properties.isWhitespace || !text.trimmingWhitespace.isEmpty else {
            throw FactError(.empty, field: field)
        }
        // A code point is at least one byte, so a short text needs no counting.
        guard text.utf8.count <= limit || text.unicodeScalars.count <= limit else {
            throw FactError(.tooLong, field: field)
        }
        // General category Cc is exactly U+0000–001F and U+007F–009F.
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else {
            throw FactError(.controlCharacters, field: field)
        }
    }

    enum CodingKeys: String, CodingKey { case name, nameKana, address, birthDate, sex }

    /// Decoding applies the same rules as the initialiser.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                name: try container.decode(String.self, forKey: .name), nameKana: try container.decode(String.self, forKey: .nameKana),
                address: try container.decode(Address.self, forKey: .address),
                birthDate: try container.decode(CalendarDate.self, forKey: .birthDate), sex: try container.decode(Sex.self, forKey: .sex))
        } catch let error as FactError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: safeReasonMarker + error.description))
        }
    }

    /// Which of the four facts agree with `other` after normalisation.
    public func matchingFacts(with other: BasicInfo) -> Set<Fact> {
        var facts: Set<Fact> = []
        if JapaneseText.normalizedName(name) == JapaneseText.normalizedName(other.name) { facts.insert(.name) }
        if address.normalized == other.address.normalized { facts.insert(.address) }
        if birthDate == other.birthDate { facts.insert(.birthDate) }
        if sex == other.sex { facts.insert(.sex) }
        return facts
    }

    /// The four facts, for reporting which of them matched.
    public enum Fact: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
        case name, address, birthDate, sex

        public static func < (lhs: Fact, rhs: Fact) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }
}

/// 住所 — an address in a municipality. The municipality is kept as a code so moves and
/// statistics never depend on parsing text.
public struct Address: Sendable, Hashable, Codable {
    public var municipality: MunicipalityCode
    /// The full address as written on the resident record, prefecture first.
    public var text: String

    public init(municipality: MunicipalityCode, text: String) throws(FactError) {
        try BasicInfo.checkText(text, field: .address, limit: BasicInfo.maximumAddressLength)
        self.municipality = municipality
        self.text = text
    }

    public var normalized: String { municipality.digits + ":" + JapaneseText.normalizedAddress(text) }

    enum CodingKeys: String, CodingKey { case municipality, text }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                municipality: try container.decode(MunicipalityCode.self, forKey: .municipality),
                text: try container.decode(String.self, forKey: .text))
        } catch let error as FactError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: safeReasonMarker + error.description))
        }
    }
}

extension String {
    /// The text without the white space (Unicode White_Space, by character) at either end.
    public var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = lastIndex(where: { !isSpace($0) })!
        return self[first...last]
    }
}
