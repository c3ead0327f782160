public import Crypto
public import MynaCore
public import MynaCardOffice
public import MynaLinkage

/// The services built on the card, opened together: the Mykey platform, Mynapoint, the
/// certificate issuing centre for kiosks, online eligibility for medical institutions,
/// and the operators' statistics. The card side's challenges and the person's linkages
/// come in as what they answer (``CardAnswers``, ``LinkageStatus``), so the services
/// depend on the card office and the linkage network, not on the portal that keeps them.
public struct Services: Sendable {
    public let mykey: MykeyPlatform
    public let mynapoint: Mynapoint
    public let kiosks: CertificateIssuingCentre
    public let eligibility: OnlineEligibility
    public let statistics: Statistics

    public init(
        hub: LinkageHub, cardAnswers: any CardAnswers, linkages: any LinkageStatus, sealKey: P256.Signing.PrivateKey, verificationBaseURL: String,
        kioskHours: CertificateIssuingCentre.ServiceHours = .convenienceStore, kioskDeadline: Duration = CertificateIssuingCentre.defaultDeadline,
        kioskPause: Duration = .zero, clock: WallClock = .system
    ) {
        let registry = hub.registry
        let database = registry.database
        mykey = MykeyPlatform(database: database, clock: clock)
        mynapoint = Mynapoint(database: database, clock: clock, mykey: mykey, agencies: hub.agencies, residents: registry.residents, linkages: linkages)
        kiosks = CertificateIssuingCentre(
            registry: registry, cardAnswers: cardAnswers, clock: clock, sealKey: sealKey, verificationBaseURL: verificationBaseURL, hours: kioskHours,
            deadline: kioskDeadline, stepPause: kioskPause)
        eligibility = OnlineEligibility(hub: hub, cardAnswers: cardAnswers, clock: clock)
        statistics = Statistics(database: database, clock: clock)
    }
}
