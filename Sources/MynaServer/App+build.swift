public import Hummingbird
public import Logging
public import MynaAudit
public import MynaCardOffice
public import MynaLinkage
public import MynaOIDC
public import MynaPortal
import MynaPortalPages
public import MynaPKI
public import MynaRegistry
public import MynaServices
public import MynaSystem
public import Prometheus
public import ServiceLifecycle

/// Where and how the server listens.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The operator's token for `/metrics`; without one, `/metrics` is not served.
    public var metricsToken: MetricsToken?
    /// Per-source limits (issue 14, finding 5); ``SourceLimits/unlimited`` for benchmarks.
    public var limits: SourceLimits
    /// The reverse proxies whose `X-Forwarded-For` is believed; none by default.
    public var trustedProxies: [AddressRange] = []
    /// Whether the application runs its background work (the card sweep, the log
    /// sequencer, notice pushes, retention). Always in a deployment; tests that drive that
    /// work themselves turn it off, so no second sweeper or pusher races them.
    public var backgroundWork = true

    public init(host: String = "127.0.0.1", port: Int = 8080, metricsToken: MetricsToken? = nil, limits: SourceLimits = SourceLimits()) {
        self.host = host
        self.port = port
        self.metricsToken = metricsToken
        self.limits = limits
    }
}

/// Builds the whole application in one visible place (style.md, after Hummingbird's
/// examples): the router, and the background services that keep the system's promises.
public func buildApplication(
    system: MynaSystem, configuration: ServerConfiguration, metrics: PrometheusCollectorRegistry? = nil, logger: Logger
) -> some ApplicationProtocol {
    let (router, _) = buildRouter(
        system: system, metrics: metrics, metricsToken: configuration.metricsToken, limits: configuration.limits,
        trustedProxies: configuration.trustedProxies)
    let services: [any Service] = !configuration.backgroundWork ? [] : [
        CardSweepService(office: system.cards, logger: logger),
        LogSequencerService(log: system.log, logger: logger),
        NoticePushService(hub: system.linkage, logger: logger),
        RetentionService(portal: system.portal, linkage: system.linkage, oidc: system.oidc, policy: RetentionPolicy(), clock: .system, logger: logger),
    ]
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Myna"),
        services: services,
        logger: logger)
}

/// The router, and the endpoints it serves (for the OpenAPI drift test): middleware,
/// then the public routes, then the staff routes.
public func buildRouter(
    system: MynaSystem, metrics: PrometheusCollectorRegistry? = nil, metricsToken: MetricsToken? = nil, limits: SourceLimits = SourceLimits(),
    trustedProxies: [AddressRange] = []
) -> (Router<MynaRequestContextType>, [Endpoint]) {
    let registry = system.registry
    let router = Router(context: MynaRequestContext.self)
    let book = EndpointBook()
    router.addMiddleware {
        ClientAddressMiddleware(trustedProxies: trustedProxies)
        AccessLogMiddleware()
        MetricsMiddleware()
        ProblemMiddleware(book: book)
        NulCharacterMiddleware()
        SourceLimitMiddleware(limits: limits)
        StaffAuthenticationMiddleware(registry: registry)
    }
    let routes = router.group()
    let staff = router.group(context: StaffContext.self)
    let agencies = system.linkage.agencies
    PublicController(system: system, metrics: metrics, metricsToken: metricsToken).register(routes: routes, book: book)
    StaffController(registry: registry).register(public: routes, staff: staff, book: book)
    ProcedureController(registry: registry).register(staff: staff, book: book)
    ResidentController(registry: registry, cards: system.cards).register(staff: staff, book: book)
    CardController(office: system.cards).register(public: routes, staff: staff, book: book)
    LinkageController(hub: system.linkage).register(public: routes, staff: staff, book: book)
    LogController(log: system.log, linkage: system.linkage).register(public: routes, staff: staff, book: book)
    PortalSignInController(portal: system.portal).register(routes: routes, book: book)
    CardChallengeController(signIn: system.portal.signIn, agencies: agencies).register(routes: routes, staff: staff, book: book)
    LinkagesController(linkages: system.portal.linkages, mynapoint: system.services.mynapoint).register(staff: staff, book: book)
    // The pages and OpenID Connect speak HTML and their protocol's own errors, not the
    // JSON API's: they are routed outside the API's book (docs/portal.md). The portal's
    // pages and the statistics page share the templates, parsed once.
    let renderer = try! PortalRenderer()
    let pages = PortalController(
        portal: system.portal, linkage: system.linkage, log: system.log, oidc: system.oidc, services: system.services, renderer: renderer)
    pages.register(router: router)
    OIDCController(oidc: system.oidc, pages: pages).register(router: router)
    MykeyController(signIn: system.portal.signIn, mykey: system.services.mykey).register(routes: routes, book: book)
    MynapointController(mynapoint: system.services.mynapoint, signIn: system.portal.signIn, agencies: agencies)
        .register(routes: routes, staff: staff, book: book)
    KioskController(centre: system.services.kiosks, agencies: agencies).register(routes: routes, book: book)
    EligibilityController(eligibility: system.services.eligibility, agencies: agencies).register(routes: routes, book: book)
    StatisticsController(statistics: system.services.statistics, renderer: renderer).register(routes: routes, router: router, book: book)
    PKIController(publisher: system.pki, relyingParties: system.relyingParties).register(routes: routes, book: book)
    return (router, book.endpoints)
}

/// The request context type, named for callers outside the module.
public typealias MynaRequestContextType = MynaRequestContext
