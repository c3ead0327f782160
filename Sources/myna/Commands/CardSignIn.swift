import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension CardCommand {
    /// The resident's side of an OpenID Connect authorization, without a browser: sign in
    /// with the card (direct challenge, PIN), open the authorization URL, answer the
    /// consent screen, and print where the provider sends the browser back to.
    struct SignIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-in",
            abstract: "Sign in to the portal with the card and answer an app's consent request; prints the redirect URL (with the code).",
            discussion: "For scripts and tests. --consent is the authorization URL the relying party sent the resident to.")
        @OptionGroup var options: CardOptions
        @Option(help: "The user-authentication PIN (4 digits). Env: MYNA_CARD_PIN.") var pin: String?
        @Option(help: "The authorization URL (…/oidc/authorize?…).") var consent: String
        @Flag(help: "Decline instead of consenting.") var deny = false

        func run() async throws {
            guard let url = URL(string: consent), let scheme = url.scheme, let host = url.host else { throw ValidationError("--consent is a URL") }
            let server = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
            let client = JSONClient(server: server)
            let challenge = try await client.object("POST", "/v1/portal/sign-in/challenges", [:])
            let signedIn = try await CardSignature(options: options, pin: pin).answer(challenge, expecting: .portalSignIn, with: client)
            guard let token = signedIn["sessionToken"] as? String else { throw UsageFailure("the portal did not start a session") }
            let browser = CookieBrowser(cookie: "__Host-myna-portal=\(token)")

            let (page, status, response) = try await browser.send(URLRequest(url: url))
            if status == 303, let location = response?.value(forHTTPHeaderField: "Location") {
                print(location)  // the provider answered at once (an error redirect)
                return
            }
            let html = String(decoding: page, as: UTF8.self)
            guard status == 200, let request = Self.hidden("request", in: html), let csrf = Self.hidden("csrf", in: html) else {
                throw UsageFailure("no consent screen (HTTP \(status))")
            }
            var decision = URLRequest(url: URL(string: server + "/oidc/authorize/decision")!)
            decision.httpMethod = "POST"
            decision.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            decision.httpBody = Data("request=\(Self.encode(request))&csrf=\(Self.encode(csrf))&decision=\(deny ? "deny" : "approve")".utf8)
            let (_, decided, answer) = try await browser.send(decision)
            guard decided == 303, let location = answer?.value(forHTTPHeaderField: "Location") else { throw UsageFailure("the decision was not accepted (HTTP \(decided))") }
            print(location)
        }

        /// A hidden form field's value in the consent screen.
        static func hidden(_ name: String, in html: String) -> String? {
            guard let range = html.range(of: "name=\"\(name)\" value=\""), let end = html[range.upperBound...].firstIndex(of: "\"") else { return nil }
            return String(html[range.upperBound..<end]).replacingOccurrences(of: "&amp;", with: "&")
        }

        static func encode(_ value: String) -> String {
            value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
        }
    }
}

/// A client that sends the portal's cookie by hand (it is `Secure`, and the demo runs on
/// plain loopback) and does not follow redirects: the redirect is the answer.
final class CookieBrowser: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
    let cookie: String
    private lazy var session = URLSession(configuration: .ephemeral, delegate: self, delegateQueue: nil)

    init(cookie: String) { self.cookie = cookie }

    func send(_ request: URLRequest) async throws -> (Data, Int, HTTPURLResponse?) {
        var request = request
        request.httpShouldHandleCookies = false
        request.setValue(cookie, forHTTPHeaderField: "Cookie")
        let (data, response) = try await session.data(for: request)
        let http = response as? HTTPURLResponse
        return (data, http?.statusCode ?? 0, http)
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
        completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
