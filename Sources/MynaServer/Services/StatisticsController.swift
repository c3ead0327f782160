import Foundation
import Hummingbird
import MynaServices

/// The statistics, as JSON (`GET /v1/stats`) and as a page with charts (`/stats`), for
/// anyone: they are counts only with small cells suppressed — what a ministry publishes —
/// so they need no sign-in.
struct StatisticsController {
    let cache: StatisticsCache

    init(statistics: Statistics) { cache = StatisticsCache(statistics) }

    func register(routes: RouterGroup<MynaRequestContext>, router: Router<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .get, "/v1/stats") { _, _ in
            JSONResponse(value: try await cache.report())
        }
        // A page, outside the API's book like the portal's pages.
        router.get("/stats") { _, _ in PortalHTML.response(StatisticsPage.html(try await cache.report())) }
    }
}
