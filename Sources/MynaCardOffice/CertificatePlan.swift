import Crypto
import Foundation
import MynaCard
import MynaCore
import MynaPKI
import MynaRegistry
import MynaDatabase
import X509

/// The card office's half of certificate issuance: deciding what the CA will certify for
/// a card, and the `card_certificates` rows that tie each serial to its card from before
/// the CA records its intent until the certificate ends.
enum CertificatePlan {
    struct Planned: Sendable {
        let request: CertificateRequest
        let serial: [UInt8]
        /// For a signature certificate: the digest of the facts it carries.
        let factsDigest: [UInt8]?
    }

    /// The requests for a card's keys, for the kinds asked (each marked whether it renews
    /// a live certificate, which runs to the 6th birthday instead of the 5th). A signature
    /// key is refused for a holder under 15, who gets no signature certificate (domain.md §2).
    static func requests(
        for resident: Resident, keys: CardKeys, kinds: [CertificateKind: Bool], issuedOn today: CalendarDate, cardExpiry: CalendarDate,
        at now: Date, on connection: any SQLConnection
    ) async throws -> [Planned] {
        let facts = resident.facts
        if keys.signature != nil, kinds[.signature] != nil, facts.birthDate.age(on: today) < 15 {
            throw CardOfficeError(.signatureKeyNotAllowed, "a holder under 15 gets no signature certificate")
        }
        if let signature = keys.signature, keyHash(signature) == keyHash(keys.authentication) {
            throw CardOfficeError(.keysNotDistinct, "the authentication and signature keys must be two different keys")
        }
        let office = facts.address.municipality.digits
        var planned: [Planned] = []
        for (kind, key) in [(CertificateKind.authentication, keys.authentication), (.signature, keys.signature)] {
            guard let key, let renewal = kinds[kind] else { continue }
            let notAfter = CertificateValidity.notAfter(issued: today, bornOn: facts.birthDate, cardExpiry: cardExpiry, renewal: renewal)
            guard notAfter > now else { throw CardOfficeError(.wrongCardState, "the card has expired") }
            let subscriber = kind == .signature ? try await subscriberFacts(of: resident, on: connection) : nil
            let request = CertificateRequest(
                kind: kind, subjectPublicKey: key, facts: subscriber, notBefore: now, notAfter: notAfter,
                commonName: EndEntityProfile.opaqueCommonName(issuedAt: now, sequence: Int.random(in: 0..<100_000), office: office))
            planned.append(Planned(
                request: request, serial: Array(request.serialNumber.bytes), factsDigest: kind == .signature ? factsDigest(facts) : nil))
        }
        return planned
    }

    /// The facts a signature certificate carries, with the prefecture and city of the
    /// subject's two `L=` names.
    static func subscriberFacts(of resident: Resident, on connection: any SQLConnection) async throws -> SubscriberFacts {
        let facts = resident.facts
        guard let municipality = try await ResidentRegistry.municipality(facts.address.municipality, on: connection) else {
            throw CardOfficeError(.residentNotEligible, "the person's municipality is unknown")
        }
        return SubscriberFacts(
            name: facts.name, address: facts.address.text, birthDate: facts.birthDate, sex: facts.sex,
            prefecture: municipality.prefecture, city: municipality.name)
    }

    /// A digest of the four facts in a signature certificate: when it no longer matches
    /// the registry, the certificate no longer describes its holder and is revoked.
    static func factsDigest(_ facts: BasicInfo) -> [UInt8] {
        let canonical = [facts.name, facts.address.municipality.digits, facts.address.text, facts.birthDate.description, String(facts.sex.rawValue)]
            .joined(separator: "\u{1F}")
        return Array(SHA256.hash(data: Array(canonical.utf8)))
    }

    /// Records the plan, after refusing any key already certified for another card: one
    /// key certified in two people's names (or on two cards) would let either card speak
    /// for the other (issue 14). The same card's key may be certified again (a renewal, a
    /// resumption, a retry after the CA failed).
    static func record(_ planned: [Planned], card: String, resident: Resident, at millis: Int64, on connection: any SQLConnection) async throws {
        for plan in planned {
            let taken = try await connection.first(SQL(
                "SELECT card_id FROM card_certificates WHERE key_hash = ? AND card_id <> ? LIMIT 1",
                [.blob(keyHash(plan.request.subjectPublicKey)), .text(card)]))
            if taken != nil { throw CardOfficeError(.keyAlreadyCertified, "this key is already certified for another card") }
        }
        try await connection.insertMany(
            into: "card_certificates",
            columns: ["serial", "card_id", "resident_id", "kind", "facts_digest", "not_after", "planned_at", "key_hash"],
            rows: planned.map {
                [.blob($0.serial), .text(card), .text(resident.id), .text($0.request.kind.rawValue), $0.factsDigest.map(SQLValue.blob) ?? .null,
                 .integer(Int64($0.request.notAfter.timeIntervalSince1970 * 1000)), .integer(millis),
                 .blob(keyHash($0.request.subjectPublicKey))]
            })
    }

    /// SHA-256 of the key's subjectPublicKey (the SPKI's key bits): equal for the same
    /// key however it was encoded on the way in.
    static func keyHash(_ key: Certificate.PublicKey) -> [UInt8] {
        Array(SHA256.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }

    static func install(_ serials: [[UInt8]], at millis: Int64, on connection: any SQLConnection) async throws {
        for serial in serials {
            try await connection.query(SQL(
                "UPDATE card_certificates SET installed_at = ? WHERE serial = ? AND ended_at IS NULL", [.integer(millis), .blob(serial)]))
        }
    }

    static func end(_ serials: [[UInt8]], reason: String, at millis: Int64, on connection: any SQLConnection) async throws {
        for serial in serials {
            try await connection.query(SQL(
                "UPDATE card_certificates SET ended_at = ?, end_reason = ? WHERE serial = ? AND ended_at IS NULL",
                [.integer(millis), .text(reason), .blob(serial)]))
        }
    }
}

/// Card numbers: 12 characters from Crockford's base-32 alphabet (no I, L, O, U, so no
/// look-alikes when read over the phone), in three groups.
enum CardSerial {
    static func random() -> String { grouped(CrockfordBase32.random(length: 12)) }

    /// The serial as typed by a caller (Crockford's decoding rules), in its printed form.
    static func normalize(_ text: String) -> String? { CrockfordBase32.normalize(text, length: 12).map(grouped) }

    private static func grouped(_ characters: String) -> String {
        let characters = Array(characters)
        return [0, 4, 8].map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }
}
