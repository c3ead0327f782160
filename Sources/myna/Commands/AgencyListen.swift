import ArgumentParser
import Foundation
import Hummingbird
import MynaLinkage
import Synchronization

extension AgencyCommand {
    /// The receiving end of pushed notices, for agencies and tests: checks each delivery's
    /// signature and hands each new notice to the handler once.
    struct Listen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive pushed notices: verify the hub's signature, print each new notice once as a JSON line.",
            discussion: """
                Subscribe first with `myna agency subscribe --item ITEM --endpoint http://HOST:PORT/notices` (plain http to a \\
                host the server allows with --push-allow; `myna demo` allows loopback), and give the secret it printed to --secret. A delivery with a bad or stale signature is answered 401 and handled not at all; a good one \\
                is answered 204 after its new notices are handled (and recorded in --seen), so the hub stops retrying it.
                """)
        @Option(help: "The address to listen on.") var host = "127.0.0.1"
        @Option(help: "The port to listen on.") var port: Int
        @Option(help: "The subscription's secret (base64), as `myna agency subscribe` printed it.") var secret: String
        @Option(help: "File of idempotency keys already handled.") var seen: String?
        @Option(help: "Exit after handling this many new notices.") var count: Int?
        @Option(help: "Answer the first N deliveries 503, to watch the hub retry.") var refuseFirst = 0

        func run() async throws {
            guard let key = Data(base64Encoded: secret), key.count >= 16 else { throw ValidationError("--secret is the base64 secret of the subscription") }
            let state = Mutex((handler: NoticeHandler(seen: seen), refused: 0, handledCount: 0))
            let (limit, refuse) = (count, refuseFirst)
            let router = Router()
            router.post("/notices") { request, _ -> Response in
                let body = try await request.body.collect(upTo: 4 << 20)
                let bytes = Array(body.readableBytesView)
                guard let signature = request.headers.first(where: { $0.name.canonicalName == NoticeSignature.header.lowercased() })?.value,
                    NoticeSignature.verify(signature, body: bytes, secret: Array(key), now: Date())
                else { return Response(status: .unauthorized) }
                let done = try state.withLock { state -> Bool? in
                    if state.refused < refuse {
                        state.refused += 1
                        return nil
                    }
                    let before = state.handler.handledCount
                    guard try state.handler.handle(Data(bytes)) != nil else { return false }
                    state.handledCount += state.handler.handledCount - before
                    return limit.map { state.handledCount >= $0 } ?? false
                }
                guard let done else { return Response(status: .serviceUnavailable) }
                if done {
                    // Answer first, then stop: the hub must see this delivery taken.
                    Task {
                        try? await Task.sleep(for: .milliseconds(200))
                        Foundation.exit(0)
                    }
                }
                return Response(status: .noContent)
            }
            let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "myna-agency-listener"))
            try await app.runService()
        }
    }
}
