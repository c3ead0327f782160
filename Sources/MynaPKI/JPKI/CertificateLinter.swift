import Foundation
public import X509
import _CryptoExtras
import SwiftASN1

/// One broken rule, named so a finding can be traced to the clause it cites.
public struct LintFinding: Sendable, Hashable, CustomStringConvertible {
    public let rule: String
    public let message: String
    public var description: String { "\(rule): \(message)" }
}

/// Checks a card certificate against RFC 5280 and the JPKI profile before the CA key
/// signs it (style.md, after Boulder: lint, record intent, then sign). Every rule has a
/// name; the issuer refuses to sign while any finding remains.
public enum CertificateLinter {
    public static func lint(_ certificate: Certificate, kind: CertificateKind, issuer: CertificateAuthority) -> [LintFinding] {
        var findings: [LintFinding] = []
        func require(_ condition: Bool, _ rule: String, _ message: String) {
            if !condition { findings.append(LintFinding(rule: rule, message: message)) }
        }
        let extensions = certificate.extensions

        // RFC 5280 §4.1.2.1, §4.1.2.2, §4.1.2.5
        require(certificate.version == .v3, "rfc5280.version", "certificates with extensions are v3")
        let serial = Array(certificate.serialNumber.bytes)
        require(!serial.isEmpty && serial.count <= 20, "rfc5280.serial.length", "the serial is 1 to 20 octets")
        require(serial.contains { $0 != 0 } && (serial.first ?? 0x80) < 0x80, "rfc5280.serial.positive", "the serial is a positive integer")
        require(certificate.notValidBefore < certificate.notValidAfter, "rfc5280.validity.order", "notBefore precedes notAfter")
        require(certificate.notValidAfter <= issuer.certificate.notValidAfter, "rfc5280.validity.issuer",
                "the certificate ends no later than its issuer")
        // RFC 5280 §4.1.2.4, §4.2.1.1, §4.2.1.2
        require(certificate.issuer == issuer.name, "rfc5280.issuer", "the issuer name is the CA's subject")
        let aki = try? extensions.authorityKeyIdentifier
        require(aki?.keyIdentifier == issuer.keyIdentifier, "rfc5280.aki", "the authority key identifier names the CA's key")
        require((try? extensions.subjectKeyIdentifier) != nil, "rfc5280.ski", "a subject key identifier is present")
        // RFC 5280 §4.2.1.3, §4.2.1.9: an end entity is no CA
        let keyUsage = extensions[oid: .X509ExtensionID.keyUsage]
        require(keyUsage?.critical == true, "rfc5280.keyusage.critical", "key usage is present and critical")
        if let constraints = try? extensions.basicConstraints, case .isCertificateAuthority = constraints {
            findings.append(LintFinding(rule: "rfc5280.basicconstraints", message: "an end-entity certificate is not a CA"))
        }

        // JPKI profile (domain.md §3)
        require(certificate.signatureAlgorithm == .sha256WithRSAEncryption, "jpki.algorithm", "signed with sha256WithRSAEncryption")
        require(_RSA.Signing.PublicKey(certificate.publicKey)?.keySizeInBits == 2048, "jpki.key", "the key is RSA-2048")
        let usage = (try? extensions.keyUsage) ?? nil
        switch kind {
        case .signature:
            require(usage == KeyUsage(digitalSignature: true, nonRepudiation: true), "jpki.signature.keyusage",
                    "key usage is exactly digitalSignature and nonRepudiation")
        case .authentication:
            require(usage == KeyUsage(digitalSignature: true), "jpki.authentication.keyusage", "key usage is exactly digitalSignature")
        }
        let policies = extensions[oid: CertificatePolicies.oid].flatMap { try? CertificatePolicies($0) }
        require(policies?.policies == [kind.policy], "jpki.policy", "the certificate policy is the \(kind.rawValue) class")
        let aia = (try? extensions.authorityInformationAccess) ?? nil
        require(aia?.contains { $0.method == .ocspServer } == true, "jpki.aia.ocsp", "AuthorityInformationAccess names the OCSP responder")
        let crl = extensions[oid: CRLDistributionPoints.oid].flatMap { try? CRLDistributionPoints($0) }
        require(crl?.uris.isEmpty == false, "jpki.crldp", "a CRL distribution point is present")

        let otherNames: [GeneralName.OtherName] = ((try? extensions.subjectAlternativeNames) ?? nil)?.compactMap {
            if case .otherName(let name) = $0 { name } else { nil }
        } ?? []
        let subjectTypes = certificate.subject.flatMap { $0 }.map(\.type)
        let commonName = certificate.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }?.value.description ?? ""
        require(!commonName.isEmpty && commonName.allSatisfy(\.isNumber), "jpki.subject.cn", "the subject CN is opaque digits, not a name")
        switch kind {
        case .signature:
            require(Set(otherNames.map(\.typeID)) == Set(JPKI.OtherName.all), "jpki.signature.basicfour",
                    "SubjectAltName carries the basic four facts under 1.2.392.200149.8.5.5.1–6")
            require(subjectTypes == [.RDNAttributeType.countryName, .RDNAttributeType.localityName, .RDNAttributeType.localityName,
                                     .RDNAttributeType.commonName], "jpki.signature.subject", "the subject is C, L, L, CN")
        case .authentication:
            require(otherNames.isEmpty && ((try? extensions.subjectAlternativeNames) ?? nil) == nil, "jpki.authentication.nopersonaldata",
                    "the authentication certificate carries no personal data")
            require(subjectTypes == [.RDNAttributeType.countryName, .RDNAttributeType.commonName], "jpki.authentication.subject",
                    "the subject is C and an opaque CN")
        }
        return findings
    }
}
