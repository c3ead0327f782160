import Foundation
import Hummingbird
import MynaPortalPages
import MynaServices

/// The statistics, as JSON (`GET /v1/stats`) and as a page with charts (`/stats`), for
/// anyone: they are counts only with small cells suppressed — what a ministry publishes —
/// so they need no sign-in.
struct StatisticsController {
    let cache: StatisticsCache
    let renderer: PortalRenderer

    init(statistics: Statistics, renderer: PortalRenderer) {
        cache = StatisticsCache(statistics)
        self.renderer = renderer
    }

    func register(routes: RouterGroup<MynaRequestContext>, router: Router<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .get, "/v1/stats") { _, _ in
            JSONResponse(value: try await cache.report())
        }
        // A page, outside the API's book like the portal's pages, in the portal's language
        // (`?lang=`, else its cookie) and layout. Nobody signs in here: no session, no form.
        router.get("/stats") { request, _ in
            let (language, setCookie) = PortalLanguageChoice.of(request)
            let page = StatisticsPage(try await cache.report(), language: language)
            let layout = LayoutContext(language: language, currentPath: request.uri.path, currentQuery: request.uri.query, signedIn: false, csrfToken: "")
            return PortalHTML.response(try renderer.render(page, layout: layout), setCookie: setCookie)
        }
    }
}
