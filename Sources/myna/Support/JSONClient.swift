import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small JSON client over HTTP for the CLI's commands that talk to a server.
struct JSONClient {
    let server: String

    /// Sends a request; the answer's body, status and headers.
    func exchange(_ method: String, _ path: String, _ body: [String: Any]?, headers: [String: String] = [:]) async throws -> (Data, Int, HTTPURLResponse?) {
        try await exchange(method, path, json: try body.map { try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]) }, headers: headers)
    }

    /// Sends a request with a JSON body already encoded (when a signature covers its bytes).
    func exchange(_ method: String, _ path: String, json body: Data?, headers: [String: String] = [:]) async throws -> (Data, Int, HTTPURLResponse?) {
        guard let url = URL(string: server + path) else { throw UsageFailure("bad server URL: \(server)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        if let body {
            request.httpBody = body
            request.setValue("application/json", forHTTPHeaderField: "content-type")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return (data, http?.statusCode ?? 0, http)
    }

    /// Sends a request and decodes a JSON object from a 2xx answer; anything else fails
    /// with the server's problem document as the message.
    func object(_ method: String, _ path: String, _ body: [String: Any]?, headers: [String: String] = [:]) async throws -> [String: Any] {
        let (data, status, _) = try await exchange(method, path, body, headers: headers)
        guard (200..<300).contains(status), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw UsageFailure(String(decoding: data, as: UTF8.self))
        }
        return object
    }
}
