import Hummingbird

/// The portal's session cookie. `__Host-` binds it to this host and path `/` (RFC 6265bis
/// §4.1.3.2); `Secure` and `HttpOnly` keep it off plain connections and away from
/// scripts; `SameSite=Lax` keeps it off cross-site form posts. Browsers treat loopback
/// as a secure origin, so the same cookie works on `http://127.0.0.1` in development.
/// Hummingbird's `Cookie` writes the header and `request.cookies` reads it.
enum PortalCookie {
    static let name = "__Host-myna-portal"

    static func set(_ token: String) -> Cookie { Cookie(name: name, value: token, path: "/", secure: true, httpOnly: true, sameSite: .lax) }

    static let clear = Cookie(name: name, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .lax)

    /// The session token the request carries, if any.
    static func token(in request: Request) -> String? { request.cookies[name]?.value }
}
