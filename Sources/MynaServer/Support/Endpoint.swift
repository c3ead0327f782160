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
    func methods(matching path: String) -> [String] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        return endpoints.filter { endpoint in
            let template = endpoint.path.split(separator: "/", omittingEmptySubsequences: false)
            return template.count == segments.count
                && zip(template, segments).allSatisfy { $0.hasPrefix("{") && $0.hasSuffix("}") && !$1.isEmpty || $0 == $1 }
        }.map(\.method).sorted()
    }

    func on<Routes: RouterMethods, Output: ResponseGenerator>(
        _ routes: Routes, _ method: HTTPRequest.Method, _ path: String,
        _ handler: @Sendable @escaping (Request, Routes.Context) async throws -> Output
    ) {
        endpoints.append(Endpoint(method: method.rawValue, path: path))
        routes.on(RouterPath(path), method: method, use: handler)
    }
}
