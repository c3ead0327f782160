import MynaPortalPages
import Testing

/// A page to render in the tests, with the path it is served at.
struct Sample: Sendable, CustomTestStringConvertible {
    let name: String
    let path: String
    let signedIn: Bool
    let page: any PortalPage

    var testDescription: String { name }

    func layout(_ language: PortalLanguage, flash: FlashMessage? = nil) -> LayoutContext {
        LayoutContext(
            language: language, currentPath: path, signedIn: signedIn,
            residentName: signedIn ? Fixtures.residentName : nil, csrfToken: Fixtures.csrfToken, flash: flash)
    }

    func render(_ renderer: PortalRenderer, _ language: PortalLanguage, flash: FlashMessage? = nil) throws -> String {
        try renderer.render(page, layout: layout(language, flash: flash))
    }
}

enum Fixtures {
    static let csrfToken = "csrf-Zm9vYmFy-token"
    static let residentName = "山田 太郎"
    static let hostile = "<script>alert(1)</script>\"'&"

    static let verified = LogCheck.verified(leafIndex: 12, treeSize: 40)

    static let home = HomePage(
        name: "山田 太郎", nameKana: "ヤマダ タロウ", address: "東京都千代田区千代田1-1", dateOfBirth: "1980年4月1日", sex: .male,
        dataItems: [
            HomePage.DataItem(
                itemLabel: "地方税関係情報", providerName: "千代田区", updatedAt: "2025年6月1日",
                fields: [
                    HomePage.Field(key: "課税年度", value: "2025"),
                    HomePage.Field(key: "所得割額", value: "123,400円"),
                ]),
            HomePage.DataItem(itemLabel: "児童手当関係情報", providerName: "千代田区", updatedAt: "2025年5月2日", fields: []),
        ])

    static let usage = UsagePage(
        provisions: [
            UsagePage.ProvisionRow(
                id: "prv-0001", date: "2025年6月3日 10:12", requester: "日本年金機構", provider: "千代田区", item: "地方税関係情報",
                task: "年金給付の支給", legalBasis: "番号法 別表 第十九号", outcome: "提供済み", logCheck: verified),
            UsagePage.ProvisionRow(
                id: "prv 0002/x", date: "2025年6月4日 09:00", requester: "千代田区", provider: "中野区", item: "住民票関係情報",
                task: "児童手当の認定", legalBasis: "番号法 別表 第七十四号", outcome: "提供済み", logCheck: .notYetLogged),
            UsagePage.ProvisionRow(
                id: "prv-0003", date: "2025年6月5日 15:30", requester: "千代田区", provider: "国税庁", item: "所得情報",
                task: "住民税の賦課", legalBasis: "番号法 別表 第二十四号", outcome: "不提供", logCheck: .failed),
        ],
        staffAccesses: [
            UsagePage.StaffAccessRow(
                date: "2025年6月2日 14:00", role: "窓口担当", office: "千代田区 住民課", action: "基本4情報の閲覧", purpose: "転入届の処理",
                procedureID: "proc-7781", logCheck: verified)
        ])

    static let card = CardPage(cards: [
        CardPage.Card(
            serial: "CARD-0042-AB", status: .active, issuedAt: "2024年4月1日", validUntil: "2034年4月1日",
            certificates: [
                CardPage.Certificate(kind: .signature, status: .valid, validUntil: "2029年4月1日"),
                CardPage.Certificate(
                    kind: .userAuthentication, status: .revoked, validUntil: "2029年4月1日", revocationReason: "カードの紛失"),
            ]),
        CardPage.Card(serial: "CARD-0001-ZZ", status: .returned, issuedAt: "2016年2月1日", validUntil: "2026年2月1日", certificates: []),
    ])

    static let account = LinkagesPage.RegisteredAccount(
        bankCode: "0001", branchCode: "123", accountType: .ordinary, accountNumber: "9876543", holderNameKana: "ヤマダ タロウ",
        registeredAt: "2025年1月10日", confirmedBy: .inPortal)

    static let insurance = LinkagesPage.InsuranceLinkage(
        insurerName: "全国健康保険協会 東京支部", insurerNumber: "01130012", symbol: "12345", number: "678", branchNumber: "01",
        linkedAt: "2024年10月1日", confirmedBy: .atCounter)

    static let linkages = LinkagesPage(account: account, insurance: insurance)

    static let linkagesWithErrors = LinkagesPage(
        account: nil,
        accountForm: LinkagesPage.AccountForm(
            bankCode: "12a", branchCode: "123", accountType: .current, accountNumber: "", holderNameKana: "やまだ",
            errors: [
                .bankCode: .key("account_bank_code_hint"),
                .accountNumber: .verbatim("口座番号を入力してください。"),
                .confirmation: .verbatim("本人名義であることを確認してください。"),
            ]),
        insurance: nil,
        insuranceForm: LinkagesPage.InsuranceForm(
            insurerNumber: "0113", errors: [.insurerNumber: .key("insurance_insurer_number_hint")]))

    static let notices = NoticesPage(notices: [
        NoticesPage.Notice(date: "2025年6月1日", title: "住民税の通知", body: "令和7年度の住民税額が決定しました。\n詳しくは区のページをご覧ください。"),
        NoticesPage.Notice(date: "2025年5月1日", title: "カードの有効期限", body: "電子証明書の有効期限が近づいています。"),
    ])

    static let sessions = SessionsPage(sessions: [
        SessionsPage.Session(
            signedInAt: "2025年6月1日 9:00", lastSeenAt: "2025年6月1日 9:05", method: "カードを読み取った端末で", network: "198.51.100.0/24",
            userAgent: "Mozilla/5.0 (X11; Linux x86_64)", isThisDevice: true),
        SessionsPage.Session(
            signedInAt: "2025年6月1日 8:00", lastSeenAt: "2025年6月1日 8:01", method: "別の端末でコードを承認", network: "203.0.113.0/24",
            userAgent: "unknown", isThisDevice: false),
    ])

    static let consents = ConsentsPage(consents: [
        ConsentsPage.Consent(
            id: "cns-01", clientName: "あおぞら銀行アプリ", scopes: [.openid, .name, .address], grantedAt: "2025年3月1日",
            expiresAt: "2026年3月1日"),
        ConsentsPage.Consent(
            id: "cns-02", clientName: "電子契約サービス", scopes: [.openid, .sign], grantedAt: "2025年4月1日", expiresAt: "2025年10月1日"),
    ])

    static let refusals = RefusalsPage(items: [
        RefusalsPage.Item(item: "tax-to-welfare", label: "地方税情報の福祉事務への提供", description: "生活保護の決定のため", state: .allowed),
        RefusalsPage.Item(item: "pension-to-city", label: "年金情報の市区町村への提供", state: .refused, since: "2025年2月1日"),
    ])

    static let points = PointsPage(
        mykeyID: "7K3PQ9X2",
        cards: [PointsPage.MunicipalCard(kind: "図書館カード", municipality: "東京都千代田区", number: "LIB-0042", attachedAt: "2026年11月1日")],
        signUps: [
            PointsPage.SignUp(
                campaign: "マイナポイント第2弾", provider: "みらいペイ", account: "taro-2", confirmation: "MP-7K3PQ9X2MD", signedUpAt: "2026年11月2日",
                channel: "カード", grants: [PointsPage.Grant(reward: "健康保険証の利用登録", points: "7,500円")], total: "7,500円")
        ])

    static let consentScreen = ConsentScreen(
        clientName: "あおぞら銀行アプリ", redirectHost: "app.aozora.example",
        scopes: [
            ConsentScreen.SharedScope(scope: .openid, claims: [ConsentScreen.Claim(kind: .subject, value: "b3f1c2d4")]),
            ConsentScreen.SharedScope(
                scope: .name,
                claims: [
                    ConsentScreen.Claim(kind: .name, value: "山田 太郎"), ConsentScreen.Claim(kind: .nameKana, value: "ヤマダ タロウ"),
                ]),
            ConsentScreen.SharedScope(scope: .birthdate, claims: [ConsentScreen.Claim(kind: .birthdate, value: "1980-04-01")]),
            ConsentScreen.SharedScope(scope: .sign, claims: []),
        ],
        expiresAt: "2026年6月1日", requestID: "req-5d1e")

    static let signIn = SignInPage(
        state: .waiting, code: "K7Q2-9XMP", pendingID: "pnd-a1b2", validMinutes: 5, expiresAt: "14:05", refreshSeconds: 4)

    /// A chart as the server draws it (MynaCharts): an SVG document, its id unique on the page.
    static func chart(_ id: String) -> TrustedMarkup {
        TrustedMarkup(
            """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 64 32" role="img" aria-labelledby="\(id)-title">
              <title id="\(id)-title">\(id) &lt;10</title>
              <rect class="chart-bar" x="0" y="0" width="32" height="32" fill="#1d4e89"/>
            </svg>
            """)
    }

    static func statisticsPage(
        text: String = "1,234", name: String = "東京都千代田区", generatedAt: String = "2026-11-20T03:00:00Z", withheld: Bool = false
    ) -> StatisticsPage {
        StatisticsPage(
            generatedAt: generatedAt, cardsIssued: chart("issued"),
            municipalities: [
                StatisticsPage.Municipality(name: name, residents: text, cardsHeld: "<10", rate: "—"),
                StatisticsPage.Municipality(name: "大阪府大阪市", residents: "120", cardsHeld: "84", rate: "70.0%"),
            ],
            returns: chart("returns"), returnReasons: chart("return-reasons"), mykeyTotal: text, mykeyIDs: chart("mykey"),
            campaigns: [
                StatisticsPage.Campaign(
                    name: name, budget: withheld ? nil : chart("budget-round-2"), signUps: text, granted: withheld ? nil : "¥7,500")
            ],
            suspensionCalls: chart("calls"), callOutcomes: chart("call-outcomes"), certificatesExpiring: chart("certificates-expiring"),
            cardsExpiring: chart("cards-expiring"), kioskCertificates: chart("kiosk"), kioskFees: withheld ? nil : text,
            eligibilityChecks: chart("eligibility"))
    }

    static let statistics = statisticsPage()

    /// Every page, in every state worth rendering.
    static let samples: [Sample] = [
        Sample(name: "sign-in waiting", path: "/portal/sign-in", signedIn: false, page: signIn),
        Sample(
            name: "sign-in expired", path: "/portal/sign-in", signedIn: false,
            page: SignInPage(state: .expired, code: "K7Q2-9XMP", pendingID: "pnd-a1b2", validMinutes: 5, expiresAt: "14:05")),
        Sample(
            name: "sign-in locked", path: "/portal/sign-in", signedIn: false,
            page: SignInPage(state: .tooManyAttempts, code: "", pendingID: "", validMinutes: 0, expiresAt: "")),
        Sample(name: "home", path: "/portal", signedIn: true, page: home),
        Sample(
            name: "home empty", path: "/portal", signedIn: true,
            page: HomePage(name: "山田 花子", nameKana: "ヤマダ ハナコ", address: "大阪市", dateOfBirth: "1990年1月1日", sex: .female, dataItems: [])),
        Sample(name: "usage", path: "/portal/usage", signedIn: true, page: usage),
        Sample(name: "usage empty", path: "/portal/usage", signedIn: true, page: UsagePage(provisions: [], staffAccesses: [])),
        Sample(name: "card", path: "/portal/card", signedIn: true, page: card),
        Sample(name: "card none", path: "/portal/card", signedIn: true, page: CardPage(cards: [])),
        Sample(name: "linkages", path: "/portal/linkages", signedIn: true, page: linkages),
        Sample(name: "linkages with errors", path: "/portal/linkages", signedIn: true, page: linkagesWithErrors),
        Sample(name: "notices", path: "/portal/notices", signedIn: true, page: notices),
        Sample(name: "notices empty", path: "/portal/notices", signedIn: true, page: NoticesPage(notices: [])),
        Sample(name: "sessions", path: "/portal/sessions", signedIn: true, page: sessions),
        Sample(name: "consents", path: "/portal/consents", signedIn: true, page: consents),
        Sample(name: "consents empty", path: "/portal/consents", signedIn: true, page: ConsentsPage(consents: [])),
        Sample(name: "refusals", path: "/portal/refusals", signedIn: true, page: refusals),
        Sample(name: "refusals empty", path: "/portal/refusals", signedIn: true, page: RefusalsPage(items: [])),
        Sample(name: "points", path: "/portal/points", signedIn: true, page: points),
        Sample(name: "points none", path: "/portal/points", signedIn: true, page: PointsPage(mykeyID: nil, cards: [], signUps: [])),
        Sample(name: "card return", path: "/portal/card-return", signedIn: true, page: CardReturnPage()),
        Sample(name: "consent screen", path: "/oidc/authorize", signedIn: true, page: consentScreen),
        Sample(name: "error 404", path: "/portal/nowhere", signedIn: false, page: ErrorPage.notFound),
        Sample(
            name: "error custom", path: "/portal/usage/records/x/evidence", signedIn: true,
            page: ErrorPage(statusCode: 409, title: .verbatim("Conflict"), message: .verbatim("Already done."))),
        Sample(name: "statistics", path: "/stats", signedIn: false, page: statistics),
        Sample(name: "statistics withheld", path: "/stats", signedIn: false, page: statisticsPage(withheld: true)),
    ]

    /// Every page again, with hostile text in every caller-supplied string.
    static let hostileSamples: [Sample] = {
        let h = hostile
        return [
            Sample(
                name: "sign-in", path: "/portal/sign-in", signedIn: false,
                page: SignInPage(state: .waiting, code: h, pendingID: h, validMinutes: 5, expiresAt: h)),
            Sample(
                name: "home", path: "/portal", signedIn: true,
                page: HomePage(
                    name: h, nameKana: h, address: h, dateOfBirth: h, sex: .notKnown,
                    dataItems: [
                        HomePage.DataItem(itemLabel: h, providerName: h, updatedAt: h, fields: [HomePage.Field(key: h, value: h)])
                    ])),
            Sample(
                name: "usage", path: "/portal/usage", signedIn: true,
                page: UsagePage(
                    provisions: [
                        UsagePage.ProvisionRow(
                            id: h, date: h, requester: h, provider: h, item: h, task: h, legalBasis: h, outcome: h, logCheck: .failed)
                    ],
                    staffAccesses: [
                        UsagePage.StaffAccessRow(
                            date: h, role: h, office: h, action: h, purpose: h, procedureID: h, logCheck: verified)
                    ])),
            Sample(
                name: "card", path: "/portal/card", signedIn: true,
                page: CardPage(cards: [
                    CardPage.Card(
                        serial: h, status: .suspended, issuedAt: h, validUntil: h,
                        certificates: [CardPage.Certificate(kind: .signature, status: .suspended, validUntil: h, revocationReason: h)])
                ])),
            Sample(
                name: "linkages", path: "/portal/linkages", signedIn: true,
                page: LinkagesPage(
                    account: LinkagesPage.RegisteredAccount(
                        bankCode: h, branchCode: h, accountType: .current, accountNumber: h, holderNameKana: h, registeredAt: h,
                        confirmedBy: .atCounter),
                    accountForm: LinkagesPage.AccountForm(
                        bankCode: h, branchCode: h, accountNumber: h, holderNameKana: h, errors: [.bankCode: .verbatim(h)]),
                    insurance: LinkagesPage.InsuranceLinkage(
                        insurerName: h, insurerNumber: h, symbol: h, number: h, branchNumber: h, linkedAt: h, confirmedBy: .inPortal),
                    insuranceForm: LinkagesPage.InsuranceForm(
                        insurerNumber: h, symbol: h, number: h, branchNumber: h, errors: [.symbol: .verbatim(h)]))),
            Sample(
                name: "notices", path: "/portal/notices", signedIn: true,
                page: NoticesPage(notices: [NoticesPage.Notice(date: h, title: h, body: h)])),
            Sample(
                name: "sessions", path: "/portal/sessions", signedIn: true,
                page: SessionsPage(sessions: [SessionsPage.Session(signedInAt: h, lastSeenAt: h, method: h, network: h, userAgent: h, isThisDevice: true)])),
            Sample(
                name: "consents", path: "/portal/consents", signedIn: true,
                page: ConsentsPage(consents: [
                    ConsentsPage.Consent(id: h, clientName: h, scopes: [.gender], grantedAt: h, expiresAt: h)
                ])),
            Sample(
                name: "refusals", path: "/portal/refusals", signedIn: true,
                page: RefusalsPage(items: [RefusalsPage.Item(item: h, label: h, description: h, state: .refused, since: h)])),
            Sample(
                name: "points", path: "/portal/points", signedIn: true,
                page: PointsPage(
                    mykeyID: h, cards: [PointsPage.MunicipalCard(kind: h, municipality: h, number: h, attachedAt: h)],
                    signUps: [PointsPage.SignUp(
                        campaign: h, provider: h, account: h, confirmation: h, signedUpAt: h, channel: h, grants: [PointsPage.Grant(reward: h, points: h)],
                        total: h)])),
            Sample(
                name: "consent screen", path: "/oidc/authorize", signedIn: true,
                page: ConsentScreen(
                    clientName: h, redirectHost: h,
                    scopes: [ConsentScreen.SharedScope(scope: .address, claims: [ConsentScreen.Claim(kind: .address, value: h)])],
                    expiresAt: h, requestID: h)),
            Sample(
                name: "error", path: "/portal", signedIn: true,
                page: ErrorPage(statusCode: 400, title: .verbatim(h), message: .verbatim(h))),
            Sample(name: "statistics", path: "/stats", signedIn: false, page: statisticsPage(text: h, name: h, generatedAt: h)),
        ]
    }()
}
