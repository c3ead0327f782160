/// What kind of "no" an error is. The module that owns a code says its kind, because
/// it knows what its refusal means; the server turns a kind into an HTTP status in one
/// place (`Problem.swift`), so no module needs to know about HTTP.
public enum ErrorKind: Sendable, Hashable, CaseIterable {
    /// The request is well formed but what it says is not acceptable (422).
    case invalid
    /// It names nothing known, or nothing the caller may learn exists (404).
    case notFound
    /// It collides with what is already recorded or with the record's state (409).
    case conflict
    /// The caller is known but may not do this (403).
    case forbidden
    /// The caller has not proved who it is, or the proof failed (401).
    case unauthorized
    /// Too many attempts; the error says when to try again (429).
    case tooManyRequests
    /// The service is closed or did not answer in time (503).
    case unavailable
    /// Myna failed, not the request (500).
    case `internal`
}

/// A stable public code, never reused (style.md), that knows its kind.
public protocol ErrorCode: RawRepresentable, Sendable, Hashable, CaseIterable where RawValue == String {
    var kind: ErrorKind { get }
}

/// A module's refusal: a stable code, a fixed message that never carries a number, a
/// name or any other personal fact, and, for some codes, when to try again. The server
/// answers any of them with a problem document without knowing the module.
public protocol CodedError: Error, Sendable, CustomStringConvertible {
    associatedtype Code: ErrorCode
    var code: Code { get }
    var message: String { get }
    /// Seconds after which the same request may succeed (`Retry-After`), if the code says.
    var retryAfter: Int? { get }
}

extension CodedError {
    public var kind: ErrorKind { code.kind }
    public var retryAfter: Int? { nil }
    public var description: String { "\(code.rawValue): \(message)" }
}
