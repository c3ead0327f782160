public import Foundation
public import MynaCore
public import MynaLinkage
public import MynaCardOffice
public import MynaDatabase

/// Online eligibility confirmation (オンライン資格確認, domain.md §7): a medical
/// institution reads the patient's card and learns whether, and how, they are insured.
///
/// The real system keys insurance records to the authentication certificate, which is
/// how records came to be joined to the wrong person (誤名寄せ, §8). Here the card only
/// identifies its holder — checked against the ledger as at sign-in — and the answer is
/// the insurer's own record of that person, filed under the insurer's code for them and
/// obtained through the linkage hub like any exchange: on the allow-list
/// (`online-eligibility/health-insurance`), with a provision record the patient sees.
public struct OnlineEligibility: Sendable {
    let hub: LinkageHub
    /// Who held the card that answered (the card side's challenges).
    let cardAnswers: any CardAnswers
    let database: any Database
    let clock: WallClock

    public static let task = "online-eligibility"

    public init(hub: LinkageHub, cardAnswers: any CardAnswers, clock: WallClock) {
        (self.hub, self.cardAnswers, self.database, self.clock) = (hub, cardAnswers, hub.registry.database, clock)
    }

    /// How the patient was identified at the reception.
    public enum Identification: Sendable, Hashable {
        /// The card answered a challenge with the user-authentication key: the 4-digit PIN.
        case pin(challengeID: String, certificateDER: [UInt8], signature: [UInt8])
        /// 目視確認: a member of staff compared the patient with the card's photo, and the
        /// card itself answered the challenge through its card-face application, opened by
        /// 照合番号B read off the card — so the card was there, not only its public
        /// certificate (issue 14, finding 6). Who checked is recorded.
        case visualCheck(challengeID: String, certificateDER: [UInt8], cardFaceSignature: [UInt8], staff: String)

        var method: String {
            switch self {
            case .pin: "pin"
            case .visualCheck: "visual-check"
            }
        }

        var staff: String? {
            if case .visualCheck(_, _, _, let staff) = self { staff } else { nil }
        }
    }

    public struct Result: Sendable, Hashable {
        public let eligible: Bool
        public let insurerName: String
        public let insurerNumber: String?
        public let symbol: String?
        public let number: String?
        public let branchNumber: String?
        public let copaymentPercent: Int?
        public let method: String
        /// The provision record the patient sees in Mynaportal.
        public let provisionRecordID: Int
        public let checkedAt: Date
    }

    public func check(_ identification: Identification, by institution: Agency, source: String) async throws -> Result {
        guard institution.type == .medicalInstitution else {
            throw ServiceError(.invalidEligibilityCheck, "only a registered medical institution checks eligibility")
        }
        let residentID: String
        switch identification {
        case .pin(let challenge, let certificate, let signature):
            residentID = try await cardAnswers.cardHolder(
                answering: challenge, for: .eligibilityCheck, audience: .party(id: institution.id, name: institution.name), certificateDER: certificate,
                signature: signature, source: source)
        case .visualCheck(let challenge, let certificate, let cardFaceSignature, let staff):
            // Code points, as the document counts them (openapi.json, EligibilityBody).
            let name = staff.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, staff.unicodeScalars.count <= 64, !staff.contains(where: \.isNewline) else {
                throw ServiceError(.invalidEligibilityCheck, "a visual check names the member of staff who made it (1–64 characters)")
            }
            residentID = try await cardAnswers.cardHolder(
                answering: challenge, for: .eligibilityCheck, audience: .party(id: institution.id, name: institution.name), details: [],
                certificateDER: certificate, signature: cardFaceSignature, signedBy: .cardFace, source: source)
            try await requireVisualCheckWithinLimits(institution, residentID, identification)
        }
        // The institution's own code for the patient, made now if this is their first visit:
        // it holds no number, and its code means nothing to any other institution.
        let code = try await hub.acquireCodes(forResidents: [residentID], by: institution, purpose: "code for eligibility checks at \(institution.name)")[0]
        let answer: LinkageHub.Answer
        do {
            answer = try await hub.query(code: code, item: DataItem.healthInsurance.rawValue, task: Self.task, by: institution)
        } catch let error as LinkageError where error.code == .noData {
            try await record(institution, residentID, identification, recordID: nil, outcome: "no-record")
            throw ServiceError(.noEligibilityRecord, "no insurer holds a record for this patient; ask for the 資格確認書")
        }
        let fields = (try? JSONSerialization.jsonObject(with: Data(answer.value.utf8))) as? [String: Any] ?? [:]
        let eligible = fields["eligible"] as? Bool ?? false
        try await record(institution, residentID, identification, recordID: answer.recordID, outcome: eligible ? "eligible" : "not-eligible")
        return Result(
            eligible: eligible, insurerName: answer.provider.name, insurerNumber: fields["insurerNumber"] as? String, symbol: fields["symbol"] as? String,
            number: fields["number"] as? String, branchNumber: fields["branchNumber"] as? String, copaymentPercent: fields["copaymentPercent"] as? Int,
            method: identification.method, provisionRecordID: answer.recordID, checkedAt: clock.now)
    }

    /// A visual check asks no PIN, so whoever holds the card — a clinic that kept it, a
    /// finder — learns its holder's insurance with it. Visual checks are therefore limited
    /// per clinic, per patient per day and in all per hour (issue 14, finding 6), beside
    /// the card-face answer that shows the card is there. A refusal is recorded like any check.
    public static let visualChecksPerPatientPerDay = 3
    public static let visualChecksPerHour = 100

    private func requireVisualCheckWithinLimits(_ institution: Agency, _ residentID: String, _ identification: Identification) async throws {
        let now = clock.milliseconds
        let counted = "institution_id = ? AND method = 'visual-check' AND outcome <> '\(Self.visualCheckRefused)' AND checked_at > ?"
        let (forPatient, inHour) = try await database.read { connection in
            let forPatient = try await connection.first(SQL(
                "SELECT COUNT(*) AS n FROM eligibility_checks WHERE \(counted) AND resident_id = ?",
                [.text(institution.id), .integer(now - 86_400_000), .text(residentID)]))?.int("n") ?? 0
            let inHour = try await connection.first(SQL(
                "SELECT COUNT(*) AS n FROM eligibility_checks WHERE \(counted)", [.text(institution.id), .integer(now - 3_600_000)]))?.int("n") ?? 0
            return (forPatient, inHour)
        }
        guard forPatient < Self.visualChecksPerPatientPerDay, inHour < Self.visualChecksPerHour else {
            try await record(institution, residentID, identification, recordID: nil, outcome: Self.visualCheckRefused)
            throw ServiceError(
                .visualCheckLimitReached,
                "too many checks without the PIN: ask the patient to enter the card's PIN (\(Self.visualChecksPerPatientPerDay) per patient a day, \(Self.visualChecksPerHour) an hour)")
        }
    }

    static let visualCheckRefused = "refused-visual-check-limit"

    /// Every check, with how the patient was identified and by whom, for the institution's
    /// and the supervisors' audits.
    private func record(_ institution: Agency, _ residentID: String, _ identification: Identification, recordID: Int?, outcome: String) async throws {
        try await database.transaction { connection in
            try await connection.query(SQL(
                """
                INSERT INTO eligibility_checks (institution_id, resident_id, method, staff, provision_record_id, outcome, checked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
                [.text(institution.id), .text(residentID), .text(identification.method), SQLValue(identification.staff), SQLValue(recordID),
                 .text(outcome), .integer(clock.milliseconds)]))
        }
    }
}
