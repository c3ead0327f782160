import Foundation
import Hummingbird
import MynaAudit
import MynaCard
import MynaCardOffice
import MynaCore
import MynaLinkage
import MynaOIDC
import MynaPKI
import MynaPortal
import MynaPortalPages
import MynaRegistry
import MynaServices

/// Mynaportal's pages (server-rendered, no JavaScript): sign-in by a code the card
/// approves, then the resident's own information, who used it, the card, consents to
/// apps, refusals and what returning the card means. Every POST carries the session's
/// CSRF token; every page goes out under a strict Content-Security-Policy.
struct PortalController {
    let portal: Portal
    let linkage: LinkageHub?
    let log: TransparencyLog?
    let oidc: OIDCProvider?
    let services: Services?
    let renderer: PortalRenderer

    /// A request inside the portal: the visitor's session (made on first sight), language
    /// and path.
    struct Visit {
        let token: String
        let session: PortalSession
        let language: PortalLanguage
        let path: String
        let query: String?
        var setCookie: [Cookie]

        func layout(residentName: String? = nil, flash: FlashMessage? = nil) -> LayoutContext {
            LayoutContext(
                language: language, currentPath: path, currentQuery: query, signedIn: session.signedIn, residentName: residentName,
                csrfToken: session.csrfToken, flash: flash)
        }
    }

    func register(router: Router<MynaRequestContext>) {
        router.get("/portal/static/portal.css") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/css; charset=utf-8"
            headers[.cacheControl] = "public, max-age=3600"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: PortalRenderer.stylesheet)))
        }
        router.get("/portal/sign-in") { request, context in
            try await page(request) { visit in try await signInPage(visit, request: request, device: SignInDevice(address: context.clientAddress, userAgent: request.headers[.userAgent])) }
        }
        router.get("/portal/sign-in/wait") { request, _ in try await page(request) { visit in try await wait(visit, request: request) } }
        router.post("/portal/sign-out") { request, _ in
            try await form(request) { visit, _ in
                try await portal.sessions.end(visit.token, reason: "signed-out")
                return PortalHTML.seeOther("/portal/sign-in", setCookie: [PortalCookie.clear])
            }
        }
        router.get("/portal") { request, _ in try await residentPage(request) { visit, resident in try await home(visit, resident) } }
        router.get("/portal/usage") { request, _ in try await residentPage(request) { visit, resident in try await usage(visit, resident) } }
        router.get("/portal/usage/records/{id}/evidence") { request, context in
            try await residentPage(request) { _, resident in
                guard let linkage, let log else { throw Problem(.notFound, code: "not-found", detail: "no such resource") }
                let evidence = try await LogController.evidence(of: context.parameters.get("id"), for: resident.id, linkage: linkage, log: log)
                var response = try JSONResponse(value: evidence).response(from: request, context: context)
                response.headers[.contentDisposition] = "attachment; filename=\"evidence-\(context.parameters.get("id") ?? "record").json\""
                return response
            }
        }
        router.get("/portal/card") { request, _ in try await residentPage(request) { visit, resident in try await card(visit, resident) } }
        router.get("/portal/notices") { request, _ in try await residentPage(request) { visit, resident in try await notices(visit, resident) } }
        router.get("/portal/consents") { request, _ in try await residentPage(request) { visit, resident in try await consents(visit, resident) } }
        router.get("/portal/sessions") { request, _ in try await residentPage(request) { visit, resident in try await sessions(visit, resident) } }
        router.post("/portal/sessions/sign-out-everywhere") { request, _ in
            try await form(request, signedIn: true) { visit, _ in
                guard let residentID = visit.session.residentID else { return PortalHTML.seeOther("/portal/sign-in") }
                try await portal.sessions.endAll(of: residentID)
                return PortalHTML.seeOther("/portal/sign-in", setCookie: [PortalCookie.clear])
            }
        }
        router.post("/portal/consents/{id}/revoke") { request, context in
            try await form(request, signedIn: true) { visit, _ in
                guard let oidc, let residentID = visit.session.residentID, let id = context.parameters.get("id") else {
                    return PortalHTML.seeOther("/portal/consents")
                }
                try await oidc.revokeConsent(id, of: residentID)
                return PortalHTML.seeOther("/portal/consents")
            }
        }
        router.get("/portal/refusals") { request, _ in try await residentPage(request) { visit, resident in try await refusals(visit, resident) } }
        router.get("/portal/points") { request, _ in try await residentPage(request) { visit, resident in try await points(visit, resident) } }
        router.post("/portal/refusals") { request, _ in
            try await form(request, signedIn: true) { visit, fields in
                guard let linkage, let residentID = visit.session.residentID, let item = fields["item"].flatMap(DataItem.init(rawValue:)) else {
                    return PortalHTML.seeOther("/portal/refusals")
                }
                if fields["action"] == "withdraw" {
                    try await linkage.withdrawRefusal(item, for: residentID, by: .resident(id: residentID))
                } else {
                    try await linkage.refuse(item, for: residentID, by: .resident(id: residentID))
                }
                return PortalHTML.seeOther("/portal/refusals")
            }
        }
        router.get("/portal/linkages") { request, _ in try await residentPage(request) { visit, resident in try await linkages(visit, resident) } }
        router.post("/portal/linkages/account") { request, _ in
            try await form(request, signedIn: true) { visit, fields in
                try await submitAccount(visit, fields)
            }
        }
        router.post("/portal/linkages/insurance") { request, _ in
            try await form(request, signedIn: true) { visit, fields in
                try await submitInsurance(visit, fields)
            }
        }
        router.get("/portal/**") { request, _ in
            try await page(request) { visit in try errorPage(visit, status: 404, .notFound) }
        }
        router.get("/portal/card-return") { request, _ in
            try await residentPage(request) { visit, resident in
                PortalHTML.response(try renderer.render(CardReturnPage(), layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
            }
        }
    }

    // MARK: Sign-in

    private func signInPage(_ visit: Visit, request: Request, device: SignInDevice) async throws -> Response {
        // Signed in already: straight on — unless the app asked for a fresh sign-in (prompt=login, max_age).
        if visit.session.signedIn, request.uri.queryParameters.get("reauth") == nil {
            return PortalHTML.seeOther(CardSignIn.localPath(request.uri.queryParameters.get("return_to").map { String($0) } ?? "") ?? "/portal")
        }
        let pending = try await portal.signIn.begin(for: visit.token, returnTo: request.uri.queryParameters.get("return_to").map { String($0) }, device: device)
        return PortalHTML.response(try renderer.render(
            SignInPage(
                state: .waiting, code: pending.code, pendingID: pending.id, validMinutes: Int(CardSignIn.codeLifetime / 60_000),
                expiresAt: PortalFormat.time(pending.expiresAt, visit.language)),
            layout: visit.layout()), setCookie: visit.setCookie)
    }

    /// The page refreshes itself here while the card has not approved; once it has, the
    /// session is replaced and the browser goes where it was going.
    private func wait(_ visit: Visit, request: Request) async throws -> Response {
        guard let id = request.uri.queryParameters.get("pending").map({ String($0) }) else { return PortalHTML.seeOther("/portal/sign-in") }
        do {
            guard let done = try await portal.signIn.complete(id, sessionToken: visit.token) else {
                return PortalHTML.response(try renderer.render(
                    SignInPage(state: .waiting, code: "", pendingID: id, validMinutes: Int(CardSignIn.codeLifetime / 60_000), expiresAt: ""),
                    layout: visit.layout()), setCookie: visit.setCookie)
            }
            return PortalHTML.seeOther(done.returnTo ?? "/portal", setCookie: [PortalCookie.set(done.token)])
        } catch let error as PortalError where error.code == .challengeExpired || error.code == .challengeUsed {
            return PortalHTML.response(try renderer.render(
                SignInPage(state: .expired, code: "", pendingID: id, validMinutes: Int(CardSignIn.codeLifetime / 60_000), expiresAt: ""),
                layout: visit.layout()), status: .gone, setCookie: visit.setCookie)
        }
    }

    // MARK: The resident's pages

    private func home(_ visit: Visit, _ resident: Resident) async throws -> Response {
        let facts = resident.facts
        let items = try await linkage?.items(of: resident.id) ?? []
        let page = HomePage(
            name: facts.name, nameKana: facts.nameKana, address: facts.address.text, dateOfBirth: PortalFormat.day(facts.birthDate, visit.language),
            sex: PortalFormat.sex(facts.sex),
            dataItems: items.map { item in
                HomePage.DataItem(
                    itemLabel: PortalFormat.item(item.item, visit.language), providerName: item.provider.name,
                    updatedAt: PortalFormat.time(item.updatedAt, visit.language), fields: PortalFormat.fields(item.value))
            })
        return PortalHTML.response(try renderer.render(page, layout: visit.layout(residentName: facts.name)), setCookie: visit.setCookie)
    }

    private func usage(_ visit: Visit, _ resident: Resident) async throws -> Response {
        var provisions: [UsagePage.ProvisionRow] = []
        for record in try await linkage?.records(of: resident.id, limit: 200) ?? [] {
            let check = try await log?.check(kind: ProvisionRecords.logKind, recordID: record.id, record: record.canonicalBytes, salt: record.salt)
            let names = try await agencyNames([record.requesterID] + (record.providerID.map { [$0] } ?? []))
            provisions.append(UsagePage.ProvisionRow(
                id: String(record.id), date: PortalFormat.time(record.requestedAt, visit.language), requester: names[record.requesterID] ?? record.requesterID,
                provider: record.providerID.map { names[$0] ?? $0 } ?? "—", item: DataItem(rawValue: record.item).map { PortalFormat.item($0, visit.language) } ?? record.item,
                task: record.task, legalBasis: record.legalBasis ?? "—", outcome: PortalFormat.outcome(record.outcome, visit.language),
                logCheck: PortalFormat.logCheck(check)))
        }
        var accesses: [UsagePage.StaffAccessRow] = []
        // Every access but the person's own: staff, oversight, agencies, apps (each
        // committed to the log) and Myna's own acts (recorded, not logged).
        let others = Set(ActorKind.allCases).subtracting([.resident])
        let records = try await portal.registry.residents.accessRecords(
            of: resident.id, by: .resident(id: resident.id), purpose: "the resident's own view", limit: 200, kinds: others)
        let names = try await agencyNames(records.filter { $0.actorKind == .agency }.map(\.actorID))
        for record in records {
            let check = try await record.salt.asyncMap { salt in
                try await log?.check(kind: AccessRecord.logKind, recordID: record.id, record: record.canonicalBytes, salt: salt)
            }
            let office = switch record.actorKind {
            case .staff: record.procedureID == nil ? "—" : PortalFormat.counter(visit.language)
            case .agency: names[record.actorID] ?? record.actorID
            case .app: record.actorID
            case .oversight, .system, .resident: "—"
            }
            accesses.append(UsagePage.StaffAccessRow(
                date: PortalFormat.time(record.occurredAt, visit.language), role: PortalFormat.actor(record.actorKind, visit.language),
                office: office, action: record.action.rawValue, purpose: record.purpose, procedureID: record.procedureID ?? "—",
                logCheck: !record.actorKind.isLogged ? .notLogged : record.salt == nil ? .notYetLogged : PortalFormat.logCheck(check ?? nil)))
        }
        return PortalHTML.response(
            try renderer.render(UsagePage(provisions: provisions, staffAccesses: accesses), layout: visit.layout(residentName: resident.facts.name)),
            setCookie: visit.setCookie)
    }

    private func card(_ visit: Visit, _ resident: Resident) async throws -> Response {
        var cards: [CardPage.Card] = []
        for card in try await portal.cards.cards(of: resident.id) {
            let certificates = try await portal.cards.certificates(of: card.id).map { certificate in
                CardPage.Certificate(
                    kind: certificate.kind == .signature ? .signature : .userAuthentication,
                    status: PortalFormat.certificateStatus(certificate, card: card.status, now: Date()),
                    validUntil: PortalFormat.time(certificate.notAfter, visit.language), revocationReason: certificate.endReason)
            }
            cards.append(CardPage.Card(
                serial: card.serial, status: PortalFormat.cardStatus(card.status), issuedAt: card.issuedOn?.description ?? "—",
                validUntil: card.expiresOn?.description ?? "—", certificates: certificates))
        }
        return PortalHTML.response(try renderer.render(CardPage(cards: cards), layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
    }

    private func notices(_ visit: Visit, _ resident: Resident) async throws -> Response {
        var notices: [NoticesPage.Notice] = []
        for consent in try await oidc?.consents(of: resident.id) ?? [] {
            notices.append(NoticesPage.Notice(
                date: PortalFormat.time(consent.revokedAt ?? consent.grantedAt, visit.language),
                title: PortalFormat.consentNoticeTitle(revoked: consent.revokedAt != nil, visit.language),
                body: "\(consent.clientName): \(consent.scopes.joined(separator: ", "))"))
        }
        for record in try await portal.registry.residents.accessRecords(of: resident.id, by: .resident(id: resident.id), purpose: "the resident's own notices", limit: 200)
        where record.action == .appDisclosure {
            notices.append(NoticesPage.Notice(
                date: PortalFormat.time(record.occurredAt, visit.language), title: PortalFormat.disclosureNoticeTitle(visit.language), body: record.purpose))
        }
        // Every sign-in leaves a notice, with how and from where: one the resident did not
        // make is seen here (and ended at /portal/sessions).
        for signIn in try await portal.sessions.signIns(of: resident.id, limit: 100) {
            notices.append(NoticesPage.Notice(
                date: PortalFormat.time(signIn.signedInAt, visit.language), title: PortalFormat.signInNoticeTitle(visit.language),
                body: PortalFormat.signIn(signIn, visit.language)))
        }
        for record in try await linkage?.records(of: resident.id, limit: 200) ?? [] {
            guard let until = record.undisclosedUntil else { continue }
            notices.append(NoticesPage.Notice(
                date: PortalFormat.time(until, visit.language), title: PortalFormat.withheldNoticeTitle(visit.language),
                body: "\(record.task) — \(record.legalBasis ?? "")"))
        }
        notices.sort { $0.date > $1.date }
        return PortalHTML.response(try renderer.render(NoticesPage(notices: notices), layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
    }

    private func sessions(_ visit: Visit, _ resident: Resident) async throws -> Response {
        let this = PortalSessions.listID(ofToken: visit.token)
        let page = SessionsPage(sessions: try await portal.sessions.active(of: resident.id).map { record in
            SessionsPage.Session(
                signedInAt: PortalFormat.time(record.signedInAt, visit.language), lastSeenAt: PortalFormat.time(record.lastSeenAt, visit.language),
                method: PortalFormat.signInMethod(record.method, visit.language), network: record.device.network, userAgent: record.device.userAgent,
                isThisDevice: record.id == this)
        })
        return PortalHTML.response(try renderer.render(page, layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
    }

    private func consents(_ visit: Visit, _ resident: Resident) async throws -> Response {
        let live = try await oidc?.consents(of: resident.id).filter { $0.revokedAt == nil && $0.expiresAt > Date() } ?? []
        let page = ConsentsPage(consents: live.map { consent in
            ConsentsPage.Consent(
                id: consent.id, clientName: consent.clientName,
                scopes: Array(Set(consent.scopes.compactMap { $0.hasPrefix("self:") ? .selfInformation : OIDCScope(rawValue: $0) })).sorted { $0.rawValue < $1.rawValue },
                grantedAt: PortalFormat.time(consent.grantedAt, visit.language), expiresAt: PortalFormat.time(consent.expiresAt, visit.language))
        })
        return PortalHTML.response(try renderer.render(page, layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
    }

    private func points(_ visit: Visit, _ resident: Resident) async throws -> Response {
        let language = visit.language
        var page = PointsPage(mykeyID: nil, cards: [], signUps: [])
        if let services, let mykeyID = try await services.mykey.existingID(for: resident.id) {
            page.mykeyID = mykeyID
            page.cards = try await services.mykey.cards(of: mykeyID).map { card in
                PointsPage.MunicipalCard(
                    kind: PortalFormat.municipalCard(card.kind, language),
                    municipality: MunicipalityDirectory.named(card.municipality).map { $0.prefecture + $0.name } ?? card.municipality.digits,
                    number: card.number, attachedAt: PortalFormat.time(card.attachedAt, language))
            }
            for signUp in try await services.mynapoint.signUps(of: resident.id) {
                page.signUps.append(PointsPage.SignUp(
                    campaign: (try? await services.mynapoint.campaign(signUp.campaignID).name) ?? signUp.campaignID, provider: signUp.providerName,
                    account: signUp.providerAccount, confirmation: signUp.confirmation, signedUpAt: PortalFormat.time(signUp.signedUpAt, language),
                    channel: signUp.channel == "card" ? PortalFormat.card(language) : PortalFormat.counter(language),
                    grants: Campaign.Reward.Kind.allCases.compactMap { kind in
                        signUp.granted[kind].map { PointsPage.Grant(reward: PortalFormat.reward(kind, language), points: PortalFormat.yen($0)) }
                    },
                    total: PortalFormat.yen(signUp.totalGranted)))
            }
        }
        return PortalHTML.response(try renderer.render(page, layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
    }

    private func refusals(_ visit: Visit, _ resident: Resident) async throws -> Response {
        let refused = Dictionary(try await linkage?.refusals(of: resident.id).map { ($0.item, $0.refusedAt) } ?? []) { first, _ in first }
        let items = (linkage?.allowList.refusableItems ?? []).sorted { $0.rawValue < $1.rawValue }.map { item in
            RefusalsPage.Item(
                item: item.rawValue, label: PortalFormat.item(item, visit.language), state: refused[item] == nil ? .allowed : .refused,
                since: refused[item].map { PortalFormat.time($0, visit.language) })
        }
        return PortalHTML.response(try renderer.render(RefusalsPage(items: items), layout: visit.layout(residentName: resident.facts.name)), setCookie: visit.setCookie)
    }

    private func linkages(
        _ visit: Visit, _ resident: Resident, accountForm: LinkagesPage.AccountForm = .init(), insuranceForm: LinkagesPage.InsuranceForm = .init(),
        flash: FlashMessage? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let account = try await portal.linkages.account(of: resident.id).map { registered in
            LinkagesPage.RegisteredAccount(
                bankCode: registered.details.bankCode, branchCode: registered.details.branchCode,
                accountType: registered.details.accountType == .current ? .current : .ordinary, accountNumber: registered.details.accountNumber,
                holderNameKana: registered.details.holderKana, registeredAt: PortalFormat.time(registered.registeredAt, visit.language),
                confirmedBy: registered.confirmedBy == "portal" ? .inPortal : .atCounter)
        }
        let insurance = try await portal.linkages.insurance(of: resident.id).map { linked in
            LinkagesPage.InsuranceLinkage(
                insurerName: linked.providerName ?? "—", insurerNumber: linked.details.insurerNumber, symbol: linked.details.symbol,
                number: linked.details.number, branchNumber: linked.details.branchNumber, linkedAt: PortalFormat.time(linked.registeredAt, visit.language),
                confirmedBy: linked.confirmedBy == "portal" ? .inPortal : .atCounter)
        }
        let page = LinkagesPage(account: account, accountForm: accountForm, insurance: insurance, insuranceForm: insuranceForm)
        return PortalHTML.response(
            try renderer.render(page, layout: visit.layout(residentName: resident.facts.name, flash: flash)), status: status, setCookie: visit.setCookie)
    }

    /// A refused registration comes back as the form, filled in as sent, with the reason
    /// next to the field it concerns; the confirmation is asked again, never pre-answered.
    private func submitAccount(_ visit: Visit, _ fields: [String: String]) async throws -> Response {
        guard let residentID = visit.session.residentID else { return PortalHTML.seeOther("/portal/sign-in") }
        let resident = try await ownRecord(residentID)
        var form = LinkagesPage.AccountForm(
            bankCode: fields["bankCode"] ?? "", branchCode: fields["branchCode"] ?? "",
            accountType: fields["accountType"] == "current" ? .current : (fields["accountType"] == "ordinary" ? .ordinary : nil),
            accountNumber: fields["accountNumber"] ?? "", holderNameKana: fields["holderNameKana"] ?? "")
        do {
            let account = try PublicFundAccount(
                bankCode: form.bankCode, branchCode: form.branchCode, accountType: form.accountType == .current ? .current : .ordinary,
                accountNumber: form.accountNumber, holderKana: form.holderNameKana)
            try await portal.linkages.registerAccount(account, for: residentID, confirmed: Self.answer(fields["confirm"]), by: .resident(residentID))
            try await services?.mynapoint.claimLinkageRewards(residentID)  // round 2's reward, if the resident joined it
            return PortalHTML.seeOther("/portal/linkages")
        } catch let error as PortalError {
            let field: LinkagesPage.AccountForm.Field = switch error.code {
            case .holderNameMismatch: .holderNameKana
            case .confirmationRequired: .confirmation
            default: .accountNumber
            }
            form.errors[field] = .verbatim(PortalFormat.refusal(error, visit.language))
            return try await linkages(visit, resident, accountForm: form, status: .unprocessableContent)
        }
    }

    private func submitInsurance(_ visit: Visit, _ fields: [String: String]) async throws -> Response {
        guard let residentID = visit.session.residentID else { return PortalHTML.seeOther("/portal/sign-in") }
        let resident = try await ownRecord(residentID)
        var form = LinkagesPage.InsuranceForm(
            insurerNumber: fields["insurerNumber"] ?? "", symbol: fields["symbol"] ?? "", number: fields["number"] ?? "",
            branchNumber: fields["branchNumber"] ?? "")
        do {
            let identifiers = try InsuranceIdentifiers(
                insurerNumber: form.insurerNumber, symbol: form.symbol, number: form.number, branchNumber: form.branchNumber.isEmpty ? nil : form.branchNumber)
            try await portal.linkages.linkInsurance(identifiers, for: residentID, confirmed: Self.answer(fields["confirm"]), by: .resident(residentID))
            try await services?.mynapoint.claimLinkageRewards(residentID)
            return PortalHTML.seeOther("/portal/linkages")
        } catch let error as PortalError {
            form.errors[error.code == .confirmationRequired ? .confirmation : .insurerNumber] = .verbatim(PortalFormat.refusal(error, visit.language))
            return try await linkages(visit, resident, insuranceForm: form, status: .unprocessableContent)
        }
    }

    static func answer(_ value: String?) -> Bool? {
        switch value {
        case "yes": true
        case "no": false
        default: nil
        }
    }

    private func ownRecord(_ residentID: String) async throws -> Resident {
        try await portal.registry.residents.ownRecord(residentID)
    }

    private func agencyNames(_ ids: [String]) async throws -> [String: String] {
        guard let linkage else { return [:] }
        var names: [String: String] = [:]
        for id in Set(ids) { names[id] = try await linkage.agencies.agency(id)?.name }
        return names
    }

    // MARK: Plumbing

    /// Runs a page for any visitor, starting a session for a new one.
    func page(_ request: Request, _ body: (Visit) async throws -> Response) async throws -> Response {
        let visit = try await self.visit(request)
        do {
            return try await body(visit)
        } catch let error as PortalError where error.code == .tooManyAttempts {
            return try errorPage(visit, status: 429, .tooManyRequests)
        } catch let problem as Problem {
            return try errorPage(visit, status: Int(problem.status.code), problem.status == .notFound ? .notFound : .badRequest)
        }
    }

    /// Runs a page for the signed-in resident; anyone else goes to sign-in and comes back.
    func residentPage(_ request: Request, _ body: (Visit, Resident) async throws -> Response) async throws -> Response {
        try await page(request) { visit in
            guard let residentID = visit.session.residentID else {
                let back = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return PortalHTML.seeOther("/portal/sign-in?return_to=" + FormURLEncoded.encodeComponent(back), setCookie: visit.setCookie)
            }
            return try await body(visit, try await ownRecord(residentID))
        }
    }

    /// Runs a form POST: the session's CSRF token must come with it (else 403, nothing done).
    func form(_ request: Request, signedIn: Bool = false, _ body: (Visit, [String: String]) async throws -> Response) async throws -> Response {
        let visit = try await self.visit(request)
        let buffer = try await request.body.collect(upTo: 64 << 10)
        guard let fields = try? FormURLEncoded.parameters(String(buffer: buffer)),
            PortalSessions.csrfMatches(fields["csrf"] ?? "", visit.session), !signedIn || visit.session.signedIn
        else { return try errorPage(visit, status: 403, .forbidden) }
        return try await body(visit, fields)
    }

    private func visit(_ request: Request) async throws -> Visit {
        let (language, languageCookie) = PortalLanguageChoice.of(request)
        if let token = PortalCookie.token(in: request), (16...64).contains(token.utf8.count), token.utf8.allSatisfy(Base64URL.isAlphabet) {
            // A session, or a visitor whose cookie names none: nothing is written for them.
            let session = try await portal.sessions.session(for: token) ?? portal.sessions.visitor(token)
            return Visit(token: token, session: session, language: language, path: request.uri.path, query: request.uri.query, setCookie: languageCookie)
        }
        let token = Base64URL.randomToken()
        return Visit(
            token: token, session: portal.sessions.visitor(token), language: language, path: request.uri.path, query: request.uri.query,
            setCookie: languageCookie + [PortalCookie.set(token)])
    }

    func errorPage(_ visit: Visit, status: Int, _ page: ErrorPage) throws -> Response {
        PortalHTML.response(
            try renderer.render(page, layout: visit.layout()), status: HTTPResponse.Status(code: status), setCookie: visit.setCookie)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
