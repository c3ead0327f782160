public import Foundation
public import MynaAudit
public import MynaCardOffice
import MynaCore
import Synchronization
public import MynaLinkage
public import MynaPKI
public import MynaPortal
public import MynaRegistry
public import MynaServices
public import MynaSystem

extension TestEnvironment {
    /// The system's configuration in this test's directory: its keys, its clock, a cheap
    /// password KDF, kiosks open at any hour.
    public var systemConfiguration: SystemConfiguration {
        SystemConfiguration(
            dataDirectory: directory, keys: keys, kioskHours: .always, passwordCost: 1 << 10, clock: clock.wallClock)
    }
}

/// The whole system over the test's database, opened by the wiring point the server
/// uses (``MynaSystem/open(_:on:logger:)``), with any part the test made itself put in its
/// place. Its CAs were made a day before the test clock's start, so certificates issued
/// at the test's "now" fall inside their validity.
public func makeTestSystem(
    _ registry: Registry, _ environment: TestEnvironment, pki: RevocationPublisher? = nil, cards: CardOffice? = nil, linkage: LinkageHub? = nil,
    log: TransparencyLog? = nil, portal: Portal? = nil, oidc: OIDCProvider? = nil, services: Services? = nil
) async throws -> MynaSystem {
    let configuration = environment.systemConfiguration
    if !CertificateAuthorities.isInitialised(in: configuration.authoritiesDirectory) {
        try FileManager.default.copyItem(at: try sharedTestAuthorities.directory(), to: configuration.authoritiesDirectory)
    }
    var system = try await MynaSystem.open(configuration, on: environment.database, logger: testLogger)
    if let pki { system.pki = pki }
    if let cards { system.cards = cards }
    if let linkage { system.linkage = linkage }
    if let log { system.log = log }
    if let portal { system.portal = portal }
    if let oidc { system.oidc = oidc }
    if let services { system.services = services }
    return system
}

/// A fresh database of `kind` with the whole system over it.
public func withTestSystem<T: Sendable>(_ kind: DatabaseKind, _ body: (MynaSystem, TestEnvironment) async throws -> T) async throws -> T {
    try await withTestRegistry(kind) { registry, environment in
        try await body(try await makeTestSystem(registry, environment), environment)
    }
}

/// One set of test CAs per test process, copied into each test's directory: generating
/// three RSA keys costs more than most tests (BoringSSL is built without optimisation in
/// debug builds). Every test clock starts at the same instant, so one backdated set fits all.
let sharedTestAuthorities = SharedTestAuthorities()

final class SharedTestAuthorities: Sendable {
    private let made = Mutex<URL?>(nil)

    func directory() throws -> URL {
        try made.withLock { made in
            if let made { return made }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-test-ca-\(UUID().uuidString)")
            _ = try CertificateAuthorities.initialize(
                in: directory, urls: RevocationURLs(base: SystemConfiguration(dataDirectory: directory).pkiURL),
                now: TestClock().now.addingTimeInterval(-86_400))
            made = directory
            return directory
        }
    }
}
