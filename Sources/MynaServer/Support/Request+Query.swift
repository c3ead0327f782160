import Hummingbird

extension Request {
    /// An integer query parameter: absent is `nil`; present but not an integer in `range`
    /// is a 400 `invalid-query`, so a value the document does not allow is never clamped or
    /// ignored into something the client did not ask for.
    func integerQuery(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int(text), range.contains(value) else {
            throw Problem(.badRequest, code: "invalid-query", detail: "\(name) must be an integer in \(range.lowerBound)…\(range.upperBound)")
        }
        return value
    }

    /// A required integer query parameter in `range`; missing is a 400 `invalid-query` too.
    func integerQuery(required name: String, in range: ClosedRange<Int>) throws -> Int {
        guard let value = try integerQuery(name, in: range) else {
            throw Problem(.badRequest, code: "invalid-query", detail: "\(name) is required")
        }
        return value
    }
}
