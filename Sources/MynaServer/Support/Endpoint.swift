import Hummingbird

/// An API route as the OpenAPI document names it (`GET /v1/residents/{id}`). Every
/// route is registered through ``EndpointBook``, so the list the OpenAPI drift test
/// compares with `/openapi.json` is the list the router really serves.
public struct Endpoint: Hashable, Sendable, CustomStringConvertible {
    public let method: String
    public let path: String
    public var description: String { "\(method) \(path)" }
}

/// Collects the endpoints as they are registered.
final class EndpointBook: @unchecked Sendable {
    private(set) var endpoints: [Endpoint] = []

    /// The methods served at `path`, matching `{parameter}` segments to any one segment.
    /// Like the router's trie, a literal segment wins over a parameter in the same place:
    /// `/v1/residents/lookup` is `POST` only, never the `GET` of `/v1/residents/{id}`.
    func methods(matching path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        let matches = endpoints.compactMap { endpoint -> (literals: [Bool], method: String)? in
            let template = endpoint.path.split(separator: "/", omittingEmptySubsequences: false)
            guard template.count == segments.count else { return nil }
            var literals: [Bool] = []
            for (part, segment) in zip(template, segments) {
                if part.hasPrefix("{") && part.hasSuffix("}") && !segment.isEmpty {
                    literals.append(false)
                } else if part == segment {
                    literals.append(true)
                } else {
                    return nil
                }
            }
            return (literals, endpoint.method)
        }
        let lessSpecific: ([Bool], [Bool]) -> Bool = { $0.lexicographicallyPrecedes($1) { !$0 && $1 } }
        guard let best = matches.map(\.literals).max(by: lessSpecific) else { return [] }
        return matches.filter { $0.literals == best }.map(\.method).sorted()
    }

    func on<Routes: RouterMethods, Output: ResponseGenerator>(
        _ routes: Routes, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @Sendable @escaping (Request, Routes.Context) async throws -> Output
    ) {
        endpoints.append(Endpoint(method: method.rawValue, path: path))
        routes.on(RouterPath(path), method: method, use: handler)
    }
}
