import ArgumentParser
import Crypto
import Foundation
import MynaDemo
import MynaCard
import MynaCardEmulator
import MynaCardOffice
import MynaCore
import MynaOIDC
import MynaPKI
import MynaPortal
import MynaRegistry
import MynaDatabase
import MynaSecrets
import X509
import _CryptoExtras

extension Bench {
    struct PortalBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "portal",
            abstract: "Card sign-ins and OpenID token issuance per second, beside Keycloak's published sizing.",
            discussion: """
                Sign-in: the server's side of a challenge–response — the challenge, then the answer checked: RFC 5280 path \\
                validation, the certificate's status read from the ledger (not a cache), the card's state, the RSA signature, \\
                and a new session. The cards sign beforehand (their work happens on the resident's device). Tokens: the token \\
                endpoint redeeming a code (client secret, PKCE, one-time code) and signing an access token and an ID token.
                """)
        @Option(help: "Card holders to sign in, round robin.") var holders = 20
        @Option(help: "Sign-ins and token requests to time.") var requests = 4000
        @Option(help: "Requests in flight at once.") var concurrency = 8
        @Option(help: "A postgres:// URL of an empty database; default SQLite in a temporary directory.") var database: String?

        func run() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("myna-bench-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let bench = try await BenchSystem.open(in: directory, database: database)
            let (registry, office, portal, oidc) = (bench.registry, bench.office, bench.portal, bench.system.oidc)

            // Holders with issued cards, as at the counter.
            var cards = try await issueBenchCards(holders, office: office, registry: registry)

            // Reference: one RSA-2048 signature verification, the answer's core check.
            let reference = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            let sample = try reference.signature(for: Array("reference".utf8), padding: .insecurePKCS1v1_5)
            let verifications = 4000
            let verifyStart = ContinuousClock.now
            for _ in 0..<verifications { _ = reference.publicKey.isValidSignature(sample, for: Array("reference".utf8), padding: .insecurePKCS1v1_5) }
            let verifyRate = Double(verifications) / (ContinuousClock.now - verifyStart).seconds

            // Challenges issued and signed by the cards first.
            var answers: [(id: String, certificate: [UInt8], signature: [UInt8])] = []
            var progress = ProgressBar(total: requests, label: "cards signing challenges")
            for index in 0..<requests {
                let challenge = try await portal.signIn.challenge()
                let signature = try cards[index % cards.count].sign(challenge.signingInput)
                answers.append((challenge.id, cards[index % cards.count].certificate, signature))
                if index % 100 == 0 { progress.update(index) }
            }
            progress.finish(requests)
            let signedAnswers = answers
            let signIns = try await measureConcurrently(requests, concurrency: concurrency) { index in
                let answer = signedAnswers[index]
                _ = try await portal.signIn.respond(to: answer.id, certificateDER: answer.certificate, signature: answer.signature, source: "bench")
            }
            let challenges = try await measureConcurrently(requests, concurrency: concurrency) { _ in _ = try await portal.signIn.challenge() }

            // Codes granted beforehand (the resident's consent), redeemed at the token endpoint.
            let (client, secret) = try await oidc.registerClient(name: "bench", redirectURIs: ["https://rp.example/cb"], scopes: ["openid", "name"])
            let verifier = String(repeating: "v", count: 43)
            let query = FormURLEncoded.encode([
                ("response_type", "code"), ("client_id", client.clientID), ("redirect_uri", "https://rp.example/cb"), ("scope", "openid name"),
                ("state", "s"), ("code_challenge", PKCE.challenge(for: verifier)), ("code_challenge_method", "S256"),
            ])
            var codes: [String] = []
            for index in 0..<requests {
                let held = try await oidc.hold(
                    query: query, for: cards[index % cards.count].resident, card: cards[index % cards.count].cardID, authenticatedAt: Date())
                let location = try await oidc.decide(held, for: cards[index % cards.count].resident, approve: true)
                codes.append(URLComponents(string: location)?.queryItems?.first { $0.name == "code" }?.value ?? "")
            }
            let allCodes = codes
            let authorization = "Basic " + Data("\(client.clientID):\(secret ?? "")".utf8).base64EncodedString()
            let tokens = try await measureConcurrently(requests, concurrency: concurrency) { index in
                let body = FormURLEncoded.encode([
                    ("grant_type", "authorization_code"), ("code", allCodes[index]), ("redirect_uri", "https://rp.example/cb"), ("code_verifier", verifier),
                ])
                _ = try await oidc.token(body: Data(body.utf8), authorization: authorization)
            }
            try await bench.system.close()
            let label = database == nil ? "SQLite" : "PostgreSQL"
            print("""
                | \(label), \(concurrency) in flight, \(requests) each | per second | p50 | p99 | Keycloak's sizing on 2 vCPU |
                |---|---:|---:|---:|---:|
                | reference: one RSA-2048 PKCS#1 v1.5 verification (one core) | \(format(verifyRate)) | | | |
                | challenges issued | \(format(challenges.rate)) | \(milli(challenges.p50)) | \(milli(challenges.p99)) | |
                | **card sign-ins** (path validation, ledger status, card state, signature, new session) | \(format(signIns.rate)) | \(milli(signIns.p50)) | \(milli(signIns.p99)) | 30 password logins/s |
                | **token issuance** (client secret, PKCE, one-time code, access token + ID token, ES256) | \(format(tokens.rate)) | \(milli(tokens.p50)) | \(milli(tokens.p99)) | 240 client-credential grants/s |
                """)
        }
    }
}
