import AsyncHTTPClient
import Foundation
import Logging
import MynaLinkage
import NIOCore
import ServiceLifecycle

/// Pushes pending notices to the endpoints agencies subscribed with, every second: one
/// signed POST per subscriber with its batch (`{"notices": [...]}`, the shape `GET
/// /v1/linkage/notices` returns). A 2xx acknowledges the batch; anything else — an error,
/// a timeout, no answer, a redirect, an endpoint the push policy refuses — leaves it
/// pending with a back-off, so the agency may still pull it, and it comes again with the
/// same idempotency keys: none is lost, and a receiver that keeps the keys it has handled
/// handles each once.
///
/// The request goes from inside the operator's network to a URL an agency chose, so
/// (docs/linkage.md, "Where notices may go"): the endpoint is checked again against
/// ``PushEndpointPolicy`` right before the push and the connection is pinned to the
/// address just checked (a name that resolved to a public address at subscription may
/// resolve to 127.0.0.1 now — DNS rebinding); redirects are never followed (a 3xx is an
/// answer that is not 2xx); and the exchange has a deadline and the answer a size cap.
struct NoticePushService: Service {
    let hub: LinkageHub
    let logger: Logger
    var interval: Duration = .seconds(1)
    /// The whole exchange — connecting, sending, and the answer to its last byte.
    var timeout: Duration = .seconds(10)
    /// The most of an answer read; the status is all that counts, a longer answer is cut off.
    var answerLimit = 64 * 1024

    func run() async throws {
        try await cancelWhenGracefulShutdown { try await loop() }
    }

    private func loop() async throws {
        while !Task.isCancelled {
            do {
                try await pushDue()
            } catch {
                logger.error("notice push round failed", metadata: ["type": "\(String(reflecting: type(of: error)))"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    func pushDue() async throws {
        for batch in try await hub.claimPushes() {
            let keys = batch.notices.map(\.idempotencyKey)
            let outcome: String
            do {
                let target = try await hub.pushPolicy.check(batch.endpoint.url)
                let body = try JSONResponse<NoticesView>.encoder().encode(NoticesView(notices: batch.notices.map(NoticeView.init)))
                let signature = NoticeSignature.sign(body: Array(body), secret: batch.endpoint.secret, at: Date())
                outcome = try await post(body, signature: signature, to: target)
            } catch let refusal as LinkageError {
                // Allowed once, not now: the name moved, or the operator narrowed the setting.
                outcome = "refused: \(refusal.code.rawValue)"
            } catch {
                outcome = "no answer"
            }
            if outcome == "2xx" {
                try await hub.acknowledge(keys, forAgencyID: batch.agencyID)
                RegistryMetrics.noticePush("delivered", count: keys.count)
            } else {
                // Which agency and outcome only: the endpoint's answer may echo personal data.
                logger.notice("notice push not taken", metadata: ["agency": "\(batch.agencyID)", "outcome": "\(outcome)"])
                try await hub.pushFailed(keys, for: batch.agencyID)
                RegistryMetrics.noticePush("retry", count: keys.count)
            }
        }
    }

    /// One POST to the checked address; returns `2xx` or what else came back. A client of
    /// its own per push, since the pinning (`dnsOverride`) is the client's configuration.
    private func post(_ body: Data, signature: String, to target: PushEndpointPolicy.Target) async throws -> String {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: TimeAmount(timeout), read: TimeAmount(timeout)), decompression: .disabled)
        // Pin the host, whatever its spelling (a name, `0x7f.1`, `[::1]`), to the address
        // the policy checked: the client then connects there and looks nothing up.
        configuration.dnsOverride = [target.host: target.address.description, "[\(target.host)]": target.address.description]
        configuration.connectionPool = .init(idleTimeout: .seconds(1), concurrentHTTP1ConnectionsPerHostSoftLimit: 1)
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
        do {
            var request = HTTPClientRequest(url: target.url.absoluteString)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: NoticeSignature.header, value: signature)
            request.body = .bytes(ByteBuffer(bytes: body))
            let prepared = request
            let status = try await withDeadline(timeout) {
                let response = try await client.execute(prepared, timeout: TimeAmount(timeout))
                // Read (and drop) the answer within the deadline and the cap: an endpoint
                // cannot hold the push open or fill the hub's memory.
                _ = try await response.body.collect(upTo: answerLimit)
                return response.status
            }
            try await client.shutdown()
            return (200..<300).contains(status.code) ? "2xx" : "status \(status.code)"
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Runs `work`, cancelling it when the deadline passes first.
    private func withDeadline<T: Sendable>(_ deadline: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await work() }
            group.addTask {
                try await Task.sleep(for: deadline)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let value = first else { throw CancellationError() }
            return value
        }
    }
}
