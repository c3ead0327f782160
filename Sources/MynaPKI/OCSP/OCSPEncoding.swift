import Foundation
import SwiftASN1
import X509

/// Object identifiers and DER helpers shared by the OCSP request and response code
/// (RFC 6960 Appendix B.1, the 1998-syntax module, which is EXPLICIT TAGS by default).
enum OCSPDER {
    /// id-pkix-ocsp-basic: `id-pkix-ocsp 1` = 1.3.6.1.5.5.7.48.1.1
    static let idPKIXOCSPBasic: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 1]
    /// id-pkix-ocsp-nonce: `id-pkix-ocsp 2` = 1.3.6.1.5.5.7.48.1.2 (RFC 6960 §4.4.1, RFC 8954)
    static let idPKIXOCSPNonce: ASN1ObjectIdentifier = [1, 3, 6, 1, 5, 5, 7, 48, 1, 2]

    /// Runs a parse, turning whatever swift-asn1 or swift-certificates throws into
    /// `OCSPError.malformed`, so callers see one error type.
    static func parsing<T>(_ what: String, _ body: () throws -> T) throws(OCSPError) -> T {
        do {
            return try body()
        } catch let error as OCSPError {
            throw error
        } catch {
            throw .malformed("\(what): \(error)")
        }
    }

    // MARK: Nodes

    /// The children of a constructed node with the given tag.
    static func children(of node: ASN1Node, _ identifier: ASN1Identifier, _ what: String) throws -> ASN1NodeCollection {
        guard node.identifier == identifier, case .constructed(let nodes) = node.content else {
            throw OCSPError.malformed("\(what): expected \(identifier), found \(node.identifier)")
        }
        return nodes
    }

    /// The next node of a SEQUENCE, which must be there.
    static func next(_ nodes: inout ASN1NodeCollection.Iterator, _ what: String) throws -> ASN1Node {
        guard let node = nodes.next() else { throw OCSPError.malformed("\(what) is missing") }
        return node
    }

    /// The content octets of an INTEGER, exactly as encoded (big-endian two's complement),
    /// checked for X.690 §8.3.2 minimality. Used for serial numbers, which are kept raw.
    static func integerContent(_ node: ASN1Node, _ what: String) throws -> [UInt8] {
        guard node.identifier == .integer, case .primitive(let bytes) = node.content else {
            throw OCSPError.malformed("\(what): expected INTEGER, found \(node.identifier)")
        }
        guard let first = bytes.first else { throw OCSPError.malformed("\(what): INTEGER with no content octets") }
        if let second = bytes.dropFirst().first,
            (first == 0x00 && second & 0x80 == 0) || (first == 0xFF && second & 0x80 != 0)
        {
            throw OCSPError.malformed("\(what): INTEGER not in its shortest form")
        }
        return Array(bytes)
    }

    /// Minimal two's-complement content octets for `bytes` read as a signed big-endian
    /// integer (an empty input is zero).
    static func minimalInteger(_ bytes: [UInt8]) -> [UInt8] {
        var slice = bytes[...]
        while let first = slice.first, let second = slice.dropFirst().first,
            (first == 0x00 && second & 0x80 == 0) || (first == 0xFF && second & 0x80 != 0)
        {
            slice = slice.dropFirst()
        }
        return slice.isEmpty ? [0] : Array(slice)
    }

    static func appendInteger(content: [UInt8], to coder: inout DER.Serializer) {
        coder.appendPrimitiveNode(identifier: .integer) { $0.append(contentsOf: content) }
    }

    /// RFC 5280 §4.1 `Extensions ::= SEQUENCE SIZE (1..MAX) OF Extension`, refusing an
    /// extension that appears twice (RFC 5280 §4.2).
    static func extensions(_ node: ASN1Node, _ what: String) throws -> [Certificate.Extension] {
        let extensions = try DER.sequence(of: Certificate.Extension.self, identifier: .sequence, rootNode: node)
        var seen: Set<ASN1ObjectIdentifier> = []
        for item in extensions where !seen.insert(item.oid).inserted {
            throw OCSPError.malformed("\(what): extension \(item.oid) appears twice")
        }
        return extensions
    }

    // MARK: GeneralizedTime

    /// `date` as a GeneralizedTime in whole seconds, UTC ("YYYYMMDDHHMMSSZ", RFC 5280
    /// §4.1.2.5.2). Fractions are dropped (rounded down) so the encoding depends on the
    /// second only: pre-signed responses stay byte-for-byte reproducible.
    static func generalizedTime(_ date: Date) throws(OCSPError) -> GeneralizedTime {
        let interval = date.timeIntervalSince1970.rounded(.down)
        // Years 1...9999: -62_135_596_800 is 0001-01-01T00:00:00Z, 253_402_300_799 is 9999-12-31T23:59:59Z.
        guard interval.isFinite, interval >= -62_135_596_800, interval <= 253_402_300_799 else {
            throw .invalidTime("\(date)")
        }
        let c = UTCInstant(date)
        do {
            return try GeneralizedTime(
                year: c.year, month: c.month, day: c.dayOfMonth, hours: c.hours, minutes: c.minutes, seconds: c.seconds,
                rawFractionalSeconds: [])
        } catch {
            throw .invalidTime("\(date): \(error)")
        }
    }

    /// The instant a GeneralizedTime (always UTC in DER) names.
    static func date(_ time: GeneralizedTime) throws(OCSPError) -> Date {
        do {
            return try UTCInstant(
                year: time.year, month: time.month, day: time.day, hours: time.hours, minutes: time.minutes, seconds: time.seconds
            ).instant + time.fractionalSeconds
        } catch {
            throw .invalidTime("\(time)")
        }
    }
}
