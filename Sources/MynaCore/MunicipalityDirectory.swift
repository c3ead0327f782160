/// 市区町村 — one local government, as the resident record and the card name it.
public struct Municipality: Sendable, Hashable, Codable {
    /// 全国地方公共団体コード, six digits including the check digit.
    public let code: MunicipalityCode
    /// 都道府県名, e.g. 東京都.
    public let prefecture: String
    /// 市区町村名, e.g. 千代田区.
    public let name: String
    /// The reading of `name` in full-width katakana, suffix included, e.g. チヨダク.
    public let nameKana: String

    /// Public so that operators can describe municipalities the seed table lacks.
    public init(code: MunicipalityCode, prefecture: String, name: String, nameKana: String) {
        self.code = code
        self.prefecture = prefecture
        self.name = name
        self.nameKana = nameKana
    }
}

/// A directory of municipalities by code.
///
/// The complete list (総務省「全国地方公共団体コード」) has about 1,741 市区町村 plus the
/// wards of designated cities. This is deliberately a small **seed subset** — Tokyo's 23
/// special wards, the 20 designated cities (at city level, not per ward), prefectural
/// capitals and a few cities our source documents mention — containing only rows whose
/// codes are certain, because a wrong code here would silently mislabel residents.
/// Operators load the rest from the official list (our design choice: the code ships no
/// bulk data it cannot keep current).
public enum MunicipalityDirectory {
    /// Every municipality in the seed table, in 全国地方公共団体コード order.
    public static let all: [Municipality] = table.map { five, name, kana in
        // The table is constant and every row is checked by a test, so a bad row is a
        // programming error caught before release, not a runtime condition.
        let code = try! MunicipalityCode(fiveDigits: five)
        return Municipality(code: code, prefecture: prefectures[Int(five.prefix(2))! - 1], name: name, nameKana: kana)
    }

    /// The municipality with this code, or nil if it is not in the directory.
    public static func named(_ code: MunicipalityCode) -> Municipality? { byCode[code] }

    // First row wins on a duplicate rather than trapping here, so the duplicate test can
    // report the problem instead of crashing the whole test run.
    private static let byCode: [MunicipalityCode: Municipality] =
        Dictionary(all.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })

    /// 都道府県コード 01–47 (JIS X 0401) in order; the prefecture of a municipality is the
    /// first two digits of its code, so it need not be repeated on every row.
    private static let prefectures = [
        "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
        "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
        "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
        "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
        "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
    ]

    /// (five significant digits, name, katakana reading). The check digit is computed.
    private static let table: [(String, String, String)] = [
        // 北海道
        ("01100", "札幌市", "サッポロシ"), ("01202", "函館市", "ハコダテシ"), ("01204", "旭川市", "アサヒカワシ"),
        // 東北
        ("02201", "青森市", "アオモリシ"), ("03201", "盛岡市", "モリオカシ"), ("04100", "仙台市", "センダイシ"),
        ("05201", "秋田市", "アキタシ"), ("06201", "山形市", "ヤマガタシ"), ("06204", "酒田市", "サカタシ"),
        ("07201", "福島市", "フクシマシ"),
        // 関東
        ("08201", "水戸市", "ミトシ"), ("09201", "宇都宮市", "ウツノミヤシ"), ("10201", "前橋市", "マエバシシ"),
        ("11100", "さいたま市", "サイタマシ"), ("12100", "千葉市", "チバシ"),
        // 東京都 特別区 (all 23)
        ("13101", "千代田区", "チヨダク"), ("13102", "中央区", "チュウオウク"), ("13103", "港区", "ミナトク"),
        ("13104", "新宿区", "シンジュクク"), ("13105", "文京区", "ブンキョウク"), ("13106", "台東区", "タイトウク"),
        ("13107", "墨田区", "スミダク"), ("13108", "江東区", "コウトウク"), ("13109", "品川区", "シナガワク"),
        ("13110", "目黒区", "メグロク"), ("13111", "大田区", "オオタク"), ("13112", "世田谷区", "セタガヤク"),
        ("13113", "渋谷区", "シブヤク"), ("13114", "中野区", "ナカノク"), ("13115", "杉並区", "スギナミク"),
        ("13116", "豊島区", "トシマク"), ("13117", "北区", "キタク"), ("13118", "荒川区", "アラカワク"),
        ("13119", "板橋区", "イタバシク"), ("13120", "練馬区", "ネリマク"), ("13121", "足立区", "アダチク"),
        ("13122", "葛飾区", "カツシカク"), ("13123", "江戸川区", "エドガワク"),
        ("13201", "八王子市", "ハチオウジシ"), ("13213", "東村山市", "ヒガシムラヤマシ"),
        ("14100", "横浜市", "ヨコハマシ"), ("14130", "川崎市", "カワサキシ"), ("14150", "相模原市", "サガミハラシ"),
        ("14201", "横須賀市", "ヨコスカシ"),
        // 中部
        ("15100", "新潟市", "ニイガタシ"), ("15202", "長岡市", "ナガオカシ"), ("16201", "富山市", "トヤマシ"),
        ("17201", "金沢市", "カナザワシ"), ("18201", "福井市", "フクイシ"), ("19201", "甲府市", "コウフシ"),
        ("20201", "長野市", "ナガノシ"), ("21201", "岐阜市", "ギフシ"), ("22100", "静岡市", "シズオカシ"),
        ("22130", "浜松市", "ハママツシ"), ("23100", "名古屋市", "ナゴヤシ"), ("23201", "豊橋市", "トヨハシシ"),
        // 近畿
        ("24201", "津市", "ツシ"), ("24204", "松阪市", "マツサカシ"), ("25201", "大津市", "オオツシ"),
        ("26100", "京都市", "キョウトシ"), ("27100", "大阪市", "オオサカシ"), ("27140", "堺市", "サカイシ"),
        ("28100", "神戸市", "コウベシ"), ("28201", "姫路市", "ヒメジシ"), ("29201", "奈良市", "ナラシ"),
        ("30201", "和歌山市", "ワカヤマシ"),
        // 中国
        ("31201", "鳥取市", "トットリシ"), ("31202", "米子市", "ヨナゴシ"), ("32201", "松江市", "マツエシ"),
        ("33100", "岡山市", "オカヤマシ"), ("34100", "広島市", "ヒロシマシ"),
        // 四国
        ("36201", "徳島市", "トクシマシ"), ("37201", "高松市", "タカマツシ"), ("38201", "松山市", "マツヤマシ"),
        ("39201", "高知市", "コウチシ"),
        // 九州・沖縄
        ("40100", "北九州市", "キタキュウシュウシ"), ("40130", "福岡市", "フクオカシ"), ("41201", "佐賀市", "サガシ"),
        ("42201", "長崎市", "ナガサキシ"), ("43100", "熊本市", "クマモトシ"), ("44201", "大分市", "オオイタシ"),
        ("45201", "宮崎市", "ミヤザキシ"), ("46201", "鹿児島市", "カゴシマシ"), ("47201", "那覇市", "ナハシ"),
    ]
}
