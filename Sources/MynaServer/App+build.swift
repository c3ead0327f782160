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

    public init(host: String = "127.0.0.1", port: Int = 8080, metricsToken: MetricsToken? = nil, limits: SourceLimits = SourceLimits()) {
        self.host = host
        self.port = port
        self.metricsToken = metricsToken
        self.limits = limits
    }
}

/// Builds the whole application in one visible place (style.md, after Hummingbird's
/// examples): middleware, then the public routes, then the staff routes.
public func buildApplication(
    registry: Registry, pki: RevocationPublisher? = nil, cards: CardOffice? = nil, linkage: LinkageHub? = nil,
    log: TransparencyLog? = nil, portal: Portal? = nil, oidc: OIDCProvider? = nil, services: Services? = nil, configuration: ServerConfiguration,
    metrics: PrometheusCollectorRegistry? = nil, logger: Logger
) -> some ApplicationProtocol {
    let (router, _) = buildRouter(
        registry: registry, pki: pki ?? cards?.publisher, cards: cards, linkage: linkage, log: log, portal: portal, oidc: oidc, services: services,
        metrics: metrics, metricsToken: configuration.metricsToken, limits: configuration.limits, trustedProxies: configuration.trustedProxies)
    var services: [any Service] = []
    if let cards { services.append(CardSweepService(office: cards, logger: logger)) }
    if let log { services.append(LogSequencerService(log: log, logger: logger)) }
    if let linkage { services.append(NoticePushService(hub: linkage, logger: logger)) }
    if let portal { services.append(RetentionService(portal: portal, linkage: linkage, oidc: oidc, policy: RetentionPolicy(), clock: .system, logger: logger)) }
    return Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Myna"),
        services: services,
        logger: logger)
}

/// The router, and the endpoints it serves (for the OpenAPI drift test).
public func buildRouter(
    registry: Registry, pki: RevocationPublisher? = nil, cards: CardOffice? = nil, linkage: LinkageHub? = nil,
    log: TransparencyLog? = nil, portal: Portal? = nil, oidc: OIDCProvider? = nil, services: Services? = nil,
    metrics: PrometheusCollectorRegistry? = nil, metricsToken: MetricsToken? = nil, limits: SourceLimits = SourceLimits(),
    trustedProxies: [AddressRange] = []
) -> (Router<MynaRequestContextType>, [Endpoint]) {
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
    PublicController(registry: registry, metrics: metrics, metricsToken: metricsToken).register(routes: routes, book: book)
    StaffController(registry: registry).register(public: routes, staff: staff, book: book)
    ProcedureController(registry: registry).register(staff: staff, book: book)
    ResidentController(registry: registry, cards: cards).register(staff: staff, book: book)
    if let cards {
        CardController(office: cards).register(public: routes, staff: staff, book: book)
    }
    if let linkage {
        LinkageController(hub: linkage).register(public: routes, staff: staff, book: book)
    }
    if let log {
        LogController(log: log, linkage: linkage).register(public: routes, staff: staff, book: book)
    }
    // The portal's pages and the statistics page share the templates, parsed once.
    let renderer = try! PortalRenderer()
    if let portal {
        PortalSignInController(portal: portal).register(routes: routes, book: book)
        CardChallengeController(signIn: portal.signIn, agencies: linkage?.agencies).register(routes: routes, staff: staff, book: book)
        LinkagesController(linkages: portal.linkages, mynapoint: services?.mynapoint).register(staff: staff, book: book)
        // The pages and OpenID Connect speak HTML and their protocol's own errors, not
        // the JSON API's: they are routed outside the API's book (docs/portal.md).
        let pages = PortalController(portal: portal, linkage: linkage, log: log, oidc: oidc, services: services, renderer: renderer)
        pages.register(router: router)
        if let oidc { OIDCController(oidc: oidc, pages: pages).register(router: router) }
    }
    if let portal, let linkage, let services {
        MykeyController(signIn: portal.signIn, mykey: services.mykey).register(routes: routes, book: book)
        MynapointController(mynapoint: services.mynapoint, signIn: portal.signIn, agencies: linkage.agencies).register(routes: routes, staff: staff, book: book)
        KioskController(centre: services.kiosks, agencies: linkage.agencies).register(routes: routes, book: book)
        EligibilityController(eligibility: services.eligibility, agencies: linkage.agencies).register(routes: routes, book: book)
        StatisticsController(statistics: services.statistics, renderer: renderer).register(routes: routes, router: router, book: book)
    }
    if let pki = pki ?? cards?.publisher {
        PKIController(publisher: pki, relyingParties: RelyingParties(database: registry.database)).register(routes: routes, book: book)
    }
    return (router, book.endpoints)
}

/// The request context type, named for callers outside the module.
public typealias MynaRequestContextType = MynaRequestContext
