public import SwiftASN1
public import X509

/// Object identifiers and names of the JPKI profile (公的個人認証サービス), domain.md §3.
public enum JPKI {
    /// The arc under which JPKI puts the basic four facts in SubjectAltName otherNames:
    /// `.1` name, `.2` substitute-character name, `.3` sex, `.4` birth date (era digit +
    /// YYYYMMDD), `.5` address, `.6` substitute-character address.
    public enum OtherName {
        public static let name: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 5, 1]
        public static let substituteName: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 5, 2]
        public static let sex: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 5, 3]
        public static let birthDate: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 5, 4]
        public static let address: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 5, 5]
        public static let substituteAddress: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 5, 6]
        public static let all = [name, substituteName, sex, birthDate, address, substituteAddress]
    }

    /// Certificate policies: signature class 20 and user-authentication class 30.
    public enum Policy {
        public static let signature: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 1, 1, 20]
        public static let authentication: ASN1ObjectIdentifier = [1, 2, 392, 200_149, 8, 5, 1, 3, 30]
    }

    /// The J-LIS organisational unit every JPKI CA name carries.
    public static let agency = "Japan Agency for Local Authority Information Systems"
}

/// The two kinds of certificate on a My Number card.
public enum CertificateKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 署名用電子証明書 — carries the basic four facts; the legal equivalent of a
    /// registered seal (実印). Key usage nonRepudiation + digitalSignature.
    case signature
    /// 利用者証明用電子証明書 — proves "the holder is here" and carries no personal data.
    case authentication

    /// The issuing CA's organisational unit (domain.md §3).
    public var issuingUnit: String {
        switch self {
        case .signature: "JPKI for digital signature"
        case .authentication: "JPKI for user authentication"
        }
    }

    public var policy: ASN1ObjectIdentifier {
        switch self {
        case .signature: JPKI.Policy.signature
        case .authentication: JPKI.Policy.authentication
        }
    }

    /// `C=JP, O=JPKI, OU=<unit>, OU=Japan Agency for Local Authority Information Systems`.
    public var issuingCAName: DistinguishedName {
        get throws {
            try DistinguishedName {
                CountryName("JP")
                OrganizationName("JPKI")
                OrganizationalUnitName(issuingUnit)
                OrganizationalUnitName(JPKI.agency)
            }
        }
    }
}
