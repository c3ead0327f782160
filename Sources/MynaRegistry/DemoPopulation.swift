public import MynaCore

/// One made-up resident for `myna demo` and benchmarks. Nothing here is a real person;
/// the names are common ones and the addresses are plausible, not looked up.
public struct DemoResident: Sendable, Hashable {
    /// 氏 in kanji, e.g. 佐藤. Occasionally a variant form (髙橋, 渡邊, 齋藤, 山﨑) so
    /// that the registry's name handling is exercised the way real records exercise it.
    public var familyName: String
    /// 名, usually kanji (花子), sometimes kana as real records have (さくら, キヨ).
    public var givenName: String
    /// Reading of `familyName` in full-width katakana, e.g. サトウ.
    public var familyNameKana: String
    /// Reading of `givenName` in full-width katakana, e.g. ハナコ.
    public var givenNameKana: String
    /// ISO/IEC 5218: 1 male, 2 female.
    public var sex: Int
    public var birthYear: Int, birthMonth: Int, birthDay: Int
    public var municipality: Municipality
    /// Full address as on the resident record, prefecture first: 東京都千代田区丸の内1-2-3.
    public var address: String

    public init(
        familyName: String, givenName: String, familyNameKana: String, givenNameKana: String, sex: Int,
        birthYear: Int, birthMonth: Int, birthDay: Int, municipality: Municipality, address: String
    ) {
        self.familyName = familyName
        self.givenName = givenName
        self.familyNameKana = familyNameKana
        self.givenNameKana = givenNameKana
        self.sex = sex
        self.birthYear = birthYear
        self.birthMonth = birthMonth
        self.birthDay = birthDay
        self.municipality = municipality
        self.address = address
    }

    /// Family name first, separated by an ideographic space (U+3000) as on Japanese forms.
    public var name: String { familyName + "\u{3000}" + givenName }
    public var nameKana: String { familyNameKana + "\u{3000}" + givenNameKana }

    /// The date of birth as ISO 8601, YYYY-MM-DD.
    public var birthDate: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(birthYear, 4))-\(pad(birthMonth, 2))-\(pad(birthDay, 2))"
    }

    /// The column names matching `csvRow()`.
    public static func csvHeader() -> String { "name,name_kana,birth_date,sex,municipality_code,address" }

    /// One RFC 4180 record (no line terminator): fields are quoted only when they contain
    /// a comma, a double quote or a line break, and quotes inside are doubled.
    public func csvRow() -> String {
        [name, nameKana, birthDate, String(sex), municipality.code.digits, address]
            .map(Self.csvField).joined(separator: ",")
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

/// A deterministic stream of demo residents: the same seed always yields the same people
/// in the same order, on every platform and Swift version, so demos and benchmarks are
/// repeatable. That is why it uses its own PRNG and its own bounded-integer and date
/// arithmetic rather than `SystemRandomNumberGenerator`, `Int.random(in:using:)` or the
/// wall clock, none of which promise a stable sequence.
public struct DemoPopulation: Sendable {
    private var random: SplitMix64

    public init(seed: UInt64) { random = SplitMix64(seed: seed) }

    /// Same as `DemoResident.csvHeader()`, here too for callers holding a population.
    public static func csvHeader() -> String { DemoResident.csvHeader() }

    /// Births fall in 1924…2024, i.e. ages 0–100 on 2025-01-01. A fixed reference year
    /// rather than today keeps a seed's output identical whenever it is run.
    static let referenceYear = 2025

    /// The next resident, living in `municipality` if given, otherwise in one drawn
    /// uniformly from `MunicipalityDirectory.all`.
    public mutating func next(in municipality: Municipality? = nil) -> DemoResident {
        let place = municipality ?? MunicipalityDirectory.all[random.below(MunicipalityDirectory.all.count)]

        let age = Names.ages.pick(using: &random)
        let year = Self.referenceYear - 1 - age
        let month = 1 + random.below(12)
        let day = 1 + random.below(Self.daysIn(month: month, year: year))

        // Sex first, then a given name of that sex typical of the birth generation, so a
        // 90-year-old is 清 or 幸子 and a toddler 蓮 or 陽菜.
        let sex = 1 + random.below(2)
        let era = year < 1955 ? 0 : year < 1990 ? 1 : 2
        let givenPool = (sex == 1 ? Names.male : Names.female)[era]
        let given = givenPool[random.below(givenPool.count)]
        let family = Names.surnames.pick(using: &random)

        return DemoResident(
            familyName: family.kanji, givenName: given.kanji,
            familyNameKana: family.kana, givenNameKana: given.kana, sex: sex,
            birthYear: year, birthMonth: month, birthDay: day,
            municipality: place, address: address(in: place))
    }

    /// 都道府県 + 市区町村 + 町名 + 丁目-番-号 (or 番-号 where the town has no 丁目).
    private mutating func address(in place: Municipality) -> String {
        let towns = Towns.byCode[String(place.code.digits.prefix(5))] ?? Towns.generic
        let town = towns[random.below(towns.count)]
        let ban = 1 + random.below(town.chome == 0 ? 60 : 30)
        let go = 1 + random.below(25)
        let number = town.chome == 0 ? "\(ban)-\(go)" : "\(1 + random.below(town.chome))-\(ban)-\(go)"
        return place.prefecture + place.name + town.name + number
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: year.isMultiple(of: 4) && (!year.isMultiple(of: 100) || year.isMultiple(of: 400)) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

// MARK: - Randomness

/// Items with integer weights, drawn in proportion to them via cumulative sums.
private struct Weighted<Item: Sendable>: Sendable {
    private let items: [Item]
    private let cumulative: [Int]

    init(_ pairs: [(Item, Int)]) {
        items = pairs.map(\.0)
        var sum = 0
        cumulative = pairs.map { sum += $0.1; return sum }
    }

    func pick(using random: inout SplitMix64) -> Item {
        let target = random.below(cumulative.last!)
        // Binary search for the first cumulative weight above the target.
        var low = 0, high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > target { high = mid } else { low = mid + 1 }
        }
        return items[low]
    }
}

// MARK: - Names

private struct Name: Sendable {
    let kanji: String
    let kana: String
}

private enum Names {
    /// Common surnames, roughly most frequent first; weighted ~1/(rank + 5), a Zipf-like
    /// fall-off close to the real distribution. Readings are the usual ones.
    static let common = """
        佐藤 サトウ 鈴木 スズキ 高橋 タカハシ 田中 タナカ 伊藤 イトウ 渡辺 ワタナベ 山本 ヤマモト 中村 ナカムラ \
        小林 コバヤシ 加藤 カトウ 吉田 ヨシダ 山田 ヤマダ 佐々木 ササキ 山口 ヤマグチ 松本 マツモト 井上 イノウエ \
        木村 キムラ 林 ハヤシ 斎藤 サイトウ 清水 シミズ 山崎 ヤマザキ 森 モリ 池田 イケダ 橋本 ハシモト \
        阿部 アベ 石川 イシカワ 山下 ヤマシタ 中島 ナカジマ 石井 イシイ 小川 オガワ 前田 マエダ 岡田 オカダ \
        長谷川 ハセガワ 藤田 フジタ 後藤 ゴトウ 近藤 コンドウ 村上 ムラカミ 遠藤 エンドウ 青木 アオキ 坂本 サカモト \
        斉藤 サイトウ 福田 フクダ 太田 オオタ 西村 ニシムラ 藤井 フジイ 金子 カネコ 岡本 オカモト 藤原 フジワラ \
        中野 ナカノ 三浦 ミウラ 原田 ハラダ 中川 ナカガワ 松田 マツダ 竹内 タケウチ 小野 オノ 田村 タムラ \
        中山 ナカヤマ 和田 ワダ 石田 イシダ 森田 モリタ 上田 ウエダ 原 ハラ 内田 ウチダ 柴田 シバタ \
        酒井 サカイ 宮崎 ミヤザキ 横山 ヨコヤマ 高木 タカギ 安藤 アンドウ 宮本 ミヤモト 大野 オオノ 小島 コジマ \
        谷口 タニグチ 工藤 クドウ 今井 イマイ 高田 タカダ 丸山 マルヤマ 増田 マスダ 杉山 スギヤマ 村田 ムラタ \
        大塚 オオツカ 小山 コヤマ 平野 ヒラノ 藤本 フジモト 久保 クボ 松井 マツイ 千葉 チバ 岩崎 イワサキ \
        桜井 サクライ 野口 ノグチ 松尾 マツオ 木下 キノシタ 野村 ノムラ 新井 アライ 佐野 サノ 菊地 キクチ
        """

    /// 異体字 forms as they appear on real 住民票: same reading, different code point
    /// (髙 U+9AD9, 﨑 U+FA11 which NFC leaves alone, 邊/邉, 齋). Rare, as in life.
    static let variants = "髙橋 タカハシ 渡邊 ワタナベ 渡邉 ワタナベ 齋藤 サイトウ 山﨑 ヤマザキ"

    static let surnames: Weighted<Name> = {
        let common = pairs(Names.common).enumerated().map { rank, name in (name, 100_000 / (rank + 5)) }
        let variants = pairs(Names.variants).map { ($0, 400) }  // ≈ 0.1 % each
        return Weighted(common + variants)
    }()

    /// Given names by sex, then by birth generation: born before 1955, 1955–1989, 1990 on.
    static let male: [[Name]] = [
        pairs("""
            清 キヨシ 茂 シゲル 勇 イサム 博 ヒロシ 実 ミノル 進 ススム 正 タダシ 三郎 サブロウ 一郎 イチロウ \
            武 タケシ 稔 ミノル 豊 ユタカ 昭 アキラ 勝 マサル 正男 マサオ 義男 ヨシオ 和夫 カズオ 幸雄 ユキオ
            """),
        pairs("""
            誠 マコト 浩 ヒロシ 修 オサム 隆 タカシ 健一 ケンイチ 直樹 ナオキ 和也 カズヤ 達也 タツヤ 大輔 ダイスケ \
            拓也 タクヤ 健太 ケンタ 秀樹 ヒデキ 剛 ツヨシ 哲也 テツヤ 智也 トモヤ 康弘 ヤスヒロ 伸一 シンイチ 亮 リョウ
            """),
        pairs("""
            蓮 レン 大翔 ヒロト 陽翔 ハルト 悠真 ユウマ 湊 ミナト 蒼 アオイ 律 リツ 樹 イツキ 陸 リク 悠斗 ユウト \
            颯太 ソウタ 大和 ヤマト 陽太 ヨウタ 翔 ショウ 大樹 ダイキ 涼太 リョウタ 海斗 カイト 翔太 ショウタ
            """),
    ]

    static let female: [[Name]] = [
        pairs("""
            花子 ハナコ 幸子 サチコ 和子 カズコ 節子 セツコ 洋子 ヨウコ 芳子 ヨシコ 文子 フミコ 春子 ハルコ 敏子 トシコ \
            静江 シズエ 千代 チヨ 八重 ヤエ キヨ キヨ 久子 ヒサコ 美代子 ミヨコ 京子 キョウコ 恵子 ケイコ 弘子 ヒロコ
            """),
        pairs("""
            真由美 マユミ 久美子 クミコ 由美子 ユミコ 裕子 ユウコ 直美 ナオミ 智子 トモコ 明美 アケミ 陽子 ヨウコ \
            純子 ジュンコ 恵 メグミ 香織 カオリ 沙織 サオリ 美穂 ミホ 由美 ユミ 愛 アイ 麻衣 マイ 舞 マイ 美咲 ミサキ
            """),
        pairs("""
            陽菜 ヒナ 結衣 ユイ 葵 アオイ 凛 リン 芽依 メイ 結菜 ユイナ さくら サクラ 紬 ツムギ 澪 ミオ 杏 アン \
            莉子 リコ 咲良 サクラ 彩花 アヤカ 千尋 チヒロ 奈々 ナナ 花 ハナ 美羽 ミウ 心春 コハル
            """),
    ]

    /// Ages 0–100: flat to 74, then thinning out, like Japan's population pyramid
    /// (which actually bulges at 50 and 75; not worth modelling for demo data).
    static let ages = Weighted((0...100).map { age in (age, age < 75 ? 100 : max(2, 100 - (age - 74) * 4)) })

    /// Splits "漢字 カナ 漢字 カナ …" into names. Text keeps the tables readable.
    static func pairs(_ text: String) -> [Name] {
        let words = text.split(whereSeparator: \.isWhitespace).map(String.init)
        precondition(words.count.isMultiple(of: 2), "name table needs kanji/kana pairs")
        return stride(from: 0, to: words.count, by: 2).map { Name(kanji: words[$0], kana: words[$0 + 1]) }
    }
}

// MARK: - Towns

/// A 町名 and how many 丁目 it has (0: addresses go straight to 番-号).
private struct Town: Sendable {
    let name: String
    let chome: Int
}

private enum Towns {
    /// Real 町名 for the municipalities we know, keyed by the five-digit code. Designated
    /// cities include the ward, since their addresses always name it.
    static let byCode: [String: [Town]] = table.mapValues { text in
        text.split(separator: " ").map { entry in
            // "丸の内3" → 丸の内 with 3 丁目; a name without trailing digits has none.
            let digits = entry.reversed().prefix(while: \.isASCII)
            return Town(name: String(entry.dropLast(digits.count)), chome: Int(String(digits.reversed())) ?? 0)
        }
    }

    /// Common town names found in many cities, for municipalities without their own list.
    static let generic = [
        Town(name: "本町", chome: 4), Town(name: "中央", chome: 5), Town(name: "栄町", chome: 3),
        Town(name: "幸町", chome: 3), Town(name: "旭町", chome: 4), Town(name: "緑町", chome: 3),
        Town(name: "錦町", chome: 2), Town(name: "元町", chome: 0), Town(name: "大手町", chome: 2),
        Town(name: "末広町", chome: 0), Town(name: "昭和町", chome: 3), Town(name: "新町", chome: 0),
        Town(name: "東町", chome: 2), Town(name: "西町", chome: 0), Town(name: "南町", chome: 3),
    ]

    private static let table: [String: String] = [
        // 東京都特別区
        "13101": "千代田 丸の内3 大手町2 霞が関3 永田町2 神田神保町3 九段南4 麹町6",
        "13102": "銀座8 日本橋3 築地7 月島4 八丁堀4 勝どき6",
        "13103": "芝5 三田5 赤坂9 六本木7 麻布十番4 高輪4 白金6 台場2",
        "13104": "西新宿8 歌舞伎町2 高田馬場4 四谷4 神楽坂6 大久保3 百人町4",
        "13105": "本郷7 小石川5 千駄木5 湯島4 白山5 後楽2",
        "13106": "浅草7 上野7 谷中7 蔵前4 浅草橋5",
        "13107": "押上3 両国4 向島5 錦糸4 本所4",
        "13108": "豊洲6 亀戸9 門前仲町2 大島9 清澄3 深川2",
        "13109": "大井7 西五反田8 大崎5 戸越6 荏原7 北品川6",
        "13110": "自由が丘3 中目黒5 目黒本町6 祐天寺2 碑文谷6",
        "13111": "蒲田5 田園調布5 大森北6 羽田6 池上8",
        "13112": "三軒茶屋2 北沢5 成城9 桜新町2 用賀4 太子堂5",
        "13113": "渋谷4 恵比寿4 代々木5 神宮前6 広尾5 道玄坂2",
        "13114": "中野6 東中野5 野方6 鷺宮6",
        "13115": "阿佐谷北6 高円寺南5 荻窪5 西荻北5 久我山5",
        "13116": "池袋4 南池袋4 巣鴨5 目白5 駒込7",
        "13117": "王子6 赤羽3 滝野川7 田端6 十条仲原4",
        "13118": "南千住8 町屋8 西日暮里6 荒川8",
        "13119": "板橋4 大山町 成増5 常盤台4 高島平9",
        "13120": "練馬4 石神井町8 大泉学園町9 光が丘7 関町北5",
        "13121": "千住5 綾瀬7 西新井7 竹の塚7 梅島3",
        "13122": "柴又7 亀有5 金町6 立石8 新小岩4",
        "13123": "南小岩8 西葛西8 船堀7 平井7 中央4",
        "13213": "本町4 野口町4 久米川町5",
        // 政令指定都市 (ward + town)
        "01100": "中央区北一条西20 中央区南三条西20 北区北七条西10",
        "04100": "青葉区一番町4 青葉区国分町3 宮城野区榴岡5",
        "11100": "浦和区常盤10 浦和区高砂4 大宮区桜木町4",
        "12100": "中央区中央4 美浜区中瀬2 花見川区幕張町6",
        "14100": "中区山下町 中区本町6 西区みなとみらい6 港北区新横浜3 青葉区美しが丘5",
        "14130": "中原区小杉町3 川崎区砂子2 高津区溝口6",
        "14150": "中央区相模原8 南区相模大野9 緑区橋本8",
        "15100": "中央区万代5 中央区東大通2",
        "22100": "葵区追手町 葵区呉服町2",
        "22130": "中央区元城町 中央区板屋町",
        "23100": "中区栄5 中村区名駅5 千種区今池5 東区泉3",
        "26100": "左京区吉田本町 下京区東塩小路町",
        "27100": "北区梅田3 中央区難波5 天王寺区上本町9 淀川区西中島7",
        "27140": "堺区南瓦町 堺区大仙町",
        "28100": "中央区三宮町3 中央区元町通7 東灘区住吉本町3",
        "33100": "北区大供3 北区駅前町2",
        "34100": "中区国泰寺町2 中区紙屋町2",
        "40100": "小倉北区城内 小倉北区京町4 八幡西区黒崎3",
        "40130": "中央区天神4 博多区博多駅前4 早良区西新7",
        "43100": "中央区手取本町 中央区水前寺6",
        // その他
        "21201": "薮田南5 今沢町",
        "31201": "東町4 栄町",
        "32201": "殿町 母衣町",
        "37201": "番町5 瓦町2",
        "47201": "久茂地3 泉崎2",
    ]
}
