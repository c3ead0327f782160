import Testing
import MynaCard
import MynaCore
@testable import MynaCardEmulator

/// Any byte string gets a status word; nothing traps.
@Suite struct FuzzTests {
    static let knownStatusFirstBytes: Set<UInt8> = [0x90, 0x63, 0x65, 0x67, 0x69, 0x6A, 0x6B, 0x6D, 0x6E]

    func check(_ response: [UInt8], for command: [UInt8]) {
        #expect(response.count >= 2, "command \(command)")
        if let status = StatusWord(response: response) {
            #expect(Self.knownStatusFirstBytes.contains(status.sw1), "command \(command) → \(status)")
            if status != .ok { #expect(response.count == 2, "data only with 90 00") }
        }
    }

    @Test func randomAPDUs() {
        var generator = SplitMix64(seed: 0x4D59_4E41)
        let reader = CardReader(card: Fixture.card)
        let interesting: [UInt8] = [0x00, 0x80, 0xA4, 0xB0, 0x20, 0x24, 0x2A, 0x02, 0x04, 0x0C, 0xFF]
        for round in 0..<5_000 {
            // Half fully random, half built from plausible bytes so deeper paths are reached.
            let length = Int.random(in: 0...300, using: &generator)
            var command: [UInt8] = (0..<length).map { _ in
                round.isMultiple(of: 2) ? UInt8.random(in: .min ... .max, using: &generator)
                    : interesting.randomElement(using: &generator)!
            }
            if round % 7 == 0, command.count > 5 {
                command[4] = UInt8(truncatingIfNeeded: command.count - 5)  // a consistent Lc
            }
            if round % 50 == 0 { _ = reader.transmit(APDU.selectDF(JPKIApplication.aid)) }
            check(reader.transmit(command), for: command)
        }
    }

    @Test func allTruncationsOfValidAPDUs() {
        let valid: [[UInt8]] = [
            APDU.selectDF(JPKIApplication.aid),
            APDU.selectDF(TextInputApplication.aid),
            APDU.selectEF(0x000A),
            APDU.readBinary(offset: 0x0100),
            APDU.verify(Fixture.signaturePIN),
            APDU.verify("0000"),
            APDU.changePIN(new: "ABCDEF12"),
            APDU.computeSignature(APDU.sha256DigestInfo([1, 2, 3])),
            [0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00],  // extended Le
            [0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x0A] + JPKIApplication.aid,  // extended Lc
        ]
        var count = 0
        for reader in [CardReader(card: Fixture.card), CardReader(card: Fixture.childCard)] {
            for setup in [[], [APDU.selectDF(JPKIApplication.aid), APDU.selectEF(0x001B)],
                          [APDU.selectDF(JPKIApplication.aid), APDU.selectEF(0x0017)]] {
                for command in setup { _ = reader.transmit(command) }
                for apdu in valid {
                    for length in 0...apdu.count {
                        let truncated = Array(apdu.prefix(length))
                        check(reader.transmit(truncated), for: truncated)
                        count += 1
                    }
                }
            }
        }
        #expect(count > 500)
    }

    @Test func extendedAPDUsAreParsed() {
        #expect(CommandAPDU([0x00, 0xB0, 0x00, 0x00, 0x00, 0x01, 0x00])?.le == 256)
        #expect(CommandAPDU([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00])?.le == 65536)
        #expect(CommandAPDU([0x00, 0xA4, 0x02, 0x0C, 0x00, 0x00, 0x02, 0x00, 0x06])?.data == [0x00, 0x06])
        #expect(CommandAPDU([0x00, 0xA4, 0x02, 0x0C, 0x00, 0x00]) == nil)
        #expect(CommandAPDU([0x00, 0xA4, 0x02, 0x0C, 0x02, 0x00, 0x06, 0x00])?.le == 256)
        let reader = CardReader(card: Fixture.card)
        _ = reader.send([0x00, 0xA4, 0x04, 0x0C, 0x00, 0x00, 0x0A] + JPKIApplication.aid)
        _ = reader.send(APDU.selectEF(0x000A))
        let whole = reader.send([0x00, 0xB0, 0x00, 0x00, 0x00, 0x00, 0x00])
        #expect(whole == (Fixture.authenticationCertificate, .ok))
    }
}
