import Testing
import MynaCard
import MynaCore
@testable import MynaCardEmulator

/// The text-input assist application (券面事項入力補助AP).
@Suite struct TextInputTests {
    /// Splits simple one-byte-tag BER-TLV into (tag, value) pairs.
    func parseTLV(_ bytes: [UInt8]) -> [(UInt8, [UInt8])] {
        var fields: [(UInt8, [UInt8])] = []
        var index = 0
        while index + 1 < bytes.count {
            let tag = bytes[index]
            var length = Int(bytes[index + 1])
            index += 2
            if length == 0x81 { length = Int(bytes[index]); index += 1 }
            else if length == 0x82 { length = Int(bytes[index]) << 8 | Int(bytes[index + 1]); index += 2 }
            fields.append((tag, Array(bytes[index..<min(bytes.count, index + length)])))
            index += length
        }
        return fields
    }

    @Test func myNumberAndBasicFourNeedTheTextInputPIN() throws {
        let reader = CardReader(card: Fixture.card)
        #expect(reader.send(APDU.selectDF(TextInputApplication.aid)).status == .ok)
        #expect(reader.send(APDU.selectEF(0x0001)).status == .ok)
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .securityStatusNotSatisfied)
        #expect(reader.send(APDU.selectEF(0x0002)).status == .ok)
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .securityStatusNotSatisfied)

        #expect(reader.send(APDU.selectEF(0x0011)).status == .ok)
        #expect(reader.send(APDU.verifyStatus).status == StatusWord(0x63, 0xC3))
        #expect(reader.send(APDU.verify(Fixture.authenticationPIN)).status == StatusWord(0x63, 0xC2))
        #expect(reader.send(APDU.verify(Fixture.textInputPIN)).status == .ok)

        _ = reader.send(APDU.selectEF(0x0001))
        let number = reader.readWholeFile()
        #expect(number.status == .ok)
        #expect(number.data == [0x10, 0x0C] + Array(Fixture.textInput.myNumber.unmaskedDigits.utf8))

        _ = reader.send(APDU.selectEF(0x0002))
        let basic = reader.readWholeFile()
        #expect(basic.status == .ok)
        #expect(Array(basic.data.prefix(2)) == [0xFF, 0x20])
        let outer = parseTLV(Array(basic.data.dropFirst()))
        let fields = Dictionary(parseTLV(try #require(outer.first).1), uniquingKeysWith: { a, _ in a })
        #expect(fields[0x33] == [0x01])
        #expect(fields[0x34].map { String(decoding: $0, as: UTF8.self) } == "番号 花子")
        #expect(fields[0x35].map { String(decoding: $0, as: UTF8.self) } == "東京都千代田区千代田1-1")
        #expect(fields[0x36].map { String(decoding: $0, as: UTF8.self) } == "19900401")
        #expect(fields[0x37].map { String(decoding: $0, as: UTF8.self) } == "2")
    }

    @Test func textInputPINIsSeparateFromJPKI() {
        let reader = CardReader(card: Fixture.card)
        _ = reader.send(APDU.selectDF(TextInputApplication.aid))
        _ = reader.send(APDU.selectEF(0x0011))
        _ = reader.send(APDU.verify(Fixture.textInputPIN))
        // The JPKI EF ids do not exist here.
        #expect(reader.send(APDU.selectEF(0x000A)).status == .fileNotFound)
        // Switching to JPKI ends the text-input verification.
        _ = reader.send(APDU.selectDF(JPKIApplication.aid))
        _ = reader.send(APDU.selectDF(TextInputApplication.aid))
        _ = reader.send(APDU.selectEF(0x0001))
        #expect(reader.send(APDU.readBinary(offset: 0)).status == .securityStatusNotSatisfied)
        // A card issued without text-input data has the PIN EF but no data EFs.
        let child = CardReader(card: Fixture.childCard)
        #expect(child.send(APDU.selectDF(TextInputApplication.aid)).status == .ok)
        #expect(child.send(APDU.selectEF(0x0011)).status == .ok)
        #expect(child.send(APDU.selectEF(0x0001)).status == .fileNotFound)
    }
}
