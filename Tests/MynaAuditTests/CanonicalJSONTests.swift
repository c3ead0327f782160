import Foundation
import Testing

@testable import MynaAudit

/// Records already in a log were committed over JSONSerialization's bytes; the canonical
/// writer must reproduce them exactly, or those records would stop verifying.
@Suite("Canonical record bytes")
struct CanonicalJSONTests {
    static func foundationBytes(_ fields: [(key: String, value: CanonicalJSON.Value)]) throws -> [UInt8] {
        var object: [String: Any] = [:]
        for (key, value) in fields {
            switch value {
            case .string(let string): object[key] = string
            case .integer(let integer): object[key] = integer
            case .null: object[key] = NSNull()
            }
        }
        return Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
    }

    @Test("matches JSONSerialization for record-shaped objects with awkward strings")
    func matchesFoundation() throws {
        let awkward = [
            "", "plain", "児童手当法による児童手当の支給に関する事務（所得の確認）", "quote \" and backslash \\", "slash / stays",
            "line\nbreak\ttab\r", "\u{0}\u{1}\u{8}\u{C}\u{1F}\u{7F}", "emoji 🪪 and 〒100-0001", "refused:not-on-allow-list",
        ]
        var generator = SystemRandomNumberGenerator()
        for round in 0..<500 {
            let string = awkward[round % awkward.count] + String(round)
            let fields: [(key: String, value: CanonicalJSON.Value)] = [
                ("kind", .string("provision-record")), ("id", .integer(Int64(round))), ("residentId", round % 3 == 0 ? .null : .string(string)),
                ("requesterId", .string(awkward[(round + 1) % awkward.count])), ("providerId", .null), ("item", .string(string)),
                ("requestedAt", .integer(Int64.random(in: 0...Int64(1) << 45, using: &generator))), ("providedAt", .integer(-1)),
                ("undisclosedUntil", .null), ("actorKind", .string("staff")), ("occurredAt", .integer(Int64.max)),
            ]
            #expect(CanonicalJSON.object(fields) == (try Self.foundationBytes(fields)), "round \(round)")
        }
    }

    @Test("orders keys by their bytes and writes no whitespace")
    func ordering() {
        let bytes = CanonicalJSON.object([("b", .integer(2)), ("a", .string("x")), ("aa", .null)])
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":"x","aa":null,"b":2}"#)
    }
}
