import Hummingbird
import Logging

/// One log line per request with the method, the route *template* (`/v1/residents/{id}`),
/// the status and the time taken. The raw URI is never logged: a query string or a path
/// could carry personal data.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = (ContinuousClock.now - start).components
        let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "route": "\(context.endpointPath ?? "unmatched")",
                "status": "\(response.status.code)", "ms": "\((milliseconds * 1000).rounded() / 1000)",
            ])
        return response
    }
}
