import Hummingbird

/// Refuses a request whose target (path or query) carries U+0000, percent-encoded as
/// `%00` — the only way it can arrive, since a raw NUL in the request line never parses.
/// No identifier, code or text in Myna contains it, PostgreSQL cannot store or even
/// compare it in `text` (it answered portal and OIDC lookups with a 500), and the JSON
/// and form decoders refuse it in bodies already; one check here covers every route,
/// API, portal and OpenID provider alike, before anything reads the value.
struct NulCharacterMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if Self.carriesNul(request.uri.description) {
            throw Problem(.badRequest, code: "nul-character", detail: "the path or query holds U+0000 (%00), which nothing in Myna contains")
        }
        return try await next(request, context)
    }

    static func carriesNul(_ target: String) -> Bool {
        let bytes = Array(target.utf8)
        guard bytes.count >= 3 else { return false }
        for index in 0..<(bytes.count - 2) where bytes[index] == UInt8(ascii: "%") && bytes[index + 1] == UInt8(ascii: "0") && bytes[index + 2] == UInt8(ascii: "0") {
            return true
        }
        return false
    }
}
