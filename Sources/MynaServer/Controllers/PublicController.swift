import Foundation
import Hummingbird
import MynaCore
import MynaRegistry
import MynaSystem
import Prometheus

/// Unauthenticated endpoints: health, the API description, the municipality directory,
/// and the public check-digit rule; and the metrics, for the operator's token only.
struct PublicController {
    let system: MynaSystem
    var registry: Registry { system.registry }
    let metrics: PrometheusCollectorRegistry?
    let metricsToken: MetricsToken?

    func register(routes: RouterGroup<MynaRequestContext>, book: EndpointBook) {
        book.on(routes, .get, "/healthz") { _, _ in
            do {
                try await system.checkDatabase()
                return JSONResponse(value: HealthView(status: "ok", database: "ok"))
            } catch {
                return JSONResponse(status: .serviceUnavailable, value: HealthView(status: "unavailable", database: "unreachable"))
            }
        }
        book.on(routes, .get, "/metrics") { request, _ in
            // Not configured: not served, the same 404 as any unknown path (MetricsToken).
            guard let metricsToken else { throw Problem(.notFound, code: "not-found", detail: "no such resource") }
            guard metricsToken.admits(request.headers[.authorization]) else {
                throw Problem(.unauthorized, code: "metrics-token-required", detail: "the metrics are for the operator: send Authorization: Bearer <metrics token>")
            }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: metrics?.emitToBuffer() ?? [])))
        }
        book.on(routes, .get, "/openapi.json") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try OpenAPIDocument.bytes())))
        }
        book.on(routes, .get, "/v1/municipalities") { _, _ in
            JSONResponse(value: MunicipalitiesView(municipalities: try await registry.municipalities().map {
                MunicipalityView(code: $0.code, prefecture: $0.prefecture, name: $0.name, nameKana: $0.nameKana)
            }))
        }
        // Check digits are public law; checking one reveals nothing and stores nothing.
        book.on(routes, .post, "/v1/numbers/check") { request, context in
            let body = try await request.decodeJSON(as: NumberCheckBody.self, context: context)
            do throws(IdentifierError) {
                switch body.kind ?? .individual {
                case .individual: _ = try IndividualNumber(body.number)
                case .corporate: _ = try CorporateNumber(body.number)
                }
                return JSONResponse(value: NumberCheckView(valid: true, reason: nil))
            } catch {
                return JSONResponse(value: NumberCheckView(valid: false, reason: error.description))
            }
        }
    }
}

/// The OpenAPI 3.1 document, shipped as a resource and served as is.
enum OpenAPIDocument {
    static func bytes() throws -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw Problem(.internalServerError, code: "internal-error", detail: "the API description is missing")
        }
        return Array(try Data(contentsOf: url))
    }
}
