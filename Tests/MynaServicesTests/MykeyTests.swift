import Foundation
import MynaCardOffice
import MynaCore
import MynaPortal
import MynaRegistry
import MynaServices
import MynaTestSupport
import Testing

@Suite("Mykey platform")
struct MykeyTests {
    @Test("one Mykey ID per person, proven by the card, kept across a new card; municipal cards attach to it", arguments: DatabaseKind.available)
    func mykey(kind: DatabaseKind) async throws {
        try await withServices(kind) { portal in
            let mykey = portal.services.mykey
            var holder = try await TestCardHolder.issue(by: portal.office)
            func proven(_ holder: inout TestCardHolder) async throws -> String {
                let challenge = try await portal.portal.signIn.challenge(for: .mykey, audience: .portal)
                return try await portal.portal.signIn.cardHolder(
                    answering: challenge.id, for: .mykey, audience: .portal, certificateDER: try #require(holder.issued.authentication),
                    signature: try #require(try holder.authenticate(challenge.signingInput)), source: "test")
            }
            let resident = try await proven(&holder)
            #expect(resident == holder.residentID)
            let (id, created) = try await mykey.mykeyID(for: resident)
            #expect(created && id.count == 8 && id.utf8.allSatisfy { CrockfordBase32.alphabet.contains($0) })
            #expect(try await mykey.mykeyID(for: resident) == (id, false))

            // The card is lost and replaced: a new certificate, a new serial — the same Mykey ID.
            let chiyoda = try MunicipalityCode("131016")
            let clerk = RegistryActor.staff(id: "clerk-1", procedureID: "procedure-1")
            _ = try await portal.office.reportLoss(holder.card.id, reason: "紛失", by: clerk, within: chiyoda)
            var replacement = try await TestCardHolder.reissue(to: holder, by: portal.office)
            #expect(replacement.issued.authentication != holder.issued.authentication)
            #expect(try await mykey.mykeyID(for: try await proven(&replacement)).id == id)
            // The lost card proves nothing any more.
            await #expect(throws: PortalError.self) { _ = try await proven(&holder) }

            let library = try await mykey.attach(.library, municipality: chiyoda, number: "LIB-0042", for: resident)
            _ = try await mykey.attach(.library, municipality: chiyoda, number: "LIB-0043", for: resident)  // replaces it
            _ = try await mykey.attach(.volunteer, municipality: chiyoda, number: "V7", for: resident)
            #expect(library.number == "LIB-0042")
            #expect(try await mykey.cards(of: id).map(\.number) == ["LIB-0043", "V7"])
            await expectServiceError(.invalidMunicipalCard) { _ = try await mykey.attach(.library, municipality: chiyoda, number: "<script>", for: resident) }
        }
    }
}
