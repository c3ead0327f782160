public import MynaCardOffice
public import MynaCore
public import MynaLinkage
public import MynaPKI
public import MynaRegistry

/// Mynaportal (マイナポータル): what a resident does for themselves, signed in with the
/// card — sessions, sign-in, and (built on them) the resident's pages, linkages and
/// consents. The Mykey platform and the services on the card are in MynaServices.
public struct Portal: Sendable {
    public let registry: Registry
    public let cards: CardOffice
    public let sessions: PortalSessions
    public let signIn: CardSignIn
    public let linkages: ResidentLinkages
    let clock: WallClock

    /// `origin` is this server's public origin (the OpenID issuer's scheme, host and port):
    /// every statement the card signs names it, and the card's app checks it.
    public init(registry: Registry, cards: CardOffice, linkage: LinkageHub? = nil, clock: WallClock = .system, origin: String = "http://127.0.0.1:8080") {
        self.registry = registry
        self.cards = cards
        self.clock = clock
        linkages = ResidentLinkages(registry: registry, linkage: linkage, clock: clock)
        sessions = PortalSessions(database: registry.database, clock: clock)
        let verifier = CertificateVerifier(authorities: cards.publisher.authorities, ledger: cards.publisher.ledger, clock: clock)
        signIn = CardSignIn(database: registry.database, clock: clock, verifier: verifier, sessions: sessions, sources: registry.sources, origin: origin)
    }
}
