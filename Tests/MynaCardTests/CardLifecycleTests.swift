import MynaCard
import MynaCore
import Testing

@Suite("Card lifecycle")
struct CardLifecycleTests {
    @Test("the ordinary life of a card")
    func happyPath() {
        var status = CardStatus.applied
        for event: CardEvent in [.issue(identityDocuments: ["運転免許証"]), .suspend, .resume, .renewCertificates, .returnCard(reason: "海外転出")] {
            guard case .success(let next) = CardLifecycle.apply(event, to: status) else {
                Issue.record("\(event) refused from \(status)")
                return
            }
            status = next
        }
        #expect(status == .returned)
    }

    @Test("every step from a wrong state is refused with a stable code")
    func wrongStates() {
        #expect(CardLifecycle.apply(.suspend, to: .applied) == .failure(.notFrom(.applied)))
        #expect(CardLifecycle.apply(.resume, to: .active) == .failure(.notFrom(.active)))
        #expect(CardLifecycle.apply(.issue(identityDocuments: ["x"]), to: .active) == .failure(.notFrom(.active)))
        #expect(CardLifecycle.apply(.renewCertificates, to: .suspended) == .failure(.notFrom(.suspended)))
        for terminal in [CardStatus.abolished, .returned, .expired] {
            for event: CardEvent in [.suspend, .resume, .reportLoss, .returnCard(reason: "x"), .expire, .renewCertificates] {
                #expect(CardLifecycle.apply(event, to: terminal) == .failure(.notFrom(terminal)))
            }
        }
        #expect(CardLifecycle.apply(.issue(identityDocuments: []), to: .applied) == .failure(.identityNotVerified))
        #expect(CardLifecycle.apply(.returnCard(reason: ""), to: .active) == .failure(.reasonRequired))
        #expect(CardTransitionError.notFrom(.active).code == "wrong-card-state")
    }

    @Test("cards last 10 years, 5 under 18, to the birthday")
    func expiry() throws {
        let adult = try CalendarDate(iso: "1985-04-01")
        #expect(CardLifecycle.expiry(issuedOn: try CalendarDate(iso: "2026-11-22"), bornOn: adult) == (try CalendarDate(iso: "2036-04-01")))
        let child = try CalendarDate(iso: "2015-06-10")
        #expect(CardLifecycle.expiry(issuedOn: try CalendarDate(iso: "2026-11-22"), bornOn: child) == (try CalendarDate(iso: "2031-06-10")))
        // Turning 18 before issue makes it 10 years.
        let eighteen = try CalendarDate(iso: "2008-11-21")
        #expect(CardLifecycle.expiry(issuedOn: try CalendarDate(iso: "2026-11-22"), bornOn: eighteen) == (try CalendarDate(iso: "2036-11-21")))
    }

    @Test("renewal opens 3 months before expiry; reissue costs ¥1,000 unless the card expired")
    func renewalAndFees() throws {
        let expiry = try CalendarDate(iso: "2031-05-31")
        #expect(!CardLifecycle.mayRenew(certificateExpiry: expiry, on: try CalendarDate(iso: "2031-02-27")))
        #expect(CardLifecycle.mayRenew(certificateExpiry: expiry, on: try CalendarDate(iso: "2031-02-28")))
        #expect(CardLifecycle.mayRenew(certificateExpiry: expiry, on: expiry))
        #expect(!CardLifecycle.mayRenew(certificateExpiry: expiry, on: try CalendarDate(iso: "2031-06-01")))
        #expect(CardLifecycle.reissueFee(after: .abolished) == 1000)
        #expect(CardLifecycle.reissueFee(after: .expired) == 0)
    }
}

@Suite("PIN rules")
struct PINPolicyTests {
    @Test(arguments: [("ABC123", true), ("ABCDEF", false), ("123456", false), ("AB12", false), ("ABCDEFGH12345678", true),
                      ("ABCDEFGH123456789", false), ("abc123", false), ("ＡＢＣ１２３", false), ("ABC 123", false)])
    func signaturePassword(pin: String, valid: Bool) {
        #expect((PINKind.signature.validate(pin) == nil) == valid)
    }

    @Test(arguments: [("1234", true), ("0000", true), ("123", false), ("12345", false), ("12a4", false), ("１２３４", false)])
    func fourDigitPINs(pin: String, valid: Bool) {
        for kind in [PINKind.authentication, .residentRegistry, .textInput] {
            #expect((kind.validate(pin) == nil) == valid)
        }
    }

    @Test func triesAndSecrecy() {
        #expect(PINKind.signature.maximumTries == 5)
        #expect(PINKind.authentication.maximumTries == 3)
        #expect(PINKind.textInput.maximumTries == 3)
        let message = PINKind.authentication.validate("12x4").map(\.description) ?? ""
        #expect(message == "the PIN must use digits only")  // the rule, never the PIN
    }
}
