import Crypto
import Foundation
import MynaCard
import MynaCore
@testable import MynaCardEmulator

/// Shared test material. Key generation is slow in debug builds, so cards are generated
/// once and copied (`VirtualCard` is a value).
enum Fixture {
    static let authenticationPIN = "1234"
    static let signaturePIN = "ABC123"
    static let textInputPIN = "5678"

    static let authenticationCertificate = deterministicBytes(count: 1_530, seed: 1)
    static let signatureCertificate = deterministicBytes(count: 1_712, seed: 2)
    static let authenticationCA = deterministicBytes(count: 901, seed: 3)
    static let signatureCA = deterministicBytes(count: 955, seed: 4)

    static let textInput = try! TextInputData(
        myNumber: IndividualNumber(base: 12_345_678_901),
        basicInfo: BasicInfo(
            name: "番号 花子", nameKana: "バンゴウ ハナコ",
            address: Address(municipality: MunicipalityCode("131016"), text: "東京都千代田区千代田1-1"),
            birthDate: CalendarDate(year: 1990, month: 4, day: 1), sex: .female
        )
    )

    /// A card with both keys, no certificates installed.
    static let blankCard: VirtualCard = try! VirtualCard.new(
        pins: [.authentication: authenticationPIN, .signature: signaturePIN, .textInput: textInputPIN],
        textInput: textInput
    )

    /// `blankCard` with all four certificates installed.
    static let card: VirtualCard = {
        var card = blankCard
        try! card.install(certificate: authenticationCertificate, for: .authentication)
        try! card.install(certificate: signatureCertificate, for: .signature)
        try! card.installCA(certificate: authenticationCA, for: .authentication)
        try! card.installCA(certificate: signatureCA, for: .signature)
        return card
    }()

    /// A card for a holder under 15: no signature PIN, so no signature key.
    static let childCard: VirtualCard = try! VirtualCard.new(
        pins: [.authentication: "0000", .textInput: "1111"]
    )

    static func deterministicBytes(count: Int, seed: UInt64) -> [UInt8] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// A counter store of its own, so tests sharing a fixture card (one chip id) never
    /// share a counter record.
    static func counters() throws -> CardCounterStore {
        CardCounterStore(directory: try temporaryDirectory().appendingPathComponent("state"))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("myna-card-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// APDU builders, spelled as the card notes spell them.
enum APDU {
    static func selectDF(_ aid: [UInt8]) -> [UInt8] { [0x00, 0xA4, 0x04, 0x0C, UInt8(aid.count)] + aid }
    static func selectEF(_ id: UInt16) -> [UInt8] { [0x00, 0xA4, 0x02, 0x0C, 0x02, UInt8(id >> 8), UInt8(id & 0xFF)] }
    static func readBinary(offset: Int, le: UInt8 = 0x00) -> [UInt8] {
        [0x00, 0xB0, UInt8(offset >> 8), UInt8(offset & 0xFF), le]
    }
    static func verify(_ pin: String) -> [UInt8] {
        let bytes = Array(pin.utf8)
        return [0x00, 0x20, 0x00, 0x80, UInt8(bytes.count)] + bytes
    }
    static let verifyStatus: [UInt8] = [0x00, 0x20, 0x00, 0x80]
    static func changePIN(new pin: String) -> [UInt8] {
        let bytes = Array(pin.utf8)
        return [0x00, 0x24, 0x01, 0x80, UInt8(bytes.count)] + bytes
    }
    static func computeSignature(_ digestInfo: [UInt8]) -> [UInt8] {
        [0x80, 0x2A, 0x00, 0x80, UInt8(digestInfo.count)] + digestInfo + [0x00]
    }

    /// SHA-256 DigestInfo: the fixed DER prefix, then the hash.
    static let sha256DigestInfoPrefix: [UInt8] = [
        0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20,
    ]
    static func sha256DigestInfo(_ message: [UInt8]) -> [UInt8] {
        sha256DigestInfoPrefix + Array(SHA256.hash(data: message))
    }
}

extension CardReader {
    /// Sends a command and splits the answer into data and status word.
    func send(_ command: [UInt8]) -> (data: [UInt8], status: StatusWord) {
        let response = transmit(command)
        return (Array(response.dropLast(2)), StatusWord(response: response)!)
    }

    /// Reads the selected EF to its end in 256-byte chunks, by offset.
    func readWholeFile() -> (data: [UInt8], status: StatusWord) {
        var contents: [UInt8] = []
        while true {
            let (chunk, status) = send(APDU.readBinary(offset: contents.count))
            guard status == .ok else { return (contents, contents.isEmpty ? status : .ok) }
            contents += chunk
            if chunk.count < 256 { return (contents, .ok) }
        }
    }
}
