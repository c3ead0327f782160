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
    static func response(_ html: String, status: HTTPResponse.Status = .ok, formAction: String? = nil, setCookie: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[.contentSecurityPolicy] = formAction.map { policy.replacingOccurrences(of: "form-action 'self'", with: "form-action 'self' \($0)") } ?? policy
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        for cookie in setCookie { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 to a path on this server (never elsewhere: callers pass checked local paths).
    static func seeOther(_ location: String, setCookie: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        for cookie in setCookie { headers.append(HTTPField(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }
}

/// The language a visitor reads the portal in: `?lang=` when given (and remembered in a
/// cookie), else the cookie, else Japanese.
enum PortalLanguageChoice {
    static let cookie = "myna-lang"

    static func of(_ request: Request) -> (language: PortalLanguage, setCookie: [String]) {
        if let asked = request.uri.queryParameters.get("lang") {
            let language = PortalLanguage(queryValue: asked)
            return (language, ["\(cookie)=\(language.rawValue); Path=/; Secure; SameSite=Lax; Max-Age=31536000"])
        }
        return (PortalLanguage(queryValue: CookieJar.value(of: cookie, in: request)), [])
    }
}

enum CookieJar {
    static func value(of name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name { return String(parts[1]) }
            }
        }
        return nil
    }
}
