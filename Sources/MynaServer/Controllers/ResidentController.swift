import Foundation
import Hummingbird
import MynaCardOffice
import MynaCore
import MynaRegistry

/// The counter's resident API. Reads and changes of one resident need the session's
/// open procedure for that resident; registration and search come before there is one.
struct ResidentController {
    let registry: Registry
    /// When cards are served: a change of the four facts revokes the signature
    /// certificate at once (the sweep is the safety net, not the path).
    let cards: CardOffice?
    var residents: ResidentRegistry { registry.residents }

    /// The card office follows a change to the person's record before the counter sees
    /// the answer.
    private func followed(_ resident: Resident) async throws -> ResidentView {
        try await cards?.followRecord(of: resident.id)
        return ResidentView(resident)
    }

    func register(staff: RouterGroup<StaffContext>, book: EndpointBook) {
        book.on(staff, .post, "/v1/residents") { request, context in
            try context.require(.register)
            let body = try await request.decodeJSON(as: RegisterBody.self, context: context)
            guard body.address.municipalityCode == context.session.member.municipality else {
                throw Problem(.forbidden, code: "outside-jurisdiction", detail: "residents are registered at their own municipality's counter")
            }
            let facts: BasicInfo
            do throws(FactError) {
                facts = try BasicInfo(
                    name: body.name, nameKana: body.nameKana,
                    address: try Address(municipality: body.address.municipalityCode, text: body.address.text),
                    birthDate: body.birthDate, sex: body.sex)
            } catch {
                throw Problem(.unprocessableContent, code: "invalid-facts", detail: error.description)
            }
            let registered = try await residents.register(
                facts, by: context.session.actorOutsideProcedure, reason: try Self.reason(body.reason ?? "registration"))
            RegistryMetrics.residentsRegistered.increment()
            return JSONResponse(status: .created, value: RegisteredResidentView(
                resident: ResidentView(registered.resident), individualNumber: registered.number.unmaskedDigits))
        }
        // Search is a POST so that names and birth dates travel in the body, never in a
        // URL that proxies and access logs keep.
        book.on(staff, .post, "/v1/residents/search") { request, context in
            try context.require(.search)
            let body = try await request.decodeJSON(as: SearchBody.self, context: context)
            // Code points, as the document's maxLength counts them.
            for text in [body.name, body.nameKana, body.address].compactMap({ $0 }) where text.unicodeScalars.count > 200 {
                throw Problem(.unprocessableContent, code: "invalid-field", detail: "search fields are at most 200 characters")
            }
            let results = try await residents.search(
                ResidentQuery(name: body.name, nameKana: body.nameKana, birthDate: body.birthDate, sex: body.sex, address: body.address),
                within: context.session.member.municipality, by: context.session.actorOutsideProcedure)
            return JSONResponse(value: SearchResultsView(results: results.map { result in
                SearchResultView(
                    match: result.isFullMatch ? "full" : "partial", residentId: result.resident.id,
                    matchedFacts: result.matchedFacts.map(\.rawValue),
                    unmatchedFacts: BasicInfo.Fact.allCases.filter { !result.matchedFacts.contains($0) }.map(\.rawValue),
                    // A partial match shows no record: the clerk checks the person's
                    // documents and opens a procedure, which shows and records the rest.
                    resident: result.isFullMatch ? ResidentView(result.resident) : nil)
            }))
        }
        // The number a resident shows on their card, to find their record: in the body,
        // like search, so it never sits in a URL. The answer is only the id; the record
        // itself is read inside a procedure.
        book.on(staff, .post, "/v1/residents/lookup") { request, context in
            try context.require(.search)
            let body = try await request.decodeJSON(as: LookupBody.self, context: context)
            let resident = try await residents.lookUp(
                body.individualNumber, within: context.session.member.municipality, by: context.session.actorOutsideProcedure)
            return JSONResponse(value: LookupView(residentId: resident.id))
        }
        book.on(staff, .get, "/v1/residents/{id}") { _, context in
            let (id, procedure) = try context.residentInProcedure()
            return JSONResponse(value: ResidentView(try await residents.resident(id, by: context.session.actor, purpose: procedure.purpose)))
        }
        book.on(staff, .patch, "/v1/residents/{id}") { request, context in
            try context.require(.changeResident)
            let (id, _) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: ChangeFactsBody.self, context: context)
            guard body.name != nil || body.nameKana != nil || body.address != nil else {
                throw Problem(.unprocessableContent, code: "nothing-to-change", detail: "give name, nameKana or address")
            }
            return JSONResponse(value: try await followed(try await residents.changeFacts(
                of: id, name: body.name, nameKana: body.nameKana, addressText: body.address,
                by: context.session.actor, reason: try Self.reason(body.reason), within: context.session.member.municipality)))
        }
        book.on(staff, .get, "/v1/residents/{id}/number") { _, context in
            let (id, procedure) = try context.residentInProcedure()
            let number = try await residents.number(of: id, by: context.session.actor, purpose: procedure.purpose)
            RegistryMetrics.numbersDisclosed.increment()
            return JSONResponse(value: NumberView(residentId: id, individualNumber: number.unmaskedDigits))
        }
        book.on(staff, .post, "/v1/residents/{id}/move-out") { request, context in
            try context.require(.changeResident)
            let (id, _) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: MoveOutBody.self, context: context)
            return JSONResponse(value: ResidentView(try await residents.moveOut(
                id, to: body.destinationMunicipalityCode, on: body.date, by: context.session.actor, reason: try Self.reason(body.reason),
                within: context.session.member.municipality)))
        }
        book.on(staff, .post, "/v1/residents/{id}/move-in") { request, context in
            try context.require(.changeResident)
            let (id, _) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: MoveInBody.self, context: context)
            return JSONResponse(value: try await followed(try await residents.moveIn(
                id, addressText: body.address, on: body.date, by: context.session.actor, reason: try Self.reason(body.reason),
                within: context.session.member.municipality)))
        }
        book.on(staff, .post, "/v1/residents/{id}/death") { request, context in
            try context.require(.changeResident)
            let (id, _) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: DeathBody.self, context: context)
            return JSONResponse(value: try await followed(try await residents.recordDeath(
                of: id, on: body.date, by: context.session.actor, reason: try Self.reason(body.reason),
                within: context.session.member.municipality)))
        }
        book.on(staff, .post, "/v1/residents/{id}/number-change") { request, context in
            try context.require(.changeNumber)
            let (id, _) = try context.residentInProcedure()
            let body = try await request.decodeJSON(as: NumberChangeBody.self, context: context)
            let changed = try await residents.changeNumber(
                of: id, authority: body.authority, by: context.session.actor, reason: try Self.reason(body.reason),
                within: context.session.member.municipality)
            RegistryMetrics.numbersChanged.increment()
            return JSONResponse(value: RegisteredResidentView(resident: ResidentView(changed.resident), individualNumber: changed.number.unmaskedDigits))
        }
        book.on(staff, .get, "/v1/residents/{id}/history") { _, context in
            let (id, purpose) = try context.residentInProcedureOrAudit()
            return JSONResponse(value: HistoryView(residentId: id, entries: try await residents.history(of: id, by: context.session.actor, purpose: purpose)))
        }
        book.on(staff, .get, "/v1/residents/{id}/access-records") { request, context in
            let (id, purpose) = try context.residentInProcedureOrAudit()
            let limit = try request.integerQuery("limit", in: 1...1000) ?? 100
            let before = try request.integerQuery("before", in: 1...Int.max)
            return JSONResponse(value: AccessRecordsView(
                residentId: id, records: try await residents.accessRecords(of: id, by: context.session.actor, purpose: purpose, limit: limit, before: before)))
        }
    }

    private static func reason(_ text: String) throws -> String { try Reason.validated(text) }
}
