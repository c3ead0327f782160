public import MynaCore

/// The basic four facts as the signature certificate carries them (domain.md §3). Myna
/// stores names and addresses in Unicode, so the substitute-character forms (代替文字,
/// for characters outside the card's character set in the real system) repeat them
/// (UNCONFIRMED: our choice). Values are UTF8String.
public struct SubscriberFacts: Sendable, Hashable {
    public var name: String
    public var address: String
    public var birthDate: CalendarDate
    public var sex: Sex
    /// 都道府県 and 市区町村, the two `L=` components of the subject.
    public var prefecture: String
    public var city: String

    public init(name: String, address: String, birthDate: CalendarDate, sex: Sex, prefecture: String, city: String) {
        self.name = name
        self.address = address
        self.birthDate = birthDate
        self.sex = sex
        self.prefecture = prefecture
        self.city = city
    }

    /// Era digit + YYYYMMDD (domain.md §3): 1 明治, 2 大正, 3 昭和, 4 平成, 5 令和, by the
    /// first day of each era. The digit assignment is UNCONFIRMED (our choice, in era order).
    public var jpkiBirthDate: String {
        let eras: [(CalendarDate, Character)] = [
            (try! CalendarDate(year: 2019, month: 5, day: 1), "5"), (try! CalendarDate(year: 1989, month: 1, day: 8), "4"),
            (try! CalendarDate(year: 1926, month: 12, day: 25), "3"), (try! CalendarDate(year: 1912, month: 7, day: 30), "2"),
        ]
        let era = eras.first { birthDate >= $0.0 }?.1 ?? "1"
        return String(era) + birthDate.description.replacingOccurrences(of: "-", with: "")
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
