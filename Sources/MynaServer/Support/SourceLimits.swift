import Foundation
import HTTPTypes
import Hummingbird
public import MynaLinkage
public import MynaCore
import Synchronization

/// How much one source (a client address) may ask of one kind of thing, per minute, before
/// it is told to wait (429 with `Retry-After`) — kept in memory, so a refusal costs no
/// database work and an anonymous request writes nothing (issue 14, finding 5). Each
/// server counts for itself; behind a load balancer the limits hold per server.
///
/// A token bucket per source: `burst` requests at once, refilled at `perMinute`. The map
/// is bounded: past `maximumSources`, buckets that have refilled are dropped first, then
/// the oldest half — so a flood of spoofed-looking sources cannot grow memory without end.
final class SourceLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updated: Int64
    }

    let name: String
    let burst: Double
    let perMinute: Double
    let maximumSources: Int
    private let buckets = Mutex<[String: Bucket]>([:])

    init(_ name: String, burst: Int, perMinute: Int, maximumSources: Int = 100_000) {
        self.name = name
        self.burst = Double(burst)
        self.perMinute = Double(perMinute)
        self.maximumSources = maximumSources
    }

    /// Takes one request for `source`; nil when it may go ahead, else the seconds to wait.
    func take(_ source: String?, now: Int64 = WallClock.system.milliseconds) -> Int? {
        let key = source ?? "unknown"
        return buckets.withLock { buckets -> Int? in
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + Double(max(0, now - bucket.updated)) * perMinute / 60_000)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > maximumSources { Self.trim(&buckets, burst: burst, perMinute: perMinute, now: now, to: maximumSources / 2) }
            }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) * 60 / perMinute).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }

    /// Refuses with a problem document when `source` is over the limit.
    func check(_ source: String?, now: Int64 = WallClock.system.milliseconds) throws {
        guard let wait = take(source, now: now) else { return }
        var problem = Problem(.tooManyRequests, code: "rate-limited", detail: "too many \(name) from this address; try again after Retry-After seconds")
        problem.retryAfter = wait
        throw problem
    }

    var count: Int { buckets.withLock { $0.count } }

    private static func trim(_ buckets: inout [String: Bucket], burst: Double, perMinute: Double, now: Int64, to target: Int) {
        buckets = buckets.filter { _, bucket in bucket.tokens + Double(now - bucket.updated) * perMinute / 60_000 < burst }
        guard buckets.count > target else { return }
        let newest = buckets.sorted { $0.value.updated > $1.value.updated }.prefix(target)
        buckets = Dictionary(uniqueKeysWithValues: newest.map { ($0.key, $0.value) })
    }
}

/// The limits the server applies, one limiter per kind of request, and the one place
/// that says which requests each one counts. The numbers are generous for a person and
/// tight for a script: a resident signs in a few times a day; a relying party's OCSP
/// checks are many but cheap and cached.
public struct SourceLimits: Sendable {
    /// Off only for benchmarks, whose load comes from one address by design.
    let enabled: Bool
    /// The clock the buckets refill by (a test's clock that stands still makes them exact).
    let clock: WallClock

    public init(enabled: Bool = true, clock: WallClock = .system) {
        self.enabled = enabled
        self.clock = clock
    }

    /// No limits: for benchmarks that measure the server, not its refusals.
    public static let unlimited = SourceLimits(enabled: false)

    /// Staff sign-in runs scrypt: a source may try 10 at once and 10 a minute.
    let staffSignIn = SourceLimiter("staff sign-ins", burst: 10, perMinute: 10)
    /// Portal sign-in codes and card challenges write a row each.
    let challenges = SourceLimiter("sign-in codes and card challenges", burst: 60, perMinute: 30)
    /// The hotline checks a number against the registry; the owner calls once.
    let hotline = SourceLimiter("hotline calls", burst: 20, perMinute: 20)
    /// OCSP requests sign (or serve a cached) response per certificate asked about.
    let ocsp = SourceLimiter("OCSP requests", burst: 120, perMinute: 600)

    /// The limiter that counts this request, if any.
    func limiter(for method: HTTPRequest.Method, path: String) -> SourceLimiter? {
        guard enabled else { return nil }
        return switch (method, path) {
        case (.post, "/v1/staff/sessions"): staffSignIn
        case (.post, "/v1/portal/sign-in/challenges"), (.post, "/v1/card/challenges"), (.get, "/portal/sign-in"): challenges
        case (.post, "/v1/cards/suspension"): hotline
        case (_, _) where path.hasPrefix("/v1/pki/ocsp/"): ocsp
        default: nil
        }
    }
}

/// Applies ``SourceLimits`` before any handler runs: a refused request does no work and
/// writes nothing. Counted per connection address (``MynaRequestContext/clientAddress``).
struct SourceLimitMiddleware: RouterMiddleware {
    typealias Context = MynaRequestContext
    let limits: SourceLimits

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let limiter = limits.limiter(for: request.method, path: request.uri.path) {
            try limiter.check(context.clientAddress, now: limits.clock.milliseconds)
        }
        return try await next(request, context)
    }
}

/// Sets ``MynaRequestContext/clientAddress`` to the client behind the operator's reverse
/// proxies: `X-Forwarded-For` is believed only when the connection comes from a proxy the
/// operator named (`--trusted-proxy`), and then read from the right, skipping the proxies,
/// so a client cannot name itself someone else to escape its limits (issue 14, finding 5).
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = MynaRequestContext
    let trustedProxies: [AddressRange]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !trustedProxies.isEmpty else { return try await next(request, context) }
        var context = context
        context.clientAddress = Self.client(
            connectedFrom: context.clientAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!], trusting: trustedProxies)
        return try await next(request, context)
    }

    /// The client: the connection's peer, unless that is a trusted proxy; then the last
    /// address in `X-Forwarded-For` that is not one of the trusted proxies.
    static func client(connectedFrom peer: String?, forwardedFor headers: [String], trusting proxies: [AddressRange]) -> String? {
        func trusted(_ text: Substring) -> Bool {
            guard let address = IPAddress(ipv4: text) ?? IPAddress(ipv6: text) else { return false }
            return proxies.contains { $0.contains(address) }
        }
        guard let peer, trusted(Substring(peer)) else { return peer }
        let hops = headers.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !hops.isEmpty, hops.count <= 32 else { return peer }
        for hop in hops.reversed() where !trusted(Substring(hop)) {
            return IPAddress(ipv4: Substring(hop)) ?? IPAddress(ipv6: Substring(hop)) != nil ? hop : peer
        }
        return hops.first
    }
}
