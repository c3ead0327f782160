import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import MynaLinkage
import ServiceLifecycle

/// Pushes pending notices to the endpoints agencies subscribed with, every second: one
/// signed POST per subscriber with its batch (`{"notices": [...]}`, the shape `GET
/// /v1/linkage/notices` returns). A 2xx acknowledges the batch; anything else — an error,
/// a timeout, no answer — leaves it pending with a back-off, so the agency may still pull
/// it, and it comes again with the same idempotency keys: none is lost, and a receiver
/// that keeps the keys it has handled handles each once.
struct NoticePushService: Service {
    let hub: LinkageHub
    let logger: Logger
    var interval: Duration = .seconds(1)
    var timeout: TimeInterval = 10

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        let session = URLSession(configuration: .ephemeral)
        while !Task.isCancelled {
            do {
                try await pushDue(with: session)
            } catch {
                logger.error("notice push round failed", metadata: ["type": "\(String(reflecting: type(of: error)))"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    func pushDue(with session: URLSession) async throws {
        for batch in try await hub.claimPushes() {
            let keys = batch.notices.map(\.idempotencyKey)
            let body = try JSONResponse<NoticesView>.encoder().encode(NoticesView(notices: batch.notices.map(NoticeView.init)))
            var request = URLRequest(url: batch.endpoint.url, timeoutInterval: timeout)
            request.httpMethod = "POST"
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.setValue(NoticeSignature.sign(body: Array(body), secret: batch.endpoint.secret, at: Date()), forHTTPHeaderField: NoticeSignature.header)
            request.httpBody = body
            let status = try? await (session.data(for: request).1 as? HTTPURLResponse)?.statusCode
            if let status, (200..<300).contains(status) {
                try await hub.acknowledge(keys, forAgencyID: batch.agencyID)
                RegistryMetrics.noticePush("delivered", count: keys.count)
            } else {
                // Which agency or status only: the endpoint's answer may echo personal data.
                logger.notice("notice push not taken", metadata: ["agency": "\(batch.agencyID)", "status": "\(status.map(String.init) ?? "none")"])
                try await hub.pushFailed(keys, for: batch.agencyID)
                RegistryMetrics.noticePush("retry", count: keys.count)
            }
        }
    }
}
