import Foundation
import Hummingbird
import NIOCore
import Logging
import MynaCore
import MynaPortal
import MynaRegistry

/// Turns every error into a problem document. Errors Myna chose to make public (a
/// ``Problem``, or any module's ``CodedError``) pass through; framework errors keep their
/// status; anything else is a 500 whose details go to the log with `String(reflecting:)`
/// of the type only — never the error text, which could hold data from the request.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The routes, to tell "no such resource" (404) from "not with this method" (405).
    let book: EndpointBook

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            // RFC 9110 §15.5.6: a known resource with another method is 405, with Allow;
            // §9.3.7: OPTIONS on it answers with Allow. One place for every route.
            let served = book.methods(matching: request.uri.path)
            guard !served.isEmpty else {
                return try Problem(.notFound, code: "not-found", detail: "no such resource").response(from: request, context: context)
            }
            let allow = (served + ["OPTIONS"]).joined(separator: ", ")
            if request.method == .options {
                return Response(status: .noContent, headers: [.allow: allow])
            }
            var response = try Problem(.methodNotAllowed, code: "method-not-allowed", detail: "use " + served.joined(separator: ", "))
                .response(from: request, context: context)
            response.headers[.allow] = allow
            return response
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as any CodedError {
            (error as? any NotedError)?.note(context.logger)
            return try Problem(error).response(from: request, context: context)
        } catch is NIOTooManyBytesError {
            // Any handler that collects its body with a limit (forms, the token endpoint): one answer here.
            return try Problem(.contentTooLarge, code: "body-too-large", detail: "the body is too large").response(from: request, context: context)
        } catch let error as HTTPError {
            let code = switch error.status {
            case .notFound: "not-found"
            case .methodNotAllowed: "method-not-allowed"
            case .contentTooLarge: "body-too-large"
            default: "http-\(error.status.code)"
            }
            return try Problem(error.status, code: code, detail: error.status.reasonPhrase).response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["type": "\(String(reflecting: type(of: error)))"])
            return try Problem(.internalServerError, code: "internal-error", detail: "the server could not complete the request")
                .response(from: request, context: context)
        }
    }
}

/// A module's error the server also notes somewhere — a log line, a metric — as it
/// answers with the error's problem document. The conformance lives here, in the server,
/// because the logs and the metrics are the server's; most errors have nothing to note.
protocol NotedError: CodedError {
    func note(_ logger: Logger)
}

extension RegistryError: NotedError {
    func note(_ logger: Logger) {
        if code == .recordIntegrity {
            logger.critical("record integrity check failed", metadata: ["code": "\(code.rawValue)"])
        }
    }
}

extension PortalError: NotedError {
    func note(_ logger: Logger) {
        if code != .tooManyAttempts { RegistryMetrics.portalSignIn(code.rawValue) }
    }
}
