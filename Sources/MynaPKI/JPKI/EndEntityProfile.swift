public import Foundation
import MynaCore
public import X509
import SwiftASN1

/// What the registry asks the CA to certify for one card. The registry decides; the CA
/// builds exactly this profile, lints it, and signs.
public struct CertificateRequest: Sendable {
    public var kind: CertificateKind
    public var subjectPublicKey: Certificate.PublicKey
    /// The four facts, for a signature certificate only: the authentication certificate
    /// carries no personal data (domain.md §3).
    public var facts: SubscriberFacts?
    public var notBefore: Date
    public var notAfter: Date
    public var serialNumber: Certificate.SerialNumber
    /// The opaque subject CN, `<YYYYMMDDhhmmss><seq5><office id>` (domain.md §3); see
    /// ``EndEntityProfile/opaqueCommonName(issuedAt:sequence:office:)``.
    public var commonName: String

    public init(kind: CertificateKind, subjectPublicKey: Certificate.PublicKey, facts: SubscriberFacts?, notBefore: Date,
                notAfter: Date, serialNumber: Certificate.SerialNumber = SerialNumbers.random(), commonName: String)
    {
        self.kind = kind
        self.subjectPublicKey = subjectPublicKey
        self.facts = facts
        self.notBefore = notBefore
        self.notAfter = notAfter
        self.serialNumber = serialNumber
        self.commonName = commonName
    }
}

/// The card certificate profiles of domain.md §3.
public enum EndEntityProfile {
    /// `YYYYMMDDhhmmss` in Japan time, a 5-digit sequence and the issuing office's id (Myna
    /// uses the municipality code of the counter: UNCONFIRMED, our choice). It names no one.
    public static func opaqueCommonName(issuedAt: Date, sequence: Int, office: String) -> String {
        let seconds = Int(issuedAt.timeIntervalSince1970) + 9 * 3600
        let day = CalendarDate(daysSinceEpoch: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
        let secondOfDay = ((seconds % 86_400) + 86_400) % 86_400
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(day.year, 4) + pad(day.month, 2) + pad(day.day, 2) + pad(secondOfDay / 3600, 2) + pad(secondOfDay / 60 % 60, 2)
            + pad(secondOfDay % 60, 2) + pad(sequence % 100_000, 5) + office
    }

    /// Signature: `C=JP, L=<prefecture>, L=<city>, CN=<opaque>`; authentication: `C=JP, CN=<opaque>`.
    public static func subject(for request: CertificateRequest) throws -> DistinguishedName {
        switch request.kind {
        case .signature:
            guard let facts = request.facts else { throw ProfileError.missingFacts }
            return try DistinguishedName {
                CountryName("JP")
                LocalityName(facts.prefecture)
                LocalityName(facts.city)
                CommonName(request.commonName)
            }
        case .authentication:
            return try DistinguishedName {
                CountryName("JP")
                CommonName(request.commonName)
            }
        }
    }

    public static func extensions(for request: CertificateRequest, issuer: CertificateAuthority, urls: RevocationURLs) throws -> Certificate.Extensions {
        let role = CertificateAuthority.Role(request.kind)
        var extensions = try Certificate.Extensions {
            Critical(request.kind == .signature ? KeyUsage(digitalSignature: true, nonRepudiation: true) : KeyUsage(digitalSignature: true))
            SubjectKeyIdentifier(hash: request.subjectPublicKey)
            AuthorityKeyIdentifier(keyIdentifier: issuer.keyIdentifier)
            AuthorityInformationAccess([.init(method: .ocspServer, location: .uniformResourceIdentifier(urls.ocsp(role)))])
            try CertificatePolicies([request.kind.policy]).makeExtension()
            try CRLDistributionPoints(uris: [urls.crl(role)]).makeExtension()
        }
        if request.kind == .signature {
            guard let facts = request.facts else { throw ProfileError.missingFacts }
            try extensions.append(Certificate.Extension(SubjectAlternativeNames(try basicFourNames(facts)), critical: false))
        } else if request.facts != nil {
            throw ProfileError.personalDataInAuthenticationCertificate
        }
        return extensions
    }

    /// The basic four facts as otherNames under 1.2.392.200149.8.5.5, UTF8String values.
    static func basicFourNames(_ facts: SubscriberFacts) throws -> [GeneralName] {
        let values: [(ASN1ObjectIdentifier, String)] = [
            (JPKI.OtherName.name, facts.name), (JPKI.OtherName.substituteName, facts.name),
            (JPKI.OtherName.sex, String(facts.sex.rawValue)), (JPKI.OtherName.birthDate, facts.jpkiBirthDate),
            (JPKI.OtherName.address, facts.address), (JPKI.OtherName.substituteAddress, facts.address),
        ]
        return try values.map { oid, text in
            .otherName(GeneralName.OtherName(typeID: oid, value: try ASN1Any(erasing: ASN1UTF8String(text))))
        }
    }
}

public enum ProfileError: Error, Sendable, CustomStringConvertible {
    case missingFacts
    case personalDataInAuthenticationCertificate

    public var description: String {
        switch self {
        case .missingFacts: "a signature certificate needs the holder's basic four facts"
        case .personalDataInAuthenticationCertificate: "an authentication certificate carries no personal data"
        }
    }
}
