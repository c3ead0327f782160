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
        let seconds = Int64(interval)
        let (days, secondOfDay) = seconds.floorDividedBy(86_400)
        let (year, month, day) = civil(fromDays: days)
        do {
            return try GeneralizedTime(
                year: year, month: month, day: day,
                hours: Int(secondOfDay / 3600), minutes: Int(secondOfDay % 3600 / 60), seconds: Int(secondOfDay % 60),
                rawFractionalSeconds: [])
        } catch {
            throw .invalidTime("\(date): \(error)")
        }
    }

    /// The instant a GeneralizedTime (always UTC in DER) names.
    static func date(_ time: GeneralizedTime) -> Date {
        let days = daysFromCivil(year: Int64(time.year), month: Int64(time.month), day: Int64(time.day))
        let seconds = days * 86_400 + Int64(time.hours) * 3600 + Int64(time.minutes) * 60 + Int64(time.seconds)
        return Date(timeIntervalSince1970: Double(seconds) + time.fractionalSeconds)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (H. Hinnant's civil_from_days).
    static func civil(fromDays days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

extension Int64 {
    /// Quotient rounded toward negative infinity and the matching non-negative remainder.
    fileprivate func floorDividedBy(_ divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let remainder = self % divisor
        return remainder < 0 ? (self / divisor - 1, remainder + divisor) : (self / divisor, remainder)
    }
}
