public import Foundation
public import MynaCardOffice
import MynaPKI
public import MynaRegistry

/// A card office over `registry` with its own CAs, all on the test's clock, so tests
/// can move time through card validity, renewal windows and expiry.
public func makeTestCardOffice(_ registry: Registry, _ environment: TestEnvironment, directory name: String = "card-ca") throws -> CardOffice {
    let clock = environment.clock.wallClock
    let authorities = try CertificateAuthorities.initialize(
        in: environment.directory.appendingPathComponent(name), urls: RevocationURLs(base: "http://127.0.0.1:8080/v1/pki"),
        now: environment.clock.now.addingTimeInterval(-86_400))
    let publisher = RevocationPublisher(
        authorities: authorities, ledger: SQLCertificateLedger(database: environment.database, clock: clock), clock: clock)
    return try CardOffice(registry: registry, publisher: publisher, keys: environment.keys, clock: clock)
}
