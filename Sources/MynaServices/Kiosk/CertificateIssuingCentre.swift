public import Crypto
public import Foundation
public import MynaCardOffice
public import MynaCore
public import MynaLinkage
import MynaPDF
public import MynaRegistry
public import MynaDatabase

/// The certificate issuing centre (証明書交付センター, domain.md §7): a kiosk in a
/// convenience store sends the card's answer (made with the 4-digit PIN) and what it
/// wants printed; the centre checks the card, asks the municipality's register, and
/// returns a sealed PDF of the certificate of residence (住民票の写し).
///
/// Built against the wrong-certificate incidents (§8):
/// - The person printed is the card's holder, found from the card's answer. Nothing in a
///   request names a person, so no request can print someone else's record.
/// - Every request is its own transaction, keyed by the kiosk and its request id. The PDF
///   is made inside it and leaves only after the commit, so two requests in the same
///   second share nothing, and a retry of a lost answer gets the same certificate.
/// - A request that runs past its deadline is aborted whole: the transaction rolls back,
///   nothing is issued, no fee is recorded. Nothing is released half-way (Yokohama, 2023).
/// - The same code runs on every server; a request's state is only in the database
///   (Takamatsu, 2024).
public struct CertificateIssuingCentre: Sendable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// 住民票の写し (本人のみ).
        case residence
    }

    /// What a kiosk asks for.
    public struct Request: Sendable, Hashable {
        /// The kiosk's id for the request: a retry uses the same one.
        public let requestID: String
        public let storeCode: String
        public let kind: Kind
        /// The card's answer to a challenge, made with the PIN: it alone says whose
        /// certificate is printed. (世帯主 and 続柄, which a kiosk may offer to include, are
        /// always left out: Myna's register has no households yet — docs/services.md.)
        public let challengeID: String
        public let certificateDER: [UInt8]
        public let signature: [UInt8]

        public init(requestID: String, storeCode: String, kind: Kind, challengeID: String, certificateDER: [UInt8], signature: [UInt8]) throws(ServiceError) {
            guard SpendingReport.isToken(requestID), (1...16).contains(storeCode.utf8.count), storeCode.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) })
            else { throw ServiceError(.invalidCertificateRequest, "a request has a requestId (1–64 printable ASCII) and a store code (1–16 digits or capitals)") }
            (self.requestID, self.storeCode, self.kind, self.challengeID, self.certificateDER, self.signature) =
                (requestID, storeCode, kind, challengeID, certificateDER, signature)
        }

        /// What makes a retry the same request.
        var digest: [UInt8] { Array(SHA256.hash(data: Array([requestID, storeCode, kind.rawValue, challengeID].joined(separator: "\u{1F}").utf8))) }
    }

    /// A certificate issued.
    public struct Issued: Sendable, Hashable {
        public let id: String
        public let verificationCode: String
        public let issueNumber: String
        public let kind: Kind
        public let municipalityCode: String
        public let feeYen: Int
        public let issuedAt: Date
        public let pdf: [UInt8]
        /// True when this answers a retry of a request already issued.
        public let replayed: Bool
    }

    /// When kiosks may print (domain.md §7): 06:30–23:00, Japan time, closed 29 December to
    /// 3 January.
    public enum ServiceHours: Sendable, Hashable {
        case convenienceStore
        /// For demonstrations and tests that run at any hour.
        case always

        public func isOpen(at instant: Date) -> Bool {
            guard self == .convenienceStore else { return true }
            let day = CalendarDate(inJapanAt: instant)
            if (day.month == 12 && day.day >= 29) || (day.month == 1 && day.day <= 3) { return false }
            let seconds = (Int(instant.timeIntervalSince1970) + 9 * 3600) % 86_400
            return seconds >= 6 * 3600 + 30 * 60 && seconds < 23 * 3600
        }
    }

    /// The fee for a certificate of residence at a kiosk. Municipalities set their own
    /// (commonly ¥200–¥300); ¥200 is Myna's choice (UNCONFIRMED as a national figure).
    public static let feeYen = 200
    /// How long a request may take, from the card's check to the commit.
    public static let defaultDeadline: Duration = .seconds(10)

    let registry: Registry
    /// Who held the card that answered (the card side's challenges).
    let cardAnswers: any CardAnswers
    let clock: WallClock
    let sealKey: P256.Signing.PrivateKey
    /// Where the printed verification code can be checked, e.g. `https://myna.example/v1/certificates/verifications`.
    let verificationBaseURL: String
    let hours: ServiceHours
    let deadline: Duration
    /// A pause between the steps — a slow printer line in tests of the deadline.
    let stepPause: Duration

    public init(
        registry: Registry, cardAnswers: any CardAnswers, clock: WallClock, sealKey: P256.Signing.PrivateKey, verificationBaseURL: String,
        hours: ServiceHours = .convenienceStore, deadline: Duration = Self.defaultDeadline, stepPause: Duration = .zero
    ) {
        (self.registry, self.cardAnswers, self.clock, self.sealKey, self.verificationBaseURL, self.hours, self.deadline, self.stepPause) =
            (registry, cardAnswers, clock, sealKey, verificationBaseURL, hours, deadline, stepPause)
    }

    var database: any Database { registry.database }
    public var publicKey: P256.Signing.PublicKey { sealKey.publicKey }

    /// Issues the certificate the request asks for, to the card's holder — or returns the
    /// one issued before under the same request id.
    public func issue(_ request: Request, by kiosk: Agency, source: String) async throws -> Issued {
        guard kiosk.type == .certificateKiosk else { throw ServiceError(.invalidCertificateRequest, "only a registered kiosk prints certificates") }
        let earlier = try await issued(kiosk: kiosk.id, requestID: request.requestID)
        // No shortcut for the very same bytes again: a retry, too, carries a fresh answer of
        // the card (below). A replay of a recorded request holds an answer already used, so it
        // gets no certificate — whoever captured the bytes never has the card (issue 14).
        let started = ContinuousClock.now
        guard earlier != nil || hours.isOpen(at: clock.now) else {
            throw ServiceError(.kioskClosed, "certificates are printed from 06:30 to 23:00, except 29 December to 3 January")
        }
        // The card's answer to this kiosk's own challenge for this certificate: an answer
        // made for anything else — a portal sign-in above all — is refused here.
        let holder = try await cardAnswers.cardHolder(
            answering: request.challengeID, for: .kioskCertificate, audience: .party(id: kiosk.id, name: kiosk.name),
            details: [("certificate-kind", request.kind.rawValue)], certificateDER: request.certificateDER, signature: request.signature, source: source)
        if let earlier {
            // A retry with a fresh answer: the same certificate, but only to the same card holder
            // for the same thing — a kiosk that reuses a request id never prints the last
            // customer's certificate for the next (the incidents of §8).
            guard earlier.residentID == holder, earlier.storeCode == request.storeCode, earlier.issued.kind == request.kind else {
                throw ServiceError(.requestIDReused, "request \(request.requestID) was made before for another card or certificate")
            }
            return earlier.issued
        }
        try await pause()
        let issuedAt = clock.now
        let id = "C" + CrockfordBase32.random(length: 15)
        let code = Self.newVerificationCode()
        let issueNumber = Self.issueNumber(at: issuedAt)
        do {
            return try await database.transaction { connection in
                let resident = try await registry.residents.resident(
                    holder, on: connection, recording: .certificateIssue, by: .agency(id: kiosk.id), purpose: "住民票の写しのコンビニ交付")
                guard resident.status == .registered, let municipality = MunicipalityDirectory.named(resident.facts.address.municipality) else {
                    throw ServiceError(.residentNotRegistered, "the card's holder is not registered as a resident; the municipality issues no certificate of residence")
                }
                let becameResident = try await becameResidentOn(holder, fallback: resident.createdAt, on: connection)
                try await pause()
                let pdf = try Self.render(
                    resident.facts, municipality: municipality, becameResidentOn: becameResident, issuedAt: issuedAt, issueNumber: issueNumber, code: code,
                    storeCode: request.storeCode, verificationURL: "\(verificationBaseURL)/\(code)", sealKey: sealKey)
                try await pause()
                try await connection.query(SQL(
                    """
                    INSERT INTO kiosk_certificates (id, kiosk_id, request_id, request_digest, resident_id, municipality_code, kind, store_code,
                        issue_number, verification_code, fee_yen, pdf, pdf_sha256, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                    [.text(id), .text(kiosk.id), .text(request.requestID), .blob(request.digest), .text(holder), .text(municipality.code.digits),
                     .text(request.kind.rawValue), .text(request.storeCode), .text(issueNumber), .text(code), .integer(Int64(Self.feeYen)), .blob(pdf),
                     .blob(Array(SHA256.hash(data: pdf))), .integer(Int64(issuedAt.timeIntervalSince1970 * 1000))]))
                // The last thing before the commit: past the deadline, the whole request goes.
                guard ContinuousClock.now - started < deadline else {
                    throw ServiceError(.kioskTimeout, "the request took too long and was aborted; nothing was issued — try again")
                }
                return Issued(
                    id: id, verificationCode: code, issueNumber: issueNumber, kind: request.kind, municipalityCode: municipality.code.digits,
                    feeYen: Self.feeYen, issuedAt: issuedAt, pdf: pdf, replayed: false)
            }
        } catch StoreError.uniqueViolation {
            // The same request raced itself from two servers: the one that committed answers.
            guard let earlier = try await issued(kiosk: kiosk.id, requestID: request.requestID), earlier.residentID == holder,
                earlier.storeCode == request.storeCode
            else { throw ServiceError(.requestIDReused, "request \(request.requestID) was made at the same time for another card") }
            return earlier.issued
        }
    }

    private func pause() async throws {
        if stepPause > .zero { try await Task.sleep(for: stepPause) }
    }

    private struct EarlierRequest {
        let issued: Issued
        let digest: [UInt8]
        let residentID: String
        let storeCode: String
    }

    private func issued(kiosk: String, requestID: String) async throws -> EarlierRequest? {
        try await database.read { connection in
            guard let row = try await connection.first(SQL(
                "SELECT * FROM kiosk_certificates WHERE kiosk_id = ? AND request_id = ?", [.text(kiosk), .text(requestID)]))
            else { return nil }
            return EarlierRequest(
                issued: try Self.issued(from: row, replayed: true), digest: try row.bytes("request_digest"), residentID: try row.string("resident_id"),
                storeCode: try row.string("store_code"))
        }
    }

    static func issued(from row: SQLRow, replayed: Bool) throws -> Issued {
        Issued(
            id: try row.string("id"), verificationCode: try row.string("verification_code"), issueNumber: try row.string("issue_number"),
            kind: Kind(rawValue: try row.string("kind")) ?? .residence, municipalityCode: try row.string("municipality_code"), feeYen: Int(try row.int("fee_yen")),
            issuedAt: Date(milliseconds: try row.int("issued_at")), pdf: try row.bytes("pdf"), replayed: replayed)
    }

    /// 住民となった年月日: the day of the newest registration or move-in in the history.
    private func becameResidentOn(_ residentID: String, fallback: Date, on connection: any SQLConnection) async throws -> CalendarDate {
        CalendarDate(inJapanAt: try await ResidentRegistry.becameResidentAt(residentID, on: connection) ?? fallback)
    }

    // MARK: Verification

    /// What the public learns from a verification code: that the certificate exists, what
    /// it is, who certified it and when, and the digest of the file — enough to compare
    /// with the paper or the PDF in hand, nothing about the person beyond what they hold.
    public struct Verification: Sendable, Hashable {
        public let verificationCode: String
        public let kind: Kind
        public let municipalityCode: String
        public let municipalityName: String
        public let issuedAt: Date
        public let pdfSHA256: String
        /// Set when a PDF was checked: its seal verified and matches this record.
        public let sealVerified: Bool
    }

    /// The size in bytes of one printed certificate as kept for verification (0 before
    /// the first): what each print adds to the database.
    public func storedCertificateSize() async throws -> Int {
        try await database.read { Int(try await $0.first("SELECT length(pdf) AS n FROM kiosk_certificates")?.int("n") ?? 0) }
    }

    public func verification(code: String) async throws -> Verification {
        let normalised = code.uppercased()
        guard normalised.utf8.count <= 24, let row = try await database.read({ try await $0.first(SQL(
            "SELECT verification_code, kind, municipality_code, issued_at, pdf_sha256 FROM kiosk_certificates WHERE verification_code = ?",
            [.text(normalised)])) })
        else { throw ServiceError(.unknownVerificationCode, "no certificate was issued with that verification code") }
        let municipality = try row.string("municipality_code")
        return Verification(
            verificationCode: normalised, kind: Kind(rawValue: try row.string("kind")) ?? .residence, municipalityCode: municipality,
            municipalityName: (try? MunicipalityCode(municipality)).flatMap(MunicipalityDirectory.named).map { $0.prefecture + $0.name } ?? municipality,
            issuedAt: Date(milliseconds: try row.int("issued_at")), pdfSHA256: Base64URL.encode(try row.bytes("pdf_sha256")), sealVerified: false)
    }

    /// Checks a PDF: its seal with the centre's key, its bytes against the seal, and the
    /// seal's code against the record of issue.
    public func verify(pdf: [UInt8]) async throws -> Verification {
        let claims = try Self.verifyOffline(pdf: pdf, publicKey: publicKey)
        let record = try await verification(code: claims.code)
        guard record.pdfSHA256 == CertificateSeal.digest(pdf) else {
            throw ServiceError(.sealInvalid, "the file differs from the certificate issued under its code")
        }
        return Verification(
            verificationCode: record.verificationCode, kind: record.kind, municipalityCode: record.municipalityCode, municipalityName: record.municipalityName,
            issuedAt: record.issuedAt, pdfSHA256: record.pdfSHA256, sealVerified: true)
    }

    /// The offline check, with nothing but the file and the published key: the seal
    /// verifies and covers every other byte of the file.
    public static func verifyOffline(pdf: [UInt8], publicKey: P256.Signing.PublicKey) throws -> CertificateSeal.Claims {
        let extracted: (signedBytes: [UInt8], seal: [UInt8])
        do { extracted = try PDFDigitalSeal.extract(from: pdf) } catch { throw ServiceError(.sealInvalid, "the file carries no certificate seal") }
        let seal = try CertificateSeal(verifying: String(decoding: extracted.seal, as: UTF8.self), with: publicKey)
        guard seal.claims.sha == CertificateSeal.digest(extracted.signedBytes) else {
            throw ServiceError(.sealInvalid, "the file was changed after it was sealed")
        }
        return seal.claims
    }

    // MARK: Rendering

    static func render(
        _ facts: BasicInfo, municipality: Municipality, becameResidentOn: CalendarDate, issuedAt: Date, issueNumber: String, code: String, storeCode: String,
        verificationURL: String, sealKey: P256.Signing.PrivateKey
    ) throws -> [UInt8] {
        let seconds = (Int(issuedAt.timeIntervalSince1970) + 9 * 3600) % 86_400
        let certificate = CertificateOfResidence(
            resident: .init(
                name: facts.name, furigana: facts.nameKana, birthDate: facts.birthDate, sex: facts.sex == .female ? .female : .male,
                address: facts.address.text, becameResidentOn: becameResidentOn, headOfHousehold: nil, relationshipToHead: nil),
            issuer: .init(mayorTitle: municipality.prefecture + municipality.name + "長", mayorName: "", sealText: municipality.name + "長之印"),
            issuedAt: try PDFDate(date: CalendarDate(inJapanAt: issuedAt), hour: seconds / 3600, minute: seconds / 60 % 60, second: seconds % 60),
            issueNumber: issueNumber, verificationCode: try VerificationCode(code), verificationURL: verificationURL,
            channel: .convenienceStore(storeCode: storeCode))
        let document = try CertificateOfResidenceLayout.render(certificate)
        return try PDFDigitalSeal.seal(document, capacity: 2048) { signedBytes in
            let claims = CertificateSeal.Claims(
                code: code, num: issueNumber, kind: Kind.residence.rawValue, mun: municipality.code.digits, iat: Int64(issuedAt.timeIntervalSince1970),
                sha: CertificateSeal.digest(signedBytes))
            return Array(try CertificateSeal.sign(claims, key: sealKey).utf8)
        }
    }

    /// A certificate for a made-up resident, rendered and sealed as ``issue(_:by:source:)``
    /// does: what the kiosk benchmark compares a whole request with.
    public static func renderReference(sealKey: P256.Signing.PrivateKey) throws -> [UInt8] {
        let chiyoda = try MunicipalityCode("131016")
        let facts = try BasicInfo(
            name: "見本 花子", nameKana: "ミホン ハナコ", address: try Address(municipality: chiyoda, text: "東京都千代田区千代田1-1"),
            birthDate: try CalendarDate(iso: "1990-01-01"), sex: .female)
        return try render(
            facts, municipality: MunicipalityDirectory.named(chiyoda)!, becameResidentOn: try CalendarDate(iso: "2020-04-01"), issuedAt: Date(),
            issueNumber: issueNumber(at: Date()), code: newVerificationCode(), storeCode: "1", verificationURL: "https://myna.example/v", sealKey: sealKey)
    }

    /// `MYNA-` and three groups of four: 60 random bits in Crockford's alphabet (a subset of
    /// the capitals and digits the printed format allows), unguessable, easy to type.
    static func newVerificationCode() -> String {
        let body = CrockfordBase32.random(length: 12)
        return "MYNA-" + stride(from: 0, to: 12, by: 4).map { start in
            let from = body.index(body.startIndex, offsetBy: start)
            return String(body[from..<body.index(from, offsetBy: 4)])
        }.joined(separator: "-")
    }

    /// 発行番号: the day and six random characters, e.g. `20261123-7K3PQ9`.
    static func issueNumber(at instant: Date) -> String {
        let day = CalendarDate(inJapanAt: instant)
        return String(format: "%04d%02d%02d-", day.year, day.month, day.day) + CrockfordBase32.random(length: 6)
    }
}
