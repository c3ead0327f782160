public import Crypto
public import MynaCore
public import MynaLinkage
public import MynaPortal

/// The services built on the card, opened together: the Mykey platform, Mynapoint, the
/// certificate issuing centre for kiosks, online eligibility for medical institutions,
/// and the operators' statistics.
public struct Services: Sendable {
    public let mykey: MykeyPlatform
    public let mynapoint: Mynapoint
    public let kiosks: CertificateIssuingCentre
    public let eligibility: OnlineEligibility
    public let statistics: Statistics

    public init(
        portal: Portal, hub: LinkageHub, sealKey: P256.Signing.PrivateKey, verificationBaseURL: String,
        kioskHours: CertificateIssuingCentre.ServiceHours = .convenienceStore, kioskDeadline: Duration = CertificateIssuingCentre.defaultDeadline,
        kioskPause: Duration = .zero, clock: WallClock = .system
    ) {
        let database = portal.registry.database
        mykey = MykeyPlatform(database: database, clock: clock)
        mynapoint = Mynapoint(database: database, clock: clock, mykey: mykey, agencies: hub.agencies, residents: portal.registry.residents)
        kiosks = CertificateIssuingCentre(
            registry: portal.registry, signIn: portal.signIn, clock: clock, sealKey: sealKey, verificationBaseURL: verificationBaseURL, hours: kioskHours,
            deadline: kioskDeadline, stepPause: kioskPause)
        eligibility = OnlineEligibility(hub: hub, signIn: portal.signIn, clock: clock)
        statistics = Statistics(database: database, clock: clock)
    }
}
