import Crypto
import Foundation
import MynaCore
import MynaRegistry
import MynaDatabase
import MynaSecrets
import MynaTestSupport
import Testing

/// Creates a clerk and signs them in with a correct one-time code.
func signedInClerk(
    _ registry: Registry, _ environment: TestEnvironment, username: String = "clerk", role: StaffRole = .clerk,
    municipality: MunicipalityCode = chiyoda
) async throws -> (SignedIn, NewStaffAccount) {
    let account = try await registry.staff.create(
        username: username, displayName: "窓口 太郎", role: role, municipality: municipality, password: "correct horse battery")
    let code = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
    return (try await registry.staff.signIn(username: username, password: "correct horse battery", code: code, source: "192.0.2.1"), account)
}

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 Appendix B, SHA-1 rows (8 digits, secret "12345678901234567890").
    @Test(arguments: [
        (59.0, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ])
    func rfcVectors(time: Double, expected: String) {
        var totp = TOTP(secret: Array("12345678901234567890".utf8))
        totp.digits = 8
        #expect(totp.code(at: Date(timeIntervalSince1970: time)) == expected)
    }

    @Test func driftWindow() {
        let totp = TOTP(secret: TOTP.newSecret())
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(totp.matchingStep(totp.code(at: now - 30), at: now) == totp.timeStep(at: now) - 1)
        #expect(totp.matchingStep(totp.code(at: now + 30), at: now) == totp.timeStep(at: now) + 1)
        #expect(totp.matchingStep(totp.code(at: now - 90), at: now) == nil)
    }

    @Test func base32RoundTrip() {
        let secret = TOTP.newSecret()
        #expect(Base32.decode(Base32.encode(secret)) == secret)
        #expect(Base32.encode(Array("foobar".utf8)) == "MZXW6YTBOI")  // RFC 4648 §10
        #expect(Base32.decode("not base32!") == nil)
    }
}

@Suite("Staff sign-in and procedures")
struct StaffDirectoryTests {
    @Test("password and current TOTP sign in; a wrong factor or a replayed code does not", arguments: DatabaseKind.available)
    func signIn(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let (signedIn, account) = try await signedInClerk(registry, environment)
            #expect(signedIn.session.member.role == .clerk)
            #expect(try await registry.staff.session(token: signedIn.token)?.member.id == account.member.id)
            let totp = TOTP(secret: account.totpSecret)
            let code = totp.code(at: environment.clock.now)
            // The same code again is a replay.
            await #expect(throws: RegistryError.self) {
                try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: code, source: "192.0.2.1")
            }
            environment.clock.advance(by: 30)
            let next = totp.code(at: environment.clock.now)
            await #expect(throws: RegistryError.self) {
                try await registry.staff.signIn(username: "clerk", password: "wrong password!!", code: next, source: "192.0.2.1")
            }
            await #expect(throws: RegistryError.self) {
                try await registry.staff.signIn(username: "nobody", password: "correct horse battery", code: next, source: "192.0.2.1")
            }
            _ = try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: next, source: "192.0.2.1")
        }
    }

    @Test("five failures lock the account, even against the right password", arguments: DatabaseKind.available)
    func lockout(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let account = try await registry.staff.create(
                username: "clerk", displayName: "窓口", role: .clerk, municipality: chiyoda, password: "correct horse battery")
            for _ in 0..<StaffDirectory.lockoutThreshold {
                await #expect(throws: RegistryError(.invalidCredentials, "the username, password or one-time code is wrong")) {
                    try await registry.staff.signIn(username: "clerk", password: "guess guess guess", code: "000000", source: "192.0.2.1")
                }
            }
            let code = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
            await #expect(throws: RegistryError(.invalidCredentials, "the username, password or one-time code is wrong")) {
                try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: code, source: "192.0.2.1")
            }
            environment.clock.advance(by: StaffDirectory.lockoutDuration + 1)
            let later = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
            _ = try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: later, source: "192.0.2.1")
        }
    }

    /// Issue 14: anyone who knew a username could lock its member out by failing five times.
    @Test("a stranger's failures from one address do not stop the member signing in from another", arguments: DatabaseKind.available)
    func lockoutPerSource(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let account = try await registry.staff.create(
                username: "clerk", displayName: "窓口", role: .clerk, municipality: chiyoda, password: "correct horse battery")
            let (stranger, counter) = ("203.0.113.66", "198.51.100.7")
            for _ in 0..<(StaffDirectory.lockoutThreshold * 4) {
                _ = try? await registry.staff.signIn(username: "clerk", password: "guess guess guess", code: "000000", source: stranger)
            }
            // The stranger's address is locked, even with the right password and code…
            let code = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
            await #expect(throws: RegistryError(.invalidCredentials, "the username, password or one-time code is wrong")) {
                try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: code, source: stranger)
            }
            // …the member at the counter is not.
            _ = try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: code, source: counter)
            // Only keyed hashes of the addresses are kept (see `SourceKeys`).
            let kept = try await environment.database.read { try await $0.query("SELECT source_key FROM staff_sign_in_failures").map { try $0.bytes("source_key") } }
            #expect(kept.count == StaffDirectory.lockoutThreshold * 4 + 1 && Set(kept).count == 1)
            #expect(!kept.contains { String(decoding: $0, as: UTF8.self).contains(stranger) })
        }
    }

    /// Issue 14: sources were kept as a plain SHA-256, which hashing all 2^32 IPv4
    /// addresses undoes; here a /16 stands in for the whole space.
    @Test("a kept address is a keyed hash: not its SHA-256, and not found by enumerating addresses without the key", arguments: DatabaseKind.available)
    func sourcesAreKeyed(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            _ = try await registry.staff.create(username: "clerk", displayName: "窓口", role: .clerk, municipality: chiyoda, password: "correct horse battery")
            let address = "10.0.\(Int.random(in: 0...255)).\(Int.random(in: 0...255))"
            _ = try? await registry.staff.signIn(username: "clerk", password: "guess guess guess", code: "000000", source: address)
            let kept = try #require(try await environment.database.read { try await $0.first("SELECT source_key FROM staff_sign_in_failures") }?.bytes("source_key"))
            // The attack: hash every candidate address, with and without the context label.
            var found: [String] = []
            for third in 0...255 {
                for fourth in 0...255 {
                    let candidate = "10.0.\(third).\(fourth)"
                    for text in [candidate, "staff-sign-in\u{0}\(candidate)", "portal-source\u{0}\(candidate)"] where Array(SHA256.hash(data: Array(text.utf8))) == kept {
                        found.append(candidate)
                    }
                }
            }
            #expect(found.isEmpty)
            // With the key (which the database does not hold) it is the address's.
            #expect(try SourceKeys(keys: environment.keys).key(for: address, in: .staffSignIn) == kept)
        }
    }

    @Test("failures from many addresses together reach the ceiling and lock the account everywhere", arguments: DatabaseKind.available)
    func lockoutCeiling(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let account = try await registry.staff.create(
                username: "clerk", displayName: "窓口", role: .clerk, municipality: chiyoda, password: "correct horse battery")
            for index in 0..<StaffDirectory.lockoutCeiling {
                _ = try? await registry.staff.signIn(username: "clerk", password: "guess guess guess", code: "000000", source: "203.0.113.\(index)")
            }
            let code = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
            await #expect(throws: RegistryError.self) {
                try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: code, source: "198.51.100.7")
            }
            environment.clock.advance(by: StaffDirectory.lockoutDuration + 1)
            let later = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
            _ = try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: later, source: "198.51.100.7")
        }
    }

    /// Issue 14: a locked account answered `429 account-locked` at once, an unknown one
    /// `invalid-credentials` after the KDF — the answer and its time named real usernames.
    @Test("an unknown user, a wrong password and a locked account take the same work", arguments: DatabaseKind.available)
    func refusalsCostTheSame(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { _, environment in
            // A KDF slow enough (N = 2^14) to stand out from the database work around it.
            let staff = try StaffDirectory(database: environment.database, keys: environment.keys, clock: environment.clock.wallClock, passwordCost: 1 << 14)
            for username in ["locked", "open"] {
                _ = try await staff.create(username: username, displayName: "窓口", role: .clerk, municipality: chiyoda, password: "correct horse battery")
            }
            for _ in 0..<StaffDirectory.lockoutThreshold {
                _ = try? await staff.signIn(username: "locked", password: "guess guess guess", code: "000000", source: "192.0.2.1")
            }
            func fastest(_ username: String) async throws -> Duration {
                var times: [Duration] = []
                for _ in 0..<3 {
                    let started = ContinuousClock.now
                    await #expect(throws: RegistryError(.invalidCredentials, "the username, password or one-time code is wrong")) {
                        try await staff.signIn(username: username, password: "guess guess guess", code: "000000", source: "192.0.2.1")
                    }
                    times.append(ContinuousClock.now - started)
                }
                return try #require(times.min())
            }
            let (wrong, unknown, locked) = (try await fastest("open"), try await fastest("nobody"), try await fastest("locked"))
            // One-sided and loose, so a loaded machine cannot fail it: a refusal that skipped the
            // KDF would take a thousandth of the time, not a twentieth.
            #expect(unknown * 20 > wrong && locked * 20 > wrong, "wrong \(wrong), unknown \(unknown), locked \(locked)")
        }
    }

    @Test("accounts need a strong password and a unique name", arguments: DatabaseKind.available)
    func accountRules(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, _ in
            await #expect(throws: RegistryError.self) {
                try await registry.staff.create(username: "clerk", displayName: "x", role: .clerk, municipality: chiyoda, password: "short")
            }
            _ = try await registry.staff.create(username: "clerk", displayName: "x", role: .clerk, municipality: chiyoda, password: "long enough password")
            await #expect(throws: RegistryError.self) {
                try await registry.staff.create(username: "clerk", displayName: "y", role: .clerk, municipality: chiyoda, password: "long enough password")
            }
            await #expect(throws: RegistryError.self) {
                try await registry.staff.create(username: "bad name", displayName: "y", role: .clerk, municipality: chiyoda, password: "long enough password")
            }
        }
    }

    /// openapi.json states these limits as minLength and maxLength, which count code points.
    @Test("names, passwords and purposes are measured in code points", arguments: DatabaseKind.available)
    func lengthsInCodePoints(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            // 12 code points, 6 characters: long enough. 400 code points, 1,200 UTF-8 bytes: not too long.
            _ = try await registry.staff.create(
                username: "a", displayName: "x", role: .clerk, municipality: chiyoda, password: String(repeating: "か\u{3099}", count: 6))
            _ = try await registry.staff.create(username: "b", displayName: "x", role: .clerk, municipality: chiyoda, password: String(repeating: "あ", count: 400))
            await #expect(throws: RegistryError.self) {
                try await registry.staff.create(username: "c", displayName: "x", role: .clerk, municipality: chiyoda, password: String(repeating: "a", count: 1025))
            }
            // 51 characters written with combining marks are 102 code points: too long a name.
            await #expect(throws: RegistryError.self) {
                try await registry.staff.create(
                    username: "d", displayName: String(repeating: "か\u{3099}", count: 51), role: .clerk, municipality: chiyoda, password: "long enough password")
            }
            let resident = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let (signedIn, _) = try await signedInClerk(registry, environment)
            let session = try #require(try await registry.staff.session(token: signedIn.token))
            let error = await #expect(throws: RegistryError.self) {
                try await registry.staff.openProcedure(in: session, for: resident, purpose: String(repeating: "か\u{3099}", count: 101), registry: registry.residents)
            }
            #expect(error?.code == .invalidRequest)
        }
    }

    @Test("one procedure per session, for one resident, closed by sign-out", arguments: DatabaseKind.available)
    func oneProcedure(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let a = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let b = try await registry.residents.register(try facts("別　人", kana: "ベツ　ジン"), by: clerk, reason: "birth").resident.id
            let (signedIn, _) = try await signedInClerk(registry, environment)
            var session = try #require(try await registry.staff.session(token: signedIn.token))
            #expect(throws: RegistryError.self) { try StaffDirectory.procedure(in: session, for: a) }

            let procedure = try await registry.staff.openProcedure(in: session, for: a, purpose: "住民票の写し", registry: registry.residents)
            await #expect(throws: RegistryError.self) {
                try await registry.staff.openProcedure(in: session, for: b, purpose: "次の人", registry: registry.residents)
            }
            session = try #require(try await registry.staff.session(token: signedIn.token))
            #expect(try StaffDirectory.procedure(in: session, for: a).id == procedure.id)
            #expect(throws: RegistryError(.procedureForAnotherResident, "the open procedure is for another resident")) {
                try StaffDirectory.procedure(in: session, for: b)
            }
            #expect(try await registry.staff.closeProcedure(in: session))
            _ = try await registry.staff.openProcedure(in: session, for: b, purpose: "次の人", registry: registry.residents)

            try await registry.staff.signOut(session)
            #expect(try await registry.staff.session(token: signedIn.token) == nil)
            let open = try await environment.database.read { try await $0.query("SELECT id FROM procedures WHERE closed_at IS NULL") }
            #expect(open.isEmpty)
        }
    }

    @Test("an idle procedure closes itself, and an idle session ends", arguments: DatabaseKind.available)
    func timeouts(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let a = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let (signedIn, _) = try await signedInClerk(registry, environment)
            let session = try #require(try await registry.staff.session(token: signedIn.token))
            _ = try await registry.staff.openProcedure(in: session, for: a, purpose: "相談", registry: registry.residents)
            environment.clock.advance(by: StaffDirectory.procedureIdleTimeout + 1)
            let later = try #require(try await registry.staff.session(token: signedIn.token))
            #expect(later.procedure == nil)
            let reason = try await environment.database.read { try await $0.first("SELECT close_reason FROM procedures")!.string("close_reason") }
            #expect(reason == "timeout")
            environment.clock.advance(by: StaffDirectory.sessionIdleTimeout + 1)
            #expect(try await registry.staff.session(token: signedIn.token) == nil)
        }
    }

    @Test("procedures stay within the municipality, except to complete a move-in", arguments: DatabaseKind.available)
    func jurisdiction(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let (sapporoClerk, _) = try await signedInClerk(registry, environment, username: "sapporo", municipality: sapporo)
            let session = try #require(try await registry.staff.session(token: sapporoClerk.token))
            await #expect(throws: RegistryError.self) {
                try await registry.staff.openProcedure(in: session, for: id, purpose: "照会", registry: registry.residents)
            }
            _ = try await registry.residents.moveOut(id, to: sapporo, on: try CalendarDate(iso: "2026-04-01"), by: clerk, reason: "転出届")
            _ = try await registry.staff.openProcedure(in: session, for: id, purpose: "転入届", registry: registry.residents)
        }
    }

    @Test("changes are decided by the municipality the resident is registered in", arguments: DatabaseKind.available)
    func jurisdictionOfChanges(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            _ = try await registry.residents.moveOut(id, to: sapporo, on: try CalendarDate(iso: "2026-04-01"), by: clerk, reason: "転出届", within: chiyoda)
            // The municipality left behind cannot complete the move, nor can the
            // destination act on the resident before the move-in is done.
            await #expect(throws: RegistryError.self) {
                try await registry.residents.moveIn(id, addressText: "札幌", on: try CalendarDate(iso: "2026-04-02"), by: clerk, reason: "転入届", within: chiyoda)
            }
            await #expect(throws: RegistryError.self) {
                try await registry.residents.changeNumber(of: id, authority: .exOfficio, by: clerk, reason: "漏えい", within: sapporo)
            }
            await #expect(throws: RegistryError.self) {  // a move-in cannot be dated in the future
                try await registry.residents.moveIn(id, addressText: "札幌", on: try CalendarDate(iso: "2099-01-01"), by: clerk, reason: "転入届", within: sapporo)
            }
            _ = try await registry.residents.moveIn(id, addressText: "札幌市中央区", on: try CalendarDate(iso: "2026-04-02"), by: clerk, reason: "転入届", within: sapporo)
            await #expect(throws: RegistryError.self) {
                try await registry.residents.recordDeath(of: id, on: try CalendarDate(iso: "2026-05-01"), by: clerk, reason: "死亡届", within: chiyoda)
            }
            await #expect(throws: RegistryError.self) {  // nor a death
                try await registry.residents.recordDeath(of: id, on: try CalendarDate(iso: "2099-05-01"), by: clerk, reason: "死亡届", within: sapporo)
            }
        }
    }

    @Test("after a lock runs out, one more failure does not lock again", arguments: DatabaseKind.available)
    func lockoutResets(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let account = try await registry.staff.create(
                username: "clerk", displayName: "窓口", role: .clerk, municipality: chiyoda, password: "correct horse battery")
            for _ in 0..<StaffDirectory.lockoutThreshold {
                _ = try? await registry.staff.signIn(username: "clerk", password: "guess guess guess", code: "000000", source: "192.0.2.1")
            }
            environment.clock.advance(by: StaffDirectory.lockoutDuration + 1)
            _ = try? await registry.staff.signIn(username: "clerk", password: "guess guess guess", code: "000000", source: "192.0.2.1")
            let code = TOTP(secret: account.totpSecret).code(at: environment.clock.now)
            _ = try await registry.staff.signIn(username: "clerk", password: "correct horse battery", code: code, source: "192.0.2.1")
        }
    }

    @Test("auditors and operators do not open counter procedures", arguments: DatabaseKind.available)
    func roles(kind: DatabaseKind) async throws {
        try await withTestRegistry(kind) { registry, environment in
            let id = try await registry.residents.register(try facts(), by: clerk, reason: "birth").resident.id
            let (auditor, _) = try await signedInClerk(registry, environment, username: "auditor", role: .auditor)
            let session = try #require(try await registry.staff.session(token: auditor.token))
            await #expect(throws: RegistryError.self) {
                try await registry.staff.openProcedure(in: session, for: id, purpose: "監査", registry: registry.residents)
            }
            #expect(StaffRole.auditor.may(.audit) && !StaffRole.clerk.may(.audit))
            #expect(StaffRole.supervisor.may(.changeNumber) && !StaffRole.clerk.may(.changeNumber))
        }
    }
}
