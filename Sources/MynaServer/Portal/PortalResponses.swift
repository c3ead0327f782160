import Foundation
import HTTPTypes
import Hummingbird
import MynaOIDC
import MynaPortal
import MynaPortalPages

/// How every portal page goes out: HTML with a strict Content-Security-Policy (no script
/// at all, styles from this origin), never cached, never framed.
enum PortalHTML {
    static let policy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// `formAction` adds an origin a form on this page may lead to: the consent screen's
    /// POST answers with a redirect to the relying party, and browsers apply `form-action`
    /// to that redirect too.
    static func response(_ html: String, status: HTTPResponse.Status = .ok, formAction: String? = nil, setCookie: [Cookie] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = formAction.map { policy.replacingOccurrences(of: "form-action 'self'", with: "form-action 'self' \($0)") } ?? policy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return withCookies(Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html))), setCookie)
    }

    /// A 303 to a path on this server (never elsewhere: callers pass checked local paths).
    static func seeOther(_ location: String, setCookie: [Cookie] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        return withCookies(Response(status: .seeOther, headers: headers), setCookie)
    }

    /// One `Set-Cookie` field per cookie, in order.
    private static func withCookies(_ response: Response, _ cookies: [Cookie]) -> Response {
        var response = response
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}

/// The language a visitor reads the portal in: `?lang=` when given (and remembered in a
/// cookie for a year), else the cookie, else Japanese.
enum PortalLanguageChoice {
    static let cookie = "myna-lang"

    static func of(_ request: Request) -> (language: PortalLanguage, setCookie: [Cookie]) {
        if let asked = request.uri.queryParameters.get("lang") {
            let language = PortalLanguage(queryValue: asked)
            return (language, [Cookie(name: cookie, value: language.rawValue, maxAge: 31_536_000, path: "/", secure: true, httpOnly: false, sameSite: .lax)])
        }
        return (PortalLanguage(queryValue: request.cookies[cookie]?.value), [])
    }
}
